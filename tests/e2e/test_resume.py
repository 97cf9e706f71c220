"""Resume: `assay run` killed with SIGKILL at several points, then re-run, loses nothing and
redoes nothing (DESIGN.md, process model)."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

BIN = os.environ["ASSAY_BIN"]
SRC = os.environ["ASSAY_SOURCE_DIR"]
CORPORA = os.environ["ASSAY_CORPORA"]

INPUTS = [
    os.path.join(SRC, "samples"),
    os.path.join(CORPORA, "ocr_tesseract_testimages", "dev"),
    os.path.join(CORPORA, "text_born_digital", "dev"),
]
# Ground truth and notes beside the corpus documents are not documents.
EXCLUDES = ["--exclude", "*.txt", "--exclude", "*.csv", "--exclude", "*.json",
            "--exclude", "*.md", "--exclude", "*.tex", "--exclude", "*.html",
            "--exclude", "*.odt", "--exclude", "*.uzn", "--exclude", "*.embedded.*"]


def run_args(out):
    return [BIN, "run", *INPUTS, "--out", out, "-j", "2", "--json", *EXCLUDES]


def query(db, sql, *args):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def decided(db):
    if not os.path.exists(db):
        return 0
    try:
        return query(db, "SELECT COUNT(*) FROM documents WHERE outcome IS NOT NULL")[0][0]
    except sqlite3.OperationalError:  # schema not there yet
        return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def stable_export(out):
    """The export with the volatile lineage fields (times, run ids) left out."""
    text = subprocess.run([BIN, "export", "--out", out, "--format", "jsonl"], check=True,
                          capture_output=True, text=True).stdout
    records = []
    for line in text.splitlines():
        r = json.loads(line)
        r["lineage"].pop("ingested_at")
        r["lineage"].pop("run_id")
        for t in r["lineage"]["transformations"]:
            for key in ("started_at", "duration_ms", "run_id"):
                t.pop(key)
            t.pop("page_tasks", None)  # which worker ran which pages: -j 2 runs differ
        for t in r["annotations"]["tasks"]:
            t.pop("task_id")  # numbered in the order documents were decided
        records.append(r)
    return records


class ResumeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="assay-resume-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def kill_when(self, out, condition, label):
        """Starts a run, SIGKILLs the supervisor once condition(decided) holds."""
        db = os.path.join(out, "assay.db")
        proc = subprocess.Popen(run_args(out), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 300
        workers = []
        while time.time() < deadline and proc.poll() is None:
            workers = children(proc.pid) or workers
            if condition(decided(db)):
                break
            time.sleep(0.02)
        self.assertIsNone(proc.poll(), f"{label}: the run finished before it could be killed")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Workers die with their supervisor (PR_SET_PDEATHSIG), none is left running.
        for _ in range(100):
            if not any(alive(w) for w in workers):
                break
            time.sleep(0.05)
        self.assertFalse([w for w in workers if alive(w)], f"{label}: orphaned workers")
        self.assertEqual(query(db, "PRAGMA integrity_check"), [("ok",)], label)
        return decided(db)

    def test_sigkill_at_several_points_then_resume(self):
        out = os.path.join(self.tmp, "killed")
        db = os.path.join(out, "assay.db")

        # Kill 1: during start-up/ingest, before any document is decided.
        self.kill_when(out, lambda n: os.path.exists(db), "during ingest")
        snapshots = {}  # transformation_id -> row, of documents decided before a kill
        done_before = 0
        # Kills 2-4: after the first document, then a few more each time.
        for step, extra in enumerate((1, 4, 8)):
            target = done_before + extra
            done_before = self.kill_when(out, lambda n, t=target: n >= t, f"kill {step + 2}")
            self.assertGreaterEqual(done_before, target)
            for row in query(db, "SELECT transformation_id, doc_id, run_id, stage, "
                                 "input_sha256, output_sha256, started_at FROM transformations"):
                snapshots.setdefault(row[0], row)

        final = subprocess.run(run_args(out), capture_output=True, text=True, timeout=900)
        self.assertIn(final.returncode, (0, 4), final.stderr)
        summary = json.loads(final.stdout)
        self.assertEqual(summary["reused"], done_before,
                         "documents finished before the kills must not be processed again")
        self.assertEqual(summary["outcomes"].get("pending", 0), 0)

        # Every document present once, decided once.
        rows = query(db, "SELECT doc_id, outcome FROM documents")
        self.assertEqual(len(rows), len({r[0] for r in rows}))
        self.assertTrue(all(r[1] for r in rows), "a document was left pending")
        self.assertEqual(len(rows), summary["documents"])

        # No finished transformation was recomputed or changed.
        for tid, row in snapshots.items():
            now = query(db, "SELECT transformation_id, doc_id, run_id, stage, input_sha256, "
                            "output_sha256, started_at FROM transformations "
                            "WHERE transformation_id=?", tid)
            self.assertEqual(now, [row])
        dupes = query(db, "SELECT doc_id, seq, COUNT(*) FROM transformations "
                          "GROUP BY doc_id, seq HAVING COUNT(*) > 1")
        self.assertEqual(dupes, [], "a stage ran twice for one document")
        self.assertEqual(query(db, "PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(query(db, "SELECT status FROM runs ORDER BY run_id DESC LIMIT 1"),
                         [("finished",)])

        # A further run has nothing left to do.
        again = subprocess.run(run_args(out), capture_output=True, text=True, timeout=300)
        self.assertEqual(json.loads(again.stdout)["processed"], 0)

        # And the resumed store exports exactly what an uninterrupted run exports.
        clean = os.path.join(self.tmp, "clean")
        subprocess.run(run_args(clean), capture_output=True, timeout=900)
        self.assertEqual(stable_export(out), stable_export(clean))


if __name__ == "__main__":
    unittest.main()
