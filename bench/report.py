#!/usr/bin/env python3
"""Checks and summarises the runs of bench/run_bench.sh.

  report.py check RUN_DIR DOCS PAGES MODALITY
      exit 1, loudly, unless the assay run in RUN_DIR processed DOCS documents and PAGES pages,
      all of MODALITY and decided by their contract (accepted or rejected: the work is the
      same), nothing reused, no error.
  report.py final OUT_DIR N_PAGES BD_PAGES BD_DOCS SCAN_DOCS JOBS
      reads OUT_DIR/ledger.tsv and each run's artifacts, writes OUT_DIR/results.json and
      prints the table.

Standard library only.
"""
import datetime
import json
import os
import re
import sqlite3
import statistics
import sys


TICKS = os.sysconf("SC_CLK_TCK")
NPROC = os.cpu_count()
QUIET = 0.05  # a run is "quiet" when other processes used at most 5% of the machine during it


def fail(msg):
    print(f"\nBENCHMARK INVALID: {msg}", file=sys.stderr)
    sys.exit(1)


def db_of(run_dir):
    return sqlite3.connect(f"file:{run_dir}/out/assay.db?mode=ro", uri=True)


# ------------------------------------------------------------------------------------ check
def check(run_dir, docs, pages, modality):
    docs, pages = int(docs), int(pages)
    try:
        with open(os.path.join(run_dir, "summary.json")) as f:
            s = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{run_dir}: no JSON summary from assay ({e})")
    problems = []
    if s.get("exit_code") not in (0, 1):
        problems.append(f"exit_code {s.get('exit_code')} (expected 0 or 1)")
    for key, want in (("documents", docs), ("processed", docs), ("reused", 0), ("pages", pages)):
        if s.get(key) != want:
            problems.append(f"{key} = {s.get(key)} (expected {want})")
    outcomes = s.get("outcomes") or {}
    if sum(outcomes.get(k, 0) for k in ("accepted", "rejected")) != docs:
        problems.append(f"outcomes = {outcomes} (expected all {docs} accepted or rejected)")
    if s.get("modalities") != {modality: docs}:
        problems.append(f"modalities = {s.get('modalities')} (expected all {modality})")
    db = db_of(run_dir)
    bad = db.execute("SELECT doc_id, outcome, error_stage, error_message FROM documents "
                     "WHERE outcome IS NULL OR outcome NOT IN ('accepted', 'rejected')").fetchall()
    for row in bad[:5]:
        problems.append(f"document {row[0][:12]}: {row[1]} {row[2] or ''} {row[3] or ''}")
    errs = db.execute("SELECT count(*) FROM transformations WHERE outcome = 'error'").fetchone()[0]
    if errs:
        problems.append(f"{errs} transformations ended in error")
    if problems:
        fail(f"{run_dir}:\n  " + "\n  ".join(problems))


# ------------------------------------------------------------------------------------ final
def parse_time_v(path):
    """The numbers of /usr/bin/time -v that we use."""
    out = {}
    try:
        text = open(path).read()
    except OSError:
        return out
    for key, pattern in (("user_s", r"User time \(seconds\): ([\d.]+)"),
                         ("sys_s", r"System time \(seconds\): ([\d.]+)"),
                         ("max_rss_kib", r"Maximum resident set size \(kbytes\): (\d+)"),
                         ("cpu_percent", r"Percent of CPU this job got: (\d+)%")):
        m = re.search(pattern, text)
        if m:
            out[key] = float(m.group(1))
    if "user_s" in out and "sys_s" in out:
        out["cpu_s"] = round(out["user_s"] + out["sys_s"], 2)
    return out


def rfc3339(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def assay_breakdown(run_dir, t0, t1, jobs):
    """Where the workers' time went, from the lineage timestamps (millisecond resolution).

    Per document: start = start of its first stage; end = end of its last stage. Documents are
    given to workers greedily (a document goes to the worker that became free last before it
    started). Per worker: startup = launch -> first stage (exec, Tesseract init, ingest);
    busy = stages; gap = last stage of a document -> first stage of the next (result JSON,
    pipe, supervisor commit, next request, file re-hash); tail = last stage -> end of run.
    """
    db = db_of(run_dir)
    stages = {}
    for stage, n, ms in db.execute("SELECT stage, count(*), sum(duration_ms) FROM transformations "
                                   "GROUP BY stage ORDER BY min(seq)"):
        stages[stage] = {"count": n, "seconds": round(ms / 1000.0, 3)}
    docs = {}
    for doc_id, started, ms in db.execute("SELECT doc_id, started_at, duration_ms "
                                          "FROM transformations"):
        s = rfc3339(started)
        d = docs.setdefault(doc_id, [s, s + ms / 1000.0, 0.0])
        d[0] = min(d[0], s)
        d[1] = max(d[1], s + ms / 1000.0)
        d[2] += ms / 1000.0
    commits = dict(db.execute("SELECT doc_id, processed_at FROM documents"))
    pages = dict(db.execute("SELECT doc_id, page_count FROM documents"))
    order = sorted(docs.items(), key=lambda kv: kv[1][0])
    workers = [[] for _ in range(jobs)]
    free = [t0] * jobs
    for doc_id, (start, end, stage_s) in order:
        ready = [i for i in range(jobs) if free[i] <= start + 0.002]
        i = max(ready, key=lambda k: free[k]) if ready else min(range(jobs), key=lambda k: free[k])
        workers[i].append((start, end, stage_s, doc_id))
        free[i] = end
    per_worker = []
    gaps_all = []
    commit_lag = []
    for w in workers:
        if not w:
            per_worker.append({"documents": 0, "startup_s": 0, "stages_s": 0, "gaps_s": 0,
                               "tail_s": round(t1 - t0, 3)})
            continue
        gaps = [b[0] - a[1] for a, b in zip(w, w[1:])]
        gaps_all += gaps
        per_worker.append({
            "documents": len(w),
            "pages": sum(pages.get(d[3]) or 0 for d in w),
            "startup_s": round(w[0][0] - t0, 3),
            "stages_s": round(sum(d[2] for d in w), 3),
            "in_document_other_s": round(sum(d[1] - d[0] - d[2] for d in w), 3),
            "gaps_s": round(sum(gaps), 3),
            "tail_s": round(t1 - w[-1][1], 3),
        })
        for d in w:
            if commits.get(d[3]):
                commit_lag.append(rfc3339(commits[d[3]]) - d[1])
    slots = jobs * (t1 - t0)
    total = {k: round(sum(p.get(k, 0) for p in per_worker), 3)
             for k in ("startup_s", "stages_s", "in_document_other_s", "gaps_s", "tail_s")}
    total["unaccounted_s"] = round(slots - sum(total.values()), 3)
    return {
        "stages": stages,
        "worker_slots_s": round(slots, 3),
        "per_worker": per_worker,
        "total": total,
        "share_of_worker_slots": {k: round(v / slots, 4) for k, v in total.items()},
        "gap_per_document_ms": {
            "median": round(1000 * statistics.median(gaps_all), 1) if gaps_all else None,
            "max": round(1000 * max(gaps_all), 1) if gaps_all else None,
        },
        "last_stage_to_commit_ms_median":
            round(1000 * statistics.median(commit_lag), 1) if commit_lag else None,
        # Words as whitespace-separated tokens of the final output, to compare with the
        # tesseract side (ocr.word_count also counts Tesseract's whitespace-only "words").
        "ocr_words": assay_words(db),
        "ocr_word_count_metric": db.execute(
            "SELECT sum(value) FROM metrics WHERE name = 'ocr.word_count'").fetchone()[0],
    }


def assay_words(db):
    n = 0
    for (content,) in db.execute("SELECT o.content FROM documents d "
                                 "JOIN outputs o ON o.sha256 = d.output_sha256"):
        c = json.loads(content)
        n += len(" ".join(w["text"] for p in c["pages"] for b in p["blocks"]
                          for ln in b["lines"] for w in ln["words"]).split())
    return n


def words_in(paths):
    n = 0
    for p in paths:
        with open(p, errors="replace") as f:
            n += len(f.read().split())
    return n


def median(xs):
    return round(statistics.median(xs), 4) if xs else None


def final(out, n_pages, bd_pages, bd_docs, scan_docs, jobs):
    n_pages, bd_pages, jobs = int(n_pages), int(bd_pages), int(jobs)
    runs = []
    with open(os.path.join(out, "ledger.tsv")) as f:
        for line in f:
            case, side, rep, t0, t1, rc, run_dir, busy0, busy1, load = \
                line.rstrip("\n").split("\t")
            t0, t1 = float(t0), float(t1)
            r = {"case": case, "side": side, "rep": int(rep), "wall_s": round(t1 - t0, 3),
                 "exit": int(rc), "dir": os.path.relpath(run_dir, os.path.dirname(out)),
                 "loadavg_1min_before": float(load)}
            r["time_v"] = parse_time_v(os.path.join(run_dir, "time.txt"))
            try:
                with open(os.path.join(run_dir, "rss.json")) as rf:
                    rss = json.load(rf)
            except (OSError, ValueError):
                rss = {}
            procs = rss.get("processes", [])
            # Load from elsewhere: machine busy CPU during the run less the run's own CPU and
            # the sampler's (python start-up is a few % of a one-second run).
            machine_busy = (int(busy1) - int(busy0)) / TICKS
            own = r["time_v"].get("cpu_s", 0.0) + rss.get("sampler_cpu_s", 0.0)
            r["other_load_cpu_s"] = round(max(0.0, machine_busy - own), 2)
            r["other_load_share"] = round(max(0.0, machine_busy - own) /
                                          (NPROC * (t1 - t0)), 4)
            pages = n_pages if case.startswith("ocr") else bd_pages
            r["pages"] = pages
            r["pages_per_s"] = round(pages / (t1 - t0), 4)
            if side == "assay":
                with open(os.path.join(run_dir, "summary.json")) as sf:
                    summary = json.load(sf)
                r["assay_seconds"] = round(summary["seconds"], 3)
                r["assay_pages_per_s"] = round(summary["pages_per_second"], 4)
                sup = [p for p in procs if p["role"] == "supervisor"]
                wrk = [p for p in procs if p["role"] == "worker"]
                r["memory"] = {
                    "supervisor_peak_rss_mib": round(max(p["peak_rss_kib"] for p in sup) / 1024, 1)
                    if sup else None,
                    "worker_peak_rss_mib": [round(p["peak_rss_kib"] / 1024, 1) for p in wrk],
                    "workers_seen": len(wrk),
                }
                r["cpu_sampled_s"] = {
                    "supervisor": round(sum(p.get("cpu_s", 0) for p in sup), 2),
                    "workers": round(sum(p.get("cpu_s", 0) for p in wrk), 2),
                }
                r["breakdown"] = assay_breakdown(run_dir, t0, t1, jobs)
            elif side == "tesseract":
                tess = [p for p in procs if p["name"] == "tesseract"]
                r["memory"] = {"tesseract_peak_rss_mib":
                               [round(p["peak_rss_kib"] / 1024, 1) for p in tess]}
                ends = []
                for h in (0, 1):
                    try:
                        ends.append(float(open(os.path.join(run_dir, f"half{h}.end"))
                                          .read().split()[1]))
                    except (OSError, IndexError, ValueError):
                        pass
                if len(ends) == 2:
                    r["half_end_s"] = [round(e - t0, 3) for e in ends]
                    r["imbalance_s"] = round(abs(ends[0] - ends[1]), 3)
                if case == "ocr_limit":
                    r["ocr_words"] = words_in([os.path.join(run_dir, f"half{h}.txt")
                                               for h in (0, 1)])
            runs.append(r)

    def of(case, side):
        return [r for r in runs if r["case"] == case and r["side"] == side]

    cases = {}
    for case, side in sorted({(r["case"], r["side"]) for r in runs}):
        rs = of(case, side)
        cases.setdefault(case, {})[side] = {
            "runs_pages_per_s": [r["pages_per_s"] for r in rs],
            "runs_wall_s": [r["wall_s"] for r in rs],
            "median_pages_per_s": median([r["pages_per_s"] for r in rs]),
            "median_wall_s": median([r["wall_s"] for r in rs]),
            "median_cpu_s": median([r["time_v"].get("cpu_s") for r in rs
                                    if r["time_v"].get("cpu_s") is not None]),
            "max_other_load_share": max(r["other_load_share"] for r in rs),
        }
        quiet = [x for x in rs if x["other_load_share"] <= QUIET]
        cases[case][side]["quiet_runs_pages_per_s"] = [x["pages_per_s"] for x in quiet]
        cases[case][side]["quiet_median_pages_per_s"] = median([x["pages_per_s"] for x in quiet])
        cases[case][side]["median_cpu_s_per_page"] = median(
            [x["time_v"]["cpu_s"] / x["pages"] for x in rs if "cpu_s" in x["time_v"]])
        if side == "assay":
            cases[case][side]["median_pages_per_s_assay_reported"] = median(
                [r["assay_pages_per_s"] for r in rs])

    ratios = {}
    def ratio(a, b):
        return round(a / b, 4) if a and b else None

    limit_c = cases.get("ocr_limit", {}).get("tesseract", {})
    limit = limit_c.get("median_pages_per_s")
    if limit:
        for case in ("ocr_images", "ocr_scanpdf"):
            a = cases.get(case, {}).get("assay")
            if a:
                ratios[f"{case}_vs_limit"] = round(a["median_pages_per_s"] / limit, 4)
                # Only runs during which other processes used <= 5% of the machine.
                ratios[f"{case}_vs_limit_quiet"] = ratio(a["quiet_median_pages_per_s"],
                                                         limit_c["quiet_median_pages_per_s"])
                # CPU seconds per page, limit / assay: > 1 means assay spends less CPU a page.
                ratios[f"{case}_cpu_per_page_limit_over_assay"] = ratio(
                    limit_c["median_cpu_s_per_page"], a["median_cpu_s_per_page"])
                # Paired per repetition as well (same rep = adjacent in time).
                per_rep = []
                for r in of(case, "assay"):
                    lim = [x for x in of("ocr_limit", "tesseract") if x["rep"] == r["rep"]]
                    if lim:
                        per_rep.append(round(r["pages_per_s"] / lim[0]["pages_per_s"], 4))
                ratios[f"{case}_vs_limit_per_rep"] = per_rep
    # Same work on both sides? Compare the words read (whitespace tokens).
    words = {f"{r['case']}-{r['side']}-{r['rep']}":
             (r["breakdown"]["ocr_words"] if "breakdown" in r else r.get("ocr_words"))
             for r in runs if r["case"] in ("ocr_images", "ocr_limit", "ocr_scanpdf")}
    loop = cases.get("ocr_limit_loop", {}).get("tesseract", {}).get("median_pages_per_s")
    if loop and cases.get("ocr_images", {}).get("assay"):
        ratios["ocr_images_vs_limit_process_per_page"] = ratio(
            cases["ocr_images"]["assay"]["median_pages_per_s"], loop)
    bd = cases.get("born_digital", {})
    for side in ("pdftotext_seq", "pdftotext_p2"):
        if bd.get("assay") and bd.get(side):
            ratios[f"born_digital_vs_{side}"] = round(
                bd["assay"]["median_pages_per_s"] / bd[side]["median_pages_per_s"], 4)
            ratios[f"born_digital_vs_{side}_quiet"] = ratio(
                bd["assay"]["quiet_median_pages_per_s"], bd[side]["quiet_median_pages_per_s"])

    results = {
        "machine": machine(),
        "inputs": {"scanned_pages": n_pages, "scan_pdfs": int(scan_docs),
                   "born_digital_pdfs": int(bd_docs), "born_digital_pages": bd_pages,
                   "jobs": jobs},
        "cases": cases,
        "ratios": ratios,
        "ocr_words": words,
        "target": {"ocr_vs_limit_min": 0.9,
                   "met": (ratios.get("ocr_images_vs_limit") or 0) >= 0.9,
                   "met_quiet_runs": None if ratios.get("ocr_images_vs_limit_quiet") is None
                   else ratios["ocr_images_vs_limit_quiet"] >= 0.9},
        "runs": runs,
    }
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print_table(results)


def machine():
    m = {"nproc": os.cpu_count(), "bench_nice": int(os.environ.get("BENCH_NICE", "0") or 0)}
    try:
        m["autogroup"] = open("/proc/self/autogroup").read().strip()
    except OSError:
        pass
    try:
        lines = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "out",
                                  "assay.version")).read().split("\n")
        m["assay_version"], m["assay_sha256"] = lines[0], lines[1]
    except (OSError, IndexError):
        pass
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                m["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    for tool, cmd in (("tesseract", "tesseract --version 2>&1 | head -1"),
                      ("poppler", "pdftoppm -v 2>&1 | head -1")):
        m[tool] = os.popen(cmd).read().strip()
    return m


def print_table(res):
    cases, ratios = res["cases"], res["ratios"]
    print()
    print(f"{'case':<14} {'side':<15} {'pages':>5} {'runs (pages/s)':<22} {'median':>8} "
          f"{'quiet':>8} {'CPU s':>7} {'other load':>10}")
    print("-" * 97)
    for case, sides in cases.items():
        pages = res["inputs"]["scanned_pages"] if case.startswith("ocr") else \
            res["inputs"]["born_digital_pages"]
        for side, c in sides.items():
            runs = " ".join(f"{x:.3f}" for x in c["runs_pages_per_s"])
            cpu = c["median_cpu_s"]
            q = c["quiet_median_pages_per_s"]
            print(f"{case:<14} {side:<15} {pages:>5} {runs:<22} {c['median_pages_per_s']:>8.3f} "
                  f"{q if q is not None else '-':>8} {cpu if cpu is not None else '':>7} "
                  f"{100 * c['max_other_load_share']:>9.0f}%")
    print("-" * 97)
    print("median: of all runs; quiet: of runs during which other processes used <= 5% of the "
          "machine;\nCPU s: median CPU of the run's process tree; other load: worst run")
    for k, v in ratios.items():
        print(f"{k:<40} {v}")
    noisy = [r for r in res["runs"] if r["other_load_share"] > 0.05]
    for r in noisy:
        print(f"WARNING: {r['case']} {r['side']} rep {r['rep']}: other processes used "
              f"{100 * r['other_load_share']:.0f}% of the machine during the run: noisy figure")
    mark = "MET" if res["target"]["met"] else "NOT MET"
    quiet = res["target"]["met_quiet_runs"]
    quiet = "no quiet pair" if quiet is None else ("MET" if quiet else "NOT MET")
    print(f"target: OCR throughput >= 0.9 x limit: {mark} (quiet runs only: {quiet})")
    for r in res["runs"]:
        if r["case"] == "ocr_images" and r["side"] == "assay":
            b = r["breakdown"]
            share = ", ".join(f"{k[:-2]} {100 * v:.1f}%" for k, v in
                              b["share_of_worker_slots"].items())
            print(f"ocr_images rep {r['rep']}: worker time: {share}; "
                  f"gap/doc median {b['gap_per_document_ms']['median']} ms")
    print("results: bench/out/results.json")


def main(argv):
    if len(argv) >= 2 and argv[1] == "check" and len(argv) == 6:
        check(*argv[2:])
    elif len(argv) >= 2 and argv[1] == "final" and len(argv) == 8:
        final(*argv[2:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
