-- assay store, migration 14: what the manifest says about a transcript (issue 16,
-- docs/transcripts.md): the media file it belongs to (path text, its duration is checked
-- against the cues) and the language it declares. Manifest facts like ground truth: not part
-- of the document's identity; NULL when not given.
ALTER TABLE documents ADD COLUMN media TEXT;
ALTER TABLE documents ADD COLUMN language TEXT;
