"""OCR accuracy against ground truth: assay must be no worse than the plain `tesseract` command
on the Tesseract test images, per image and in aggregate (whitespace-normalised CER, scored by
the same `cer` tool for both)."""

import concurrent.futures
import glob
import os
import subprocess
import unittest

from assay_e2e import (CER_BIN, CORPORA, EXIT_OK, AssayTestCase, cer_files, export, log,
                       normalize_ws, run_assay)

IMAGES = os.path.join(CORPORA, "ocr_tesseract_testimages", "dev")
TOLERANCE = 1e-9


def tesseract_text(image):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    p = subprocess.run(["tesseract", image, "-"], capture_output=True, text=True, env=env,
                       timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"tesseract {image} failed ({p.returncode}): {p.stderr}")
    return p.stdout


class OcrAccuracy(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.images = sorted(
            tif for tif in glob.glob(os.path.join(IMAGES, "*.tif"))
            if os.path.exists(tif[:-len(".tif")] + ".gt.txt"))
        if not cls.images:
            raise unittest.SkipTest(f"no *.tif with .gt.txt in {IMAGES}")
        try:
            cls.tesseract_version = subprocess.run(
                ["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            raise unittest.SkipTest("the tesseract command is not installed")
        cls.work = cls.temp_dir("ocr-work")
        cls.out = cls.temp_dir("ocr-out")
        # assay first, then the CLI (two images at a time, as assay has two workers): one after
        # the other, so neither slows the other down.
        cls.run_result = run_assay(["run", *cls.images, "--out", cls.out, "-j", "2", "--json"])
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            cls.cli_texts = dict(zip(cls.images, pool.map(tesseract_text, cls.images)))
        cls.records = {}
        if os.path.exists(os.path.join(cls.out, "assay.db")):
            records, _ = export(cls.out)
            cls.records = {r["source"]["path"]: r for r in records}
        cls.rows = []
        for image in cls.images:
            stem = os.path.basename(image)[:-len(".tif")]
            gt = image[:-len(".tif")] + ".gt.txt"
            with open(gt, encoding="utf-8") as f:
                ref_chars = len(normalize_ws(f.read()))
            cli_file = os.path.join(cls.work, f"{stem}.tesseract.txt")
            with open(cli_file, "w", encoding="utf-8") as f:
                f.write(cls.cli_texts[image])
            rec = cls.records.get(image)
            assay_cer = None
            if rec is not None:
                assay_file = os.path.join(cls.work, f"{stem}.assay.txt")
                with open(assay_file, "w", encoding="utf-8") as f:
                    f.write(rec["text"])
                assay_cer = cer_files(assay_file, gt)
            cls.rows.append({"image": stem, "ref_chars": ref_chars,
                             "modality": rec["modality"] if rec else None,
                             "assay": assay_cer, "tesseract": cer_files(cli_file, gt)})
        cls.print_table()

    @classmethod
    def weighted(cls, key):
        rows = [r for r in cls.rows if r[key] is not None]
        total = sum(r["ref_chars"] for r in rows)
        return sum(r[key] * r["ref_chars"] for r in rows) / total if total else float("nan")

    @classmethod
    def print_table(cls):
        log(f"\nOCR accuracy, {IMAGES} ({cls.tesseract_version}; CER by {CER_BIN}, "
            "whitespace-normalised)")
        log(f"{'image':14} {'gt chars':>8} {'assay CER':>10} {'tesseract CER':>14}  modality")
        for r in cls.rows:
            a = "-" if r["assay"] is None else f"{r['assay']:.4f}"
            log(f"{r['image']:14} {r['ref_chars']:8d} {a:>10} {r['tesseract']:14.4f}  "
                f"{r['modality']}")
        log(f"{'weighted mean':14} {sum(r['ref_chars'] for r in cls.rows):8d} "
            f"{cls.weighted('assay'):10.4f} {cls.weighted('tesseract'):14.4f}")
        log(f"assay run: exit {cls.run_result.returncode}, {cls.run_result.seconds:.1f} s")

    def test_every_image_is_a_decided_page_image(self):
        # Contracts may reject (tiny page numbers, scripts without a model): none may error.
        self.assertIn(self.run_result.returncode, (EXIT_OK, 1), self.run_result.describe())
        for image in self.images:
            with self.subTest(image=os.path.basename(image)):
                rec = self.records.get(image)
                self.assertIsNotNone(rec, f"no export record for {image}")
                self.assertIn(rec["outcome"], ("accepted", "rejected"))
                self.assertEqual(rec["modality"], "page_image")

    def test_no_worse_than_tesseract_per_image(self):
        worse = [f"{r['image']}: assay {r['assay']} > tesseract {r['tesseract']}"
                 for r in self.rows
                 if r["assay"] is None or r["assay"] > r["tesseract"] + TOLERANCE]
        self.assertEqual(worse, [], "\n".join(worse))

    def test_no_worse_than_tesseract_in_aggregate(self):
        self.assertTrue(all(r["assay"] is not None for r in self.rows), self.rows)
        self.assertLessEqual(self.weighted("assay"), self.weighted("tesseract") + TOLERANCE)


if __name__ == "__main__":
    unittest.main()
