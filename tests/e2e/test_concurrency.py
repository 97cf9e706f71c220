"""Several processes on one store (issue 7, defects 1 and 2, and the concurrency test it asks
for): runs ingesting huge files beside runs recording documents, queue actions during a long
ingest, four runs creating one store at the same moment, and three runs plus a queue
claim/release loop over a mixed corpus. Every process finishes, nothing aborts on a lock, the
store passes integrity_check, and no document is processed twice except as recorded reuse."""

import glob
import json
import os
import re
import signal
import subprocess
import threading
import time

from assay_e2e import (ASSAY_BIN, CORPORA, EXIT_DOC_ERRORS, EXIT_OK, EXIT_REJECTED, SAMPLES,
                       AssayTestCase, copy_with_marker, integrity_check, log, query, run_assay)

EXIT_REFUSED = 5  # core/exit_codes.h kExitRefused
RUN_EXITS = (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS)  # a run that finished its documents


def start(args):
    return subprocess.Popen([ASSAY_BIN] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace",
                            stdin=subprocess.DEVNULL)


def finish(proc, timeout=600):
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def lock_waits(out):
    """The runs' own account of their waits for the store's write lock (logs/supervisor.log)."""
    path = os.path.join(out, "logs", "supervisor.log")
    if not os.path.exists(path):
        return []
    pattern = re.compile(r"run (\d+): waited for the store's write lock (\d+) times, (\d+) ms "
                         r"in all, longest (\d+) ms")
    with open(path) as f:
        return [tuple(int(g) for g in m.groups()) for m in map(pattern.search, f) if m]


def work_done_twice(out):
    """Documents whose current processing version was computed (not reused) by more than one
    run: work done twice that is not recorded as reuse."""
    return query(out, """
        SELECT t.doc_id, COUNT(DISTINCT t.run_id) AS runs FROM transformations t
        JOIN documents d ON d.doc_id = t.doc_id AND d.processing_version = t.processing_version
        WHERE t.reused_from IS NULL GROUP BY t.doc_id HAVING runs > 1""")


class ConcurrencyCase(AssayTestCase):
    def assertStoreSound(self, out):
        self.assertEqual(integrity_check(out), ["ok"])
        self.assertEqual(query(out, "SELECT run_id, status FROM runs WHERE status != 'finished'"),
                         [])
        self.assertEqual(query(out, "SELECT * FROM document_leases"), [])
        self.assertEqual(query(out, "SELECT doc_id FROM documents WHERE outcome IS NULL"), [])
        self.assertEqual(work_done_twice(out), [])


class BigFilesBesideAnotherRun(ConcurrencyCase):
    """Defect 1: a run hashing three 2 GB files (sparse) while another run records its
    documents and a reviewer claims and releases an item. Before, ingest held one write
    transaction over all the hashing and the other run died with `database is locked`."""

    def test_both_runs_and_the_reviewer_finish(self):
        root = self.temp_dir("big")
        big = os.path.join(root, "big")
        pages = os.path.join(root, "pages")
        os.makedirs(big)
        os.makedirs(pages)
        for k in range(3):
            with open(os.path.join(big, f"huge{k}.bin"), "wb") as f:
                f.truncate((2 << 30) + k)  # distinct sizes: three sources
        for k in range(6):
            copy_with_marker(os.path.join(SAMPLES, "scanned_page.png"),
                             os.path.join(pages, f"page{k}.png"), f"big-files copy {k}")
        out = os.path.join(root, "out")
        seed = run_assay(["run", os.path.join(SAMPLES, "corrupt.pdf"), "--out", out, "--json"])
        self.assertExit(seed, EXIT_DOC_ERRORS)
        item = query(out, "SELECT item_id FROM queue_items")[0]["item_id"]

        t0 = time.monotonic()
        hashing = start(["run", big, "--out", out, "-j", "1", "--max-file-size", "4096",
                         "--json"])
        time.sleep(0.5)
        recording = start(["run", pages, "--out", out, "-j", "1", "--json"])
        queue_codes = []
        while hashing.poll() is None:
            for action in (["claim", str(item), "--as", "rev"],
                           ["release", str(item), "--as", "rev", "--note", "n"]):
                r = run_assay(["queue"] + action + ["--out", out])
                queue_codes.append((action[0], r.returncode, r.stderr.strip()[-200:]))
            time.sleep(0.2)
        code_h, out_h, err_h = finish(hashing)
        code_r, out_r, err_r = finish(recording)
        log(f"[big files: {time.monotonic() - t0:.1f} s; {len(queue_codes)} queue actions; "
            f"lock waits (run, waits, total ms, longest ms): {lock_waits(out)}]")
        self.assertEqual(code_h, EXIT_DOC_ERRORS, err_h)  # zeros: unsupported type, recorded
        self.assertIn(code_r, RUN_EXITS, err_r)
        self.assertNotIn("locked", err_h + err_r)
        self.assertTrue(queue_codes)
        self.assertEqual([c for c in queue_codes if c[1] != EXIT_OK], [])
        huge = query(out, "SELECT path, error_message FROM documents WHERE path LIKE '%huge%'")
        self.assertEqual(len(huge), 3, huge)
        for d in huge:
            self.assertIn("unsupported type", d["error_message"])
        self.assertEqual(
            query(out, "SELECT COUNT(*) AS n FROM documents WHERE path LIKE '%page%.png' "
                       "AND outcome IN ('accepted','rejected')")[0]["n"], 6)
        self.assertStoreSound(out)


class FreshStoreRace(ConcurrencyCase):
    """Defect 2: four runs started at once on a fresh --out (creating the file, switching it
    to WAL, applying every migration), repeated. Before, one of two failed about half the
    time with `table runs already exists` or `database is locked`."""

    ROUNDS = 5
    RUNS = 4

    def test_four_runs_create_one_store(self):
        inp = os.path.join(SAMPLES, "born_digital.pdf")
        for round_ in range(self.ROUNDS):
            out = os.path.join(self.temp_dir("fresh"), "out")
            procs = [start(["run", inp, "--out", out, "-j", "1", "--json"])
                     for _ in range(self.RUNS)]
            results = [finish(p) for p in procs]
            for code, stdout, stderr in results:
                self.assertEqual(code, EXIT_OK, f"round {round_}: {stderr}")
            runs = query(out, "SELECT run_id, status FROM runs")
            self.assertEqual([r["status"] for r in runs], ["finished"] * self.RUNS)
            self.assertEqual(len(query(out, "SELECT * FROM documents")), 1)
            self.assertStoreSound(out)


class ThreeRunsAndAReviewer(ConcurrencyCase):
    """The issue's concurrency test: three `assay run` over one mixed corpus (samples, the
    damaged PDFs of pdf_robustness/dev, a few OCR pages) and a loop of queue claim/release on
    one store at once. All finish; integrity_check ok; every document has one outcome, and its
    work was done once (other runs either skipped it or recorded reuse); every queue action was
    done (0) or refused (5)."""

    def corpus(self):
        root = self.temp_dir("mixed")
        manifest = os.path.join(root, "mixed.jsonl")
        paths = sorted(glob.glob(os.path.join(CORPORA, "pdf_robustness", "dev", "*.pdf")))
        paths += sorted(glob.glob(os.path.join(CORPORA, "ocr_tesseract_testimages", "dev",
                                               "*.tif")))[:3]
        if len(paths) < 20:
            self.skipTest("corpora not found")
        with open(manifest, "w") as f:
            for p in paths:
                f.write(json.dumps({"path": p}) + "\n")
        return [SAMPLES, manifest]

    def test_three_runs_and_a_reviewer(self):
        inputs = self.corpus()
        out = os.path.join(self.temp_dir("three"), "out")
        # The reviewer needs an item from the start: the store begins with samples/ (its
        # corrupt.pdf is one).
        seed = run_assay(["run", SAMPLES, "--out", out, "--json"])
        self.assertExit(seed, EXIT_DOC_ERRORS)
        t0 = time.monotonic()
        runs = [start(["run"] + inputs + ["--out", out, "-j", "1", "--json",
                                          "--timeout", "60"]) for _ in range(3)]
        actions = []
        stop = threading.Event()

        def reviewer():
            while not stop.is_set():
                items = run_assay(["queue", "list", "--json", "--out", out])
                actions.append(("list", items.returncode, items.stderr[-200:]))
                ids = [it["item_id"] for it in items.json()] if items.returncode == 0 else []
                for item in ids[:3]:
                    for action in (["claim", str(item), "--as", "rev"],
                                   ["release", str(item), "--as", "rev"]):
                        r = run_assay(["queue"] + action + ["--out", out])
                        actions.append((action[0], r.returncode, r.stderr[-200:]))

        thread = threading.Thread(target=reviewer)
        thread.start()
        results = [finish(p) for p in runs]
        stop.set()
        thread.join()
        seconds = time.monotonic() - t0
        summaries = [json.loads(o) for _, o, _ in results]
        log(f"[three runs: {seconds:.1f} s; processed/reused per run "
            f"{[(s['processed'], s['reused']) for s in summaries]}; {len(actions)} queue "
            f"actions; lock waits (run, waits, total ms, longest ms): {lock_waits(out)}]")
        for code, _, stderr in results:
            self.assertIn(code, RUN_EXITS, stderr)
        self.assertEqual([a for a in actions if a[1] not in (EXIT_OK, EXIT_REFUSED)], [])
        self.assertEqual([a for a in actions if a[1] == EXIT_REFUSED and
                          "claimed by" not in a[2] and "not claimed" not in a[2] and
                          "no further action" not in a[2]], [])
        # Every run describes every document of its inputs, and they agree.
        self.assertEqual(len({s["documents"] for s in summaries}), 1, summaries)
        self.assertEqual(len({str(s["outcomes"]) for s in summaries}), 1, summaries)
        total = summaries[0]["documents"]
        self.assertEqual(work_done_twice(out), [])
        # Each document was processed by exactly one run, the others skipped it (samples/ was
        # decided by the seed run).
        self.assertEqual(sum(s["processed"] for s in summaries),
                         total - seed.json()["documents"], summaries)
        self.assertEqual(len(query(out, "SELECT * FROM documents")), total)
        self.assertStoreSound(out)


class SigintDuringHashing(AssayTestCase):
    """Defect 1's last part: SIGINT during ingest is noticed while a huge file is hashed, not
    after it (hashing 4 GB takes ~15 s here)."""

    def test_sigint_stops_hashing(self):
        root = self.temp_dir("sigint-hash")
        big = os.path.join(root, "big")
        os.makedirs(big)
        with open(os.path.join(big, "huge.bin"), "wb") as f:
            f.truncate(4 << 30)
        out = os.path.join(root, "out")
        proc = start(["run", big, "--out", out, "-j", "1", "--max-file-size", "8192", "--json"])
        db = os.path.join(out, "assay.db")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not os.path.exists(os.path.join(out, "logs")):
            time.sleep(0.05)
        time.sleep(2.0)  # the workers are up and the file is being hashed
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code, stdout, stderr = finish(proc, timeout=120)
        seconds = time.monotonic() - t0
        log(f"[SIGINT answered in {seconds:.2f} s]")
        self.assertEqual(code, 130, stderr)
        self.assertLess(seconds, 5.0)
        self.assertTrue(os.path.exists(db))
        self.assertEqual([r["status"] for r in query(out, "SELECT status FROM runs")],
                         ["interrupted"])
        self.assertEqual(query(out, "SELECT * FROM documents"), [])  # cut short: not registered
