"""Near-duplicate images across the whole store (issue 11, docs/image_checks.md): near copies
of a real photo made with OpenCV (resized, re-encoded at JPEG quality 30, cropped, colour-
shifted) form one group; the kept member follows the rule (most pixels, then sharpest, then
smallest doc_id); every other member has image.near_duplicate = 1, is rejected by the contract
and queued with the reason; different pictures of the same castle are not matched. The groups
do not depend on the number of workers, and span the whole store: a larger copy added by a
later run becomes the kept one, and the member kept before is decided again."""
import json
import os
import shutil
import subprocess
import unittest

from assay_e2e import (CORPORA, IMAGE_COPIES_BIN, AssayTestCase, export, metrics, query,
                       require_image_copies, run_assay)

W3C = os.path.join(CORPORA, "alttext_w3c_wai", "dev")
COPIES = ["half.jpg", "q30.jpg", "crop.jpg", "color.jpg"]  # big.jpg comes in the second run
OTHERS = ["castle-painting.jpg", "castle-etching.jpg"]  # the same castle, other pictures


def groups(out):
    """doc path name -> near_duplicates row."""
    rows = query(out, "SELECT d.path, n.* FROM near_duplicates n JOIN documents d USING(doc_id)")
    return {os.path.basename(r["path"]): r for r in rows}


def comparable(out):
    """The near_duplicates table without the run that found it."""
    return sorted((os.path.basename(r["path"]), r["group_id"], r["kept_doc_id"], r["kept"],
                   r["distance"], r["reason"]) for r in groups(out).values())


@unittest.skipUnless(os.path.isdir(W3C), "alttext_w3c_wai corpus missing")
class NearDuplicates(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_image_copies()
        root = cls.temp_dir("near-dup")
        cls.inp, cls.later = os.path.join(root, "in"), os.path.join(root, "later")
        made = os.path.join(root, "made")
        for d in (cls.inp, cls.later, made):
            os.makedirs(d)
        original = os.path.join(W3C, "castle-fluro.jpg")
        subprocess.run([IMAGE_COPIES_BIN, "copies", original, made], check=True)
        shutil.copy(original, os.path.join(cls.inp, "castle.jpg"))
        for name in COPIES:
            shutil.copy(os.path.join(made, name), os.path.join(cls.inp, name))
        for name in OTHERS:
            shutil.copy(os.path.join(W3C, name), os.path.join(cls.inp, name))
        shutil.copy(os.path.join(made, "big.jpg"), os.path.join(cls.later, "big.jpg"))
        cls.out = os.path.join(root, "out")
        cls.first = run_assay(["run", cls.inp, "--out", cls.out, "-j", "2", "--json"])
        cls.first_groups = comparable(cls.out)
        cls.first_rows = groups(cls.out)
        cls.one_worker = os.path.join(root, "out1")
        cls.single = run_assay(["run", cls.inp, "--out", cls.one_worker, "-j", "1", "--json"])
        cls.second = run_assay(["run", cls.later, "--out", cls.out, "-j", "2", "--json"])

    def doc_id(self, out, name):
        rows = query(out, "SELECT doc_id, path FROM documents")
        return [r["doc_id"] for r in rows if os.path.basename(r["path"]) == name][0]

    def test_copies_form_one_group_kept_by_the_rule(self):
        self.assertEqual(self.first.json()["near_duplicates"]["groups"], 1, self.first.describe())
        rows = self.first_rows
        self.assertEqual(sorted(rows), sorted(["castle.jpg"] + COPIES), "others are not matched")
        kept = [n for n, r in rows.items() if r["kept"]]
        self.assertEqual(len(kept), 1)
        size = {}
        for name in rows:
            m = metrics(self.out, self.doc_id(self.out, name))
            size[name] = (m["image.width"] * m["image.height"], m["image.sharpness"])
        # Most pixels, then sharpest (smallest doc_id only on a tie).
        self.assertEqual(size[kept[0]], max(size.values()), size)
        for name, r in rows.items():
            self.assertEqual(r["kept_doc_id"], self.doc_id(self.out, kept[0]))
            self.assertEqual(r["group_id"], min(self.doc_id(self.out, n) for n in rows))
            self.assertLessEqual(r["distance"], r["max_distance"], name)
            self.assertIn("kept for" if not r["kept"] else "kept of", r["reason"], name)

    def test_copies_that_are_not_kept_are_rejected_and_queued(self):
        # The single-worker store: the first batch only (the main store has a second run).
        rows = groups(self.one_worker)
        for name, r in rows.items():
            doc = r["doc_id"]
            m = metrics(self.one_worker, doc)
            (d,) = query(self.one_worker, "SELECT outcome FROM documents WHERE doc_id=?", (doc,))
            self.assertEqual(m["image.near_duplicate"], 0 if r["kept"] else 1, name)
            if not r["kept"]:
                self.assertEqual(d["outcome"], "rejected", name)
                items = query(self.one_worker, "SELECT state, reasons FROM queue_items WHERE "
                                               "doc_id=?", (doc,))
                self.assertEqual(len(items), 1, name)
                self.assertIn("image.near_duplicate", items[0]["reasons"])
        for name in OTHERS:
            m = metrics(self.one_worker, self.doc_id(self.one_worker, name))
            self.assertEqual(m["image.near_duplicate"], 0, name)

    def test_a_reprocessed_copy_stays_a_copy(self):
        # The worker sees one file and reports 0; the commit carries the corpus step's value,
        # so reprocessing a copy (here with another OCR language) does not let it through.
        out = os.path.join(os.path.dirname(self.one_worker), "reprocessed")
        shutil.copytree(self.one_worker, out)
        name, row = [(n, r) for n, r in groups(out).items() if not r["kept"]][0]
        (item,) = query(out, "SELECT item_id FROM queue_items WHERE doc_id=?", (row["doc_id"],))
        r = run_assay(["queue", "reprocess", str(item["item_id"]), "--set", "ocr.lang=deu",
                       "--out", out, "--json"])
        self.assertEqual(r.returncode, 1, r.describe())  # still rejected
        self.assertEqual(metrics(out, row["doc_id"])["image.near_duplicate"], 1, name)
        (d,) = query(out, "SELECT outcome FROM documents WHERE doc_id=?", (row["doc_id"],))
        self.assertEqual(d["outcome"], "rejected")
        (state,) = query(out, "SELECT state FROM queue_items WHERE item_id=?",
                         (item["item_id"],))
        self.assertEqual(state["state"], "open")
        self.assertEqual(comparable(out), self.first_groups)

    def test_groups_do_not_depend_on_the_number_of_workers(self):
        self.assertEqual(comparable(self.one_worker), self.first_groups)

    def test_a_later_larger_copy_is_kept_and_the_old_kept_member_decided_again(self):
        summary = self.second.json()["near_duplicates"]
        self.assertEqual(summary["groups"], 1, self.second.describe())
        self.assertGreaterEqual(summary["redecided"], 1)  # the member kept before
        rows = groups(self.out)
        self.assertEqual(sorted(rows), sorted(["castle.jpg", "big.jpg"] + COPIES))
        self.assertEqual([n for n, r in rows.items() if r["kept"]], ["big.jpg"])
        old_kept = [n for n, r in self.first_rows.items() if r["kept"]][0]
        doc = self.doc_id(self.out, old_kept)
        self.assertEqual(metrics(self.out, doc)["image.near_duplicate"], 1)
        (d,) = query(self.out, "SELECT outcome FROM documents WHERE doc_id=?", (doc,))
        self.assertEqual(d["outcome"], "rejected")
        (res,) = query(self.out, "SELECT outcome, run_id FROM contract_results WHERE doc_id=? "
                                 "AND rule='near_duplicate'", (doc,))
        self.assertEqual(res["outcome"], "fail")
        self.assertEqual(res["run_id"], self.second.json()["run_id"])  # the step's run
        self.assertTrue(query(self.out, "SELECT 1 FROM queue_items WHERE doc_id=? AND "
                                        "state='open'", (doc,)))

    def test_export_names_the_kept_member(self):
        records, _ = export(self.out)
        by_name = {os.path.basename(r["source"]["path"]): r for r in records}
        big = by_name["big.jpg"]["doc_id"]
        for name in ["castle.jpg"] + COPIES + ["big.jpg"] + OTHERS:
            (image,) = by_name[name]["images"]
            self.assertRegex(image["phash"], "^[0-9a-f]{16}$")
            self.assertIn("image.sharpness", image["checks"])
            expected = None if name in ["big.jpg"] + OTHERS else big
            self.assertEqual(image["near_duplicate_of"], expected, name)
            if name in OTHERS:
                self.assertNotIn("near_duplicate_group", image)
            else:
                self.assertEqual(image["near_duplicate_group"]["kept_doc_id"], big)


if __name__ == "__main__":
    unittest.main()
