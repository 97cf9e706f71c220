"""Provenance, personal data, contract what-if and model feedback (issue 13), through the binary.

- licence and source URL from a manifest entry or a folder's assay-provenance.json (the
  manifest wins), refused when malformed, shown by lineage and exported; not identity;
- the pii stage counts checksum-valid numbers in a generated PDF, and stores no PII text;
- `contracts whatif` names exactly the documents a threshold change flips;
- `feedback import` stores results, is idempotent, reports unknown doc_ids (exit 4) and opens
  "model evaluation" queue items.
"""

import json
import os
import shutil
import unittest

from assay_e2e import (AssayTestCase, EXIT_DOC_ERRORS, EXIT_OK, EXIT_REJECTED, EXIT_USAGE,
                       SAMPLES, SOURCE_DIR, export, metrics, query, run_assay)


def write_pdf(path, lines):
    """A one-page born-digital PDF with `lines` in Helvetica (offsets computed, so valid)."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 750 Td"]
    for line in lines:
        ops.append("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                   + ") Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
               b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


PII_LINES = [
    "Customer record for the quarterly review of accounts and payments.",
    "Contact jane.doe@example.com or support@example.org for questions.",
    "Phone (202) 555-0143 during office hours, or +44 20 7946 0958 in London.",
    "Card on file 4111 1111 1111 1111 and a mistyped one 4111 1111 1111 1112.",
    "Social security number 123-45-6789, and the invalid 666-12-3456.",
    "Transfer to IBAN GB82 WEST 1234 5698 7654 32 but not GB82 WEST 1234 5698 7654 33.",
    "The meeting in 2021 had 2019 2020 2021 figures and the value 3.14159 2.71828.",
]


class Provenance(AssayTestCase):
    def make_inputs(self):
        inp = self.temp_dir("prov-in")
        os.makedirs(os.path.join(inp, "licensed", "deeper"))
        shutil.copy(os.path.join(SAMPLES, "born_digital.pdf"), os.path.join(inp, "licensed"))
        shutil.copy(os.path.join(SAMPLES, "two_column.pdf"),
                    os.path.join(inp, "licensed", "deeper"))
        shutil.copy(os.path.join(SAMPLES, "ruled_table.pdf"), inp)
        with open(os.path.join(inp, "licensed", "assay-provenance.json"), "w") as f:
            json.dump({"license": "CC-BY-4.0", "source_url": "https://example.org/archive/"}, f)
        with open(os.path.join(inp, "licensed", "deeper", "assay-provenance.json"), "w") as f:
            json.dump({"license": "CC0-1.0"}, f)  # source_url still from the folder above
        return inp

    def test_sidecars_apply_to_their_folder_nearest_first_and_are_not_inputs(self):
        inp = self.make_inputs()
        out = self.temp_dir("prov-out")
        r = run_assay(["run", inp, "--out", out, "-j", "2", "--json"])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED), r.describe())
        self.assertEqual(r.json()["documents"], 3, "a sidecar is not an input")
        rows = {os.path.basename(d["path"]): d for d in query(
            out, "SELECT path, license, source_url, doc_id FROM documents")}
        self.assertEqual((rows["born_digital.pdf"]["license"], rows["born_digital.pdf"]["source_url"]),
                         ("CC-BY-4.0", "https://example.org/archive/"))
        self.assertEqual((rows["two_column.pdf"]["license"], rows["two_column.pdf"]["source_url"]),
                         ("CC0-1.0", "https://example.org/archive/"))
        self.assertEqual((rows["ruled_table.pdf"]["license"], rows["ruled_table.pdf"]["source_url"]),
                         (None, None))
        records = {os.path.basename(rec["source"]["path"]): rec for rec in export(out)[0]}
        self.assertEqual(records["born_digital.pdf"]["license"], "CC-BY-4.0")
        self.assertEqual(records["two_column.pdf"]["source_url"], "https://example.org/archive/")
        self.assertNotIn("license", records["ruled_table.pdf"])
        lineage = run_assay(["lineage", rows["two_column.pdf"]["doc_id"], "--out", out])
        self.assertIn("license    CC0-1.0", lineage.stdout)

    def test_manifest_wins_provenance_is_not_identity_and_bad_values_are_refused(self):
        inp = self.make_inputs()
        out = self.temp_dir("prov-out")
        first = run_assay(["run", inp, "--out", out, "--json"])
        self.assertIn(first.returncode, (EXIT_OK, EXIT_REJECTED), first.describe())
        before = {d["doc_id"]: d["processing_version"] for d in query(
            out, "SELECT doc_id, processing_version FROM documents")}
        with open(os.path.join(inp, "list.jsonl"), "w") as f:
            f.write(json.dumps({"path": "licensed/born_digital.pdf", "license": "MIT",
                                "source_url": "https://example.com/a.pdf"}) + "\n")
            f.write(json.dumps({"path": "ruled_table.pdf", "license": "see our website"}) + "\n")
            f.write(json.dumps({"path": "licensed/deeper/two_column.pdf",
                                "source_url": "http://exa mple.com/x"}) + "\n")
        second = run_assay(["run", inp, "--out", out, "--json"])
        self.assertEqual(second.returncode, EXIT_DOC_ERRORS, second.describe())
        rows = {os.path.basename(d["path"]): d for d in query(
            out, "SELECT d.path, d.license, d.source_url, d.doc_id, d.outcome, d.processing_version, "
                 "d.error_message FROM documents d")}
        bd = rows["born_digital.pdf"]
        self.assertEqual((bd["license"], bd["source_url"]), ("MIT", "https://example.com/a.pdf"))
        # Same bytes, same identity and processing version: the licence changed no output.
        self.assertEqual(before.get(bd["doc_id"]), bd["processing_version"])
        self.assertEqual(query(out, "SELECT COUNT(*) AS n FROM transformations WHERE doc_id=? AND "
                                    "run_id=2", (bd["doc_id"],))[0]["n"], 0,
                         "a licence change reprocesses nothing")
        errors = query(out, "SELECT path, error_message FROM documents WHERE outcome='error'")
        messages = " ".join(e["error_message"] for e in errors)
        self.assertIn("SPDX", messages)
        self.assertIn("source_url", messages)

    def test_a_broken_sidecar_is_an_error_of_the_files_under_it(self):
        inp = self.temp_dir("prov-bad")
        shutil.copy(os.path.join(SAMPLES, "born_digital.pdf"), inp)
        with open(os.path.join(inp, "assay-provenance.json"), "w") as f:
            f.write('{"licence": "MIT"}')
        out = self.temp_dir("prov-bad-out")
        r = run_assay(["run", inp, "--out", out])
        self.assertEqual(r.returncode, EXIT_DOC_ERRORS, r.describe())
        (row,) = query(out, "SELECT error_message FROM documents")
        self.assertIn('assay-provenance.json: unknown key "licence"', row["error_message"])


class PersonalData(AssayTestCase):
    def test_pii_counts_only_valid_numbers_and_stores_no_pii_text(self):
        inp = self.temp_dir("pii-in")
        write_pdf(os.path.join(inp, "record.pdf"), PII_LINES)
        out = self.temp_dir("pii-out")
        r = run_assay(["run", inp, "--out", out])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED), r.describe())
        (doc,) = query(out, "SELECT doc_id, outcome FROM documents")
        m = metrics(out, doc["doc_id"])
        self.assertEqual((m["pii.emails"], m["pii.phones"], m["pii.card_numbers"],
                          m["pii.national_ids"]), (2, 2, 1, 2), m)
        # The shipped contracts warn: the document is kept, with the warnings recorded.
        rec = export(out)[0][0]
        self.assertEqual(sorted(w["rule"] for w in rec["contract"]["warnings"]
                                if w["rule"].startswith("pii_")),
                         ["pii_card_numbers", "pii_national_ids"])
        # No number or address found is stored outside the document's own text.
        con_text = "\n".join(str(v) for sql in (
            "SELECT * FROM metrics", "SELECT * FROM transformations",
            "SELECT * FROM contract_results") for row in query(out, sql) for v in row.values())
        for secret in ("4111", "123-45-6789", "jane.doe", "GB82"):
            self.assertNotIn(secret, con_text)
        # A contract can reject on them.
        contracts = self.temp_dir("pii-contracts")
        for name in os.listdir(os.path.join(SOURCE_DIR, "contracts")):
            if name.endswith(".toml"):
                with open(os.path.join(SOURCE_DIR, "contracts", name)) as f:
                    text = f.read()
                with open(os.path.join(contracts, name), "w") as f:
                    f.write(text.replace('metric = "pii.card_numbers"\nmax = 0\nseverity = "warn"',
                                         'metric = "pii.card_numbers"\nmax = 0\nseverity = "reject"'))
        out2 = self.temp_dir("pii-out2")
        r2 = run_assay(["run", inp, "--out", out2, "--contracts", contracts])
        self.assertEqual(r2.returncode, EXIT_REJECTED, r2.describe())
        (fail,) = query(out2, "SELECT rule, value FROM rule_failures WHERE severity='reject'")
        self.assertEqual((fail["rule"], fail["value"]), ("pii_card_numbers", 1.0))


class WhatIf(AssayTestCase):
    def test_whatif_names_exactly_the_documents_that_flip(self):
        out = self.temp_dir("whatif-out")
        r = run_assay(["run", SAMPLES, "--out", out, "-j", "2"])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS), r.describe())
        same = run_assay(["contracts", "whatif", os.path.join(SOURCE_DIR, "contracts"),
                          "--out", out, "--json"])
        self.assertEqual(same.returncode, EXIT_OK, same.describe())
        self.assertEqual(same.json()["flips"], [])
        # Raise pdf_text's words_found threshold to 250 words: exactly the pdf_text documents
        # below it flip, by the store's own metrics.
        contracts = self.temp_dir("whatif-contracts")
        for name in os.listdir(os.path.join(SOURCE_DIR, "contracts")):
            if name.endswith(".toml"):
                shutil.copy(os.path.join(SOURCE_DIR, "contracts", name), contracts)
        path = os.path.join(contracts, "pdf_text.toml")
        with open(path) as f:
            text = f.read()
        self.assertIn('metric = "pdf.word_count"\nmin = 1\n', text)
        with open(path, "w") as f:
            f.write(text.replace('metric = "pdf.word_count"\nmin = 1\n',
                                 'metric = "pdf.word_count"\nmin = 250\n'))
        expected = sorted(row["doc_id"] for row in query(
            out, "SELECT d.doc_id FROM documents d JOIN metrics m ON m.doc_id = d.doc_id "
                 "AND m.scope = '' AND m.name = 'pdf.word_count' "
                 "WHERE d.outcome = 'accepted' AND d.modality = 'pdf_text' AND m.value < 250"))
        self.assertTrue(expected, "the samples must hold a pdf_text document under 250 words")
        w = run_assay(["contracts", "whatif", contracts, "--out", out, "--json"])
        self.assertEqual(w.returncode, EXIT_REJECTED, w.describe())
        flips = w.json()["flips"]
        self.assertEqual(sorted(f["doc_id"] for f in flips), expected)
        for f in flips:
            self.assertEqual((f["from"], f["to"]), ("accepted", "rejected"))
            (fail,) = f["failures_after"]
            self.assertEqual((fail["rule"], fail["threshold"]), ("words_found", 250))
        # Back: a store decided under the stricter set flips back under the shipped one.
        out2 = self.temp_dir("whatif-out2")
        run_assay(["run", SAMPLES, "--out", out2, "-j", "2", "--contracts", contracts])
        back = run_assay(["contracts", "whatif", os.path.join(SOURCE_DIR, "contracts"),
                          "--out", out2, "--json"])
        self.assertEqual(sorted((f["doc_id"], f["to"]) for f in back.json()["flips"]),
                         [(d, "accepted") for d in expected])
        text = run_assay(["contracts", "whatif", contracts, "--out", out]).stdout
        self.assertIn("fails words_found", text)
        bad = run_assay(["contracts", "whatif", self.temp_dir("empty"), "--out", out])
        self.assertEqual(bad.returncode, EXIT_USAGE, bad.describe())


class Feedback(AssayTestCase):
    def test_import_is_idempotent_reports_unknown_ids_and_queues_flagged(self):
        out = self.temp_dir("fb-out")
        r = run_assay(["run", SAMPLES, "--out", out, "-j", "2"])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS), r.describe())
        accepted = [d["doc_id"] for d in query(
            out, "SELECT doc_id FROM documents WHERE outcome='accepted' ORDER BY doc_id")]
        self.assertGreaterEqual(len(accepted), 3)
        d = self.temp_dir("fb-files")
        jsonl = os.path.join(d, "eval.jsonl")
        with open(jsonl, "w") as f:
            f.write(json.dumps({"doc_id": accepted[0], "score": 0.12, "flagged": True,
                                "note": "model hallucinates on this one"}) + "\n")
            f.write(json.dumps({"doc_id": "0" * 64, "score": 0.5}) + "\n")
            f.write(json.dumps({"doc_id": accepted[1], "score": 0.97}) + "\n")
        imp = run_assay(["feedback", "import", jsonl, "--out", out, "--as", "eval-bot", "--json"])
        self.assertEqual(imp.returncode, EXIT_DOC_ERRORS, imp.describe())
        j = imp.json()
        self.assertEqual((j["lines"], j["imported"], j["flagged"], j["queue_opened"]), (3, 2, 1, 1))
        self.assertEqual(len(j["problems"]), 1)
        self.assertIn("eval.jsonl:2: unknown doc_id 000", j["problems"][0])
        again = run_assay(["feedback", "import", jsonl, "--out", out, "--json"])
        self.assertEqual(again.returncode, EXIT_OK, again.describe())
        self.assertTrue(again.json()["already_imported"])
        self.assertEqual(query(out, "SELECT COUNT(*) AS n FROM model_feedback")[0]["n"], 2)
        # CSV, flagging a second document, with a quoted note.
        csv = os.path.join(d, "eval.csv")
        with open(csv, "w") as f:
            f.write("doc_id,score,flagged,note\n")
            f.write(f'{accepted[2]},0.3,yes,"bad table, again"\n')
        c = run_assay(["feedback", "import", csv, "--out", out, "--json"])
        self.assertEqual(c.returncode, EXIT_OK, c.describe())
        self.assertEqual(c.json()["queue_opened"], 1)
        items = query(out, "SELECT q.doc_id, q.state, q.reasons, e.actor, e.note FROM queue_items q "
                           "JOIN queue_events e ON e.item_id = q.item_id "
                           "WHERE q.reasons LIKE '%model_evaluation%' ORDER BY q.doc_id")
        self.assertEqual(sorted(i["doc_id"] for i in items), sorted([accepted[0], accepted[2]]))
        first = next(i for i in items if i["doc_id"] == accepted[0])
        self.assertEqual(first["actor"], "eval-bot")
        reason = json.loads(first["reasons"])[0]
        self.assertEqual((reason["reason"], reason["score"], reason["note"]),
                         ("model evaluation", 0.12, "model hallucinates on this one"))
        listed = run_assay(["queue", "list", "--out", out, "--rule", "model_evaluation", "--json"])
        self.assertEqual(len(listed.json()), 2, listed.describe())
        # The documents stay accepted; a later run does not clear a person's queue item.
        run_assay(["run", SAMPLES, "--out", out, "-j", "2"])
        self.assertEqual(query(out, "SELECT state FROM queue_items WHERE doc_id=? AND "
                                    "reasons LIKE '%model_evaluation%'", (accepted[0],))[0]["state"],
                         "open")
        fl = run_assay(["feedback", "list", "--out", out, "--flagged", "--json"])
        self.assertEqual(sorted(x["doc_id"] for x in fl.json()), sorted([accepted[0], accepted[2]]))
        lineage = run_assay(["lineage", accepted[0], "--out", out, "--json"]).json()
        self.assertEqual(lineage["model_feedback"][0]["score"], 0.12)

    def test_feedback_by_release_and_key_resolves_only_released_documents(self):
        # A model team reports against a release: `release` + `key` (the WebDataset key, which
        # is the doc_id). A key the release does not hold, or an unknown release, is refused.
        out = self.temp_dir("fbr-out")
        r = run_assay(["run", SAMPLES, "--out", out, "-j", "2"])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS), r.describe())
        rel = os.path.join(self.temp_dir("fbr-rel"), "v1")
        c = run_assay(["release", "create", "v1", "--out", out, "--to", rel])
        self.assertEqual(c.returncode, EXIT_OK, c.describe())
        with open(os.path.join(rel, "documents.jsonl")) as f:
            released = [json.loads(line)["doc_id"] for line in f]
        outside = query(out, "SELECT doc_id FROM documents WHERE outcome <> 'accepted' LIMIT 1")
        self.assertTrue(released and outside)
        path = os.path.join(self.temp_dir("fbr-files"), "eval.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"release": "v1", "key": released[0], "score": 0.2,
                                "flagged": True}) + "\n")
            f.write(json.dumps({"release": "v1", "key": outside[0]["doc_id"], "score": 0.9}) + "\n")
            f.write(json.dumps({"release": "v9", "key": released[0], "score": 0.9}) + "\n")
        imp = run_assay(["feedback", "import", path, "--out", out, "--json"])
        self.assertEqual(imp.returncode, EXIT_DOC_ERRORS, imp.describe())
        j = imp.json()
        self.assertEqual((j["imported"], j["flagged"]), (1, 1))
        self.assertEqual(len(j["problems"]), 2, j["problems"])
        self.assertIn("eval.jsonl:2: release v1 has no key " + outside[0]["doc_id"], j["problems"][0])
        self.assertIn("eval.jsonl:3: unknown release v9", j["problems"][1])
        rows = query(out, "SELECT doc_id, release_name, item_key FROM model_feedback")
        self.assertEqual([(x["doc_id"], x["release_name"], x["item_key"]) for x in rows],
                         [(released[0], "v1", released[0])])


if __name__ == "__main__":
    unittest.main()
