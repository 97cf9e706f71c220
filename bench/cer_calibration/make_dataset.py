#!/usr/bin/python3
"""Builds the calibration set of assay's OCR error estimate (ocr.cer_estimate).

Two parts, every image with its ground truth, listed in OUT/manifest.jsonl (the manifest assay
reads) and described in OUT/dataset.json (subset, source page, DPI, noise, SHA-256: what
evaluate.py joins assay's metrics to):

  corpora  the OCR corpora of ../shared/corpora, referenced by relative path (never copied):
           ocr_tesseract_testimages/dev (all but arabic/raaj/viet, which need the ara/hin/vie
           models; only eng is installed) and ocr_ocrd_pages/dev (with .gt.norm.txt, the
           modernised transcription that an eng model can be judged against; see its SOURCE.md).
  renders  scans simulated from born-digital PDF pages: single-column prose pages rendered with
           pdftoppm at several DPIs and degraded (Gaussian noise, blur, salt-and-pepper, rotation,
           JPEG, noisy binarisation), and damaged several ways at once as a scan is (skew, blur,
           noise, a darkening background and JPEG together, two levels per page). Ground
           truth = `pdftotext -f N -l N` of the page.

Deterministic: fixed page list, fixed variant schedule, noise seeded from the image's name.
Usage: make_dataset.py [--out bench/out/cer_calibration] [--corpora ../shared/corpora] [-j 2]
"""

import argparse
import hashlib
import io
import json
import os
import random
import subprocess
import sys
from multiprocessing import Pool

try:
    import numpy as np
    from PIL import Image, ImageFilter
except ImportError:
    sys.exit("needs python3-numpy and python3-pil (apt-get install python3-numpy python3-pil)")

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# OCR corpora: (corpus, image, ground truth, note). arabic.tif, raaj.tif, viet.tif are left out:
# they need the ara/hin/vie traineddata, and only eng (+osd) is installed.
CORPORA = [
    ("ocr_tesseract_testimages", "136.tif", "136.gt.txt", "tiny page number"),
    ("ocr_tesseract_testimages", "324.tif", "324.gt.txt", "tiny page number"),
    ("ocr_tesseract_testimages", "433.tif", "433.gt.txt", "tiny page number"),
    ("ocr_tesseract_testimages", "779.tif", "779.gt.txt", "tiny page number"),
    ("ocr_tesseract_testimages", "808.tif", "808.gt.txt", "tiny page number"),
    ("ocr_tesseract_testimages", "815.tif", "815.gt.txt", "tiny page number"),
    ("ocr_tesseract_testimages", "HelloGoogle.tif", "HelloGoogle.gt.txt", "one short line"),
    ("ocr_tesseract_testimages", "eurotext.tif", "eurotext.gt.txt", "six languages"),
    ("ocr_tesseract_testimages", "8071_093.3B.tif", "8071_093.3B.gt.txt", "UNLV multi-column"),
    ("ocr_tesseract_testimages", "8087_054.3B.tif", "8087_054.3B.gt.txt", "UNLV multi-column"),
    ("ocr_ocrd_pages", "00000119.tif", "00000119.gt.norm.txt", "German Fraktur"),
    ("ocr_ocrd_pages", "462875_0008.jpg", "462875_0008.gt.norm.txt", "German Antiqua"),
]
SKIPPED_CORPORA = [
    ("ocr_tesseract_testimages", "arabic.tif", "needs the ara model"),
    ("ocr_tesseract_testimages", "raaj.tif", "needs the hin model"),
    ("ocr_tesseract_testimages", "viet.tif", "needs the vie model"),
]

# Born-digital pages: single-column prose (no table region in the ICDAR ground truth, no chart
# dominating the page), checked by eye on a contact sheet and kept only if the clean 300-dpi
# Tesseract OCR is within 1.05% CER of the pdftotext text (so the ground truth and its reading
# order are trustworthy). Left out by that check: eu-016 p1/p2, eu-019 p1/p2, eu-021 p5,
# eu-027 p2, us-030 p3 (5-15%: side notes, charts, reading order), eu-011 p4, us-015 p1
# (2.2-2.6%: figures), us-002 p4 (4.9%), us-007 p4, eu-027 p4, us-040 p3 (1.3-1.6%).
# pdflatex-outline.pdf repeats mistitled_outlines_example.pdf and is not used.
PAGES = [
    ("tables_icdar2013", "eu-004.pdf", 1),
    ("tables_icdar2013", "eu-004.pdf", 5),
    ("tables_icdar2013", "eu-004.pdf", 13),
    ("tables_icdar2013", "eu-004.pdf", 15),
    ("tables_icdar2013", "us-002.pdf", 2),
    ("tables_icdar2013", "us-007.pdf", 1),
    ("tables_icdar2013", "us-014.pdf", 1),
    ("tables_icdar2013", "us-019.pdf", 1),
    ("tables_icdar2013", "us-027.pdf", 1),
    ("tables_icdar2013", "us-027.pdf", 4),
    ("tables_icdar2013", "us-029.pdf", 1),
    ("tables_icdar2013", "us-029.pdf", 3),
    ("tables_icdar2013", "us-030.pdf", 1),
    ("tables_icdar2013", "us-034.pdf", 1),
    ("tables_icdar2013", "us-038.pdf", 1),
    ("tables_icdar2013", "us-038.pdf", 3),
    ("tables_icdar2013", "us-040.pdf", 1),
    ("text_born_digital", "pdflatex-4-pages.pdf", 1),
    ("text_born_digital", "pdflatex-4-pages.pdf", 4),
    ("text_born_digital", "mistitled_outlines_example.pdf", 2),
    ("text_born_digital", "mistitled_outlines_example.pdf", 3),
    ("text_born_digital", "crazyones-pdfa.pdf", 1),
]

DPIS = [100, 120, 150, 200, 300]
# (kind, level): gauss = additive Gaussian noise sigma (gray levels); blur = Gaussian blur radius
# (pixels at the render DPI); sp = salt-and-pepper share of pixels; rot = rotation in degrees;
# jpeg = JPEG quality (the file is a .jpg); bin = bilevel scan: Gaussian noise sigma, then a
# fixed threshold at 128.
NOISES = [
    ("clean", 0), ("gauss", 15), ("gauss", 35), ("gauss", 45), ("blur", 1.0), ("blur", 1.5),
    ("sp", 0.005), ("sp", 0.01), ("sp", 0.02), ("sp", 0.05), ("rot", 1.5), ("rot", 3),
    ("jpeg", 20), ("jpeg", 10), ("bin", 0), ("bin", 40),
]
VARIANTS_PER_PAGE = 11
SCHEDULE_SEED = 20240611
# Scans damaged several ways at once (issue 8: "skew, noise and JPEG damage together"), on top
# of the schedule above (which they leave unchanged): level -> (skew degrees, sign drawn per
# image; blur radius; Gaussian noise sigma; uneven background: darkest paper level at one
# edge; JPEG quality). Every page gets both levels, each at a DPI dealt round-robin.
SCAN_LEVELS = {
    1: (1.5, 0.0, 12, 25, 50),
    2: (4.0, 0.6, 25, 50, 25),
}
SCAN_DPIS = [150, 200, 300]


def noise_name(kind, level):
    return "clean" if kind == "clean" else f"{kind}{level:g}"


def schedule():
    """Every page gets its clean 300-dpi render (which doubles as the check of its ground
    truth), plus VARIANTS_PER_PAGE - 1 other (DPI, noise) pairs: all other pairs three times
    over, shuffled once with a fixed seed and dealt to the page with the fewest variants that
    lacks the pair, so each pair occurs about equally often and never twice on one page."""
    clean300 = (300, "clean", 0)
    combos = [(d, k, l) for d in DPIS for (k, l) in NOISES if (d, k, l) != clean300]
    rng = random.Random(SCHEDULE_SEED)
    pool = combos * 3
    rng.shuffle(pool)
    per_page = {i: [clean300] for i in range(len(PAGES))}
    for combo in pool:
        cands = [i for i in per_page if len(per_page[i]) < VARIANTS_PER_PAGE and combo not in per_page[i]]
        if cands:
            per_page[min(cands, key=lambda i: (len(per_page[i]), i))].append(combo)
    for i in per_page:
        for n, level in enumerate(sorted(SCAN_LEVELS)):
            per_page[i].append((SCAN_DPIS[(i + n) % len(SCAN_DPIS)], "scan", level))
    return per_page


def seed_of(name):
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")


def degrade(img, kind, level, rng):
    if kind == "clean":
        return img
    a = np.asarray(img, dtype=np.float32)
    if kind == "gauss":
        return Image.fromarray(np.clip(np.rint(a + rng.normal(0, level, a.shape)), 0, 255).astype(np.uint8))
    if kind == "blur":
        return img.filter(ImageFilter.GaussianBlur(level))
    if kind == "sp":
        r = rng.random(a.shape)
        b = a.copy()
        b[r < level / 2] = 0
        b[(r >= level / 2) & (r < level)] = 255
        return Image.fromarray(b.astype(np.uint8))
    if kind == "rot":
        return img.rotate(level, resample=Image.BICUBIC, expand=True, fillcolor=255)
    if kind == "bin":
        b = a + rng.normal(0, level, a.shape) if level > 0 else a
        return Image.fromarray(np.where(b < 128, 0, 255).astype(np.uint8))
    if kind == "jpeg":
        return img  # encoded when saved
    if kind == "scan":
        skew, blur, sigma, shade, _ = SCAN_LEVELS[level]
        sign = 1 if rng.random() < 0.5 else -1
        img = img.rotate(sign * skew, resample=Image.BICUBIC, expand=True, fillcolor=255)
        if blur > 0:
            img = img.filter(ImageFilter.GaussianBlur(blur))
        a = np.asarray(img, dtype=np.float32)
        # Paper darkening linearly from one side (a curled or badly lit page).
        ramp = np.linspace(0.0, shade, a.shape[1], dtype=np.float32)[None, :]
        a = a * (1.0 - ramp / 255.0) + rng.normal(0, sigma, a.shape)
        return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8))  # JPEG when saved
    raise ValueError(kind)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def render_job(job):
    pdf, page, dpi, kind, level, dst = job
    png = subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-singlefile", pdf],
        check=True, capture_output=True).stdout
    img = Image.open(io.BytesIO(png)).convert("L")
    rng = np.random.default_rng(seed_of(os.path.basename(dst)))
    out = degrade(img, kind, level, rng)
    tmp = dst + ".tmp"
    if kind in ("jpeg", "scan"):
        quality = int(level) if kind == "jpeg" else SCAN_LEVELS[level][4]
        out.save(tmp, "JPEG", quality=quality, dpi=(dpi, dpi))
    else:
        out.save(tmp, "PNG", dpi=(dpi, dpi))
    os.replace(tmp, dst)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "bench/out/cer_calibration"))
    ap.add_argument("--corpora", default=os.path.join(os.path.dirname(REPO), "shared/corpora"))
    ap.add_argument("-j", type=int, default=2)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    corpora = os.path.abspath(args.corpora)
    renders = os.path.join(out, "renders")
    os.makedirs(renders, exist_ok=True)

    entries = []  # dataset.json rows, in manifest order
    for corpus, image, gt, note in CORPORA:
        img = os.path.join(corpora, corpus, "dev", image)
        gtp = os.path.join(corpora, corpus, "dev", gt)
        for p in (img, gtp):
            if not os.path.exists(p):
                sys.exit(f"missing {p}")
        entries.append({
            "id": f"{corpus}/{os.path.splitext(image)[0]}", "subset": "corpora", "corpus": corpus,
            "group": f"{corpus}/{os.path.splitext(image)[0]}", "note": note,
            "image": img, "ground_truth": gtp, "dpi": None, "noise": None,
            "tags": ["cer_calibration", "corpora", f"corpus:{corpus}"],
        })

    jobs = []
    for i, combos in sorted(schedule().items()):
        corpus, pdf_name, page = PAGES[i]
        pdf = os.path.join(corpora, corpus, "dev", pdf_name)
        if not os.path.exists(pdf):
            sys.exit(f"missing {pdf}")
        stem = f"{os.path.splitext(pdf_name)[0]}_p{page}"
        gtp = os.path.join(renders, stem + ".gt.txt")
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), pdf, "-"],
                              check=True, capture_output=True).stdout.decode("utf-8")
        # Private-use code points are symbol-font glyphs (us-007's bullets come out as U+F06E):
        # not text, and no OCR can read them as such.
        text = "".join(c for c in text if not 0xE000 <= ord(c) <= 0xF8FF)
        with open(gtp + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(gtp + ".tmp", gtp)
        for dpi, kind, level in sorted(combos, key=lambda c: (c[0], c[1], c[2])):
            nn = noise_name(kind, level)
            ext = "jpg" if kind in ("jpeg", "scan") else "png"
            dst = os.path.join(renders, f"{stem}_{dpi}_{nn}.{ext}")
            jobs.append((pdf, page, dpi, kind, level, dst))
            entries.append({
                "id": f"{stem}_{dpi}_{nn}", "subset": "renders", "corpus": corpus,
                "group": stem, "note": "", "image": dst, "ground_truth": gtp,
                "dpi": dpi, "noise": nn, "noise_kind": kind, "noise_level": level,
                "tags": ["cer_calibration", "renders", f"page:{stem}", f"dpi:{dpi}", f"noise:{nn}"],
            })

    with Pool(args.j) as pool:
        for n, _ in enumerate(pool.imap_unordered(render_job, jobs), 1):
            if n % 25 == 0 or n == len(jobs):
                print(f"rendered {n}/{len(jobs)}", file=sys.stderr)

    with open(os.path.join(out, "manifest.jsonl"), "w") as m:
        for e in entries:
            e["sha256"] = sha256_file(e["image"])
            m.write(json.dumps({
                "path": os.path.relpath(e["image"], out),
                "ground_truth": os.path.relpath(e["ground_truth"], out),
                "tags": e["tags"],
            }) + "\n")
    shas = [e["sha256"] for e in entries]
    if len(set(shas)) != len(shas):
        sys.exit("two images have the same bytes: assay would see one source")
    meta = {
        "skipped": [{"corpus": c, "image": i, "reason": r} for c, i, r in SKIPPED_CORPORA],
        "counts": {
            "corpora": sum(e["subset"] == "corpora" for e in entries),
            "renders": sum(e["subset"] == "renders" for e in entries),
            "source_pages": len(PAGES),
        },
        "entries": [{k: (os.path.relpath(v, out) if k in ("image", "ground_truth") else v)
                     for k, v in e.items()} for e in entries],
    }
    with open(os.path.join(out, "dataset.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps({"out": out, **meta["counts"], "images": len(entries)}))


if __name__ == "__main__":
    main()
