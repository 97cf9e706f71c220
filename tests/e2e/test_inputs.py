"""Hostile inputs (issue 7): file names that are not UTF-8 or hold control characters, manifests
that are huge, repeat themselves or point outside their folder, unreadable folders, an output
folder inside an input, a damaged store at export, encrypted PDFs and their passwords.

Every test here reproduces a defect found by hostile-input testing with the real binary."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import unittest

from assay_e2e import (EXIT_DOC_ERRORS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, SAMPLES,
                       AssayTestCase, copy_with_marker, open_db, query, run_assay, sha256_file)

PNG = os.path.join(SAMPLES, "scanned_page.png")
PDF = os.path.join(SAMPLES, "born_digital.pdf")
ABORT = -6  # SIGABRT as subprocess reports it (a shell shows 134)


def fs(name_bytes):
    """A bytes file name as the str that subprocess and os functions turn back into it."""
    return os.fsdecode(name_bytes)


def raw_bytes(s):
    return s.encode("utf-8", "surrogateescape")


class FileNameTest(AssayTestCase):
    """Defects 4, 5 and 12: file names are bytes; the terminal and JSON get a lossless escape."""

    def test_non_utf8_name_in_a_folder_is_processed_with_an_escaped_name(self):
        d = self.temp_dir("nonutf8")
        os.makedirs(os.path.join(d, "in"))
        shutil.copy(PNG, os.path.join(d, "in", fs(b"caf\xe9.png")))
        r = run_assay(["run", "in", "--out", "out", "-j", "1", "--json"], cwd=d)
        self.assertExit(r, EXIT_OK)
        out = os.path.join(d, "out")
        rows = query(out, "SELECT doc_id, path, outcome FROM documents")
        self.assertEqual(len(rows), 1, rows)
        # Stored as path text: valid UTF-8, the invalid byte as \xe9 (docs/security.md).
        self.assertEqual(rows[0]["path"], "in/caf\\xe9.png")
        self.assertEqual(rows[0]["outcome"], "accepted")
        # The identity is the bytes', whatever the name.
        self.assertEqual(rows[0]["doc_id"], sha256_file(PNG))
        st = run_assay(["status", "--out", "out", "--json"], cwd=d)
        self.assertExit(st, EXIT_OK)
        self.assertEqual(st.json()["outcomes"], {"accepted": 1})
        ex = run_assay(["export", "--out", "out"], cwd=d)
        self.assertExit(ex, EXIT_OK)
        rec = json.loads(ex.stdout)
        self.assertEqual(rec["source"]["path"], "in/caf\\xe9.png")
        self.assertIn('"path":"in/caf\\\\xe9.png"', ex.stdout)
        stable = run_assay(["export", "--out", "out", "--stable"], cwd=d)
        self.assertEqual(json.loads(stable.stdout)["source"]["path"], "caf\\xe9.png")
        # A second run finds it decided: same document, same id, no new work.
        again = run_assay(["run", "in", "--out", "out", "-j", "1", "--json"], cwd=d)
        self.assertExit(again, EXIT_OK)
        self.assertEqual((again.json()["documents"], again.json()["reused"]), (1, 1))
        self.assertEqual(query(out, "SELECT doc_id FROM documents"), [{"doc_id": rows[0]["doc_id"]}])

    def test_non_utf8_name_on_the_command_line_is_processed(self):
        d = self.temp_dir("nonutf8-arg")
        name = fs(b"r\xe9sum\xe9\xff.png")
        shutil.copy(PNG, os.path.join(d, name))
        r = run_assay(["run", name, "--out", "out", "-j", "1"], cwd=d)
        self.assertNotEqual(r.returncode, ABORT, r.describe())
        self.assertExit(r, EXIT_OK)
        self.assertEqual(query(os.path.join(d, "out"), "SELECT path FROM documents"),
                         [{"path": "r\\xe9sum\\xe9\\xff.png"}])
        argv = query(os.path.join(d, "out"), "SELECT argv FROM runs")[0]["argv"]
        self.assertEqual(json.loads(argv)[-1], "r\\xe9sum\\xe9\\xff.png")

    def test_non_utf8_set_value_is_bad_usage_with_an_escaped_message(self):
        d = self.temp_dir("nonutf8-set")
        r = subprocess.run([self.bin(), "run", PNG, "--out", os.path.join(d, "out"), "--set",
                            fs(b"rasterize.dpi=3\xff")], capture_output=True)
        self.assertEqual(r.returncode, EXIT_USAGE, r.stderr)
        self.assertIn(b"rasterize.dpi", r.stderr)
        self.assertIn(b"'rasterize.dpi=3\\xff'", r.stderr)  # escaped: lossless, not raw
        self.assertNotIn(b"\xff", r.stderr)

    def test_control_characters_are_escaped_on_the_terminal(self):
        d = self.temp_dir("ctrl")
        os.makedirs(os.path.join(d, "in"))
        name = "bad\x1b[31mred\x07.txt"
        with open(os.path.join(d, "in", name), "w") as f:
            f.write("not a document\n")  # recorded as an error: in status and the queue
        r = run_assay(["run", "in", "--out", "out", "-j", "1"], cwd=d)
        self.assertExit(r, EXIT_DOC_ERRORS)
        for args in (["status"], ["queue", "list"], ["queue", "show", "1"]):
            out = subprocess.run([self.bin()] + args + ["--out", "out"], cwd=d,
                                 capture_output=True)
            self.assertEqual(out.returncode, EXIT_OK, out)
            self.assertNotIn(b"\x1b", out.stdout, args)
            self.assertNotIn(b"\x07", out.stdout, args)
            self.assertIn(b"in/bad\\x1b[31mred\\x07.txt", out.stdout, args)
        doc = query(os.path.join(d, "out"), "SELECT doc_id FROM documents")[0]["doc_id"]
        lineage = subprocess.run([self.bin(), "lineage", doc, "--out", "out"], cwd=d,
                                 capture_output=True)
        self.assertNotIn(b"\x1b", lineage.stdout)
        # JSON keeps the characters, as JSON escapes.
        st = run_assay(["status", "--out", "out", "--json"], cwd=d)
        self.assertIn("\\u001b", st.stdout)
        self.assertEqual(st.json()["errors"][0]["path"], "in/" + name)

    @classmethod
    def bin(cls):
        from assay_e2e import ASSAY_BIN
        return ASSAY_BIN


class ExportDamageTest(AssayTestCase):
    """Defect 4: export on a damaged store never aborts nor writes half a record."""

    def test_export_skips_damaged_documents_and_writes_only_whole_records(self):
        d = self.temp_dir("export-damage")
        r = run_assay(["run", SAMPLES, "--out", "out", "-j", "2"], cwd=d)
        self.assertIn(r.returncode, (EXIT_OK, 1, EXIT_DOC_ERRORS), r.describe())
        out = os.path.join(d, "out")
        ids = [row["doc_id"] for row in
               query(out, "SELECT doc_id FROM documents WHERE outcome IS NOT NULL ORDER BY 1")]
        self.assertGreaterEqual(len(ids), 4)
        damaged = ids[len(ids) // 2]  # records before it are written first
        con = sqlite3.connect(os.path.join(out, "assay.db"))
        con.execute("UPDATE transformations SET params='{\"dpi\": 3' WHERE doc_id=?", (damaged,))
        con.commit()
        con.close()
        ex = run_assay(["export", "--out", "out"], cwd=d)
        self.assertNotEqual(ex.returncode, ABORT, ex.describe())
        self.assertExit(ex, EXIT_INTERNAL)
        self.assertTrue(ex.stdout.endswith("\n"), ex.stdout[-200:])
        records = [json.loads(line) for line in ex.stdout.splitlines()]  # every line whole
        self.assertEqual(sorted(r["doc_id"] for r in records), [i for i in ids if i != damaged])
        self.assertIn(f"document {damaged} skipped", ex.stderr)
        self.assertIn("1 of", ex.stderr)

    def test_export_of_a_store_with_damaged_pages_writes_only_whole_records(self):
        d = self.temp_dir("export-pages")
        r = run_assay(["run", SAMPLES, "--out", "out", "-j", "2"], cwd=d)
        self.assertIn(r.returncode, (EXIT_OK, 1, EXIT_DOC_ERRORS), r.describe())
        db = os.path.join(d, "out", "assay.db")
        con = sqlite3.connect(db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        size = os.path.getsize(db)
        with open(db, "r+b") as f:  # 20 KB of garbage in the middle of the file
            f.seek(size // 2)
            f.write(bytes((i * 7919) % 251 for i in range(20000)))
        ex = run_assay(["export", "--out", "out"], cwd=d)
        self.assertNotEqual(ex.returncode, ABORT, ex.describe())
        self.assertExit(ex, EXIT_INTERNAL)
        self.assertTrue(ex.stderr.strip())
        self.assertTrue(ex.stdout == "" or ex.stdout.endswith("\n"), ex.stdout[-200:])
        for line in ex.stdout.splitlines():
            json.loads(line)  # whole records only

    def test_export_with_a_damaged_output_names_the_document(self):
        d = self.temp_dir("export-output")
        r = run_assay(["run", PDF, PNG, "--out", "out", "-j", "1"], cwd=d)
        self.assertExit(r, EXIT_OK)
        con = sqlite3.connect(os.path.join(d, "out", "assay.db"))
        con.execute("UPDATE outputs SET content='[{\"op\":\"add\",\"path\":\"/pages\","
                    "\"value\":7}]' WHERE sha256 IN (SELECT delta_sha256 FROM transformations "
                    "WHERE stage='image_load')")
        con.commit()
        con.close()
        ex = run_assay(["export", "--out", "out"], cwd=d)
        self.assertExit(ex, EXIT_INTERNAL)
        self.assertEqual(len(ex.stdout.splitlines()), 1)
        json.loads(ex.stdout)
        self.assertIn(sha256_file(PNG), ex.stderr)


class ManifestTest(AssayTestCase):
    """Defects 8, 11 and 16: manifests someone else wrote."""

    def test_a_huge_manifest_line_is_one_bounded_error(self):
        d = self.temp_dir("hugeline")
        shutil.copy(PNG, os.path.join(d, "a.png"))
        size = 50 << 20
        with open(os.path.join(d, "m.jsonl"), "w") as f:
            f.write('{"path": "a.png"}\n')
            f.write('{"path": "' + "x" * size + '\n')  # malformed, 50 MB
        r = run_assay(["run", "m.jsonl", "--out", "out", "-j", "1", "--json"], cwd=d)
        self.assertExit(r, EXIT_DOC_ERRORS)
        out = os.path.join(d, "out")
        bad = query(out, "SELECT error_message FROM documents WHERE outcome='error'")
        self.assertEqual(len(bad), 1)
        msg = bad[0]["error_message"]
        self.assertLess(len(msg), 300, msg[:300])
        self.assertIn("longer than the limit of 65536", msg)
        self.assertIn(str(size + len('{"path": "')), msg)
        self.assertLess(len(msg), 300)
        self.assertLess(os.path.getsize(os.path.join(out, "assay.db")), 2 << 20)
        st = run_assay(["status", "--out", "out"], cwd=d)
        self.assertLess(len(st.stdout), 10000)

    def test_duplicate_entries_merge_tags_or_are_refused(self):
        d = self.temp_dir("dups")
        shutil.copy(PNG, os.path.join(d, "a.png"))
        copy_with_marker(PNG, os.path.join(d, "b.png"), "b")
        for n in ("1", "2"):
            with open(os.path.join(d, f"gt{n}.txt"), "w") as f:
                f.write("text\n")
        lines = [{"path": "a.png", "tags": ["x"]},
                 {"path": "./a.png", "tags": ["y", "x"]},
                 {"path": "b.png", "ground_truth": "gt1.txt"},
                 {"path": "b.png", "ground_truth": "gt2.txt", "tags": ["z"]}]
        with open(os.path.join(d, "m.jsonl"), "w") as f:
            f.write("".join(json.dumps(x) + "\n" for x in lines))
        r = run_assay(["run", "m.jsonl", "--out", "out", "-j", "1", "--json"], cwd=d)
        self.assertExit(r, EXIT_DOC_ERRORS)
        notices = r.json()["input_notices"]
        self.assertEqual(len(notices), 2, notices)
        self.assertIn("a.png: listed 2 times (m.jsonl:1, m.jsonl:2): one document, tags merged",
                      notices)
        self.assertTrue(any("b.png" in n and "different ground truth" in n for n in notices))
        out = os.path.join(d, "out")
        a = self.doc_by_path(out, "a.png")
        self.assertEqual(json.loads(a["tags"]), ["x", "y"])
        self.assertEqual(a["outcome"], "accepted")
        b = self.doc_by_path(out, "b.png")
        self.assertEqual(b["outcome"], "error")
        self.assertIn("different ground truth", b["error_message"])
        human = run_assay(["run", "m.jsonl", "--out", "out2", "-j", "1"], cwd=d)
        self.assertIn("note: a.png: listed 2 times", human.stdout)

    def test_paths_leaving_the_manifest_folder_are_refused_unless_allowed(self):
        d = self.temp_dir("outside")
        os.makedirs(os.path.join(d, "data", "walk"))
        secret = copy_with_marker(PNG, os.path.join(d, "secret.png"), "secret")
        absolute = copy_with_marker(PNG, os.path.join(d, "absolute.png"), "absolute")
        inside = copy_with_marker(PNG, os.path.join(d, "data", "inside.png"), "inside")
        os.symlink(secret, os.path.join(d, "data", "link.png"))
        os.symlink(secret, os.path.join(d, "data", "walk", "walklink.png"))
        os.makedirs(os.path.join(d, "data", "walk", "sub"))
        inner = copy_with_marker(PNG, os.path.join(d, "data", "walk", "sub", "real.png"), "in")
        os.symlink(inner, os.path.join(d, "data", "walk", "innerlink.png"))
        with open(os.path.join(d, "data", "m.jsonl"), "w") as f:
            for p in ("../secret.png", absolute, "link.png", "inside.png"):
                f.write(json.dumps({"path": p}) + "\n")
            f.write(json.dumps({"path": "inside.png", "alt_text": "x",
                                "ground_truth": "../../../etc/passwd"}) + "\n")
        r = run_assay(["run", "data/m.jsonl", "data/walk", "--out", "out", "-j", "1"], cwd=d)
        self.assertExit(r, EXIT_DOC_ERRORS)
        out = os.path.join(d, "out")
        docs = {(row["path"], row["alt_text"]): row for row in documents_of(out)}
        for p in ("secret.png", absolute, "data/link.png", "data/walk/walklink.png"):
            row = docs[(p, None)]
            self.assertEqual((row["outcome"], row["error_stage"]), ("error", "ingest"), row)
            self.assertIn("--allow-outside-inputs", row["error_message"])
            self.assertIn("outside", row["error_message"])
        self.assertIn("the ground truth leads outside",
                      docs[("data/inside.png", "x")]["error_message"])
        # The files are copies of one page: all but one are near-duplicates (rejected by the
        # contract, docs/image_checks.md). What matters here is that they were read, not refused.
        read = ("accepted", "rejected")
        self.assertIn(docs[("data/inside.png", None)]["outcome"], read)
        # Refused files are never read: their bytes are no source.
        sources = {row["source_id"] for row in query(out, "SELECT source_id FROM sources")}
        self.assertNotIn(sha256_file(secret), sources)
        self.assertNotIn(sha256_file(absolute), sources)
        self.assertIn(sha256_file(inside), sources)
        self.assertIn(docs[("data/walk/innerlink.png", None)]["outcome"], read)

        allowed = run_assay(["run", "data/m.jsonl", "data/walk", "--out", "out2", "-j", "1",
                             "--allow-outside-inputs"], cwd=d)
        self.assertIn(allowed.returncode, (EXIT_OK, 1), allowed.describe())  # 1: CER vs passwd
        out2 = os.path.join(d, "out2")
        resolved = {row["path"]: row["resolved_path"] for row in
                    query(out2, "SELECT path, resolved_path FROM source_paths")}
        real_secret = os.path.realpath(secret)
        self.assertEqual(resolved["data/link.png"], real_secret)
        self.assertEqual(resolved["data/walk/walklink.png"], real_secret)
        self.assertEqual(resolved["secret.png"], real_secret)
        for row in documents_of(out2):
            if not row["alt_text"]:
                self.assertIn(row["outcome"], read, row)
        self.assertEqual(len(query(out2, "SELECT DISTINCT group_id FROM near_duplicates")), 1)
        doc = sha256_file(secret)
        lineage = run_assay(["lineage", doc, "--out", "out2", "--json"], cwd=d).json()
        self.assertIn(real_secret, [p.get("resolved_path") for p in lineage["paths_seen"]])


def documents_of(out):
    return query(out, "SELECT * FROM documents")


class FolderTest(AssayTestCase):
    """Defects 9 and 10: folders that cannot be read, and the output folder as an input."""

    def test_output_folder_inside_an_input_is_never_an_input(self):
        d = self.temp_dir("outinside")
        os.makedirs(os.path.join(d, "in"))
        shutil.copy(PNG, os.path.join(d, "in", "a.png"))
        for _ in range(2):
            r = run_assay(["run", "in", "--out", "in/out", "-j", "1", "--json"], cwd=d)
            self.assertExit(r, EXIT_OK)
            self.assertEqual(r.json()["documents"], 1)
        # Another spelling of the same folder, through a symlink, is still the output folder.
        os.symlink(os.path.join(d, "in", "out"), os.path.join(d, "outlink"))
        r = run_assay(["run", "in", "--out", "outlink", "-j", "1", "--json"], cwd=d)
        self.assertExit(r, EXIT_OK)
        self.assertEqual(r.json()["documents"], 1)
        self.assertEqual(len(query(os.path.join(d, "in", "out"), "SELECT * FROM documents")), 1)
        direct = run_assay(["run", "in/out/assay.db", "--out", "in/out"], cwd=d)
        self.assertExit(direct, EXIT_USAGE)
        self.assertIn("output folder", direct.stderr)

    def test_unreadable_subfolders_are_counted_and_reported(self):
        d = self.temp_dir("unreadable")
        os.chmod(d, 0o755)
        os.makedirs(os.path.join(d, "in", "locked"))
        shutil.copy(PNG, os.path.join(d, "in", "a.png"))
        copy_with_marker(PNG, os.path.join(d, "in", "locked", "b.png"), "b")
        os.makedirs(os.path.join(d, "out"))
        prefix = []
        if os.geteuid() == 0:
            # chmod 000 does not stop root: run assay as an unprivileged user.
            prefix = unprivileged_prefix()
            if prefix is None:
                self.skipTest("running as root and no unprivileged user can run assay here "
                              "(setpriv/nobody): chmod 000 would not block reading")
            os.chmod(os.path.join(d, "out"), 0o777)
        os.chmod(os.path.join(d, "in", "locked"), 0)
        try:
            from assay_e2e import ASSAY_BIN
            p = subprocess.run(prefix + [ASSAY_BIN, "run", "in", "--out", "out", "-j", "1",
                                         "--json"], cwd=d, capture_output=True, text=True)
            h = subprocess.run(prefix + [ASSAY_BIN, "run", "in", "--out", "out", "-j", "1"],
                               cwd=d, capture_output=True, text=True)
        finally:
            os.chmod(os.path.join(d, "in", "locked"), 0o755)
        self.assertEqual(p.returncode, EXIT_OK, p.stdout + p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual(j["unreadable_folders"], 1)
        self.assertEqual(j["unreadable_folder_paths"], ["in/locked"])
        self.assertEqual(j["documents"], 1)
        self.assertIn("unreadable: 1 folders not read", h.stdout)
        self.assertIn("    in/locked\n", h.stdout)


def unprivileged_prefix():
    """A command prefix running as `nobody`, or None when that cannot run assay."""
    from assay_e2e import ASSAY_BIN
    for prefix in (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
                   ["runuser", "-u", "nobody", "--"]):
        try:
            p = subprocess.run(prefix + [ASSAY_BIN, "--version"], capture_output=True)
        except OSError:
            continue
        if p.returncode == 0:
            return prefix
    return None


class EncryptedPdfTest(AssayTestCase):
    """Encrypted PDFs open with a manifest password or --password-file; the password is never
    written anywhere."""

    MANIFEST_PW = "Manifest-Secret-8c1f"
    FILE_PW = "RunWide-Secret-41d7"
    OTHER_PW = "Reviewer-Secret-5e02"

    def test_encrypted_pdfs_open_and_the_password_is_never_recorded(self):
        if shutil.which("qpdf") is None:
            self.skipTest("qpdf is not installed (build.sh installs it)")
        d = self.temp_dir("encrypted")
        os.makedirs(os.path.join(d, "in"))

        def encrypt(name, user, owner):
            subprocess.run(["qpdf", "--encrypt", user, owner, "256", "--", PDF,
                            os.path.join(d, "in", name)], check=True)

        encrypt("by_manifest.pdf", self.MANIFEST_PW, "owner-" + self.MANIFEST_PW)
        encrypt("by_file.pdf", self.FILE_PW, "owner-" + self.FILE_PW)
        encrypt("no_password.pdf", self.OTHER_PW, "owner-" + self.OTHER_PW)
        with open(os.path.join(d, "in", "m.jsonl"), "w") as f:
            f.write(json.dumps({"path": "by_manifest.pdf", "password": self.MANIFEST_PW}) + "\n")
            # A broken line holding a password: its error must not quote it.
            f.write('{"path": "by_manifest.pdf", "password": "' + self.MANIFEST_PW + '" "x"}\n')
        with open(os.path.join(d, "pw.txt"), "w") as f:
            f.write(self.FILE_PW + "\n")

        no_pw = run_assay(["run", "in/by_file.pdf", "--out", "out", "-j", "1"], cwd=d)
        self.assertExit(no_pw, EXIT_DOC_ERRORS)
        r = run_assay(["run", "in", "--out", "out", "-j", "1", "--password-file", "pw.txt",
                       "--json"], cwd=d)
        self.assertExit(r, EXIT_DOC_ERRORS)  # the bad line and no_password.pdf
        out = os.path.join(d, "out")
        rows = {row["path"]: row for row in documents_of(out)}
        # The document that failed for want of a password is processed again once it has one.
        self.assertEqual(rows["in/by_file.pdf"]["outcome"], "accepted", rows["in/by_file.pdf"])
        self.assertEqual(rows["in/by_manifest.pdf"]["outcome"], "accepted")
        self.assertEqual(rows["in/no_password.pdf"]["outcome"], "error")
        self.assertIn("the password given does not open", rows["in/no_password.pdf"]["error_message"])
        # A reviewer reprocesses it with its own password.
        with open(os.path.join(d, "other.txt"), "w") as f:
            f.write(self.OTHER_PW + "\n")
        item = query(out, "SELECT item_id FROM queue_items WHERE doc_id=?",
                     (rows["in/no_password.pdf"]["doc_id"],))[0]["item_id"]
        rp = run_assay(["queue", "reprocess", str(item), "--out", "out", "--password-file",
                        "other.txt", "--as", "reviewer"], cwd=d)
        self.assertExit(rp, EXIT_OK)
        self.assertEqual(self.doc_by_path(out, "in/no_password.pdf")["outcome"], "accepted")
        ex = run_assay(["export", "--out", "out"], cwd=d)
        texts = {rec["source"]["path"]: rec["text"] for rec in map(json.loads, ex.stdout.splitlines())}
        plain = run_assay(["run", PDF, "--out", "plain", "-j", "1"], cwd=d)
        self.assertExit(plain, EXIT_OK)
        plain_text = json.loads(run_assay(["export", "--out", "plain"], cwd=d).stdout)["text"]
        self.assertTrue(plain_text.strip())
        self.assertEqual(texts["in/by_manifest.pdf"], plain_text)
        self.assertEqual(texts["in/by_file.pdf"], plain_text)

        # Nowhere: not in the store (every table, every column), logs, exports, status,
        # lineage, nor anything printed.
        con = sqlite3.connect(os.path.join(out, "assay.db"))
        dump = "\n".join(con.iterdump())
        con.close()
        seen = [dump, r.stdout, r.stderr, no_pw.stdout, no_pw.stderr, ex.stdout, ex.stderr,
                rp.stdout, rp.stderr]
        for args in (["status"], ["status", "--json"], ["queue", "list"],
                     ["export", "--stable"]):
            x = run_assay(args + ["--out", "out"], cwd=d)
            seen += [x.stdout, x.stderr]
        for row in documents_of(out):
            x = run_assay(["lineage", row["doc_id"], "--out", "out", "--json"], cwd=d)
            seen += [x.stdout, x.stderr]
        for name in os.listdir(os.path.join(out, "logs")):
            with open(os.path.join(out, "logs", name), errors="replace") as f:
                seen.append(f.read())
        for dirpath, _, files in os.walk(out):
            for name in files:
                with open(os.path.join(dirpath, name), "rb") as f:
                    seen.append(f.read().decode("latin-1"))
        for pw in (self.MANIFEST_PW, self.FILE_PW, self.OTHER_PW):
            for i, text in enumerate(seen):
                self.assertNotIn(pw, text, f"password found in output #{i}")


if __name__ == "__main__":
    unittest.main()
