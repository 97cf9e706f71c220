"""The store under hostile conditions (issue 7): runs whose supervisor was killed (defect 3),
huge free text from input (defect 8, store side) and a damaged store file (defect 13)."""

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time

from assay_e2e import (ASSAY_BIN, EXIT_DOC_ERRORS, EXIT_INTERNAL, EXIT_OK, EXIT_REJECTED,
                       SAMPLES, AssayTestCase, copy_with_marker, integrity_check, log, query,
                       run_assay)

RUN_EXITS = (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS)
STORED_TEXT_MAX = 4096  # core/bounded_text.h kStoredTextMaxBytes


def file_sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def process_start(pid):
    """What core/process_identity.cpp records: BOOT_ID:START_TICKS."""
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot = f.read().strip()
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return f"{boot}:{fields[19]}"


def decided(out):
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


class StaleRuns(AssayTestCase):
    """Defect 3: a supervisor killed with SIGKILL left its run `running` forever."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inp = cls.temp_dir("stale-in")
        for k in range(8):
            copy_with_marker(os.path.join(SAMPLES, "scanned_page.png"),
                             os.path.join(cls.inp, f"page{k}.png"), f"stale copy {k}")

    def kill_a_run(self, out):
        proc = subprocess.Popen([ASSAY_BIN, "run", self.inp, "--out", out, "-j", "1", "--json"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while decided(out) < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        self.assertIsNone(proc.poll(), "the run ended before it could be killed")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        runs = query(out, "SELECT run_id, status, pid FROM runs")
        self.assertEqual([(r["status"], r["pid"]) for r in runs], [("running", proc.pid)])
        return runs[0]["run_id"]

    def test_status_marks_a_killed_run(self):
        out = os.path.join(self.temp_dir("stale-status"), "out")
        run_id = self.kill_a_run(out)
        st = run_assay(["status", "--out", out, "--json"])
        self.assertExit(st, EXIT_OK)
        runs = {r["run_id"]: r for r in st.json()["runs"]}
        self.assertEqual(runs[run_id]["status"], "killed")
        self.assertTrue(runs[run_id]["finished_at"])
        text = run_assay(["status", "--out", out])
        self.assertIn("killed", text.stdout)

    def test_next_run_marks_it_and_finishes_the_work(self):
        out = os.path.join(self.temp_dir("stale-run"), "out")
        run_id = self.kill_a_run(out)
        again = run_assay(["run", self.inp, "--out", out, "-j", "2", "--json"])
        self.assertIn(again.returncode, RUN_EXITS, again.describe())
        runs = query(out, "SELECT run_id, status FROM runs ORDER BY run_id")
        self.assertEqual([(r["run_id"], r["status"]) for r in runs],
                         [(run_id, "killed"), (again.json()["run_id"], "finished")])
        self.assertEqual(query(out, "SELECT * FROM document_leases"), [])
        self.assertEqual(again.json()["documents"], 8)
        self.assertEqual(integrity_check(out), ["ok"])

    def test_a_live_process_is_not_taken_for_dead_and_a_reused_pid_is(self):
        """The recorded start time tells the run's process from another with the same pid."""
        out = os.path.join(self.temp_dir("stale-pid"), "out")
        self.assertExit(run_assay(["run", os.path.join(SAMPLES, "born_digital.pdf"), "--out",
                                   out]), EXIT_OK)
        me = os.getpid()
        con = sqlite3.connect(os.path.join(out, "assay.db"))
        template = con.execute("SELECT * FROM runs WHERE run_id=1").fetchone()
        cols = [c[1] for c in con.execute("PRAGMA table_info(runs)")]
        rows = {"alive": process_start(me),
                "reused": process_start(me).rsplit(":", 1)[0] + ":1"}  # same pid, other start
        for name, start_ in rows.items():
            row = dict(zip(cols, template))
            row.update(run_id=None, status="running", finished_at=None, pid=me,
                       host=socket.gethostname(), process_start=start_, argv=json.dumps([name]))
            con.execute(f"INSERT INTO runs({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
                        [row[c] for c in cols])
        con.commit()
        con.close()
        self.assertExit(run_assay(["status", "--out", out]), EXIT_OK)
        status = {json.loads(r["argv"])[0]: r["status"]
                  for r in query(out, "SELECT argv, status FROM runs WHERE run_id > 1")}
        self.assertEqual(status, {"alive": "running", "reused": "killed"})


class HugeText(AssayTestCase):
    """Defect 8, store side: a 50 MB malformed manifest line was copied into three columns."""

    def test_a_50_mb_manifest_line_stays_small_in_the_store(self):
        root = self.temp_dir("huge")
        manifest = os.path.join(root, "m.jsonl")
        size = 50 << 20
        with open(manifest, "w") as f:
            f.write(json.dumps({"path": "born_digital.pdf"}) + "\n")
            f.write('{"path": "' + "A" * size + "\n")  # an unterminated string
        shutil.copy(os.path.join(SAMPLES, "born_digital.pdf"), root)
        out = os.path.join(root, "out")
        r = run_assay(["run", manifest, "--out", out, "--json"])
        self.assertExit(r, EXIT_DOC_ERRORS)
        db_bytes = sum(os.path.getsize(os.path.join(out, n)) for n in os.listdir(out)
                       if n.startswith("assay.db"))
        log(f"[store after a {size} byte line: {db_bytes} bytes]")
        self.assertLess(db_bytes, 2 << 20)
        longest = query(out, """SELECT
            (SELECT MAX(LENGTH(CAST(error_message AS BLOB))) FROM documents) AS error_message,
            (SELECT MAX(LENGTH(CAST(note AS BLOB))) FROM transformations) AS note,
            (SELECT MAX(LENGTH(CAST(reasons AS BLOB))) FROM queue_items) AS reasons,
            (SELECT MAX(LENGTH(CAST(note AS BLOB))) FROM queue_events) AS event_note""")[0]
        for column, n in longest.items():
            self.assertLess(n or 0, STORED_TEXT_MAX + 600, f"{column}: {longest}")
        err = query(out, "SELECT error_message FROM documents WHERE outcome='error'")
        self.assertEqual(len(err), 1)
        message = err[0]["error_message"]
        if "truncated" in message:  # kept as a prefix plus the original length
            self.assertRegex(message, r"… \[truncated, \d+ bytes\]$")
        for args in (["status", "--out", out], ["status", "--out", out, "--json"],
                     ["queue", "list", "--out", out], ["queue", "list", "--json", "--out", out]):
            st = run_assay(args)
            self.assertExit(st, EXIT_OK)
            self.assertLess(len(st.stdout), 64 << 10, args)


class DamagedStore(AssayTestCase):
    """Defect 13: with 20 KB of garbage in the middle of assay.db, `status` and `run` went on
    writing into a store that fails integrity_check."""

    def test_damaged_store_is_refused_and_recovers(self):
        root = self.temp_dir("damaged")
        out = os.path.join(root, "out")
        first = run_assay(["run", SAMPLES, "--out", out, "-j", "2", "--json"])
        self.assertIn(first.returncode, RUN_EXITS, first.describe())
        db = os.path.join(out, "assay.db")
        size = os.path.getsize(db)
        with open(db, "r+b") as f:
            f.seek(size // 2 - 10240)
            f.write(os.urandom(20480))
        before = file_sha(db)
        for args in (["run", SAMPLES, "--out", out, "-j", "1"], ["status", "--out", out],
                     ["status", "--out", out, "--json"],
                     ["queue", "claim", "1", "--as", "x", "--out", out],
                     ["store", "vacuum", "--out", out]):
            r = run_assay(args)
            self.assertExit(r, EXIT_INTERNAL)
            self.assertIn("is damaged", r.stderr, args)
            self.assertIn(".recover", r.stderr, args)
            self.assertEqual(file_sha(db), before, f"{args} wrote into the damaged store")
            wal = db + "-wal"
            self.assertTrue(not os.path.exists(wal) or os.path.getsize(wal) == 0, args)
        self.assertTrue(os.path.exists(db + ".damaged"))
        log("[refusal message]\n" + r.stderr)

        # The recovery the message gives: .recover into a copy, check it, move it in place.
        recovered = os.path.join(out, "recovered.db")
        dump = subprocess.run(["sqlite3", db, ".recover"], capture_output=True)
        subprocess.run(["sqlite3", recovered], input=dump.stdout, capture_output=True,
                       check=True)
        con = sqlite3.connect(recovered)
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        con.close()
        os.rename(db, db + ".broken")
        os.rename(recovered, db)
        again = run_assay(["run", SAMPLES, "--out", out, "-j", "2", "--json"])
        self.assertIn(again.returncode, RUN_EXITS, again.describe())
        self.assertFalse(os.path.exists(db + ".damaged"))
        self.assertEqual(integrity_check(out), ["ok"])
