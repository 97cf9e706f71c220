"""Transcripts (docs/transcripts.md): SRT, WebVTT and JSON sniffed from content, checked per
cue against contracts/transcript.toml, with the media's duration read by libavformat.

The test set (tests/transcript_testset.py) is made from real sentences of the corpora with
defects injected at known cues: every defect must be found at its cue, nothing else may be
flagged, clean files must be accepted.
"""

import json
import os
import subprocess
import sys

import jsonschema

from assay_e2e import (CORPORA, SOURCE_DIR, AssayTestCase, export, query, run_assay)

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests"))
import transcript_testset  # noqa: E402

SRT = ("1\n00:00:00,500 --> 00:00:03,000\nALICE: The castle has one tower.\n\n"
       "2\n00:00:03,500 --> 00:00:06,000\nBOB: And a tall wall around it.\n")
GERMAN_SRT = ("1\n00:00:00,500 --> 00:00:04,000\nDie Burg hat einen Turm und eine hohe Mauer "
              "rundherum.\n\n2\n00:00:04,500 --> 00:00:08,000\nDer alte Mann erzählte gestern "
              "von den Kriegen, die er als Kind gesehen hatte.\n")


class TranscriptTestSet(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_dir = cls.temp_dir("transcripts")
        cls.truth = transcript_testset.generate(CORPORA, cls.set_dir, files=30, seed=16)
        cls.out = os.path.join(cls.set_dir, "out")
        cls.run_result = run_assay(["run", os.path.join(cls.set_dir, "manifest.jsonl"), "--out", cls.out,
                             "--json"])
        cls.records, _ = export(cls.out)

    def test_every_defect_found_at_its_cue_and_clean_files_pass(self):
        self.assertExit(self.run_result, 1)  # the defective files are rejected
        result = transcript_testset.score(self.truth, self.records)
        for kind, s in result["kinds"].items():
            self.assertGreater(s["tp"], 0, f"{kind}: the set has no such defect")
            self.assertEqual((s["missed"], s["spurious"]), ([], []), kind)
        self.assertEqual(result["other_failures"], [])
        self.assertEqual(result["clean_rejected"], [])
        by_name = {os.path.basename(r["source"]["path"]): r for r in self.records}
        for name, items in self.truth.items():
            self.assertEqual(by_name[name]["modality"], "transcript", name)
            self.assertEqual(by_name[name]["outcome"], "rejected" if items else "accepted", name)

    def test_export_carries_segments_findings_and_matches_the_schema(self):
        with open(os.path.join(SOURCE_DIR, "schemas", "export.schema.json")) as f:
            validator = jsonschema.Draft202012Validator(json.load(f))
        for r in self.records:
            self.assertEqual([e.message for e in validator.iter_errors(r)], [],
                             r["source"]["path"])
        by_name = {os.path.basename(r["source"]["path"]): r for r in self.records}
        for name, items in self.truth.items():
            t = by_name[name]["transcript"]
            self.assertEqual(t["format"], name.rsplit(".", 1)[1])
            self.assertEqual(t["language"], "en")
            self.assertEqual(t["declared_language"], "en")
            self.assertGreater(t["media_duration"], 10)
            # The findings name the same cues as the contract (cps is the contract's alone).
            findings = {(f["cue"], f["kind"]) for f in t["findings"]}
            self.assertEqual(findings, {(c, k) for c, k in items if k != "cps_high"}, name)
            self.assertTrue(by_name[name]["text"].startswith(
                t["segments"][0].get("speaker", "") and t["segments"][0]["speaker"] + ": "))
        # A failure names the cue, the measured value and the threshold.
        name, cue = next((n, c) for n, items in sorted(self.truth.items())
                         for c, k in items if k == "out_of_order")
        self.assertIn({"rule": "cue_out_of_order", "metric": "transcript.cue_out_of_order",
                       "value": 1.0, "threshold": 0.0, "operator": "max", "severity": "reject",
                       "scope": "cue:%d" % cue}, by_name[name]["contract"]["failures"])
        name, cue = next((n, c) for n, items in sorted(self.truth.items())
                         for c, k in items if k == "cps_high")
        failure = next(f for f in by_name[name]["contract"]["failures"]
                       if f["rule"] == "cue_cps_high")
        self.assertEqual((failure["scope"], failure["threshold"]), ("cue:%d" % cue, 25.0))
        self.assertAlmostEqual(failure["value"], 40.0, delta=0.1)  # times are to the ms

    def test_queue_and_lineage_say_where(self):
        rows = query(self.out, "SELECT scope, rule FROM contract_results WHERE outcome='fail' "
                               "AND rule='cue_past_media_end'")
        self.assertTrue(rows and all(r["scope"].startswith("cue:") for r in rows), rows)
        notes = query(self.out, "SELECT note FROM transformations WHERE stage='transcript'")
        name, cue = next((n, c) for n, items in sorted(self.truth.items())
                         for c, k in items if k == "out_of_order")
        self.assertTrue(any("cue %d out_of_order" % cue in n["note"] for n in notes), notes[:3])
        params = query(self.out, "SELECT params FROM transformations WHERE stage='transcript' "
                                 "LIMIT 1")
        self.assertEqual(json.loads(params[0]["params"])["speaker_majority"], 0.5)

    def test_markdown_has_speakers(self):
        md = os.path.join(self.set_dir, "md")
        r = run_assay(["export", "--out", self.out, "--format", "markdown", "--to", md])
        self.assertExit(r, 0)
        doc = next(x for x in self.records if x["source"]["path"].endswith("t00.srt"))
        with open(os.path.join(md, doc["doc_id"] + ".md"), encoding="utf-8") as f:
            text = f.read()
        first = doc["transcript"]["segments"][0]
        self.assertTrue(text.startswith("**%s:** %s" % (first["speaker"], first["text"])), text)


class TranscriptInputs(AssayTestCase):
    def test_sniffed_from_content_and_bad_media_costs_only_itself(self):
        d = self.temp_dir("transcript-inputs")
        files = {
            "by_content.txt": SRT,  # an SRT whatever its name
            "vtt_named.srt": "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Ann>Hello there, Ann speaking.\n",
            "junk.srt": None,  # binary junk named .srt
            "bad_media.srt": SRT.replace("one tower", "one old tower"),
            "no_media.srt": SRT.replace("tower", "tower!"),
            "outside.srt": SRT.replace("tower", "tower?"),
            "german.srt": GERMAN_SRT,
        }
        for name, text in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(os.urandom(4096) if text is None else text.encode())
        with open(os.path.join(d, "hostile.mp4"), "wb") as f:
            f.write(b"\x00\x00\x00\x18ftypmp42" + os.urandom(20000))
        manifest = [{"path": "bad_media.srt", "media": "hostile.mp4"},
                    {"path": "no_media.srt", "media": "missing.flac"},
                    {"path": "outside.srt", "media": "../../etc/passwd"},
                    {"path": "german.srt", "language": "en"}]
        with open(os.path.join(d, "manifest.jsonl"), "w") as f:
            for m in manifest:
                f.write(json.dumps(m) + "\n")
        out = os.path.join(d, "out")
        r = run_assay(["run", d, "--out", out, "--json", "--exclude", "*.mp4"])
        self.assertExit(r, 4)
        docs = {os.path.basename(x["path"]): x for x in query(
            out, "SELECT path, modality, outcome, error_message FROM documents")}
        self.assertEqual(docs["by_content.txt"]["modality"], "transcript")
        self.assertEqual(docs["by_content.txt"]["outcome"], "accepted")
        self.assertEqual(docs["vtt_named.srt"]["outcome"], "accepted")
        self.assertEqual(docs["junk.srt"]["outcome"], "error")
        self.assertIn("unsupported type", docs["junk.srt"]["error_message"])
        self.assertIn("media not readable", docs["no_media.srt"]["error_message"])
        self.assertIn("the media leads outside", docs["outside.srt"]["error_message"])
        self.assertEqual(docs["bad_media.srt"]["outcome"], "rejected")
        self.assertEqual(docs["german.srt"]["outcome"], "rejected")
        records, _ = export(out)
        rec = {os.path.basename(x["source"]["path"]): x for x in records}
        rules = [f["rule"] for f in rec["bad_media.srt"]["contract"]["failures"]]
        self.assertEqual(rules, ["media_readable"])
        note = rec["bad_media.srt"]["lineage"]["transformations"][-1]["note"]
        self.assertIn("media: the media", note)
        self.assertEqual([f["rule"] for f in rec["german.srt"]["contract"]["failures"]],
                         ["language"])
        self.assertEqual(rec["german.srt"]["transcript"]["language"], "de")


if __name__ == "__main__":
    import unittest
    unittest.main()
