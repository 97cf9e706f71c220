#!/usr/bin/env python3
"""The handwriting detector's figures (docs/handwriting.md, docs/benchmarks.md), from the real
binary: `assay run` with the image pipeline cut after the handwriting stage (image_load,
image_checks, preprocess, handwriting: the stages that make the pixels the detector and OCR
see; OCR and later stages do not change its decision), then the page metrics from the store.

    python3 bench/handwriting_bench.py --assay BIN --corpora DIR --set DIR --work DIR
                                       [--set-param NAME=VALUE ...]

--set: a directory made by tests/handwriting_testset.py (labels.json). Printed pages: every
page image of ocr_ocrd_pages, ocr_tesseract_testimages, layout_publaynet_pages and
tables_pubtabnet_images (dev), and every page of the PDFs of tables_camelot, tables_icdar2013,
tables_tabula and text_born_digital (dev) rendered at 300 dpi gray with pdftoppm into
WORK/printed (kept between runs). Prints one JSON report: per printed corpus the pages, the
pages judged (enough glyph components) and the pages called handwritten (false positives,
with their names); on the test set precision and recall per kind, and for the mixed pages
whether a handwritten line was found inside the handwritten block and none in the print."""
import argparse
import glob
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

IMAGE_CORPORA = {
    "ocr_ocrd_pages": ["*.tif", "*.jpg", "*.png"],
    "ocr_tesseract_testimages": ["*.tif", "*.png"],
    "layout_publaynet_pages": ["*.jpg"],
    "tables_pubtabnet_images": ["*.png"],
}
PDF_CORPORA = ["tables_camelot", "tables_icdar2013", "tables_tabula", "text_born_digital"]
CONFIG = """[pipeline.image]
stages = ["image_load", "image_checks", "preprocess", "handwriting"]
"""


def render_pdfs(corpora, work):
    pages = {}
    for corpus in PDF_CORPORA:
        out = os.path.join(work, "printed", corpus)
        os.makedirs(out, exist_ok=True)
        for pdf in sorted(glob.glob(os.path.join(corpora, corpus, "dev", "*.pdf"))):
            stem = os.path.join(out, os.path.splitext(os.path.basename(pdf))[0])
            if not glob.glob(stem + "-*.png"):
                subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", pdf, stem],
                               check=False, capture_output=True)
        pages[corpus] = sorted(glob.glob(os.path.join(out, "*.png")))
    return pages


def page_metrics(assay, files, work, params):
    """{path: {metric: value}} of page 1 of each file, from a run of the cut pipeline."""
    out = tempfile.mkdtemp(prefix="hw-bench-", dir=work)
    cfg = os.path.join(out, "pipeline.toml")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    listing = os.path.join(out, "inputs")
    os.makedirs(listing)
    # One directory of links: the run's inputs in one argument, whatever their number.
    names = {}
    for i, path in enumerate(files):
        link = os.path.join(listing, f"{i:05d}{os.path.splitext(path)[1]}")
        os.symlink(os.path.abspath(path), link)
        names[link] = path
    args = [assay, "run", listing, "--out", os.path.join(out, "store"), "--config", cfg,
            "-j", "2", "--allow-outside-inputs"]
    for p in params:
        args += ["--set", p]
    subprocess.run(args, capture_output=True, text=True)
    con = sqlite3.connect(os.path.join(out, "store", "assay.db"))
    result = {}
    for doc_id, path in con.execute("SELECT doc_id, path FROM documents"):
        rows = con.execute("SELECT name, value FROM metrics WHERE doc_id=? AND scope='page:1'",
                           (doc_id,)).fetchall()
        result[names.get(path, path)] = {n: v for n, v in rows}
    con.close()
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--assay", required=True)
    ap.add_argument("--corpora", required=True)
    ap.add_argument("--set", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--set-param", action="append", default=[])
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)

    printed = {}
    for corpus, patterns in IMAGE_CORPORA.items():
        files = []
        for p in patterns:
            files += glob.glob(os.path.join(a.corpora, corpus, "dev", p))
        printed[corpus] = sorted(files)
    printed.update(render_pdfs(a.corpora, a.work))
    with open(os.path.join(a.set, "labels.json")) as f:
        labels = json.load(f)
    set_files = [os.path.join(a.set, n) for n in sorted(labels)]

    everything = [p for files in printed.values() for p in files] + set_files
    m = page_metrics(a.assay, everything, a.work, a.set_param)

    report = {"params": a.set_param, "printed": {}, "test_set": {}}
    total = judged_total = fp_total = 0
    for corpus, files in printed.items():
        fps = [os.path.basename(p) for p in files if m.get(p, {}).get("page.handwritten") == 1]
        judged = sum(1 for p in files if m.get(p, {}).get("handwriting.components", 0) >= 100)
        missing = [os.path.basename(p) for p in files if p not in m or not m[p]]
        with_lines = sum(1 for p in files if m.get(p, {}).get("handwriting.regions", 0) > 0)
        report["printed"][corpus] = {"pages": len(files), "judged": judged,
                                     "called_handwritten": len(fps), "false_positives": fps,
                                     "rate": round(len(fps) / len(files), 4) if files else 0,
                                     "pages_with_handwritten_lines": with_lines,
                                     "not_measured": missing}
        total += len(files)
        judged_total += judged
        fp_total += len(fps)
    report["printed"]["all"] = {"pages": total, "judged": judged_total,
                                "called_handwritten": fp_total,
                                "rate": round(fp_total / total, 4) if total else 0}

    kinds = {}
    for name, lab in labels.items():
        path = os.path.join(a.set, name)
        k = kinds.setdefault(lab["kind"], {"pages": 0, "called_handwritten": 0, "truth": 0,
                                           "with_handwritten_lines": 0, "scores": [],
                                           "shares": []})
        got = m.get(path, {})
        k["pages"] += 1
        k["truth"] += lab["handwritten"]
        k["called_handwritten"] += int(got.get("page.handwritten", 0) == 1)
        k["with_handwritten_lines"] += int(got.get("handwriting.regions", 0) > 0)
        k["scores"].append(round(got.get("handwriting.score", -1), 3))
        k["shares"].append(round(got.get("handwriting.share", -1), 3))
    report["test_set"] = kinds
    # Page-level precision and recall over the set's handwritten pages (real strokes) against
    # every printed page (the corpora's and the set's own printed pages).
    tp = kinds.get("mnist_page", {}).get("called_handwritten", 0)
    positives = kinds.get("mnist_page", {}).get("pages", 0)
    fp = fp_total + sum(k["called_handwritten"] for name, k in kinds.items()
                        if name in ("mixed_print_and_mnist", "printed_synthetic"))
    report["mnist_pages"] = {"recall": round(tp / positives, 4) if positives else None,
                             "precision": round(tp / (tp + fp), 4) if tp + fp else None,
                             "true_positives": tp, "false_positives": fp}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
