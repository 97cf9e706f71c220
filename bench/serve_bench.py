#!/usr/bin/env python3
"""First-screen time of `assay serve`'s queue on a store with 100k queue items.

    python3 bench/serve_bench.py [--items 100000] [--assay build/assay] [--browser]

Builds the store fast: one real `assay run` over samples/ (so the schema, runs and documents
are real), then copies its documents and queue items by SQL until the queue holds --items
active items spread over the samples' rules and modalities. Then starts `assay serve` and
times, over 20 requests each: GET /api/queue (first page, the default filter), the same with a
rule filter and a modality filter, page 1000, GET / (the page itself), and the counts
beside the queue (asked after the first screen; cached until the queue changes). With --browser, also
the time headless Chromium takes from navigation to the first screen of rows (median of 5).
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)


def build_store(assay, root, items):
    out = os.path.join(root, "out")
    contracts = os.path.join(root, "contracts")
    shutil.copytree(os.path.join(SOURCE, "contracts"), contracts,
                    ignore=shutil.ignore_patterns("*.cpp", "*.h", "routing"))
    with open(os.path.join(contracts, "pdf_text.toml"), "a") as f:
        f.write('\n[[rule]]\nid = "review_words"\nmetric = "pdf.word_count"\nmin = 1000000\n'
                'severity = "reject"\n')
    subprocess.run([assay, "run", "samples", "--out", out, "-j", "2", "--contracts", contracts],
                   cwd=SOURCE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(out, "assay.db"))
    doc_cols = [r[1] for r in db.execute("PRAGMA table_info(documents)")]
    base = db.execute("SELECT q.doc_id, q.kind, q.reasons, q.run_id FROM queue_items q "
                      "WHERE q.state IN ('open','claimed')").fetchall()
    have = len(base)
    cols = ", ".join(doc_cols)
    select = ", ".join("?" if c == "doc_id" else c for c in doc_cols)
    started = time.monotonic()
    with db:
        n = 0
        while have + n < items:
            src_doc, kind, reasons, run_id = base[n % len(base)]
            doc_id = f"{n:064x}"
            db.execute(f"INSERT INTO documents({cols}) SELECT {select} FROM documents "
                       "WHERE doc_id = ?", (doc_id, src_doc))
            db.execute("INSERT INTO queue_items(doc_id, kind, state, reasons, opened_at, "
                       "updated_at, run_id) VALUES(?,?,'open',?,'2026-01-01T00:00:00Z',"
                       "'2026-01-01T00:00:00Z',?)", (doc_id, kind, reasons, run_id))
            n += 1
    db.execute("ANALYZE")
    db.close()
    print(f"store: {items} active items ({time.monotonic() - started:.1f} s to synthesize)")
    return out


def timed(url, n=20):
    times = []
    for _ in range(n):
        t = time.monotonic()
        with urllib.request.urlopen(url, timeout=60) as r:
            body = r.read()
        times.append((time.monotonic() - t) * 1000)
    return statistics.median(times), times[0], body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100000)
    ap.add_argument("--assay", default=os.path.join(SOURCE, "build", "assay"))
    ap.add_argument("--browser", action="store_true")
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="serve-bench-")
    try:
        out = build_store(os.path.abspath(a.assay), root, a.items)
        proc = subprocess.Popen([os.path.abspath(a.assay), "serve", "--out", out, "--bind",
                                 "127.0.0.1:0"], cwd=SOURCE, stdout=subprocess.PIPE, text=True)
        url = proc.stdout.readline().split()[2].rstrip("/")
        try:
            rows = []
            for name, path in (("queue, first page", "/api/queue"),
                               ("queue, rule filter", "/api/queue?rule=review_words"),
                               ("queue, modality filter", "/api/queue?modality=pdf_text"),
                               ("queue, page 1000", "/api/queue?page=1000"),
                               ("the page (GET /)", "/"),
                               ("counts (cached after 1st)", "/api/queue/counts")):
                med, worst, body = timed(url + path)
                total = json.loads(body).get("total", "") if path.startswith("/api") else ""
                rows.append((name, med, worst, total))
                print(f"{name:26s} median {med:7.1f} ms  first {worst:7.1f} ms  total {total}")
            if a.browser:
                sys.path.insert(0, os.path.join(SOURCE, "tests", "e2e"))
                from test_serve import chrome_or_skip
                d = chrome_or_skip()
                try:
                    # Chromium's own cost of a navigation on this machine: a static file of
                    # the server's, nothing of ours to run.
                    base = []
                    for _ in range(5):
                        t = time.monotonic()
                        d.get(url + "/app.css")
                        base.append((time.monotonic() - t) * 1000)
                    print(f"{'browser: static file':26s} median {statistics.median(base):7.1f} ms"
                          f"  max {max(base):7.1f} ms")
                    times = []
                    for _ in range(5):
                        t = time.monotonic()
                        d.get(url + "/")
                        while not d.find_elements("css selector", "#items tbody tr"):
                            time.sleep(0.005)
                        times.append((time.monotonic() - t) * 1000)
                    print(f"{'browser: first screen':26s} median {statistics.median(times):7.1f} ms"
                          f"  max {max(times):7.1f} ms")
                    # The page's own mark (cli/web/app.js), on Chromium's clock from the start
                    # of the navigation: no WebDriver round trips in it.
                    marks = []
                    for _ in range(5):
                        d.get(url + "/")
                        while not d.find_elements("css selector", "#items tbody tr"):
                            time.sleep(0.005)
                        marks.append(d.execute_script(
                            "return performance.getEntriesByName('assay:first-rows')[0].startTime"))
                    print(f"{'browser: rows in the page':26s} median {statistics.median(marks):7.1f} ms"
                          f"  max {max(marks):7.1f} ms")
                finally:
                    d.quit()
        finally:
            proc.terminate()
            proc.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
