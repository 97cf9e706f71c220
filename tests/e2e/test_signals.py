"""SIGINT and SIGTERM during `assay run`: the run stops taking documents, lets those in flight
finish, records itself as `interrupted`, exits 130 (README, exit codes), leaves no worker
behind and a sound store; the next run on the same --out resumes without redoing anything."""

import json
import os
import signal
import sqlite3
import subprocess
import time
import unittest

from assay_e2e import (ASSAY_BIN, EXIT_DOC_ERRORS, EXIT_OK, EXIT_REJECTED, RFC3339, SAMPLES,
                       AssayTestCase, copy_with_marker, integrity_check, log, query, run_assay)

EXIT_INTERRUPTED = 130  # core/exit_codes.h kExitInterrupted
JOBS = 2
DOCUMENTS = 12  # OCR'd page images: a few seconds each, so the run is well under way


def decided(out):
    """Documents with an outcome; 0 while the store or its schema does not exist yet."""
    db = os.path.join(out, "assay.db")
    if not os.path.exists(db):
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(
                "SELECT COUNT(*) FROM documents WHERE outcome IS NOT NULL").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return {int(p) for p in f.read().split()}
    except OSError:
        return set()


def group_members(pgid):
    """Live processes of process group `pgid` (the supervisor's workers inherit its group)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry))
    return found


def alive(pid):
    """Running (a zombie or a vanished pid is not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


class Signals(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inp = cls.temp_dir("signals-in")
        for k in range(DOCUMENTS):
            copy_with_marker(os.path.join(SAMPLES, "scanned_page.png"),
                             os.path.join(cls.inp, f"page{k:02}.png"), f"signals copy {k}")

    def run_args(self, out):
        return ["run", self.inp, "--out", out, "-j", str(JOBS), "--json"]

    def interrupt(self, out, sig, whole_group, after):
        """Starts a run, sends `sig` once `after` documents are decided (to the supervisor, or
        to its whole process group as a terminal's Ctrl-C does) and waits for it to end.
        Returns (exit code, stdout, stderr, documents decided right after the signal, worker
        pids seen, processes of the run still alive after it ended)."""
        proc = subprocess.Popen([ASSAY_BIN] + self.run_args(out), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                start_new_session=True)
        workers = set()
        deadline = time.monotonic() + 300
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                workers |= children(proc.pid)
                if decided(out) >= after:
                    break
                time.sleep(0.02)
            self.assertIsNone(proc.poll(), "the run ended before it could be interrupted")
            self.assertGreaterEqual(decided(out), after, "no progress within 300 s")
            workers |= children(proc.pid)
            if whole_group:
                os.killpg(proc.pid, sig)
            else:
                os.kill(proc.pid, sig)
            at_signal = decided(out)
            t0 = time.monotonic()
            while proc.poll() is None and time.monotonic() - t0 < 300:
                workers |= children(proc.pid)  # workers started while stopping, too
                time.sleep(0.01)
            stdout, stderr = proc.communicate(timeout=10)
            log(f"[{signal.Signals(sig).name}{' to the group' if whole_group else ''}: "
                f"{at_signal} of {DOCUMENTS} decided at the signal, {decided(out)} at the exit "
                f"({proc.returncode}) {time.monotonic() - t0:.1f} s later]")
            for _ in range(100):  # the supervisor reaps its workers before it exits
                if not group_members(proc.pid):
                    break
                time.sleep(0.05)
            left = group_members(proc.pid) + [w for w in workers if alive(w)]
            return proc.returncode, stdout, stderr, at_signal, workers, left
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def check_interrupt_then_resume(self, sig, whole_group=False):
        out = os.path.join(self.temp_dir("signals"), "out")
        code, stdout, stderr, at_signal, workers, left = self.interrupt(
            out, sig, whole_group, 2)
        context = f"exit {code}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"

        self.assertEqual(code, EXIT_INTERRUPTED, context)
        runs = query(out, "SELECT run_id, status, finished_at FROM runs ORDER BY run_id")
        self.assertEqual(len(runs), 1, runs)
        self.assertEqual(runs[0]["status"], "interrupted", runs)
        self.assertRegex(runs[0]["finished_at"] or "", RFC3339)
        self.assertEqual(integrity_check(out), ["ok"])
        self.assertTrue(workers, "no worker process was seen")
        self.assertEqual(left, [], "processes of the run left running")

        # The signal stops the hand-out: only documents in flight (one per worker) may finish.
        before = query(out, "SELECT doc_id, outcome, run_id, processed_at, output_sha256 "
                            "FROM documents WHERE outcome IS NOT NULL ORDER BY doc_id")
        self.assertGreaterEqual(len(before), at_signal)
        self.assertLessEqual(len(before), at_signal + JOBS, "documents were started after the "
                             "signal")
        self.assertLess(len(before), DOCUMENTS, "nothing was left to resume")
        # Stopping is not a failure of the documents in flight (a worker killed by the
        # terminal's Ctrl-C included): every decided one is decided on its merits.
        self.assertEqual([d for d in before if d["outcome"] != "accepted"], [], context)
        summary = json.loads(stdout)
        self.assertEqual(summary["exit_code"], EXIT_INTERRUPTED, stdout)
        self.assertEqual(summary["documents"], DOCUMENTS, stdout)
        self.assertEqual(summary["outcomes"].get("pending"), DOCUMENTS - len(before), stdout)
        transformations = query(out, "SELECT transformation_id, doc_id, stage, output_sha256 "
                                     "FROM transformations ORDER BY transformation_id")

        # Resume: the rest is done, nothing decided before is done again.
        again = run_assay(self.run_args(out), timeout=600)
        s = again.json()
        self.assertEqual(s["reused"], len(before), again.stdout)
        self.assertEqual(s["processed"], DOCUMENTS - len(before), again.stdout)
        self.assertEqual(s["documents"], DOCUMENTS, again.stdout)
        self.assertNotIn("pending", s["outcomes"], again.stdout)
        outcomes = {r["outcome"] for r in query(out, "SELECT outcome FROM documents")}
        expected = (EXIT_DOC_ERRORS if "error" in outcomes else
                    EXIT_REJECTED if "rejected" in outcomes else EXIT_OK)
        self.assertExit(again, expected)
        self.assertEqual(s["exit_code"], expected)
        runs = query(out, "SELECT run_id, status, finished_at FROM runs ORDER BY run_id")
        self.assertEqual([r["status"] for r in runs], ["interrupted", "finished"], runs)
        self.assertEqual(len(query(out, "SELECT doc_id FROM documents")), DOCUMENTS)
        ids = tuple(d["doc_id"] for d in before)
        after = query(out, "SELECT doc_id, outcome, run_id, processed_at, output_sha256 "
                           f"FROM documents WHERE doc_id IN ({','.join('?' * len(ids))}) "
                           "ORDER BY doc_id", ids)
        # The inputs are copies of one page: the near-duplicate step that ends the resumed run
        # rejects all but one (docs/image_checks.md), which changes outcomes but redoes nothing.
        def unprocessed(rows):
            return [{k: v for k, v in r.items() if k != "outcome"} for r in rows]
        self.assertEqual(unprocessed(after), unprocessed(before),
                         "a document decided before the signal was redone")
        now = query(out, "SELECT transformation_id, doc_id, stage, output_sha256 "
                         "FROM transformations ORDER BY transformation_id")
        self.assertEqual(now[:len(transformations)], transformations)
        self.assertEqual(
            query(out, "SELECT doc_id, processing_version, seq FROM transformations "
                       "GROUP BY doc_id, processing_version, seq HAVING COUNT(*) > 1"), [],
            "a stage ran twice for one document")
        self.assertEqual(integrity_check(out), ["ok"])

    def test_sigint_to_the_supervisor(self):
        self.check_interrupt_then_resume(signal.SIGINT)

    def test_sigterm_to_the_supervisor(self):
        self.check_interrupt_then_resume(signal.SIGTERM)

    def test_ctrl_c_to_the_process_group(self):
        self.check_interrupt_then_resume(signal.SIGINT, whole_group=True)


if __name__ == "__main__":
    unittest.main()
