#!/usr/bin/env python3
"""Table extraction figures for docs/benchmarks.md (docs/tables.md explains the measures).

  tables_bench.py ASSAY_BIN CORPORA_DIR WORK_DIR [--fonts=urw|dejavu] [SET...]

For each set (default: tables_icdar2013 tables_camelot tables_tabula) the dev PDFs are linked
into WORK_DIR/SET/in, processed with `assay run` and scored with `assay eval --gt`; then the
baseline (splitting `pdftotext -layout` lines on runs of two or more spaces, a table being a run
of consecutive lines with at least two cells) is written as export records and scored with
`assay eval --records`, the same scoring. The baseline has no coordinates: its table boxes are
the table's line range over the page height, full width. Prints one JSON object per set.

Two more sets are scans (not in the default list: OCR makes them slow):
  tables_pubtabnet_images   the table images (PNG) as they are; no baseline here (the issue's
                            anchor for plain OCR of the image is 0.38 cell-text F1, 0.4 shape)
  tables_icdar2013_scanned  every ICDAR dev PDF rendered at 150 dpi in gray with pdftoppm,
                            degraded as a scan with ImageMagick (a 0.4 degree rotation, blur
                            0x0.6, 3% gaussian noise, seed 1: the same render on every run) and rebuilt as an image-only PDF of the
                            same page size with img2pdf; scored against the ICDAR truth

The scanned render's fonts are pinned: most ICDAR PDFs name fonts they do not embed (Times,
Helvetica, Arial, Courier, Symbol), and pdftoppm draws them with whatever fontconfig finds, so
the render, and every figure measured on it, used to depend on the machine's font packages
(the same binary scored 0.681 on a machine with DejaVu only and 0.609 on one with the URW
fonts, which ghostscript pulls in). pdftoppm now sees one font set, through a fontconfig file
of its own (WORK_DIR/fonts.conf): --fonts=urw (the default; Debian's fonts-urw-base35, metric
twins of the fonts the PDFs name, so each line keeps its width and the scan looks like the
page) or --fonts=dejavu (the render of the figures before tables v16; DejaVu is wider, its
lines overrun). A font package not installed is unpacked under WORK_DIR, not installed. The
JSON line says which files Times, Helvetica and Arial became. The render needs ImageMagick and
img2pdf: `apt-get install --no-install-recommends imagemagick img2pdf` (with its recommends,
ImageMagick brings ghostscript and the URW fonts into the system, which changes assay's own
`fonts` resource and so the stage-version golden of the tests).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

SETS = ["tables_icdar2013", "tables_camelot", "tables_tabula"]
SCANNED = "tables_icdar2013_scanned"


# A font set: its Debian packages, and the folder of each where its fonts are.
FONT_SETS = {
    "urw": [("fonts-urw-base35", "usr/share/fonts/opentype/urw-base35"),
            ("fonts-dejavu-core", "usr/share/fonts/truetype/dejavu")],
    "dejavu": [("fonts-dejavu-core", "usr/share/fonts/truetype/dejavu")],
}


def font_dir(package, folder, work):
    """`folder` of `package`: where it is installed, or else unpacked from the package file
    under WORK_DIR (apt-get download): installing fonts would change what every PDF render of
    the machine draws, and assay's own `fonts` resource (rasterize's identity) with it."""
    installed = os.path.join("/", folder)
    if os.path.isdir(installed):
        return installed
    root = os.path.join(work, "fontpkgs")
    unpacked = os.path.join(root, "root", folder)
    if not os.path.isdir(unpacked):
        os.makedirs(root, exist_ok=True)
        os.chmod(root, 0o777)  # apt's download user (_apt) writes there
        subprocess.run(["apt-get", "download", package], cwd=root, check=True,
                       stdout=subprocess.DEVNULL)
        deb = sorted(f for f in os.listdir(root) if f.startswith(package + "_"))[-1]
        subprocess.run(["dpkg-deb", "-x", os.path.join(root, deb), os.path.join(root, "root")],
                       check=True)
    return unpacked


def unpacked_rules(folder):
    """The fontconfig rules an unpacked font package enables (its etc/fonts/conf.d links, whose
    absolute targets are read inside the unpacked tree): the aliases that make Times Nimbus
    Roman. None for an installed package: the system's conf.d has them."""
    if folder.startswith("/usr/"):
        return []
    root = folder[:folder.index("/usr/share/")]
    links = os.path.join(root, "etc", "fonts", "conf.d")
    if not os.path.isdir(links):
        return []
    return [root + os.readlink(os.path.join(links, f)) for f in sorted(os.listdir(links))
            if os.path.islink(os.path.join(links, f))]


def pinned_fonts_env(fonts, work):
    """The environment under which pdftoppm sees only the font set `fonts` (FONT_SETS)."""
    conf = os.path.join(work, "fonts.conf")
    dirs = [font_dir(package, folder, work) for package, folder in FONT_SETS[fonts]]
    with open(conf, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n')
        for d in dirs:
            f.write("  <dir>%s</dir>\n" % d)
        # The distribution's rules (metric aliases: Times -> Nimbus Roman, Arial -> Nimbus Sans),
        # not its font directories; then those of the packages unpacked here.
        f.write('  <cachedir>%s</cachedir>\n' % os.path.join(work, "fontcache"))
        f.write('  <include ignore_missing="yes">/etc/fonts/conf.d</include>\n')
        for d in dirs:
            for rule in unpacked_rules(d):
                f.write('  <include ignore_missing="yes">%s</include>\n' % rule)
        f.write("</fontconfig>\n")
    env = dict(os.environ, FONTCONFIG_FILE=conf)
    env.pop("FONTCONFIG_PATH", None)
    return env


def font_matches(env):
    """Which font file each family the ICDAR PDFs name most is drawn with."""
    out = {}
    for family in ("Times", "Helvetica", "Arial"):
        out[family] = subprocess.run(["fc-match", "-f", "%{file}", family], env=env,
                                     capture_output=True, text=True).stdout
    return out


def make_scan(pdf, out_pdf, tmp, env):
    """An image-only PDF of `pdf`'s pages, rendered (with the fonts `env` pins) and degraded
    as a scan."""
    prefix = os.path.join(tmp, "p")
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    subprocess.run(["pdftoppm", "-r", "150", "-gray", pdf, prefix], check=True, env=env)
    pages = sorted(f for f in os.listdir(tmp) if f.endswith(".pgm"))
    images = []
    for f in pages:
        src = os.path.join(tmp, f)
        dst = src[:-4] + ".png"
        subprocess.run(["convert", src, "-background", "white", "-rotate", "0.4", "-blur",
                        "0x0.6", "-seed", "1", "-attenuate", "0.6", "+noise", "Gaussian", "-gravity",
                        "center", "-extent", "%dx%d" % image_size(src), "-depth", "8", dst],
                       check=True)
        images.append(dst)
    subprocess.run(["img2pdf", "--imgsize", "150dpi", "-o", out_pdf] + images, check=True)


def image_size(path):
    out = subprocess.run(["identify", "-format", "%w %h", path], capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def baseline_record(pdf, sha):
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          text=True, errors="replace").stdout
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True,
                          errors="replace").stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    width, height = (float(m.group(1)), float(m.group(2))) if m else (612.0, 792.0)
    pages, tables = [], []
    for number, page in enumerate(text.split("\f"), start=1):
        lines = page.split("\n")
        pages.append({"page": number, "width": width, "height": height, "blocks": []})
        run = []

        def flush():
            if len(run) >= 2:
                width_cells = max(len(c) for _, c in run)
                rows = [c + [""] * (width_cells - len(c)) for _, c in run]
                y0 = height * run[0][0] / max(1, len(lines))
                y1 = height * (run[-1][0] + 1) / max(1, len(lines))
                tables.append({"page": number, "bbox": [0, y0, width, y1],
                               "n_rows": len(rows), "n_cols": width_cells, "rows": rows,
                               "cells": []})
            run.clear()

        for i, line in enumerate(lines):
            cells = [c for c in re.split(r"\s{2,}", line.strip()) if c]
            if len(cells) >= 2:
                run.append((i, cells))
            else:
                flush()
        flush()
    return {"doc_id": sha, "source": {"sha256": sha, "path": pdf}, "pages": pages,
            "tables": tables}


def sha256(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def main():
    fonts = "urw"
    args = []
    for a in sys.argv[1:]:
        if a.startswith("--fonts="):
            fonts = a.split("=", 1)[1]
            if fonts not in FONT_SETS:
                raise SystemExit("--fonts: urw or dejavu")
        else:
            args.append(a)
    if len(args) < 3:
        raise SystemExit(__doc__)
    assay, corpora, work = args[:3]
    # Absolute: the inputs are symlinks into the corpora made under WORK, and a relative
    # CORPORA (../shared/corpora) would make them dangle there.
    corpora, work = os.path.abspath(corpora), os.path.abspath(work)
    if os.sep in assay:
        assay = os.path.abspath(assay)
    sets = args[3:] or SETS
    for name in sets:
        gt = os.path.join(corpora, "tables_icdar2013" if name == SCANNED else name, "dev")
        root = os.path.join(work, name)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(os.path.join(root, "in"))
        ext = ".png" if name == "tables_pubtabnet_images" else ".pdf"
        pdfs = sorted(f for f in os.listdir(gt) if f.endswith(ext))
        render = None
        if name == SCANNED:
            tmp = os.path.join(root, "render")
            os.makedirs(tmp)
            env = pinned_fonts_env(fonts, root)
            render = {"fonts": fonts, "matches": font_matches(env)}
            for f in pdfs:
                make_scan(os.path.join(gt, f), os.path.join(root, "in", f), tmp, env)
        else:
            for f in pdfs:
                os.symlink(os.path.join(gt, f), os.path.join(root, "in", f))
        out = os.path.join(root, "out")
        start = time.monotonic()
        # A long timeout: on a loaded machine a scanned document's OCR passed the default 300 s
        # and the document scored 0 (us-019 and us-023 in the tables v5 scanned run).
        subprocess.run([assay, "run", os.path.join(root, "in"), "--out", out, "-j", "1",
                        "--allow-outside-inputs", "--timeout", "3600"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        report = json.loads(subprocess.run(
            [assay, "eval", "--out", out, "--gt", gt, "--json"], capture_output=True,
            text=True, check=True).stdout)
        # The tables stage's own time, from the lineage of the run.
        export = subprocess.run([assay, "export", "--out", out], capture_output=True, text=True,
                                check=True).stdout
        stage_ms, pages = 0.0, 0
        for line in export.splitlines():
            rec = json.loads(line)
            pages += len(rec.get("pages", []))
            for t in rec["lineage"]["transformations"]:
                if t.get("stage") == "tables":
                    stage_ms += t.get("duration_ms", 0) or 0
        base = {"summary": {}}
        if ext == ".pdf":
            records = os.path.join(root, "baseline.jsonl")
            with open(records, "w") as f:
                for pdf in pdfs:
                    path = os.path.join(root, "in", pdf)
                    f.write(json.dumps(baseline_record(path, sha256(path))) + "\n")
            base = json.loads(subprocess.run(
                [assay, "eval", "--records", records, "--gt", gt, "--json"],
                capture_output=True, text=True, check=True).stdout)
        print(json.dumps({"set": name, "render": render, "documents": len(pdfs), "pages": pages,
                          "run_seconds": round(wall, 2),
                          "tables_stage_ms": round(stage_ms, 1),
                          "tables_pages_per_second": round(pages / (stage_ms / 1000), 1)
                          if stage_ms > 0 else None,
                          "assay": report["summary"].get("tables"),
                          "pdftotext_layout": base["summary"].get("tables")}))


if __name__ == "__main__":
    main()
