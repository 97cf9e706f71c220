"""`assay store vacuum` and `assay store backup` (issue 7, "also expected by users")."""

import json
import os
import sqlite3
import subprocess
import time

from assay_e2e import (ASSAY_BIN, EXIT_DOC_ERRORS, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, SAMPLES,
                       AssayTestCase, copy_with_marker, export, integrity_check, log, query,
                       run_assay)

EXIT_REFUSED = 5
RUN_EXITS = (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS)


def decided(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute("SELECT COUNT(*) FROM documents WHERE outcome IS NOT NULL").fetchone()[0]
    finally:
        con.close()


def recorded_runs(db):
    """Runs recorded with their process; 0 while the store or its schema does not exist yet."""
    if not os.path.exists(db):
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute("SELECT COUNT(*) FROM runs WHERE pid IS NOT NULL").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def add_orphan_outputs(db, count, size):
    """Outputs nothing references, as a removed transformation would leave."""
    con = sqlite3.connect(db, timeout=30)
    for k in range(count):
        content = os.urandom(size // 2).hex().encode()
        con.execute("INSERT INTO outputs(sha256, media_type, bytes, content) VALUES(?,?,?,?)",
                    (f"{k:064x}", "application/json-patch+json", len(content), content))
    con.commit()
    con.close()


class Vacuum(AssayTestCase):
    def test_removes_unreferenced_outputs_only(self):
        out = os.path.join(self.temp_dir("vacuum"), "out")
        first = run_assay(["run", SAMPLES, "--out", out, "-j", "2"])
        self.assertIn(first.returncode, RUN_EXITS, first.describe())
        _, before_export = export(out)
        referenced = query(out, "SELECT COUNT(*) AS n FROM outputs")[0]["n"]
        add_orphan_outputs(os.path.join(out, "assay.db"), 20, 100000)
        r = run_assay(["store", "vacuum", "--out", out, "--json"])
        self.assertExit(r, EXIT_OK)
        report = r.json()
        log(f"[vacuum: {report}]")
        self.assertEqual(report["outputs_removed"], 20)
        self.assertGreater(report["bytes_before"] - report["bytes_after"], 1 << 20)
        self.assertEqual(query(out, "SELECT COUNT(*) AS n FROM outputs")[0]["n"], referenced)
        self.assertEqual(integrity_check(out), ["ok"])
        _, after_export = export(out)
        self.assertEqual(before_export, after_export)
        # Nothing left to remove the second time.
        again = run_assay(["store", "vacuum", "--out", out, "--json"])
        self.assertExit(again, EXIT_OK)
        self.assertEqual(again.json()["outputs_removed"], 0)

    def test_refused_while_a_run_works(self):
        root = self.temp_dir("vacuum-busy")
        inp = os.path.join(root, "in")
        os.makedirs(inp)
        for k in range(6):
            copy_with_marker(os.path.join(SAMPLES, "scanned_page.png"),
                             os.path.join(inp, f"p{k}.png"), f"vacuum copy {k}")
        out = os.path.join(root, "out")
        proc = subprocess.Popen([ASSAY_BIN, "run", inp, "--out", out, "-j", "1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        db = os.path.join(out, "assay.db")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not recorded_runs(db):
            time.sleep(0.05)
        r = run_assay(["store", "vacuum", "--out", out])
        self.assertEqual(proc.wait(timeout=300) in RUN_EXITS, True)
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn("still running", r.stderr)


class Backup(AssayTestCase):
    def test_backup_while_a_run_writes(self):
        root = self.temp_dir("backup")
        inp = os.path.join(root, "in")
        os.makedirs(inp)
        for k in range(8):
            copy_with_marker(os.path.join(SAMPLES, "scanned_page.png"),
                             os.path.join(inp, f"p{k}.png"), f"backup copy {k}")
        out = os.path.join(root, "out")
        # A store with some content first, so the copy is more than one step.
        seed = run_assay(["run", SAMPLES, "--out", out, "-j", "2"])
        self.assertIn(seed.returncode, RUN_EXITS, seed.describe())
        db = os.path.join(out, "assay.db")
        add_orphan_outputs(db, 40, 100000)  # 4 MB: the copy takes several steps
        before = decided(db)
        proc = subprocess.Popen([ASSAY_BIN, "run", inp, "--out", out, "-j", "2", "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while decided(db) < before + 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        copies = []
        while proc.poll() is None and len(copies) < 4:
            to = os.path.join(root, f"copy{len(copies)}.db")
            r = run_assay(["store", "backup", "--out", out, "--to", to, "--json"])
            self.assertExit(r, EXIT_OK)
            copies.append((to, r.json()))
        stdout, stderr = proc.communicate(timeout=300)
        self.assertIn(proc.returncode, RUN_EXITS, stderr)
        log(f"[backups during the run: {[c[1] for c in copies]}]")
        self.assertTrue(copies, "the run ended before a backup could start")
        seen = []
        for to, report in copies:
            self.assertEqual(report["integrity_check"], "ok")
            self.assertGreater(report["steps"], 2)
            con = sqlite3.connect(to)
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "delete")
            n = con.execute("SELECT COUNT(*) FROM documents WHERE outcome IS NOT NULL").fetchone()[0]
            con.close()
            seen.append(n)
            self.assertFalse([p for p in os.listdir(root) if ".partial-" in p])
        self.assertEqual(seen, sorted(seen))
        self.assertGreaterEqual(seen[0], before + 2)
        self.assertLessEqual(seen[-1], decided(db))
        self.assertEqual(integrity_check(out), ["ok"])
        self.assertEqual(json.loads(stdout)["documents"], 8)

    def test_backup_refuses_to_overwrite(self):
        out = os.path.join(self.temp_dir("backup-exists"), "out")
        self.assertExit(run_assay(["run", os.path.join(SAMPLES, "born_digital.pdf"), "--out",
                                   out]), EXIT_OK)
        to = os.path.join(out, "existing.db")
        with open(to, "w") as f:
            f.write("keep me")
        r = run_assay(["store", "backup", "--out", out, "--to", to])
        self.assertExit(r, EXIT_USAGE)
        with open(to) as f:
            self.assertEqual(f.read(), "keep me")
