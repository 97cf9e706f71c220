"""End to end on samples/ (the demo set) and on small hand-made inputs: ingest, modalities,
metrics, export format, OCR accuracy, re-runs, lineage, manifests and usage errors."""

import json
import os
import shutil
import unittest

from assay_e2e import (CER_BIN, EXIT_DOC_ERRORS, EXIT_USAGE, PLAN, RFC3339, SAMPLES,
                       SHA256_HEX, SOURCE_DIR, AssayTestCase, cer_text,
                       documents, export, integrity_check, log, metrics, query, run_assay,
                       sha256_file)

# What `assay run samples` must make of every file it takes (README.md, .assayignore excluded).
EXPECTED = {
    "born_digital.pdf": ("accepted", "pdf_text"),
    "two_column.pdf": ("accepted", "pdf_text"),
    "ruled_table.pdf": ("accepted", "pdf_text"),
    "image_only.pdf": ("accepted", "pdf_scan"),
    "scanned_page.png": ("accepted", "page_image"),
    "photo.jpg": ("accepted", "photo"),
    "corrupt.pdf": ("error", None),
}
BLOCK_TYPES = {"title", "heading", "paragraph", "caption", "footnote", "list", "table", "figure",
               "formula", "header", "footer"}


def manifest_entries():
    with open(os.path.join(SAMPLES, "manifest.jsonl")) as f:
        return {e["path"]: e for e in (json.loads(l) for l in f if l.strip())}


class SamplesRun(AssayTestCase):
    """One `assay run samples -j 2 --json` shared by the read-only checks below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = cls.temp_dir("samples")
        cls.run_result = run_assay(["run", "samples", "--out", cls.out, "-j", "2", "--json"],
                                   cwd=SOURCE_DIR)
        cls.docs = {}
        cls.records = {}
        if os.path.exists(os.path.join(cls.out, "assay.db")):
            cls.docs = {os.path.basename(d["path"]): d for d in documents(cls.out)}
            records, cls.export_text = export(cls.out)
            cls.records = {os.path.basename(r["source"]["path"]): r for r in records}

    def doc(self, name):
        self.assertIn(name, self.docs, f"no document for {name}\n{self.run_result.describe()}")
        return self.docs[name]

    def record(self, name):
        self.assertIn(name, self.records, f"no export record for {name}")
        return self.records[name]

    def test_exit_code_and_summary(self):
        self.assertExit(self.run_result, EXIT_DOC_ERRORS)
        s = self.run_result.json()
        self.assertEqual(s["documents"], 7, self.run_result.stdout)
        self.assertEqual(s["processed"], 7, self.run_result.stdout)
        self.assertEqual(s["reused"], 0, self.run_result.stdout)
        self.assertEqual(s["ignored"], 3, "README.md, make_samples.py, scanned_page.gt.txt")
        self.assertEqual(s["outcomes"], {"accepted": 6, "error": 1}, self.run_result.stdout)
        self.assertEqual(s["exit_code"], EXIT_DOC_ERRORS)

    def test_every_input_file_is_exactly_one_decided_document(self):
        all_docs = documents(self.out)
        self.assertEqual(sorted(os.path.basename(d["path"]) for d in all_docs), sorted(EXPECTED))
        for name in EXPECTED:
            sha = sha256_file(os.path.join(SAMPLES, name))
            rows = [d for d in all_docs if d["source_id"] == sha]
            self.assertEqual(len(rows), 1, f"{name}: documents with its source id: {rows}")
            self.assertIsNotNone(rows[0]["outcome"], f"{name} has no outcome: {rows[0]}")
            self.assertEqual(rows[0]["path"], f"samples/{name}")
            src = query(self.out, "SELECT * FROM sources WHERE source_id=?", (sha,))
            self.assertEqual(len(src), 1, name)
            self.assertEqual(src[0]["bytes"], os.path.getsize(os.path.join(SAMPLES, name)))

    def test_outcomes_and_modalities(self):
        for name, (outcome, modality) in EXPECTED.items():
            d = self.doc(name)
            self.assertEqual(d["outcome"], outcome, f"{name}: {d}")
            if modality:
                self.assertEqual(d["modality"], modality, f"{name}: {d}")
                self.assertEqual(self.record(name)["modality"], modality, name)

    def test_photo_carries_its_alt_text(self):
        alt = manifest_entries()["photo.jpg"]["alt_text"]
        d = self.doc("photo.jpg")
        self.assertEqual(d["alt_text"], alt)
        # The alt text is content: the document id is not the bare source id.
        self.assertNotEqual(d["doc_id"], d["source_id"])
        self.assertRegex(d["doc_id"], SHA256_HEX)
        images = self.record("photo.jpg")["images"]
        self.assertEqual(len(images), 1, images)
        self.assertIn(alt, (images[0].get("alt_text"), images[0].get("caption")), images)

    def test_scan_ground_truth_recorded_from_manifest(self):
        d = self.doc("scanned_page.png")
        self.assertEqual(d["ground_truth"], "samples/scanned_page.gt.txt")

    def test_corrupt_pdf_is_an_error_at_pdf_text(self):
        d = self.doc("corrupt.pdf")
        self.assertEqual(d["outcome"], "error")
        self.assertEqual(d["error_stage"], "pdf_text")
        # The first 40% of a PDF: Poppler's errDamaged (no xref or trailer even after repair).
        self.assertEqual(d["error_message"],
                         "damaged PDF: no usable cross-reference table or trailer, even after "
                         "repair")
        rec = self.record("corrupt.pdf")
        self.assertEqual(rec["outcome"], "error")
        self.assertEqual(rec["error"], {"stage": "pdf_text", "message": d["error_message"]})
        ts = rec["lineage"]["transformations"]
        self.assertEqual([(t["stage"], t["outcome"]) for t in ts], [("pdf_text", "error")], ts)
        self.assertEqual(ts[0]["note"], d["error_message"])
        self.assertIsNone(ts[0]["output_sha256"])

    def test_required_metrics(self):
        def m(name):
            return metrics(self.out, self.doc(name)["doc_id"])

        for name in ("born_digital.pdf", "two_column.pdf", "ruled_table.pdf"):
            got = m(name)
            self.assertEqual(got.get("pdf.pages"), 1, f"{name}: {got}")
            self.assertEqual(got.get("pdf.text_layer_ratio"), 1.0, f"{name}: {got}")
            self.assertNotIn("ocr.word_count", got, f"{name} has a text layer: no OCR")
        got = m("image_only.pdf")
        self.assertEqual(got.get("pdf.pages"), 2, got)
        self.assertEqual(got.get("pdf.text_layer_ratio"), 0.0, got)
        self.assertGreater(got.get("ocr.word_count", 0), 100, got)
        self.assertGreater(got.get("ocr.mean_confidence", 0), 80, got)
        got = m("scanned_page.png")
        self.assertEqual((got.get("image.width"), got.get("image.height")), (1242, 1084), got)
        self.assertEqual(got.get("image.dpi"), 300, got)
        self.assertGreater(got.get("ocr.word_count", 0), 100, got)
        self.assertGreater(got.get("ocr.mean_confidence", 0), 80, got)
        got = m("photo.jpg")
        self.assertEqual((got.get("image.width"), got.get("image.height")), (480, 320), got)
        self.assertIn("image.dpi", got)
        self.assertNotIn("ocr.word_count", got, "a photo is not OCR'd")
        # Export carries the same metric map.
        for name in EXPECTED:
            self.assertEqual(self.record(name)["metrics"], m(name), name)

    def test_export_records_have_the_design_fields(self):
        self.assertEqual(len(self.records), 7, self.export_text[:2000])
        for name, rec in self.records.items():
            with self.subTest(name=name):
                d = self.doc(name)
                for key in ("doc_id", "source", "modality", "outcome", "text", "pages", "tables",
                            "images", "metrics", "contract", "lineage"):
                    self.assertIn(key, rec)
                self.assertEqual(rec["doc_id"], d["doc_id"])
                self.assertEqual(rec["source"], {"sha256": sha256_file(os.path.join(SAMPLES, name)),
                                                 "path": f"samples/{name}"})
                self.assertEqual(rec["outcome"], d["outcome"])
                self.assertIsInstance(rec["text"], str)
                self.assertIsInstance(rec["metrics"], dict)
                lin = rec["lineage"]
                self.assertRegex(lin["ingested_at"], RFC3339)
                self.assertRegex(lin["processing_version"], SHA256_HEX)
                self.assertEqual(lin["processing_version"], d["processing_version"])
                ts = lin["transformations"]
                self.assertTrue(ts, "no transformations in lineage")
                for t in ts:
                    self.assertIsInstance(t["stage"], str)
                    self.assertIsInstance(t["version"], str)
                    self.assertIsInstance(t["params"], dict)
                if rec["outcome"] == "accepted":
                    container = "pdf" if name.endswith(".pdf") else "image"
                    self.assertEqual([t["stage"] for t in ts], PLAN[container])
                    self.assertTrue(all(t["outcome"] in ("ok", "skipped") for t in ts), ts)
                    self.assertTrue(rec["pages"], "accepted document without pages")
                for n, page in enumerate(rec["pages"], 1):
                    self.assertEqual(page["page"], n)
                    self.assertGreater(page["width"], 0)
                    self.assertGreater(page["height"], 0)
                    for b in page["blocks"]:
                        self.assertIn(b["type"], BLOCK_TYPES, b)
                        self.assertEqual(len(b["bbox"]), 4, b)
                        x0, y0, x1, y1 = b["bbox"]
                        self.assertTrue(x0 <= x1 and y0 <= y1, b)
                        self.assertIsInstance(b["text"], str)

    def test_block_boxes_lie_inside_their_page(self):
        # DESIGN: coordinates are PDF points for PDFs and pixels for images, so a block's box
        # must fit in its page's width x height.
        bad = []
        for name, rec in sorted(self.records.items()):
            for page in rec["pages"]:
                w, h = page["width"], page["height"]
                for b in page["blocks"]:
                    x0, y0, x1, y1 = b["bbox"]
                    if min(x0, y0) < -1 or x1 > w + 1 or y1 > h + 1:
                        bad.append(f"{name} p{page['page']} ({w}x{h}): {b['bbox']} "
                                   f"{b['text'][:40]!r}")
        self.assertEqual(bad, [], "blocks outside their page:\n" + "\n".join(bad[:20]))

    def test_born_digital_text(self):
        text = self.record("born_digital.pdf")["text"]
        self.assertTrue(text.startswith("Notes on Testing Well Water in Rural Households"),
                        text[:200])
        self.assertIn("twenty-four hours of collection.", text)

    def test_image_only_pdf_is_ocrd(self):
        text = self.record("image_only.pdf")["text"]
        self.assertIn("Greenfield Allotment Association", text)
        self.assertEqual(len(self.record("image_only.pdf")["pages"]), 2)

    def test_two_column_reading_order(self):
        # samples/README.md: all of the left column comes before the right column.
        text = " ".join(self.record("two_column.pdf")["text"].split())
        left_end = text.find("complaints about stray bees.")
        right_start = text.find("Through the Seasons")
        self.assertGreaterEqual(left_end, 0, text)
        self.assertGreaterEqual(right_start, 0, text)
        self.assertLess(text.find("On the Rooftops"), text.find("Above the bakery"), text)
        self.assertLess(left_end, right_start,
                        "left column must end before the right column starts:\n" + text[:1500])

    def test_scanned_page_cer_below_5_percent(self):
        gt = os.path.join(SAMPLES, "scanned_page.gt.txt")
        cer = cer_text(self.record("scanned_page.png")["text"], gt)
        log(f"scanned_page.png CER = {cer:.4f} ({CER_BIN})")
        self.assertLess(cer, 0.05, self.record("scanned_page.png")["text"])

    def test_status_reports_the_error(self):
        st = run_assay(["status", "--out", self.out, "--json"])
        self.assertExit(st, 0)
        j = st.json()
        self.assertEqual(j["outcomes"], {"accepted": 6, "error": 1})
        self.assertEqual([(e["path"], e["stage"]) for e in j["errors"]],
                         [("samples/corrupt.pdf", "pdf_text")])
        self.assertEqual(j["runs"][0]["status"], "finished")
        plain = run_assay(["status", "--out", self.out])
        self.assertExit(plain, 0)
        self.assertIn("samples/corrupt.pdf", plain.stdout)

    def test_lineage_by_prefix(self):
        d = self.doc("image_only.pdf")
        r = run_assay(["lineage", d["doc_id"][:10], "--out", self.out])
        self.assertExit(r, 0)
        self.assertIn(d["doc_id"], r.stdout)
        for stage in PLAN["pdf"]:
            # A scan's tables come from its OCR words and pixels; it has no figure for alt_text.
            outcome = "skipped" if stage == "alt_text" else "ok"
            self.assertRegex(r.stdout, rf"(?m)^\s+{stage}\s+v\d+\s+{outcome}\b", r.stdout)
        j = run_assay(["lineage", d["doc_id"][:10], "--out", self.out, "--json"]).json()
        self.assertEqual(j["doc_id"], d["doc_id"])
        self.assertEqual(j["modality"], "pdf_scan")
        self.assertEqual([t["stage"] for t in j["transformations"]], PLAN["pdf"])
        self.assertEqual([p["path"] for p in j["paths_seen"]], ["samples/image_only.pdf"])
        # The chain of hashes is unbroken: each stage reads what the previous one wrote.
        ts = j["transformations"]
        self.assertEqual(ts[0]["input_sha256"], d["source_id"])
        for a, b in zip(ts, ts[1:]):
            self.assertEqual(b["input_sha256"], a["output_sha256"])
        self.assertEqual(ts[-1]["output_sha256"], d["output_sha256"])

    def test_lineage_unknown_id_is_usage_error(self):
        r = run_assay(["lineage", "zz-not-hex", "--out", self.out])
        self.assertExit(r, EXIT_USAGE)
        self.assertIn("no document with id zz-not-hex", r.stderr)

    def test_store_integrity(self):
        self.assertEqual(integrity_check(self.out), ["ok"])

    def rerun_copy(self, *extra):
        out = self.temp_dir("rerun")
        shutil.rmtree(out)
        shutil.copytree(self.out, out)
        r = run_assay(["run", "samples", "--out", out, "-j", "2", "--json", *extra],
                      cwd=SOURCE_DIR)
        return out, r

    def test_rerun_reuses_everything(self):
        before = query(self.out, "SELECT COUNT(*) AS n FROM transformations")[0]["n"]
        out, r = self.rerun_copy()
        self.assertExit(r, EXIT_DOC_ERRORS)
        s = r.json()
        self.assertEqual((s["processed"], s["reused"]), (0, 7), r.stdout)
        after = query(out, "SELECT COUNT(*) AS n FROM transformations")[0]["n"]
        self.assertEqual(after, before, "a re-run added transformation rows")
        self.assertEqual(len(query(out, "SELECT * FROM runs")), 2)
        self.assertEqual(documents(out), documents(self.out), "a re-run changed documents")
        self.assertEqual(export(out)[1], self.export_text, "a re-run changed the export")

    def test_rerun_retry_errors_redoes_only_the_error(self):
        out, r = self.rerun_copy("--retry-errors")
        self.assertExit(r, EXIT_DOC_ERRORS)
        s = r.json()
        self.assertEqual((s["processed"], s["reused"]), (1, 6), r.stdout)
        self.assertEqual(self.doc_by_path(out, "samples/corrupt.pdf")["run_id"], 2)
        self.assertEqual(self.doc_by_path(out, "samples/born_digital.pdf")["run_id"], 1)


class Ingest(AssayTestCase):
    """Small hand-made inputs: each test has its own input and output folders."""

    def setUp(self):
        self.inp = self.temp_dir("in")
        self.out = os.path.join(self.temp_dir("out"), "out")

    def sample(self, name, as_name=None):
        dst = os.path.join(self.inp, as_name or name)
        shutil.copyfile(os.path.join(SAMPLES, name), dst)
        return dst

    def manifest(self, lines, name="m.jsonl"):
        path = os.path.join(self.inp, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def run_on(self, *inputs, code=EXIT_DOC_ERRORS):
        r = run_assay(["run", *inputs, "--out", self.out, "-j", "2", "--json"])
        self.assertExit(r, code)
        return r

    def test_unsupported_type_is_an_error_not_skipped(self):
        txt = os.path.join(self.inp, "notes.txt")
        with open(txt, "w") as f:
            f.write("plain text, not a document assay can read\n")
        r = self.run_on(txt)
        self.assertEqual(r.json()["documents"], 1, r.stdout)
        d = self.doc_by_path(self.out, txt)
        self.assertEqual((d["outcome"], d["error_stage"], d["error_message"]),
                         ("error", "ingest", "unsupported type: text/plain"))
        self.assertEqual(d["source_id"], sha256_file(txt))

    def test_unsupported_type_sniffed_from_bytes_not_extension(self):
        fake = os.path.join(self.inp, "fake.pdf")
        with open(fake, "w") as f:
            f.write("not a pdf at all\n")
        real = self.sample("born_digital.pdf", "no_extension")
        self.run_on(fake, real)
        d = self.doc_by_path(self.out, fake)
        self.assertEqual((d["outcome"], d["error_message"]),
                         ("error", "unsupported type: text/plain"))
        d = self.doc_by_path(self.out, real)
        self.assertEqual((d["outcome"], d["modality"]), ("accepted", "pdf_text"))

    def test_empty_file_is_an_error(self):
        empty = os.path.join(self.inp, "empty.pdf")
        open(empty, "w").close()
        self.run_on(empty)
        d = self.doc_by_path(self.out, empty)
        self.assertEqual((d["outcome"], d["error_stage"], d["error_message"]),
                         ("error", "ingest", "empty file (0 bytes)"))

    def test_same_photo_two_alt_texts_is_two_documents_one_source(self):
        self.sample("photo.jpg")
        m = self.manifest([
            json.dumps({"path": "photo.jpg", "alt_text": "A sunny landscape."}),
            json.dumps({"path": "photo.jpg", "alt_text": "Hills under a blue sky."})])
        r = self.run_on(m, code=0)
        docs = documents(self.out)
        self.assertEqual(len(docs), 2, f"expected two documents, got:\n{json.dumps(docs, indent=1)}"
                                       f"\n{r.describe()}")
        self.assertEqual({d["alt_text"] for d in docs},
                         {"A sunny landscape.", "Hills under a blue sky."})
        self.assertEqual(len({d["doc_id"] for d in docs}), 2)
        self.assertEqual({d["source_id"] for d in docs},
                         {sha256_file(os.path.join(SAMPLES, "photo.jpg"))})
        self.assertEqual([d["outcome"] for d in docs], ["accepted", "accepted"])
        self.assertEqual(len(query(self.out, "SELECT * FROM sources")), 1)

    def test_same_bytes_two_paths_is_one_document(self):
        a = self.sample("born_digital.pdf", "a.pdf")
        b = self.sample("born_digital.pdf", "b.pdf")
        r = self.run_on(self.inp, code=0)
        self.assertEqual(r.json()["documents"], 1, r.stdout)
        paths = query(self.out, "SELECT path FROM source_paths ORDER BY path")
        self.assertEqual([p["path"] for p in paths], [a, b])

    def test_missing_file_in_manifest_is_an_error_document(self):
        self.sample("born_digital.pdf")
        m = self.manifest([json.dumps({"path": "born_digital.pdf"}),
                           json.dumps({"path": "no_such_file.png"})])
        self.run_on(m)
        missing = self.doc_by_path(self.out, os.path.join(self.inp, "no_such_file.png"))
        self.assertEqual((missing["outcome"], missing["error_stage"], missing["error_message"]),
                         ("error", "ingest", f"file not found (listed at {m}:2)"))
        ok = self.doc_by_path(self.out, os.path.join(self.inp, "born_digital.pdf"))
        self.assertEqual(ok["outcome"], "accepted")

    def test_bad_manifest_lines_are_error_documents(self):
        self.sample("born_digital.pdf")
        self.sample("photo.jpg")
        m = self.manifest([json.dumps({"path": "born_digital.pdf"}),
                           '{"path": "photo.jpg", ',
                           json.dumps({"path": "photo.jpg", "colour": "blue"}),
                           json.dumps(["photo.jpg"])])
        r = self.run_on(m)
        self.assertEqual(r.json()["documents"], 4, r.stdout)
        d = self.doc_by_path(self.out, f"{m}:2")
        self.assertEqual((d["outcome"], d["error_stage"]), ("error", "ingest"))
        self.assertTrue(d["error_message"].startswith("bad manifest line: "), d["error_message"])
        d = self.doc_by_path(self.out, f"{m}:3")
        self.assertEqual(d["error_message"], 'bad manifest line: unknown key "colour"')
        d = self.doc_by_path(self.out, f"{m}:4")
        self.assertEqual(d["error_message"], 'bad manifest line: an entry needs a "path" string')
        ok = self.doc_by_path(self.out, os.path.join(self.inp, "born_digital.pdf"))
        self.assertEqual(ok["outcome"], "accepted")
        # An error document is exported too, with its reason.
        records, _ = export(self.out)
        errors = [r for r in records if r["outcome"] == "error"]
        self.assertEqual(len(errors), 3)
        self.assertTrue(all(r["error"]["stage"] == "ingest" for r in errors), errors)


class Usage(AssayTestCase):
    def setUp(self):
        self.out = os.path.join(self.temp_dir("usage"), "out")

    def test_unknown_flag(self):
        r = run_assay(["run", "samples", "--out", self.out, "--no-such-flag"], cwd=SOURCE_DIR)
        self.assertExit(r, EXIT_USAGE)
        self.assertFalse(os.path.exists(os.path.join(self.out, "assay.db")))

    def test_missing_input_path(self):
        r = run_assay(["run", "samples/no_such_file.pdf", "--out", self.out], cwd=SOURCE_DIR)
        self.assertExit(r, EXIT_USAGE)
        self.assertIn("input does not exist: samples/no_such_file.pdf", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "assay.db")))

    def test_no_input(self):
        self.assertExit(run_assay(["run", "--out", self.out]), EXIT_USAGE)

    def test_unknown_subcommand(self):
        self.assertExit(run_assay(["frobnicate"]), EXIT_USAGE)

    def test_bad_set_override(self):
        r = run_assay(["run", "samples", "--out", self.out, "--set", "nosuchstage.x=1"],
                      cwd=SOURCE_DIR)
        self.assertExit(r, EXIT_USAGE)
        self.assertIn("unknown stage 'nosuchstage'", r.stderr)
        r = run_assay(["run", "samples", "--out", self.out, "--set", "ocr.nosuchparam=1"],
                      cwd=SOURCE_DIR)
        self.assertExit(r, EXIT_USAGE)
        self.assertIn("unknown parameter 'nosuchparam'", r.stderr)

    def test_store_commands_without_a_store(self):
        os.makedirs(self.out)
        for args in (["status", "--out", self.out], ["status", "--out", self.out, "--json"],
                     ["lineage", "abc", "--out", self.out],
                     ["export", "--out", self.out, "--format", "jsonl"]):
            with self.subTest(args=args):
                r = run_assay(args)
                self.assertExit(r, EXIT_USAGE)
                self.assertIn("no store at", r.stderr)
                self.assertFalse(os.path.exists(os.path.join(self.out, "assay.db")),
                                 f"{args[0]} created a store")


if __name__ == "__main__":
    unittest.main()
