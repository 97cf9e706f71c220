"""EXIF orientation (issue 11): a page of text photographed with the camera held sideways is
stored turned and carries EXIF orientation 6. image_load turns it upright, so every stage after
it (preprocess, OCR, layout, the image checks) reads the page as it is meant to be read: its
size is the upright page's, the preprocess stage finds nothing to turn, and OCR reads it as
well as the original. The same pixels without the tag are read as a sideways page."""
import json
import os
import shutil
import subprocess
import unittest

from assay_e2e import (IMAGE_COPIES_BIN, SAMPLES, AssayTestCase, export, metrics, query,
                       require_image_copies, run_assay)
from test_hostile_images import with_exif_orientation



class ExifOrientation(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_image_copies()
        root = cls.temp_dir("exif")
        cls.inp = os.path.join(root, "in")
        os.makedirs(cls.inp)
        sideways = os.path.join(root, "sideways.jpg")
        subprocess.run([IMAGE_COPIES_BIN, "sideways", os.path.join(SAMPLES, "scanned_page.png"),
                        sideways], check=True)
        with open(sideways, "rb") as f:
            turned = f.read()
        with open(os.path.join(cls.inp, "tagged.jpg"), "wb") as f:
            f.write(with_exif_orientation(turned, 6))
        with open(os.path.join(cls.inp, "untagged.jpg"), "wb") as f:
            f.write(turned)
        shutil.copy(os.path.join(SAMPLES, "scanned_page.gt.txt"), os.path.join(cls.inp, "gt.txt"))
        with open(os.path.join(cls.inp, "manifest.jsonl"), "w") as f:
            for name in ("tagged.jpg", "untagged.jpg"):
                f.write(json.dumps({"path": name, "ground_truth": "gt.txt"}) + "\n")
        cls.out = os.path.join(root, "out")
        cls.result = run_assay(["run", os.path.join(cls.inp, "manifest.jsonl"), "--out", cls.out,
                                "-j", "2", "--json"], timeout=300)
        records, _ = export(cls.out)
        cls.records = {os.path.basename(r["source"]["path"]): r for r in records}

    def page_metrics(self, name):
        doc = self.records[name]["doc_id"]
        rows = query(self.out, "SELECT name, value FROM metrics WHERE doc_id=? AND scope='page:1'",
                     (doc,))
        return {r["name"]: r["value"] for r in rows}, metrics(self.out, doc)

    def test_the_tagged_page_is_read_upright(self):
        page = self.records["tagged.jpg"]["pages"][0]
        self.assertEqual((page["width"], page["height"]), (1242, 1084), self.result.describe())
        part, m = self.page_metrics("tagged.jpg")
        self.assertEqual(m["image.exif_orientation"], 6)
        self.assertEqual(part["preprocess.rotation_deg"], 0)  # nothing left to turn
        self.assertLess(m["ocr.cer"], 0.05)

    def test_without_the_tag_the_page_is_sideways(self):
        page = self.records["untagged.jpg"]["pages"][0]
        self.assertEqual((page["width"], page["height"]), (1084, 1242))
        part, m = self.page_metrics("untagged.jpg")
        self.assertNotIn("image.exif_orientation", {k for k, v in m.items() if v})
        self.assertIn(part["preprocess.rotation_deg"], (90, 270))


if __name__ == "__main__":
    unittest.main()
