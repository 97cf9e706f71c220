#!/usr/bin/python3
"""OCR less: image-only PDF pages rendered at a fixed 300 dpi with OSD on every page (the old
behaviour) against the resolution chosen from their text height (rasterize.text_height_px) and
the upright gate before OSD (preprocess.min_upright_confidence), same pages, same build, the
variants one after the other, the whole sequence `--reps` times (A B A B: load drifts).

The pages are scan_bench.py's degraded set (real born-digital pages, rendered and damaged at four
levels, ground truth = pdftotext of the page), each wrapped as a one-page image-only PDF with
img2pdf at its scan resolution (300 dpi clean/light, 200 medium, 150 heavy). Each variant is an
`assay run -j 2` of all the PDFs; CPU = user + system time of assay and its workers
(getrusage of the children), so the two sides compare on a noisy machine. CER is order-free and
character-weighted per level, as in scan_bench.py.
Usage: bench/scans/render_dpi_bench.py [--out bench/out/render_dpi] [--pages N]
       [--assay build/assay] [--cer build/tests/cer] [--levels clean,light] [--reps 1]
       [--variants "fixed300=rasterize.text_height_px=0,preprocess.text_height_px=0,
                    preprocess.min_upright_confidence=0;default="]
The fixed side turns off both reductions: rasterize's (the render) and preprocess's (v5 reduces
a page image whose text is larger than reading needs, so without it a 300-dpi render is reduced
there and "fixed 300" is not fixed).
Prints a table and writes OUT/results.json.
"""

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from scan_bench import (LEVELS, PAGES, cer, make_degraded, normalize_ws,  # noqa: E402
                        order_free, run_assay)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def to_pdf(image, dpi, dst):
    if not os.path.exists(dst):
        subprocess.run(["img2pdf", "--imgsize", f"{dpi}dpi", "-o", dst, image], check=True)


def run_variant(assay, pdf_dir, out_dir, sets):
    cpu0 = children_cpu()
    extra = ["--timeout", "1200"] + [a for s in sets for a in ("--set", s)]
    read, wall = run_assay(assay, [pdf_dir], out_dir, extra)
    cpu = children_cpu() - cpu0
    texts = {os.path.basename(path): text for path, text in read.items()}
    db = sqlite3.connect(os.path.join(out_dir, "assay.db"))
    stage_ms = dict(db.execute("SELECT stage, SUM(duration_ms) FROM transformations "
                               "GROUP BY stage").fetchall())
    return texts, cpu, wall, stage_ms


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "out", "render_dpi"))
    ap.add_argument("--corpora", default=os.path.join(os.path.dirname(REPO), "shared", "corpora"))
    ap.add_argument("--assay", default=os.path.join(REPO, "build", "assay"))
    ap.add_argument("--cer", default=os.path.join(REPO, "build", "tests", "cer"))
    ap.add_argument("--pages", type=int, default=len(PAGES))
    ap.add_argument("--variants", default="fixed300=rasterize.text_height_px=0,"
                    "preprocess.text_height_px=0,preprocess.min_upright_confidence=0;default=")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--levels", default=",".join(LEVELS))
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    images = os.path.join(out, "images")
    pdfs = os.path.join(out, "pdfs")
    work = os.path.join(out, "work")
    for d in (images, pdfs, work):
        os.makedirs(d, exist_ok=True)
    levels = args.levels.split(",")
    rows = [r for r in make_degraded(args.corpora, images, args.pages) if r["group"] in levels]
    for r in rows:
        r["pdf"] = r["name"] + ".pdf"
        to_pdf(r["image"], LEVELS[r["group"]]["dpi"], os.path.join(pdfs, r["pdf"]))
    variants = []
    for spec in args.variants.split(";"):
        name, _, sets = spec.partition("=")
        variants.append((name, [x for x in sets.split(",") if x]))
    results = {"pages": len(rows), "runs": []}
    for rep in range(args.reps):
        for name, sets in variants:
            store = os.path.join(out, f"store_{name}_{rep}")
            subprocess.run(["rm", "-rf", store], check=True)
            texts, cpu, wall, stage_ms = run_variant(os.path.abspath(args.assay), pdfs, store,
                                                     sets)
            per_level = {}
            for level in levels:
                got = [r for r in rows if r["group"] == level]
                total = sum(len(normalize_ws(r["truth"])) for r in got)
                errs = sum(cer(args.cer, order_free(texts.get(r["pdf"], "")),
                               order_free(r["truth"]), work, f"{name}_{r['name']}")
                           * len(normalize_ws(r["truth"])) for r in got)
                per_level[level] = errs / total if total else 0
            results["runs"].append({"variant": name, "rep": rep, "sets": sets, "cpu_s": cpu,
                                    "wall_s": wall, "pages_per_s": len(rows) / wall,
                                    "cer": per_level, "stage_ms": stage_ms})
            print(f"{name} rep {rep}: {len(rows) / wall:.3f} pages/s (wall {wall:.1f} s), "
                  f"CPU {cpu:.1f} s; stage s: " +
                  ", ".join(f"{k} {stage_ms.get(k, 0) / 1000:.1f}"
                            for k in ("rasterize", "preprocess", "ocr", "layout", "tables")) +
                  "; CER " + ", ".join(f"{k} {v:.4f}" for k, v in per_level.items()), flush=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
