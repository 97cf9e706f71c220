"""The preprocess stage through the real binary: a page turned 180 or 90 degrees and a skewed
page read like the upright page (CER against the ground truth by the `cer` tool), a clean page
gets no operation, and a page too small for orientation detection is a recorded reason, not an
error."""

import os
import unittest

from PIL import Image

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, SAMPLES, AssayTestCase, cer_text, export, query,
                       run_assay)

EUROTEXT = os.path.join(CORPORA, "ocr_tesseract_testimages", "dev", "eurotext.tif")
GT = EUROTEXT[:-len(".tif")] + ".gt.txt"


def page_metrics(out, path, name):
    rows = query(out, "SELECT m.scope, m.value FROM metrics m JOIN documents d USING(doc_id) "
                      "WHERE d.path=? AND m.name=? AND m.scope LIKE 'page:%' ORDER BY m.scope",
                 (path, name))
    return [r["value"] for r in rows]


class Preprocess(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.exists(EUROTEXT):
            raise unittest.SkipTest(f"no {EUROTEXT}")
        cls.work = cls.temp_dir("preprocess-in")
        cls.out = cls.temp_dir("preprocess-out")
        page = Image.open(EUROTEXT).convert("L")
        cls.paths = {}
        for name, img in [
                ("upright", page),
                ("turned180", page.rotate(180, expand=True)),
                ("turned90", page.rotate(90, expand=True)),  # counter-clockwise
                ("skewed4", page.rotate(4, resample=Image.BICUBIC, expand=True, fillcolor=255)),
                ("tiny", page.crop((100, 60, 160, 110)))]:
            path = os.path.join(cls.work, name + ".png")
            img.save(path, dpi=(300, 300))
            cls.paths[name] = path
        cls.clean_pdf = os.path.join(SAMPLES, "image_only.pdf")
        cls.result = run_assay(["run", *cls.paths.values(), cls.clean_pdf, "--out", cls.out,
                                "-j", "2"])
        records, _ = export(cls.out)
        cls.records = {r["source"]["path"]: r for r in records}

    def cer(self, name):
        return cer_text(self.records[self.paths[name]]["text"], GT)

    def test_no_document_fails(self):
        self.assertNotEqual(self.result.returncode, EXIT_DOC_ERRORS, self.result.describe())
        for path in [*self.paths.values(), self.clean_pdf]:
            self.assertIn(self.records[path]["outcome"], ("accepted", "rejected"), path)

    def test_turned_pages_read_like_the_upright_page(self):
        upright = self.cer("upright")
        self.assertLess(upright, 0.05)
        for name, turn in [("turned180", 180), ("turned90", 90)]:
            with self.subTest(page=name):
                self.assertEqual(page_metrics(self.out, self.paths[name],
                                              "preprocess.rotation_deg"), [turn])
                self.assertLessEqual(self.cer(name), upright + 0.005)

    def test_a_skewed_page_is_straightened_and_reads_like_the_upright_page(self):
        skew = page_metrics(self.out, self.paths["skewed4"], "preprocess.skew_deg")
        self.assertEqual(len(skew), 1)
        # eurotext.tif itself leans about 0.8 degrees the other way.
        self.assertGreater(abs(skew[0]), 2.5)
        self.assertGreater(page_metrics(self.out, self.paths["skewed4"],
                                        "preprocess.operations")[0], 0)
        self.assertLessEqual(self.cer("skewed4"), self.cer("upright") + 0.01)

    def test_a_clean_page_gets_no_operation(self):
        self.assertEqual(page_metrics(self.out, self.clean_pdf, "preprocess.operations"), [0, 0])
        self.assertEqual(page_metrics(self.out, self.clean_pdf, "preprocess.rotation_deg"),
                         [0, 0])
        changed = query(self.out, "SELECT m.value FROM metrics m JOIN documents d USING(doc_id) "
                                  "WHERE d.path=? AND m.name='preprocess.pages_changed' "
                                  "AND m.scope=''", (self.clean_pdf,))
        self.assertEqual([r["value"] for r in changed], [0])

    def test_a_page_too_small_for_orientation_is_a_recorded_reason(self):
        rows = query(self.out, "SELECT t.outcome, t.note FROM transformations t JOIN documents d "
                               "USING(doc_id) WHERE d.path=? AND t.stage='preprocess'",
                     (self.paths["tiny"],))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["outcome"], "ok")
        self.assertIn("too small for orientation detection", rows[0]["note"])


if __name__ == "__main__":
    unittest.main()
