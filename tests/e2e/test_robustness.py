"""Hostile input: the whole pdf_robustness corpus, and deliberately crashing, hanging and
ballooning workers. A bad document must cost itself only, with its reason recorded."""

import collections
import csv
import glob
import os
import re
import shutil
import unittest

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, EXIT_OK, PLAN, SAMPLES, AssayTestCase,
                       copy_with_marker, documents, export, integrity_check, log, normalize_ws,
                       open_db, query, run_assay, sha256_file)

ROBUSTNESS = os.path.join(CORPORA, "pdf_robustness", "dev")

# Stages that may record a clean, per-document error for a PDF: the plan's stages and ingest
# (unreadable or empty files). `worker` is not one: it means a crash, timeout or memory kill.
CLEAN_ERROR_STAGES = {"ingest", *PLAN["pdf"]}


def check_opens(d, facts, match=None):
    """A tolerant reader opens it, so must assay: decided by its contract, never `error`."""
    problems = []
    if d["outcome"] not in ("accepted", "rejected"):
        problems.append(f"outcome {d['outcome']!r} ({d['error_stage']}: {d['error_message']})")
    if not d["page_count"] or d["page_count"] < 1:
        problems.append(f"page count {d['page_count']}")
    return problems


def check_clean(d, facts, match=None):
    """Any outcome will do, but an error must be a stage's own, never a dead worker."""
    if d["outcome"] in ("accepted", "rejected"):
        return []
    if d["outcome"] != "error":
        return [f"outcome {d['outcome']!r}"]
    if d["error_stage"] not in CLEAN_ERROR_STAGES or not (d["error_message"] or "").strip():
        return [f"not a clean stage error: {d['error_stage']}: {d['error_message']}"]
    return []


def check_empty_file(d, facts, match=None):
    if d["outcome"] != "error" or not re.search(r"\bempty file\b", d["error_message"] or ""):
        return [f"expected an error about an empty file, got {d['outcome']!r} "
                f"({d['error_stage']}: {d['error_message']})"]
    return []


def check_flagged(d, facts, match=None):
    """Text without a Unicode mapping is not meaningful: it must not be accepted silently."""
    problems = check_opens(d, facts)
    ocr_pages = facts["metrics"].get("ocr.pages") or 0
    if d["outcome"] == "accepted" and ocr_pages < 1:
        problems.append(f"accepted silently: not rejected by its contract and no page OCR'd "
                        f"(metrics {facts['metrics']})")
    return problems


def check_recovered(d, facts, match):
    """Opens, and every text the expectation quotes ('...') is in assay's text too."""
    problems = check_opens(d, facts)
    text = normalize_ws(facts["text"] or "")
    for q in re.findall(r"'([^']+)'", match["quoted"]):
        if normalize_ws(q) not in text:
            problems.append(f"text lacks {q!r}: {text[:300]!r}")
    return problems


# The corpus's `expected_behaviour` phrasings (whole text, as a regex), each with its check
# `check(document row, facts, match) -> [problems]`; the first match wins. A phrasing that
# matches none fails the test: a new kind of row must get its own check here.
EXPECTATIONS = [
    (r"a tolerant reader \(pdf\.js\) loads it( and renders it)?", check_opens),
    (r"encrypted with empty user password\b.*\bmust open\b.*", check_opens),
    (r"opens with recovery \(pdfminer\.six extracts the header (?P<quoted>.+)\)",
     check_recovered),
    (r"opens; embedded TrueType subset without Unicode mapping: extracted text is not "
     r"meaningful \(should be flagged, OCR fallback\)", check_flagged),
    (r"opens; .+", check_opens),
    (r"(not referenced by pdf\.js reference tests \(used by unit tests\); reader )?"
     r"must not crash or hang(; .+)?", check_clean),
    (r"must not recurse forever\b.*", check_clean),
    (r"error: zero-byte file", check_empty_file),
]


def check_for(expected_behaviour):
    """(check, match) of one phrasing, or None when no row of EXPECTATIONS maps it."""
    for pattern, check in EXPECTATIONS:
        match = re.fullmatch(pattern, expected_behaviour)
        if match:
            return check, match
    return None


class PdfRobustnessCorpus(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.isdir(ROBUSTNESS):
            raise unittest.SkipTest(f"corpus not found: {ROBUSTNESS}")
        cls.pdfs = sorted(glob.glob(os.path.join(ROBUSTNESS, "*.pdf")))
        with open(os.path.join(ROBUSTNESS, "manifest.csv"), newline="") as f:
            cls.manifest = list(csv.DictReader(f))
        cls.out = cls.temp_dir("robustness")
        # 150 s a document: the corpus's scans are real work, not hangs. A page the OCR retry
        # judges badly read is read up to three times (issue7229.pdf, two Russian pages read
        # with the English model, twice each: about 50 s on this 2-core machine under load).
        cls.run_result = run_assay(
            ["run", ROBUSTNESS, "--exclude", "*.out", "--exclude", "manifest.csv", "--out",
             cls.out, "-j", "2", "--timeout", "150", "--json"], timeout=1500)
        has_store = os.path.exists(os.path.join(cls.out, "assay.db"))
        cls.docs = documents(cls.out) if has_store else []
        cls.texts = {}
        if has_store:
            cls.texts = {r["doc_id"]: r.get("text") for r in export(cls.out)[0]}
        cls.print_table()

    @classmethod
    def print_table(cls):
        r = cls.run_result
        log(f"\npdf_robustness/dev: {len(cls.pdfs)} PDFs, exit code {r.returncode}, "
            f"{r.seconds:.1f} s wall")
        log(f"{'file':44} {'outcome':8} {'modality':10} {'pages':>5}  error")
        by_path = {d["path"]: d for d in cls.docs}
        for pdf in cls.pdfs:
            d = by_path.get(pdf)
            if d is None:
                log(f"{os.path.basename(pdf):44} (no document at this path)")
                continue
            err = f"{d['error_stage']}: {d['error_message']}" if d["outcome"] == "error" else ""
            pages = "-" if d["page_count"] is None else d["page_count"]
            log(f"{os.path.basename(pdf):44} {d['outcome'] or 'PENDING':8} "
                f"{d['modality'] or '-':10} {pages:>5}  {err}")
        outcomes = collections.Counter(d["outcome"] for d in cls.docs)
        modalities = collections.Counter(d["modality"] or f"({d['container']})" for d in cls.docs)
        log(f"outcomes: {dict(outcomes)}; modalities: {dict(modalities)}")
        reasons = collections.Counter(f"{d['error_stage']}: {d['error_message']}"
                                      for d in cls.docs if d["outcome"] == "error")
        for reason, n in reasons.most_common():
            log(f"  {n:3} x {reason}")

    def test_batch_completes(self):
        self.assertIn(self.run_result.returncode, (EXIT_OK, EXIT_DOC_ERRORS),
                      self.run_result.describe())
        s = self.run_result.json()
        self.assertEqual(s["documents"], len(self.pdfs), self.run_result.stdout)
        self.assertEqual(s["processed"], len(self.pdfs), self.run_result.stdout)
        runs = query(self.out, "SELECT status, finished_at FROM runs")
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0]["status"], "finished")
        self.assertIsNotNone(runs[0]["finished_at"])

    def test_manifest_lists_every_pdf(self):
        self.assertEqual(sorted(row["file"] for row in self.manifest),
                         sorted(os.path.basename(p) for p in self.pdfs))

    def test_every_pdf_meets_its_expected_behaviour(self):
        """One sub-test per manifest row: the row's `expected_behaviour`, as an assertion."""
        for row in self.manifest:
            name, expected = row["file"], row["expected_behaviour"]
            with self.subTest(file=name):
                mapped = check_for(expected)
                self.assertIsNotNone(
                    mapped, f"{name}: no check maps the expected behaviour {expected!r}: add a "
                    "row to EXPECTATIONS in test_robustness.py")
                path = os.path.join(ROBUSTNESS, name)
                rows = [d for d in self.docs if d["path"] == path]
                self.assertEqual(len(rows), 1, f"{name}: expected one document, got {rows}")
                d = rows[0]
                facts = {"metrics": {r["name"]: r["value"] for r in query(
                            self.out, "SELECT name, value FROM metrics "
                            "WHERE doc_id=? AND scope=''", (d["doc_id"],))},
                         "text": self.texts.get(d["doc_id"])}
                check, match = mapped
                problems = check(d, facts, match)
                self.assertEqual(problems, [],
                                 f"{name}: the corpus expects {expected!r}, but: "
                                 + "; ".join(problems))

    def test_every_pdf_has_exactly_one_outcome(self):
        problems = []
        for pdf in self.pdfs:
            sha = sha256_file(pdf)
            rows = [d for d in self.docs if d["source_id"] == sha or d["path"] == pdf]
            name = os.path.basename(pdf)
            if len(rows) != 1:
                problems.append(f"{name}: {len(rows)} documents")
                continue
            d = rows[0]
            if d["outcome"] in ("accepted", "rejected"):  # rejected: by its contract
                if d["modality"] not in ("pdf_text", "pdf_scan", "pdf_mixed"):
                    problems.append(f"{name}: accepted with modality {d['modality']}")
                if not d["page_count"] or d["page_count"] < 1:
                    problems.append(f"{name}: accepted with {d['page_count']} pages")
            elif d["outcome"] == "error":
                if not (d["error_message"] or "").strip() or not d["error_stage"]:
                    problems.append(f"{name}: error without a stage and message: {d}")
            else:
                problems.append(f"{name}: outcome {d['outcome']!r}")
        self.assertEqual(len(self.docs), len(self.pdfs),
                         "documents that are not a corpus PDF: "
                         f"{sorted(set(d['path'] for d in self.docs) - set(self.pdfs))}")
        self.assertEqual(problems, [], "\n".join(problems) + "\n" + self.run_result.describe())

    def test_exit_code_is_4_iff_some_document_errored(self):
        errored = any(d["outcome"] == "error" for d in self.docs)
        rejected = any(d["outcome"] == "rejected" for d in self.docs)
        expected = EXIT_DOC_ERRORS if errored else 1 if rejected else EXIT_OK
        self.assertEqual(self.run_result.returncode, expected, self.run_result.describe())

    def test_every_stage_of_every_document_is_recorded(self):
        # Accepted documents have one transformation per planned stage, none failed.
        rows = query(self.out,
                     "SELECT d.path, GROUP_CONCAT(t.stage || ':' || t.outcome, ' ') AS stages "
                     "FROM documents d LEFT JOIN transformations t ON t.doc_id=d.doc_id "
                     "WHERE d.outcome IN ('accepted','rejected') GROUP BY d.doc_id")
        bad = [r for r in rows
               if not re.fullmatch(r"pdf_text:ok rasterize:(ok|skipped) preprocess:(ok|skipped) "
                                   r"handwriting:(ok|skipped) ocr:(ok|skipped) layout:ok "
                                   r"tables:(ok|skipped) "
                                   r"alt_text:(ok|skipped) quality:ok pii:ok",
                                   r["stages"] or "")]
        self.assertEqual(bad, [])

    def test_store_integrity(self):
        self.assertEqual(integrity_check(self.out), ["ok"])
        con = open_db(self.out)
        self.assertEqual(con.execute("PRAGMA foreign_key_check").fetchall(), [])
        self.assertEqual(
            con.execute("SELECT COUNT(*) FROM documents WHERE outcome IS NULL").fetchone()[0], 0)


class FaultInjection(AssayTestCase):
    """A crashing, a hanging and a ballooning document among good ones, in one batch."""

    FAULTS = {
        # name -> (expected error message, as a regex)
        "crash": r"worker crashed with signal SIGSEGV",
        "hang": r"timeout: still running at the limit of 15 s",
        "balloon": r"memory limit: the worker went over 300 MiB",
    }
    # Light documents only (each well under the 15 s timeout even on a loaded machine).
    GOOD = {"born_digital.pdf": "pdf_text", "two_column.pdf": "pdf_text", "photo.jpg": "photo",
            "scanned_page.png": "page_image"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inp = cls.temp_dir("faults-in")
        cls.out = cls.temp_dir("faults-out")
        for name in cls.GOOD:
            shutil.copyfile(os.path.join(SAMPLES, name), os.path.join(cls.inp, name))
        # Each fault file gets its own bytes: identical bytes would be one document.
        for fault in cls.FAULTS:
            copy_with_marker(os.path.join(SAMPLES, "scanned_page.png"),
                             os.path.join(cls.inp, f"x__assay_fault_{fault}__.png"), fault)
        cls.run_result = run_assay(
            ["run", cls.inp, "--out", cls.out, "-j", "2", "--timeout", "15", "--max-memory", "300",
             "--fault-injection", "--json"], timeout=300)
        cls.records = {r["doc_id"]: r for r in export(cls.out)[0]}
        log(f"\nfault injection run: exit {cls.run_result.returncode}, "
            f"{cls.run_result.seconds:.1f} s wall")
        for d in documents(cls.out):
            log(f"  {os.path.basename(d['path']):32} {d['outcome']:8} "
                f"{d['error_stage'] or ''}: {d['error_message'] or ''}")

    def test_batch_completes_with_exit_4(self):
        self.assertExit(self.run_result, EXIT_DOC_ERRORS)
        s = self.run_result.json()
        self.assertEqual(s["documents"], len(self.GOOD) + len(self.FAULTS), self.run_result.stdout)
        self.assertEqual(s["outcomes"], {"accepted": len(self.GOOD), "error": len(self.FAULTS)},
                         self.run_result.stdout)
        self.assertEqual(query(self.out, "SELECT status FROM runs")[0]["status"], "finished")

    def test_each_fault_is_an_error_with_its_reason(self):
        for fault, pattern in self.FAULTS.items():
            with self.subTest(fault=fault):
                path = os.path.join(self.inp, f"x__assay_fault_{fault}__.png")
                d = self.doc_by_path(self.out, path)
                self.assertEqual(d["outcome"], "error", d)
                self.assertEqual(d["error_stage"], "worker", d)
                self.assertRegex(d["error_message"], f"^{pattern}$")
                rec = self.records[d["doc_id"]]
                self.assertEqual(rec["outcome"], "error")
                self.assertEqual(rec["error"], {"stage": "worker", "message": d["error_message"]})

    def test_good_documents_around_the_faults_are_accepted(self):
        for name, modality in self.GOOD.items():
            with self.subTest(name=name):
                d = self.doc_by_path(self.out, os.path.join(self.inp, name))
                self.assertEqual((d["outcome"], d["modality"]), ("accepted", modality),
                                 f"{d}\n{self.run_result.describe()}")

    def test_store_integrity(self):
        self.assertEqual(integrity_check(self.out), ["ok"])

    def test_rerun_does_not_retry_faults(self):
        out = self.temp_dir("faults-rerun")
        shutil.rmtree(out)
        shutil.copytree(self.out, out)
        r = run_assay(["run", self.inp, "--out", out, "-j", "2", "--timeout", "15",
                       "--max-memory", "300", "--fault-injection", "--json"], timeout=300)
        self.assertExit(r, EXIT_DOC_ERRORS)
        s = r.json()
        self.assertEqual((s["processed"], s["reused"]), (0, len(self.GOOD) + len(self.FAULTS)),
                         r.stdout)


if __name__ == "__main__":
    unittest.main()
