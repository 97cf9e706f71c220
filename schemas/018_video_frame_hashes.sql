-- assay store, migration 18: video frames in the corpus-wide near-duplicate step (issue 16,
-- docs/video.md "Near-copies across the corpus").

-- Each sampled frame's 64-bit perceptual hash (the video stage's video.frames[].phash), 16
-- lowercase hex digits: written with the document's result, deleted when a later result has
-- none (the document became an error). Videos decided before this migration have none until
-- they are processed again (the video stage's version 2 does that on the next run).
CREATE TABLE video_frame_hashes (
  doc_id TEXT NOT NULL REFERENCES documents(doc_id),
  frame  INTEGER NOT NULL,  -- frame index in the video
  phash  TEXT NOT NULL CHECK (length(phash) = 16),
  PRIMARY KEY (doc_id, frame)
);

-- What the supervisor's near-duplicate step found for frames (core/near_duplicates.h
-- FindFrameNearDuplicates), made again over the whole store after every run: one row per
-- sampled frame within `max_distance` of an image document (`of_frame` NULL) or of a frame of
-- another video file. Nothing is dropped for it: the video's metric
-- video.corpus_near_duplicate_frames counts its rows.
CREATE TABLE frame_near_duplicates (
  doc_id       TEXT NOT NULL REFERENCES documents(doc_id),
  frame        INTEGER NOT NULL,
  of_doc_id    TEXT NOT NULL,
  of_frame     INTEGER,
  distance     INTEGER NOT NULL,
  max_distance INTEGER NOT NULL,
  run_id       INTEGER NOT NULL REFERENCES runs(run_id),
  found_at     TEXT NOT NULL,
  PRIMARY KEY (doc_id, frame)
);
