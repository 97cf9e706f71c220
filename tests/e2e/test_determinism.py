"""DESIGN: same inputs + same processing_version => byte-identical outputs. Two runs from
scratch on the same inputs must export the same records (volatile lineage removed) and store the
same stage outputs, metrics and transformations."""

import difflib
import hashlib
import json
import os
import unittest

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, SOURCE_DIR, AssayTestCase, canonical_export,
                       export, log, query, run_assay)

# samples/ plus corpus files of every kind: OCR'd page images (TIFF, JPEG), a born-digital PDF,
# an image-only PDF and a PubLayNet page.
CORPUS_FILES = [
    "ocr_tesseract_testimages/dev/eurotext.tif",
    "ocr_tesseract_testimages/dev/HelloGoogle.tif",
    "ocr_ocrd_pages/dev/462875_0008.jpg",
    "text_born_digital/dev/crazyones-pdfa.pdf",
    "text_born_digital/dev/grayscale-image.pdf",
    "layout_publaynet_pages/dev/PMC4527132_00004.jpg",
]

# Content of the store that must not depend on the run (no times, run ids or hosts).
STABLE_QUERIES = {
    "outputs": "SELECT sha256, media_type, bytes, hex(content) AS content FROM outputs "
               "ORDER BY sha256",
    "documents": "SELECT doc_id, source_id, path, container, modality, alt_text, ground_truth, "
                 "tags, processing_version, outcome, error_stage, error_message, output_sha256, "
                 "page_count FROM documents ORDER BY doc_id",
    "transformations": "SELECT doc_id, processing_version, seq, stage, stage_version, params, "
                       "params_sha256, input_sha256, output_sha256, outcome, note "
                       "FROM transformations ORDER BY doc_id, seq",
    "metrics": "SELECT doc_id, scope, name, value FROM metrics ORDER BY doc_id, scope, name",
    "sources": "SELECT source_id, bytes, mime FROM sources ORDER BY source_id",
}


class Determinism(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        inputs = ["samples"]
        for rel in CORPUS_FILES:
            path = os.path.join(CORPORA, rel)
            if not os.path.exists(path):
                raise unittest.SkipTest(f"corpus file not found: {path}")
            inputs.append(path)
        # The second run uses one worker: each worker then sees other documents before a given
        # one, so state leaking between documents in a worker (Tesseract) would show up.
        cls.outs, cls.results = [], []
        for jobs in ("2", "1"):
            out = cls.temp_dir(f"determinism-j{jobs}")
            cls.outs.append(out)
            cls.results.append(run_assay(["run", *inputs, "--out", out, "-j", jobs, "--json"],
                                         cwd=SOURCE_DIR))
        for r in cls.results:
            log(f"\n{' '.join(r.argv[1:3])}... -j {r.argv[r.argv.index('-j') + 1]}: "
                f"exit {r.returncode}, {r.seconds:.1f} s")

    def test_runs_succeeded(self):
        for r in self.results:
            self.assertExit(r, EXIT_DOC_ERRORS)  # samples/corrupt.pdf
            s = r.json()
            self.assertEqual(s["documents"], 7 + len(CORPUS_FILES), r.stdout)
            self.assertEqual(s["outcomes"].get("error"), 1, r.stdout)

    def test_export_identical_without_volatile_lineage(self):
        a_records, a_text = export(self.outs[0])
        b_records, b_text = export(self.outs[1])
        self.assertEqual(len(a_records), 7 + len(CORPUS_FILES))
        a, b = canonical_export(a_text), canonical_export(b_text)
        if a != b:
            diff = []
            for ra, rb in zip(a.splitlines(), b.splitlines()):
                if ra != rb:
                    ja, jb = json.loads(ra), json.loads(rb)
                    keys = sorted(k for k in set(ja) | set(jb) if ja.get(k) != jb.get(k))
                    diff.append(f"{ja.get('source', {}).get('path')}: fields differ: {keys}")
                    for k in keys[:3]:
                        diff.extend(difflib.unified_diff(
                            json.dumps(ja.get(k), indent=1, ensure_ascii=False).splitlines(),
                            json.dumps(jb.get(k), indent=1, ensure_ascii=False).splitlines(),
                            "run -j 2", "run -j 1", lineterm="", n=1))
            self.fail("exports differ:\n" + "\n".join(diff[:200]))
        # The raw exports differ only in the volatile fields (same order, same serialisation).
        self.assertEqual(len(a_text.splitlines()), len(b_text.splitlines()))

    def test_stable_export_is_byte_identical_and_has_no_volatile_fact(self):
        a = run_assay(["export", "--out", self.outs[0], "--stable"])
        b = run_assay(["export", "--out", self.outs[1], "--stable"])
        self.assertExit(a, 0)
        self.assertExit(b, 0)
        self.assertTrue(a.stdout)
        self.assertEqual(a.stdout, b.stdout, "export --stable differs between -j 2 and -j 1")
        records = [json.loads(line) for line in a.stdout.splitlines()]
        self.assertEqual([r["doc_id"] for r in records], sorted(r["doc_id"] for r in records))
        for r in records:
            self.assertEqual(set(r["lineage"]), {"processing_version", "transformations"})
            for t in r["lineage"]["transformations"]:
                for volatile in ("started_at", "duration_ms", "run_id", "reused_from",
                                 "queue_item_id", "page_tasks"):
                    self.assertNotIn(volatile, t)
        # Sources are named relative to the input root they were found under: a folder given
        # as input (samples/) or, for a file given directly, its own folder.
        paths = {r["source"]["path"] for r in records}
        self.assertIn("born_digital.pdf", paths)
        self.assertIn("eurotext.tif", paths)
        self.assertFalse(any(os.path.isabs(p) or p.startswith("samples/") for p in paths), paths)

    def test_store_content_identical(self):
        for table, sql in STABLE_QUERIES.items():
            with self.subTest(table=table):
                a, b = query(self.outs[0], sql), query(self.outs[1], sql)
                self.assertTrue(a, f"{table} is empty")
                if a != b:
                    only_a = [r for r in a if r not in b][:5]
                    only_b = [r for r in b if r not in a][:5]
                    self.fail(f"{table} differs: {len(a)} vs {len(b)} rows\n"
                              f"only in run 1: {json.dumps(only_a, indent=1)[:3000]}\n"
                              f"only in run 2: {json.dumps(only_b, indent=1)[:3000]}")

    def test_output_hashes_are_content_hashes(self):
        rows = query(self.outs[0], "SELECT sha256, bytes, content FROM outputs")
        for r in rows:
            content = r["content"] if isinstance(r["content"], bytes) else r["content"].encode()
            self.assertEqual(hashlib.sha256(content).hexdigest(), r["sha256"])
            self.assertEqual(len(content), r["bytes"])


if __name__ == "__main__":
    unittest.main()
