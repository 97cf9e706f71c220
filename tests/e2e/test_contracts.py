"""Quality contracts at ingestion: strict loading, decisions with reasons, every document of
the corpora either accepted or in the remediation queue with a reason."""

import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

BIN = os.environ["ASSAY_BIN"]
SRC = os.environ["ASSAY_SOURCE_DIR"]
CORPORA = os.environ["ASSAY_CORPORA"]
NOT_DOCUMENTS = ["*.csv", "*.json", "*.txt", "*.md", "*.xml", "*.out", "*.tex", "*.html",
                 "*.odt", "*.uzn", "*.embedded.*"]


def assay(*args, check=False):
    return subprocess.run([BIN, *args], capture_output=True, text=True, check=check,
                          timeout=1200)


class ContractsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="assay-contracts-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def copy_contracts(self):
        d = os.path.join(self.tmp, "contracts")
        shutil.copytree(os.path.join(SRC, "contracts"), d,
                        ignore=shutil.ignore_patterns("*.cpp", "*.h"))
        return d

    def test_check_accepts_the_shipped_set_and_names_file_and_line_of_a_typo(self):
        d = self.copy_contracts()
        ok = assay("contracts", "check", d)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("page_image", ok.stdout)
        path = os.path.join(d, "page_image.toml")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("max = 0.02", "maxx = 0.02", 1))
        bad = assay("contracts", "check", d)
        self.assertEqual(bad.returncode, 2)
        line = text[: text.index("max = 0.02")].count("\n") + 1
        self.assertIn(f"{path}:{line}:1: unknown key 'maxx'", bad.stderr)
        # A run with that set does not start.
        run = assay("run", os.path.join(SRC, "samples"), "--out", self.tmp, "--contracts", d)
        self.assertEqual(run.returncode, 3)
        self.assertIn("unknown key 'maxx'", run.stderr)

    def test_show_prints_the_exact_text_and_its_hash(self):
        shown = json.loads(assay("contracts", "show", "page_image", "--json", check=True).stdout)
        with open(os.path.join(SRC, "contracts", "page_image.toml")) as f:
            self.assertEqual(shown["text"], f.read())
        self.assertEqual(len(shown["sha256"]), 64)
        self.assertEqual(assay("contracts", "show", "scan").returncode, 2)

    def test_a_stricter_contract_rejects_with_measured_value_and_threshold(self):
        d = self.copy_contracts()
        with open(os.path.join(d, "pdf_text.toml"), "a") as f:
            f.write('\n[[rule]]\nid = "long_enough"\nmetric = "pdf.word_count"\nmin = 250\n'
                    'severity = "reject"\n')
        out = os.path.join(self.tmp, "out")
        run = assay("run", os.path.join(SRC, "samples", "born_digital.pdf"), "--out", out,
                    "--contracts", d, "--json")
        self.assertEqual(run.returncode, 1, run.stderr)  # rejected, none errored
        record = json.loads(assay("export", "--out", out, check=True).stdout)
        self.assertEqual(record["outcome"], "rejected")
        self.assertEqual(record["contract"]["outcome"], "rejected")
        self.assertEqual(record["contract"]["failures"],
                         [{"rule": "long_enough", "metric": "pdf.word_count", "value": 199.0,
                           "threshold": 250.0, "operator": "min", "severity": "reject"}])
        db = sqlite3.connect(os.path.join(out, "assay.db"))
        text, = db.execute("SELECT c.text FROM contracts c JOIN documents d "
                           "ON d.contract_sha256 = c.sha256").fetchone()
        self.assertIn("long_enough", text)  # the decision traces to the exact contract text
        items = json.loads(assay("queue", "list", "--out", out, "--json", check=True).stdout)
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0]["kind"], "rejected")
        self.assertEqual(items[0]["reasons"][0]["rule"], "long_enough")
        # A warn rule annotates without rejecting.
        with open(os.path.join(d, "pdf_text.toml")) as f:
            text = f.read()
        with open(os.path.join(d, "pdf_text.toml"), "w") as f:
            f.write(text.replace('min = 250\nseverity = "reject"', 'min = 250\nseverity = "warn"'))
        run = assay("run", os.path.join(SRC, "samples", "born_digital.pdf"), "--out", out,
                    "--contracts", d, "--json")
        self.assertEqual(run.returncode, 0, run.stderr)
        record = json.loads(assay("export", "--out", out, check=True).stdout)
        self.assertEqual(record["outcome"], "accepted")
        self.assertEqual(record["contract"]["warnings"][0]["rule"], "long_enough")
        # The queue item closed itself: the document passes its contract now.
        items = json.loads(assay("queue", "list", "--out", out, "--json", "--state", "resolved",
                                 check=True).stdout)
        self.assertEqual([i["state"] for i in items], ["resolved"])

    def test_reprocess_with_a_higher_dpi_fixes_the_document_and_closes_its_item(self):
        out = os.path.join(self.tmp, "rp")
        pdf = os.path.join(SRC, "samples", "image_only.pdf")
        # Rendered too coarse even for preprocessing (60 dpi is now rescued by the upscaling
        # retry): the CER estimate fails.
        low = ["run", pdf, "--out", out, "--set", "rasterize.dpi=40", "--json"]
        self.assertEqual(assay(*low).returncode, 1)
        item = json.loads(assay("queue", "list", "--out", out, "--json", check=True).stdout)[0]
        self.assertEqual(item["reasons"][0]["rule"], "cer")
        fixed = assay("queue", "reprocess", str(item["item_id"]), "--out", out, "--as", "alice",
                      "--set", "rasterize.dpi=300")
        self.assertEqual(fixed.returncode, 0, fixed.stderr)
        shown = json.loads(assay("queue", "show", str(item["item_id"]), "--out", out, "--json",
                                 check=True).stdout)
        self.assertEqual(shown["item"]["state"] if "item" in shown else shown["state"],
                         "resolved")
        lineage = json.loads(assay("lineage", item["doc_id"], "--out", out, "--json",
                                   check=True).stdout)
        self.assertEqual(lineage["outcome"], "accepted")
        linked = [t for t in lineage["transformations"] if t.get("queue_item_id")]
        self.assertEqual([t["stage"] for t in linked],
                         ["pdf_text", "rasterize", "preprocess", "handwriting", "ocr", "layout",
                          "tables", "alt_text", "quality", "pii"])
        self.assertEqual(linked[1]["params"]["dpi"], 300)
        # The document keeps its own parameters: the next batch does not undo the fix.
        again = json.loads(assay(*low).stdout)
        self.assertEqual((again["processed"], again["outcomes"]), (0, {"accepted": 1}))
        # A resolved item cannot be reprocessed again.
        self.assertEqual(assay("queue", "reprocess", str(item["item_id"]), "--out", out)
                         .returncode, 5)

    def test_every_corpus_document_is_accepted_or_queued_with_a_reason(self):
        out = os.path.join(self.tmp, "corpora")
        excludes = [a for g in NOT_DOCUMENTS for a in ("--exclude", g)]
        run = assay("run", *sorted(glob.glob(os.path.join(CORPORA, "*", "dev"))), "--out", out,
                    "-j", "2", "--timeout", "120", "--json", *excludes)
        self.assertIn(run.returncode, (1, 4), run.stderr)
        summary = json.loads(run.stdout)
        db = sqlite3.connect(os.path.join(out, "assay.db"))
        rows = db.execute("SELECT d.doc_id, d.path, d.outcome, q.reasons FROM documents d "
                          "LEFT JOIN queue_items q ON q.doc_id = d.doc_id AND "
                          "q.state IN ('open','claimed')").fetchall()
        self.assertEqual(len(rows), summary["documents"])
        for doc_id, path, outcome, reasons in rows:
            if outcome == "accepted":
                self.assertIsNone(reasons, path)
            else:
                self.assertIn(outcome, ("rejected", "error"), path)
                self.assertTrue(reasons and json.loads(reasons), f"{path}: queued without reason")
        listing = assay("queue", "list", "--out", out, check=True).stdout
        self.assertIn("rule cer:", listing)
        print(f"\n{summary['documents']} documents: {summary['outcomes']}")
        for rule, n in db.execute("SELECT COALESCE(rule, 'error:' || stage), COUNT(*) "
                                  "FROM queue_open GROUP BY 1 ORDER BY 2 DESC"):
            print(f"  {rule:20} {n}")


if __name__ == "__main__":
    unittest.main()
