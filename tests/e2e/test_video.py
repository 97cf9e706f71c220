"""The video modality (issue 16, docs/video.md) on a test set made with ffmpeg from real corpus
images (tests/video_testset.py): a timeline with known scene cuts, black, frozen and blurred
segments, the same content in five containers, and hostile files in the same batch.

Holds: scene-cut recall >= 0.9 (a cut found within 0.5 s of a true one), black and frozen
stretches each within 1 s of the truth at both ends, the sampled-frame count bounded by
video.max_frames, the contract's decision with rule, value and threshold, the export (JSON
Schema, frames as PNG at the timestamps given) and one clear error per hostile file with the
batch going on."""
import json
import os
import shutil
import struct
import subprocess
import sys
import unittest

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, SOURCE_DIR, AssayTestCase, export, metrics,
                       query, run_assay)

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
                           rec["metrics"]["video.frames_passing_share"], 0.5, "reject")])
        self.assertLess(rec["metrics"]["video.frames_passing_share"], 0.5)
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
            self.assertEqual(struct.unpack(">II", open(path, "rb").read()[16:24]), (320, 240))
        # A frame sampled in a black stretch is black in the record's checks.
        black = [f for f in rec["video"]["frames"]
                 if any(s <= f["time"] < e for s, e in self.truth["black"])]
        self.assertEqual(len(black), 2)
        self.assertTrue(all(f["checks"]["image.clipped_shadows"] > 0.9 for f in black), black)


if __name__ == "__main__":
    unittest.main()
