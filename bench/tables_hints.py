#!/usr/bin/env python3
"""Camelot's and Tabula's sets with the manifest hints their truth was made with, against none.

  tables_hints.py ASSAY_BIN CORPORA_DIR WORK_DIR

The truth of some camelot and tabula tables was extracted with an area or a region given to the
tool (camelot's `table_areas`/`table_regions`: "x1,y1,x2,y2" in PDF points, origin bottom left;
tabula's area: top, left, bottom, right in points or percent of the page). For each set this
writes an assay manifest (WORK_DIR/SET/hints.jsonl) whose entries give those documents
`table_areas` (points, origin top left) and `pages` (the truth's pages), and every other
document as it is; runs `assay run` on it and on the plain folder, scores both with
`assay eval --gt`, and prints one JSON object per set: cell-text F1 and adjacency macro F1 with
and without the hints, and the documents that had hints. Column positions, `edge_tol` and the
other settings camelot was given are not areas and are not passed on (assay takes none).
"""
import csv
import json
import os
import re
import subprocess
import sys

SETS = ["tables_camelot", "tables_tabula"]


def page_size(pdf, page):
    info = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), pdf],
                          capture_output=True, text=True, check=True).stdout
    m = re.search(rf"Page\s+{page} size:\s+([\d.]+) x ([\d.]+)", info) or \
        re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    return float(m.group(1)), float(m.group(2))


def camelot_areas(kwargs, height):
    """camelot's areas and regions ("x1,y1,x2,y2", origin bottom left) as top-left boxes."""
    out = []
    for key in ("table_areas", "table_regions"):
        for area in kwargs.get(key, []):
            x1, y1, x2, y2 = (float(v) for v in area.split(","))
            out.append([min(x1, x2), height - max(y1, y2), max(x1, x2), height - min(y1, y2)])
    return out


def tabula_areas(spec, width, height):
    """tabula's areas (top, left, bottom, right; points, or "a%,b%,c%,d%" of the page)."""
    areas = spec if spec and isinstance(spec[0], str) else [spec]
    out = []
    for area in areas:
        if isinstance(area, str):
            t, l, b, r = (float(v.rstrip("%")) / 100 for v in area.split(","))
            out.append([l * width, t * height, r * width, b * height])
        else:
            t, l, b, r = area
            out.append([l, t, r, b])
    return out


def hints(corpora, name):
    """Per document: (pages, areas) from the set's manifest, for documents with areas."""
    dev = os.path.join(corpora, name, "dev")
    by_doc, sizes = {}, {}
    with open(os.path.join(dev, "manifest.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            page = int(row["page"])
            if (row["doc"], page) not in sizes:  # several truth variants share a page
                sizes[(row["doc"], page)] = page_size(os.path.join(dev, row["doc"]), page)
            width, height = sizes[(row["doc"], page)]
            if row.get("camelot_kwargs"):
                areas = camelot_areas(json.loads(row["camelot_kwargs"]), height)
            elif row.get("area_top_left_bottom_right_pt"):
                areas = tabula_areas(json.loads(row["area_top_left_bottom_right_pt"]), width, height)
            else:
                areas = []
            pages, boxes = by_doc.setdefault(row["doc"], (set(), []))
            pages.add(page)
            for a in areas:
                a = [round(v, 2) for v in a]
                if a not in boxes:
                    boxes.append(a)
    return {doc: (sorted(p), b) for doc, (p, b) in by_doc.items() if b}


def scores(assay, out, gt):
    ev = json.loads(subprocess.run([assay, "eval", "--out", out, "--gt", gt, "--json"],
                                   capture_output=True, text=True, check=True).stdout)
    t = ev["summary"]["tables"]
    return {"cell_text_f1": round(t["cell_text_f1"], 4),
            "adjacency_macro_f1": round(t["adjacency_macro_f1"], 4)}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    assay, corpora, work = (os.path.abspath(a) for a in sys.argv[1:])
    for name in SETS:
        dev = os.path.join(corpora, name, "dev")
        root = os.path.join(work, name)
        os.makedirs(root, exist_ok=True)
        given = hints(corpora, name)
        # A manifest names its files relative to itself: the PDFs are linked in beside it (links
        # leading out of the folder, which `assay run` refuses unless told).
        docs = os.path.join(root, "in")
        os.makedirs(docs, exist_ok=True)
        manifest = os.path.join(root, "hints.jsonl")
        with open(manifest, "w", encoding="utf-8") as f:
            for doc in sorted(d for d in os.listdir(dev) if d.endswith(".pdf")):
                link = os.path.join(docs, doc)
                if not os.path.lexists(link):
                    os.symlink(os.path.join(dev, doc), link)
                entry = {"path": "in/" + doc}
                if doc in given:
                    entry["pages"], entry["table_areas"] = given[doc]
                f.write(json.dumps(entry) + "\n")
        result = {"set": name, "hinted": {d: {"pages": p, "table_areas": a} for d, (p, a) in given.items()}}
        for label, source in (("with_hints", manifest), ("without", docs)):
            out = os.path.join(root, label)
            subprocess.run(["rm", "-rf", out], check=True)
            # Exit 1: some documents failed their contracts (arabic.pdf's text, for one).
            rc = subprocess.run([assay, "run", source, "--out", out, "-j", "2", "--allow-outside-inputs"],
                                capture_output=True).returncode
            if rc not in (0, 1):
                sys.exit(f"assay run {source} exited {rc}")
            result[label] = scores(assay, out, dev)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
