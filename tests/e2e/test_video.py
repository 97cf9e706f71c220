"""The video modality (issue 16, docs/video.md) on a test set made with ffmpeg from real corpus
images (tests/video_testset.py): a timeline with known scene cuts, black, frozen and blurred
segments, the same content in five containers, and hostile files in the same batch.

Holds: scene-cut recall >= 0.9 (a cut found within 0.5 s of a true one), black and frozen
stretches each within 1 s of the truth at both ends, the sampled-frame count bounded by
video.max_frames, the contract's decision with rule, value and threshold, the export (JSON
Schema, frames as PNG at the timestamps given) and one clear error per hostile file with the
batch going on."""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import unittest

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, SOURCE_DIR, AssayTestCase, export, metrics,
                       query, run_assay, sha256_file)

MAX_FRAMES = 12  # below the timeline's 12 scenes + rate samples: the bound is exercised


def match_within(found, truth, tolerance):
    """How many of `truth` have a `found` value within `tolerance` (each found used once)."""
    left = list(found)
    hits = 0
    for t in truth:
        best = min(left, key=lambda f: abs(f - t), default=None)
        if best is not None and abs(best - t) <= tolerance:
            hits += 1
            left.remove(best)
    return hits


@unittest.skipUnless(shutil.which("ffmpeg"), "ffmpeg is not installed (build.sh deps)")
class VideoTestSet(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = cls.temp_dir("video-set")
        subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "tests", "video_testset.py"),
                        CORPORA, cls.data], check=True)
        with open(os.path.join(cls.data, "truth.json")) as f:
            cls.truth = json.load(f)
        os.remove(os.path.join(cls.data, "truth.json"))
        cls.out = cls.temp_dir("video-out")
        cls.result = run_assay(["run", cls.data, "--out", cls.out, "-j", "2", "--json",
                                "--set", f"video.max_frames={MAX_FRAMES}"], timeout=300)
        cls.records = {r["source"]["path"]: r for r in export(cls.out)[0]}

    def record(self, name):
        return self.records[os.path.join(self.data, name)]

    def test_batch_finishes_with_one_outcome_each(self):
        self.assertExit(self.result, EXIT_DOC_ERRORS)  # the hostile files are errors
        names = ["timeline.mp4"] + self.truth["containers"] + sorted(self.truth["hostile"])
        self.assertEqual(self.result.json()["documents"], len(names))
        for name in names:
            d = self.doc_by_path(self.out, os.path.join(self.data, name))
            self.assertIn(d["outcome"], ("accepted", "rejected", "error"), name)

    def test_scene_cuts_black_and_frozen_are_found(self):
        video = self.record("timeline.mp4")["video"]
        cuts = video["scene_cuts"]
        recall = match_within(cuts, self.truth["cuts"], 0.5) / len(self.truth["cuts"])
        precision = match_within(self.truth["cuts"], cuts, 0.5) / max(1, len(cuts))
        print(f"\nscene cuts: recall {recall:.3f}, precision {precision:.3f} "
              f"({len(cuts)} found, {len(self.truth['cuts'])} true)", file=sys.stderr)
        self.assertGreaterEqual(recall, 0.9, (cuts, self.truth["cuts"]))
        for kind in ("black", "frozen"):
            found = [(s["start"], s["end"]) for s in video["stretches"] if s["kind"] == kind]
            with self.subTest(kind=kind):
                self.assertEqual(len(found), len(self.truth[kind]), (found, self.truth[kind]))
                for (start, end), (t_start, t_end) in zip(found, self.truth[kind]):
                    self.assertLessEqual(abs(start - t_start), 1.0, (kind, found))
                    self.assertLessEqual(abs(end - t_end), 1.0, (kind, found))
        m = metrics(self.out, self.record("timeline.mp4")["doc_id"])
        self.assertAlmostEqual(m["video.duration_s"], self.truth["duration"], delta=0.2)
        self.assertEqual((m["video.width"], m["video.height"], m["video.fps"]),
                         (320, 240, self.truth["fps"]))
        black_s = sum(e - s for s, e in self.truth["black"])
        self.assertAlmostEqual(m["video.black_share"], black_s / self.truth["duration"], delta=0.03)

    def test_sampled_frames_are_bounded_and_checked(self):
        rec = self.record("timeline.mp4")
        frames = rec["video"]["frames"]
        self.assertLessEqual(len(frames), MAX_FRAMES)
        self.assertEqual(len(frames), MAX_FRAMES)  # more candidates than the bound
        self.assertEqual(rec["metrics"]["video.sampled_frames"], len(frames))
        self.assertEqual(frames[0]["time"], 0)
        self.assertTrue(all(f["scene_start"] for f in frames))  # scene starts come first
        # Blurred and black frames fail the image checks, pans over pages pass. (The W3C
        # photos, 350 px wide, measure a sharpness of 0.02-0.05: below the photo contract's
        # 0.32 whether blurred or not, so they are not asserted either way.)
        def segment_of(t):
            return next(s for s in self.truth["segments"] if s["start"] <= t + 1e-6 < s["end"])
        for f in frames:
            kind = segment_of(f["time"])["kind"]
            if kind in ("blur", "black"):
                self.assertFalse(f["passes"], f)
            if kind == "pan" and "publaynet" in segment_of(f["time"])["image"]:
                self.assertTrue(f["passes"], f)
        passing = sum(f["passes"] for f in frames) / len(frames)
        self.assertAlmostEqual(rec["metrics"]["video.frames_passing_share"], passing, places=3)
        # The castle-fluro frames (a pan and, later, a still of the same photo) are near-copies.
        fluro = [f for f in frames if "castle-fluro" in (segment_of(f["time"])["image"] or "")]
        self.assertEqual(len(fluro), 2)
        self.assertEqual(fluro[1]["near_duplicate_of"], fluro[0]["index"])

    def test_rate_sampling_bounded_as_configured(self):
        out = self.temp_dir("video-rate")
        r = run_assay(["run", os.path.join(self.data, "timeline.mp4"), "--out", out, "--json",
                       "--set", "video.max_frames=30", "--set", "video.sample_every_s=2",
                       "--set", "video.scene_threshold=100"])
        self.assertIn(r.returncode, (0, 1), r.describe())
        rec = export(out)[0][0]
        times = [f["time"] for f in rec["video"]["frames"]]
        # No scene cuts at threshold 100: the first frame, then one every 2 s.
        self.assertEqual(rec["metrics"]["video.scene_count"], 1)
        self.assertEqual(len(times), 19, times)  # 0, 2, ..., 36 in 36.5 s
        self.assertEqual(times[:3], [0, 2, 4])

    def test_contract_decides_with_rule_value_threshold(self):
        rec = self.record("timeline.mp4")
        self.assertEqual(rec["modality"], "video")
        self.assertEqual(rec["contract"]["modality"], "video")
        # 3.5 s black and 5 s frozen of 36.5 are within the contract; but of the 12 sampled
        # frames only the two pans over pages pass the image checks (2 black, 3 blurred, the
        # soft W3C photos and a page's blank corner do not).
        self.assertEqual(rec["outcome"], "rejected")
        self.assertEqual([(f["rule"], f["metric"], f["value"], f["threshold"], f["severity"])
                          for f in rec["contract"]["failures"] if f["severity"] == "reject"],
                         [("frames_passing", "video.frames_passing_share",
                           rec["metrics"]["video.frames_passing_share"], 0.4, "reject")])
        self.assertLess(rec["metrics"]["video.frames_passing_share"], 0.4)
        items = query(self.out, "SELECT * FROM queue_items WHERE doc_id=?", (rec["doc_id"],))
        self.assertEqual(len(items), 1)
        # A pan over a page, sharp and moving, passes.
        clip = self.record("clip.mkv")
        self.assertEqual(clip["outcome"], "accepted", clip["contract"])

    def test_every_container_is_sniffed_and_decoded(self):
        for name in self.truth["containers"]:
            with self.subTest(name=name):
                rec = self.record(name)
                self.assertEqual(rec["modality"], "video", rec.get("error"))
                m = rec["metrics"]
                self.assertAlmostEqual(m["video.duration_s"], 4, delta=0.2)
                # One pan over a page: no cut, nothing black or frozen, sharp frames.
                self.assertEqual(rec["video"]["scene_cuts"], [])
                self.assertEqual(rec["video"]["stretches"], [])
                self.assertEqual(m["video.frames_passing_share"], 1)

    def test_hostile_files_cost_only_themselves(self):
        expect = {
            "empty.mp4": ("ingest", "empty file (0 bytes)"),
            "truncated.mp4": ("video", "truncated: frames stop at"),
            "huge.avi": ("video", "60000x60000 pixels"),
            "streams.mkv": ("video", "40 streams, above the limit of 16"),
        }
        for name, (stage, words) in expect.items():
            with self.subTest(name=name):
                d = self.doc_by_path(self.out, os.path.join(self.data, name))
                self.assertEqual((d["outcome"], d["error_stage"]), ("error", stage), d)
                self.assertIn(words, d["error_message"])

    def test_same_video_same_record(self):
        """Determinism: the timeline run again into a fresh store exports byte-identical."""
        outs = []
        for k in range(2):
            out = self.temp_dir(f"video-det{k}")
            r = run_assay(["run", os.path.join(self.data, "timeline.mp4"), "--out", out,
                           "--set", f"video.max_frames={MAX_FRAMES}"])
            self.assertIn(r.returncode, (0, 1), r.describe())
            e = run_assay(["export", "--out", out, "--format", "jsonl", "--stable"])
            self.assertExit(e, 0)
            outs.append(e.stdout)
        self.assertEqual(outs[0], outs[1])
        self.assertIn('"video":', outs[0])

    def test_export_records_match_the_schema(self):
        import jsonschema
        with open(os.path.join(SOURCE_DIR, "schemas", "export.schema.json")) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        for path, rec in self.records.items():
            with self.subTest(path=os.path.basename(path)):
                self.assertEqual([e.message for e in validator.iter_errors(rec)], [])
        rec = dict(self.record("timeline.mp4"))
        rec["video"] = dict(rec["video"], stretches=[{"kind": "grey", "start": 0, "end": 1}])
        self.assertFalse(validator.is_valid(rec))

    def test_export_frames_as_png_at_their_times(self):
        frames_dir = self.temp_dir("video-frames")
        r = run_assay(["export", "--out", self.out, "--format", "frames", "--to", frames_dir])
        self.assertExit(r, 0)
        rec = self.record("timeline.mp4")
        for f in rec["video"]["frames"]:
            path = os.path.join(frames_dir, f["file"])
            with open(path, "rb") as fh:
                self.assertEqual(fh.read(8), b"\x89PNG\r\n\x1a\n", path)
            # 320x240: the width and height of the PNG's IHDR.
            with open(path, "rb") as fh:
                self.assertEqual(struct.unpack(">II", fh.read()[16:24]), (320, 240))
        # A frame sampled in a black stretch is black in the record's checks.
        black = [f for f in rec["video"]["frames"]
                 if any(s <= f["time"] < e for s, e in self.truth["black"])]
        self.assertEqual(len(black), 2)
        self.assertTrue(all(f["checks"]["image.clipped_shadows"] > 0.9 for f in black), black)


def shard_members(release_dir):
    """name -> bytes of every member of the release's shards."""
    out = {}
    shards = sorted(os.listdir(os.path.join(release_dir, "images")))
    for shard in shards:
        with tarfile.open(os.path.join(release_dir, "images", shard)) as t:
            for m in t.getmembers():
                out[m.name] = t.extractfile(m).read()
    return out


@unittest.skipUnless(shutil.which("ffmpeg"), "ffmpeg is not installed (build.sh deps)")
class VideoFramesInReleases(AssayTestCase):
    """One small batch (tests/video_testset.py --release-set): a 4 s pan over a corpus page as
    MP4 and WebM, and the pan's first view cut from the page as a photo. The frames go into the
    release's WebDataset shards (the same bytes twice) and the corpus near-duplicate step finds
    the photo in the videos' frames."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = cls.temp_dir("video-rel-set")
        subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "tests", "video_testset.py"),
                        "--release-set", CORPORA, cls.data], check=True)
        cls.out = cls.temp_dir("video-rel-out")
        cls.result = run_assay(["run", os.path.join(cls.data, "inputs.jsonl"), "--out", cls.out,
                                "--json", "--set", "video.sample_every_s=1"], timeout=300)
        cls.records = {os.path.basename(r["source"]["path"]): r for r in export(cls.out)[0]}
        cls.releases = []
        for name in ("frames-a", "frames-b"):
            to = os.path.join(cls.temp_dir("video-rel"), name)
            r = run_assay(["release", "create", name, "--out", cls.out, "--to", to])
            if r.returncode != 0:
                raise AssertionError(r.describe())
            cls.releases.append(to)

    def test_a_frame_made_from_a_photo_is_found_across_the_corpus(self):
        self.assertIn(self.result.returncode, (0, 1), self.result.describe())
        photo = self.records["photo.png"]
        self.assertEqual(photo["modality"], "photo")
        summary = self.result.json()["near_duplicates"]
        self.assertGreaterEqual(summary["video_frame_copies"], 2, summary)
        for name in ("pan.mp4", "pan.webm"):
            with self.subTest(name=name):
                rec = self.records[name]
                first = rec["video"]["frames"][0]
                self.assertEqual(first["time"], 0)
                copy = first["corpus_near_duplicate_of"]
                self.assertIsNotNone(copy, first)
                self.assertEqual((copy["doc_id"], copy["frame"]), (photo["doc_id"], None))
                self.assertLessEqual(copy["distance"], 12)
                n = sum(f["corpus_near_duplicate_of"] is not None for f in rec["video"]["frames"])
                self.assertEqual(rec["metrics"]["video.corpus_near_duplicate_frames"], n)
                # A warning, not a rejection: the pan is still a video worth having.
                self.assertEqual(rec["outcome"], "accepted", rec["contract"])
                warned = [(w["rule"], w["value"]) for w in rec["contract"]["warnings"]]
                self.assertIn(("corpus_near_duplicate_frames", n), warned)
                # The later frames (the pan has moved off the photo's view) are the other
                # container's frames at the same place: each video names the other.
                other = self.records["pan.webm" if name == "pan.mp4" else "pan.mp4"]["doc_id"]
                for f in rec["video"]["frames"][1:]:
                    c = f["corpus_near_duplicate_of"]
                    self.assertEqual((c["doc_id"], c["frame"]), (other, f["index"]), f)
        rows = query(self.out, "SELECT * FROM frame_near_duplicates ORDER BY doc_id, frame")
        self.assertEqual(len(rows), sum(r["metrics"].get("video.corpus_near_duplicate_frames", 0)
                                        for r in self.records.values()))
        # The photo's own near-duplicate grouping is for images only: it has no copy there.
        self.assertEqual(photo["metrics"]["image.near_duplicate"], 0)
        self.assertEqual(query(self.out, "SELECT * FROM near_duplicates"), [])

    def test_release_shards_carry_each_videos_frames(self):
        with open(os.path.join(self.releases[0], "manifest.json")) as f:
            manifest = json.load(f)
        members = shard_members(self.releases[0])
        videos = [r for r in self.records.values()
                  if r["modality"] == "video" and r["outcome"] == "accepted"]
        self.assertEqual(len(videos), 2)
        total = 0
        for rec in videos:
            frames = rec["video"]["frames"]
            self.assertGreaterEqual(len(frames), 2)
            total += len(frames)
            for f in frames:
                key = f["file"][:-len(".png")]  # <doc_id>/<index, 6 digits>: one sample a frame
                self.assertEqual(key, "%s/%06d" % (rec["doc_id"], f["index"]))
                png = members[key + ".png"]
                self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
                self.assertEqual(struct.unpack(">II", png[16:24]), (320, 240))
                meta = json.loads(members[key + ".json"])
                self.assertEqual((meta["doc_id"], meta["modality"]), (rec["doc_id"], "video"))
                self.assertEqual(meta["frame"]["index"], f["index"])
                self.assertEqual(meta["frame"]["time"], f["time"])
        frame_members = [n for n in members if "/" in n]
        self.assertEqual(len(frame_members), 2 * total)
        self.assertEqual(manifest["counts"]["video_frames"], total)

    def test_release_with_frames_validates(self):
        r = run_assay(["release", "validate", self.releases[0], "--json"])
        self.assertExit(r, 0)
        checks = {c["name"]: c for c in r.json()["checks"]}
        self.assertTrue(checks["frames"]["ok"], checks["frames"])
        self.assertFalse(checks["frames"]["skipped"], checks["frames"])
        # A shard that lost a frame's PNG fails the frames check.
        bad = os.path.join(self.temp_dir("video-rel-bad"), "r")
        shutil.copytree(self.releases[0], bad)
        shard = os.path.join(bad, "images", sorted(os.listdir(os.path.join(bad, "images")))[0])
        with tarfile.open(shard) as t:
            kept = [(m, t.extractfile(m).read()) for m in t.getmembers()]
        dropped = next(m.name for m, _ in kept if m.name.endswith(".png") and "/" in m.name)
        with tarfile.open(shard, "w", format=tarfile.USTAR_FORMAT) as t:
            for m, data in kept:
                if m.name != dropped:
                    t.addfile(m, io.BytesIO(data))
        r = run_assay(["release", "validate", bad, "--json"])
        self.assertNotEqual(r.returncode, 0)
        checks = {c["name"]: c for c in r.json()["checks"]}
        self.assertFalse(checks["frames"]["ok"])
        self.assertTrue(any("lacks its .png" in f for f in checks["frames"]["failures"]),
                        checks["frames"])

    def test_shard_bytes_are_the_same_twice(self):
        a, b = (sorted(os.listdir(os.path.join(d, "images"))) for d in self.releases)
        self.assertEqual(a, b)
        self.assertTrue(a)
        for name in a:
            self.assertEqual(sha256_file(os.path.join(self.releases[0], "images", name)),
                             sha256_file(os.path.join(self.releases[1], "images", name)), name)


if __name__ == "__main__":
    unittest.main()
