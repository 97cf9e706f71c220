#!/usr/bin/python3
"""Scans that read right: assay (preprocess + OCR with retry) against plain `tesseract -l eng`.

Two sets, made here from ../shared/corpora (images written to OUT, never into the repository):

  testimages  ocr_tesseract_testimages/dev, each page upright, turned 90/180/270 degrees and
              skewed +4 and -3 degrees (white fill); ground truth = the page's .gt.txt.
              Whitespace-normalised CER, character-weighted over the set.
  degraded    real born-digital pages (bench/cer_calibration/make_dataset.py PAGES, its ground
              truth = pdftotext of the page) rendered and damaged at four levels:
                clean   300 dpi, nothing else
                light   300 dpi, skew +-1.5 deg, Gaussian noise 10, JPEG q60
                medium  200 dpi, skew +-3 deg, blur 0.8 px, noise 20, uneven background (-60),
                        JPEG q35
                heavy   150 dpi, skew +-5 deg, blur 1.0 px, noise 25, uneven background (-90),
                        JPEG q25, and turned 90 or 180 degrees (alternating)
              Order-free CER (the words of each text sorted: reading order is not the point),
              character-weighted per level.

Both sides read the same files; assay with its default pipeline (`assay run -j 2`), tesseract
two processes at a time (OMP_THREAD_LIMIT=1). Deterministic inputs (noise seeded by name).
Usage: bench/scans/scan_bench.py [--out bench/out/scans] [--sets testimages,degraded]
       [--pages N] [--levels clean,light,medium,heavy] [--assay build/assay]
       [--assay-set KEY=VALUE ...] (passed to `assay run` as --set, e.g. to compare a parameter)
Prints tables and writes OUT/results.json.
"""

import argparse
import concurrent.futures
import glob
import io
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "bench", "cer_calibration"))
from make_dataset import PAGES, seed_of  # noqa: E402

LEVELS = {
    "clean": dict(dpi=300, skew=0, noise=0, blur=0, uneven=0, jpeg=0, turn=0),
    "light": dict(dpi=300, skew=1.5, noise=10, blur=0, uneven=0, jpeg=60, turn=0),
    "medium": dict(dpi=200, skew=3, noise=20, blur=0.8, uneven=60, jpeg=35, turn=0),
    "heavy": dict(dpi=150, skew=5, noise=25, blur=1.0, uneven=90, jpeg=25, turn=None),
}


def normalize_ws(text):
    return re.sub(r"\s+", " ", text).strip()


def order_free(text):
    return " ".join(sorted(text.split()))


def cer(cer_bin, hyp, ref, work, name):
    h, r = os.path.join(work, name + ".hyp"), os.path.join(work, name + ".ref")
    with open(h, "w", encoding="utf-8") as f:
        f.write(hyp)
    with open(r, "w", encoding="utf-8") as f:
        f.write(ref)
    return float(subprocess.run([cer_bin, h, r], check=True, capture_output=True,
                                text=True).stdout.strip())


def degrade(img, level, index, name):
    p = LEVELS[level]
    rng = np.random.default_rng(seed_of(name))
    if p["skew"]:
        sign = 1 if index % 2 == 0 else -1
        img = img.rotate(sign * p["skew"], resample=Image.BICUBIC, expand=True, fillcolor=255)
    if p["blur"]:
        img = img.filter(ImageFilter.GaussianBlur(p["blur"]))
    a = np.asarray(img, dtype=np.float32)
    if p["uneven"]:
        # Darker towards one corner, as a page lit from one side or curling off the glass.
        h, w = a.shape
        yy, xx = np.mgrid[0:h, 0:w]
        a = a - p["uneven"] * ((xx / w + yy / h) / 2)
    if p["noise"]:
        a = a + rng.normal(0, p["noise"], a.shape)
    img = Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8))
    turn = p["turn"] if p["turn"] is not None else (90 if index % 2 == 0 else 180)
    if turn:
        img = img.rotate(turn, expand=True)
    return img


def make_degraded(corpora, out, n_pages):
    rows = []
    for i, (corpus, pdf_name, page) in enumerate(PAGES[:n_pages]):
        pdf = os.path.join(corpora, corpus, "dev", pdf_name)
        stem = f"{os.path.splitext(pdf_name)[0]}_p{page}"
        truth = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page),
                                pdf, "-"], check=True, capture_output=True).stdout.decode()
        truth = "".join(c for c in truth if not 0xE000 <= ord(c) <= 0xF8FF)
        renders = {}
        for level, p in LEVELS.items():
            name = f"{stem}_{level}"
            ext = "jpg" if p["jpeg"] else "png"
            dst = os.path.join(out, f"{name}.{ext}")
            if not os.path.exists(dst):
                if p["dpi"] not in renders:
                    png = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r",
                                          str(p["dpi"]), "-gray", "-singlefile", pdf],
                                         check=True, capture_output=True).stdout
                    renders[p["dpi"]] = Image.open(io.BytesIO(png)).convert("L")
                img = degrade(renders[p["dpi"]], level, i, name)
                if p["jpeg"]:
                    img.save(dst, "JPEG", quality=p["jpeg"], dpi=(p["dpi"], p["dpi"]))
                else:
                    img.save(dst, "PNG", dpi=(p["dpi"], p["dpi"]))
            rows.append({"image": dst, "set": "degraded", "group": level, "truth": truth,
                         "name": name})
    return rows


def make_testimages(corpora, out):
    rows = []
    src = os.path.join(corpora, "ocr_tesseract_testimages", "dev")
    for tif in sorted(glob.glob(os.path.join(src, "*.tif"))):
        gt = tif[:-4] + ".gt.txt"
        if not os.path.exists(gt):
            continue
        stem = os.path.basename(tif)[:-4]
        with open(gt, encoding="utf-8") as f:
            truth = f.read()
        base = Image.open(tif)
        dpi = base.info.get("dpi", (300, 300))
        base = base.convert("L")
        for variant, op in [("upright", None), ("r90", 90), ("r180", 180), ("r270", 270),
                            ("skew+4", 4.0), ("skew-3", -3.0)]:
            name = f"{stem}_{variant}"
            dst = os.path.join(out, name + ".png")
            if not os.path.exists(dst):
                img = base
                if op in (90, 180, 270):
                    img = img.rotate(op, expand=True)
                elif op is not None:
                    img = img.rotate(op, resample=Image.BICUBIC, expand=True, fillcolor=255)
                img.save(dst, "PNG", dpi=tuple(int(round(float(d))) for d in dpi))
            rows.append({"image": dst, "set": "testimages", "group": variant, "truth": truth,
                         "name": name, "source": stem})
    return rows


def tesseract(image):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t0 = time.monotonic()
    p = subprocess.run(["tesseract", image, "-", "-l", "eng"], capture_output=True, text=True,
                       env=env, timeout=600)
    return p.stdout, time.monotonic() - t0


def run_assay(assay, images, out_dir, extra_args=()):
    """Runs assay on `images` (files or folders); returns {source path: text read}, seconds."""
    t0 = time.monotonic()
    subprocess.run([assay, "run", *images, "--out", out_dir, "-j", "2", *extra_args],
                   capture_output=True, stdin=subprocess.DEVNULL)
    seconds = time.monotonic() - t0
    exp = subprocess.run([assay, "export", "--out", out_dir, "--format", "jsonl"],
                         check=True, capture_output=True, text=True).stdout
    texts = {}
    for line in exp.splitlines():
        r = json.loads(line)
        # Every block the OCR read, running heads and page numbers included: `text` leaves
        # those out on purpose (layout), and plain tesseract keeps them; this compares readings.
        blocks = [b.get("text", "") for p in r.get("pages", []) for b in p.get("blocks", [])]
        texts[os.path.abspath(r["source"]["path"])] = ("\n".join(blocks) if blocks
                                                       else r.get("text", ""))
    return texts, seconds


def weighted(rows, key):
    total = sum(len(normalize_ws(r["truth"])) for r in rows)
    return sum(r[key] * len(normalize_ws(r["truth"])) for r in rows) / total if total else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "out", "scans"))
    ap.add_argument("--corpora", default=os.path.join(os.path.dirname(REPO), "shared", "corpora"))
    ap.add_argument("--assay", default=os.path.join(REPO, "build", "assay"))
    ap.add_argument("--cer", default=os.path.join(REPO, "build", "tests", "cer"))
    ap.add_argument("--sets", default="testimages,degraded")
    ap.add_argument("--pages", type=int, default=len(PAGES))
    ap.add_argument("--levels", default=",".join(LEVELS),
                    help="degradation levels of the degraded set to run")
    ap.add_argument("--assay-set", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()
    levels = args.levels.split(",")
    extra = [a for kv in args.assay_set for a in ("--set", kv)]
    out = os.path.abspath(args.out)
    results = {}
    for s in args.sets.split(","):
        images_dir = os.path.join(out, s, "images")
        work = os.path.join(out, s, "work")
        os.makedirs(images_dir, exist_ok=True)
        os.makedirs(work, exist_ok=True)
        rows = (make_testimages(args.corpora, images_dir) if s == "testimages"
                else [r for r in make_degraded(args.corpora, images_dir, args.pages)
                      if r["group"] in levels])
        store = os.path.join(out, s, "assay-out")
        subprocess.run(["rm", "-rf", store], check=True)
        texts, assay_s = run_assay(args.assay, [r["image"] for r in rows], store, extra)
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            cli = list(pool.map(tesseract, [r["image"] for r in rows]))
        tess_s = time.monotonic() - t0
        prep = (lambda t: order_free(t)) if s == "degraded" else (lambda t: t)
        for r, (ctext, _) in zip(rows, cli):
            a = texts.get(os.path.abspath(r["image"]))
            r["assay"] = cer(args.cer, prep(a or ""), prep(r["truth"]), work, r["name"] + ".a")
            r["tesseract"] = cer(args.cer, prep(ctext), prep(r["truth"]), work, r["name"] + ".t")
            r["assay_missing"] = a is None
        groups = {}
        for r in rows:
            groups.setdefault(r["group"], []).append(r)
        summary = {g: {"images": len(rs), "assay": weighted(rs, "assay"),
                       "tesseract": weighted(rs, "tesseract")} for g, rs in groups.items()}
        summary["overall"] = {"images": len(rows), "assay": weighted(rows, "assay"),
                              "tesseract": weighted(rows, "tesseract")}
        print(f"\n== {s}: assay {assay_s:.1f} s, tesseract x2 {tess_s:.1f} s")
        print(f"{'image':28} {'chars':>6} {'assay':>8} {'tess':>8}")
        for r in rows:
            print(f"{r['name']:28} {len(normalize_ws(r['truth'])):6d} {r['assay']:8.4f} "
                  f"{r['tesseract']:8.4f}{'  (no assay record)' if r['assay_missing'] else ''}")
        print(f"{'group':10} {'images':>6} {'assay':>8} {'tess':>8} {'ratio':>6}")
        for g, v in summary.items():
            ratio = v["assay"] / v["tesseract"] if v["tesseract"] > 0 else float("nan")
            print(f"{g:10} {v['images']:6d} {v['assay']:8.4f} {v['tesseract']:8.4f} {ratio:6.2f}")
        results[s] = {"summary": summary, "assay_seconds": assay_s, "tesseract_seconds": tess_s,
                      "rows": [{k: v for k, v in r.items() if k != "truth"} for r in rows]}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
