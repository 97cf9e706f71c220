"""The preprocess stage through the real binary: a page turned 180 or 90 degrees and a skewed
page read like the upright page (CER against the ground truth by the `cer` tool), and their word
boxes are on the page as the file has it (the upright page's boxes turned, within its bounds); a
small-print page is upscaled and its boxes still are its own, whether or not the file states a
resolution; a clean page gets no operation, and a page too small for orientation detection is a
recorded reason, not an error."""

import json
import os
import unittest

from PIL import Image, ImageFilter

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, SAMPLES, AssayTestCase, cer_text, export, query,
                       run_assay)

EUROTEXT = os.path.join(CORPORA, "ocr_tesseract_testimages", "dev", "eurotext.tif")
GT = EUROTEXT[:-len(".tif")] + ".gt.txt"


def stored_content(out, path):
    """The document's content as the store holds it: its stages' JSON patches, applied in order
    (add, replace, remove: what assay writes)."""
    rows = query(out, "SELECT o.content FROM transformations t JOIN documents d USING(doc_id) "
                      "JOIN outputs o ON o.sha256 = t.delta_sha256 WHERE d.path=? "
                      "AND t.run_id = d.run_id ORDER BY t.seq", (path,))
    doc = {"pages": [], "metrics": {}, "part_metrics": {}}
    for row in rows:
        content = row["content"]
        for op in json.loads(content if isinstance(content, str) else content.decode()):
            keys = [k.replace("~1", "/").replace("~0", "~") for k in op["path"].split("/")[1:]]
            parent = doc
            for k in keys[:-1]:
                parent = parent[int(k)] if isinstance(parent, list) else parent.setdefault(k, {})
            last = keys[-1]
            if isinstance(parent, list):
                if op["op"] == "remove":
                    del parent[int(last)]
                elif last == "-":
                    parent.append(op["value"])
                elif op["op"] == "add":
                    parent.insert(int(last), op["value"])
                else:
                    parent[int(last)] = op["value"]
            elif op["op"] == "remove":
                del parent[last]
            else:
                parent[last] = op["value"]
    return doc


def words_of(page):
    return [w for b in page["blocks"] for line in b["lines"] for w in line["words"]]


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


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
                ("tiny", page.crop((100, 60, 160, 110))),
                # 100 dpi: glyphs ~10 px, which preprocessing upscales 2x.
                ("small", page.resize((page.width // 3, page.height // 3), Image.LANCZOS)),
                ("small_nodpi", page.resize((page.width // 3, page.height // 3), Image.LANCZOS))]:
            path = os.path.join(cls.work, name + ".png")
            if name == "small_nodpi":
                img.save(path)  # no pHYs chunk: the file states no resolution
            else:
                img.save(path, dpi=(100, 100) if name == "small" else (300, 300))
            cls.paths[name] = path
        cls.upright_size = page.size
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

    def test_word_boxes_are_on_the_source_page_and_match_the_upright_page(self):
        up = stored_content(self.out, self.paths["upright"])["pages"][0]
        w, h = self.upright_size
        self.assertEqual((up["width"], up["height"]), (w, h))
        # Where each upright box is on the page as the variant's file has it.
        k = (w // 3) / w
        to_variant = {
            "turned180": lambda b: (w - b[2], h - b[3], w - b[0], h - b[1]),
            "turned90": lambda b: (b[1], w - b[2], b[3], w - b[0]),  # counter-clockwise
            "small": lambda b: tuple(v * k for v in b),
            "small_nodpi": lambda b: tuple(v * k for v in b),
        }
        upright_words = {}
        for word in words_of(up):
            upright_words.setdefault(word["text"], []).append(word["bbox"])
        for name in ["turned180", "turned90", "small", "small_nodpi", "skewed4"]:
            with self.subTest(page=name):
                page = stored_content(self.out, self.paths[name])["pages"][0]
                with Image.open(self.paths[name]) as img:
                    size = img.size
                self.assertEqual((page["width"], page["height"]), size)
                words = words_of(page)
                self.assertGreater(len(words), 0.9 * len(words_of(up)))
                for word in words:
                    x0, y0, x1, y1 = word["bbox"]
                    self.assertTrue(0 <= x0 <= x1 <= size[0] and 0 <= y0 <= y1 <= size[1], word)
                if name not in to_variant:
                    continue  # a deskewed page's boxes are the turned rectangles' bounds
                matched = [w_ for w_ in words if len(w_["text"]) >= 3 and any(
                    iou(w_["bbox"], to_variant[name](b)) >= 0.5
                    for b in upright_words.get(w_["text"], []))]
                longer = [w_ for w_ in words if len(w_["text"]) >= 3]
                self.assertGreaterEqual(len(matched), 0.9 * len(longer),
                                        f"{name}: {len(matched)} of {len(longer)} words where "
                                        "the upright page has them")

    def test_small_print_is_upscaled_and_reads_like_the_upright_page(self):
        for name in ["small", "small_nodpi"]:
            with self.subTest(page=name):
                ops = query(self.out, "SELECT o.content FROM transformations t JOIN documents d "
                                      "USING(doc_id) JOIN outputs o ON o.sha256 = t.delta_sha256 "
                                      "WHERE d.path=? AND t.stage='preprocess'",
                            (self.paths[name],))
                self.assertIn('"upscale"', ops[0]["content"])
                # Told 300 dpi (the old default for a file stating none), Tesseract took these
                # glyphs for specks and dropped most of the text.
                self.assertLessEqual(self.cer(name), self.cer("upright") + 0.02)

    def test_a_faint_blurred_100_dpi_page_is_read_not_skipped_as_blank(self):
        # Light-gray text (ink 170 on paper 250, blurred) at 100 dpi: no pixel is darker than
        # 128, the fixed threshold that took such pages for blank. With the contrast stretch
        # off the ocr stage sees these very pixels; with it on, the stretched ones.
        page = Image.open(EUROTEXT).convert("L")
        small = page.resize((page.width // 3, page.height // 3), Image.LANCZOS)
        faint = small.point(lambda v: 170 + v * 80 // 255).filter(ImageFilter.GaussianBlur(0.8))
        self.assertGreater(min(faint.getdata()), 128)
        path = os.path.join(self.temp_dir("faint-in"), "faint.png")
        faint.save(path, dpi=(100, 100))
        for extra in (["--set", "preprocess.min_contrast=0"], []):
            with self.subTest(settings=extra):
                out = self.temp_dir("faint-out")
                r = run_assay(["run", path, "--out", out, *extra])
                self.assertIn(r.returncode, (0, 1), r.describe())
                blank = query(out, "SELECT value FROM metrics WHERE name='ocr.blank_pages' "
                                   "AND scope=''")
                self.assertEqual([row["value"] for row in blank], [0])
                records, _ = export(out)
                self.assertLess(cer_text(records[0]["text"], GT), 0.1)

    def test_a_clean_page_gets_no_operation(self):
        self.assertEqual(page_metrics(self.out, self.clean_pdf, "preprocess.operations"), [0, 0])
        self.assertEqual(page_metrics(self.out, self.clean_pdf, "preprocess.rotation_deg"),
                         [0, 0])
        changed = query(self.out, "SELECT m.value FROM metrics m JOIN documents d USING(doc_id) "
                                  "WHERE d.path=? AND m.name='preprocess.pages_changed' "
                                  "AND m.scope=''", (self.clean_pdf,))
        self.assertEqual([r["value"] for r in changed], [0])

    def test_pages_found_upright_by_their_ascenders_skip_osd_turned_ones_do_not(self):
        def osd_pages(path):
            rows = query(self.out, "SELECT m.value FROM metrics m JOIN documents d USING(doc_id) "
                                   "WHERE d.path=? AND m.name='preprocess.osd_pages' "
                                   "AND m.scope=''", (path,))
            return [r["value"] for r in rows]
        self.assertEqual(osd_pages(self.clean_pdf), [0])
        for page in page_metrics(self.out, self.clean_pdf, "preprocess.ascender_confidence"):
            self.assertGreaterEqual(page, 12)
        for name in ("turned180", "turned90"):
            self.assertEqual(osd_pages(self.paths[name]), [1], name)
            self.assertLess(page_metrics(self.out, self.paths[name],
                                         "preprocess.ascender_confidence")[0], 12, name)

    def test_an_image_only_pdf_is_rendered_at_the_resolution_its_text_needs(self):
        # 11-pt text scanned at 200 dpi: no need for 300 dpi (rasterize.text_height_px).
        dpis = page_metrics(self.out, self.clean_pdf, "rasterize.dpi")
        self.assertEqual(len(dpis), 2)
        for dpi in dpis:
            self.assertTrue(150 <= dpi < 300, dpis)
        pages = stored_content(self.out, self.clean_pdf)["pages"]
        for page, dpi in zip(pages, dpis):
            step = page["rasters"][0]
            self.assertEqual((step["stage"], step["dpi"]), ("rasterize", dpi))
            self.assertEqual(step["facts"]["rendered_dpi"], 300)
            self.assertGreater(step["facts"]["probe_text_height_px"], 0)
        self.assertEqual(self.records[self.clean_pdf]["outcome"], "accepted")
        # Asked for: every page at rasterize.dpi, as before.
        out = self.temp_dir("fixed-dpi")
        r = run_assay(["run", self.clean_pdf, "--out", out, "--set",
                       "rasterize.text_height_px=0"])
        self.assertEqual(r.returncode, 0, r.describe())
        self.assertEqual(page_metrics(out, self.clean_pdf, "rasterize.dpi"), [300, 300])

    def test_a_page_too_small_for_orientation_is_a_recorded_reason(self):
        rows = query(self.out, "SELECT t.outcome, t.note FROM transformations t JOIN documents d "
                               "USING(doc_id) WHERE d.path=? AND t.stage='preprocess'",
                     (self.paths["tiny"],))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["outcome"], "ok")
        self.assertIn("too small for orientation detection", rows[0]["note"])


class RetryLadder(AssayTestCase):
    """The retry's variants are a ladder: a rung that gains too little ends the climb."""

    def setUp(self):
        super().setUp()
        # An Arabic word read with the English model: no preprocessing makes that readable.
        self.arabic = os.path.join(CORPORA, "ocr_tesseract_testimages", "dev", "arabic.tif")
        if not os.path.exists(self.arabic):
            self.skipTest(f"no {self.arabic}")

    def test_a_page_measured_clean_gets_no_variant_unless_asked_for(self):
        # The page is clean (high contrast, flat background, no speckle) and its text is
        # large: no variant can read it better, so by default the retry does not start.
        out = self.temp_dir("clean-gate")
        r = run_assay(["run", self.arabic, "--out", out])
        self.assertIn(r.returncode, (0, 1), r.describe())
        self.assertEqual(page_metrics(out, self.arabic, "ocr.passes"), [1])
        note = query(out, "SELECT t.note FROM transformations t JOIN documents d "
                          "USING(doc_id) WHERE d.path=? AND t.stage='ocr'", (self.arabic,))[0]
        self.assertIn("measured clean, text large enough: no variant to try", note["note"])

    def test_a_rung_that_gains_nothing_is_the_last_unless_asked_for_every_rung(self):
        arabic = self.arabic
        passes = {}
        for gain in ("0.1", "0"):
            out = self.temp_dir(f"ladder-{gain}")
            # retry_clean_pages: the page is measured clean, and the ladder is what is tested.
            r = run_assay(["run", arabic, "--out", out, "--set", f"ocr.retry_min_gain={gain}",
                           "--set", "ocr.retry_clean_pages=true"])
            self.assertIn(r.returncode, (0, 1), r.describe())
            passes[gain] = page_metrics(out, arabic, "ocr.passes")
            note = query(out, "SELECT t.note FROM transformations t JOIN documents d "
                              "USING(doc_id) WHERE d.path=? AND t.stage='ocr'", (arabic,))[0]
            if gain == "0.1":
                self.assertIn("too little gain to go on", note["note"])
            else:
                self.assertNotIn("too little gain", note["note"])
        self.assertEqual(passes, {"0.1": [2], "0": [3]})


if __name__ == "__main__":
    unittest.main()
