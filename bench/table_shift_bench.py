#!/usr/bin/env python3
"""The shifted/transposed-column detector on a corrupted test set: ROC and the chosen threshold.

  table_shift_bench.py TABLE_SHIFT_BIN CORPORA_DIR [--threshold T] [--json]

Clean tables are the ground-truth grids of the table corpora's dev halves (every
`*.csv` of tables_icdar2013, tables_camelot, tables_tabula and tables_pubtabnet_images). Each
clean table is corrupted the way misread separators corrupt tables, deterministically (the
random choices are seeded by the table's name):

  row_shift_right   some body rows (10%, at least one) shifted one column right
  row_shift_left    some body rows: two neighbouring cells merged, the rest shifted left
  merged_columns    two neighbouring columns merged into one, in every row
  split_column      a column of multi-word cells split in two at the first space
  column_row_shift  one column's body cells moved down one row (the last spills to a new row)
  swap_types        two neighbouring columns of different types swapped in the body rows
  swap_same_type    two neighbouring columns of the same type swapped (reported apart: without
                    semantics this is not detectable from types)

The table_shift tool (tests/tools/table_shift.cpp) scores every grid with the stage's own
code; a table is flagged when its score is above the threshold. Prints the ROC (false-alarm
rate on the clean tables, recall per corruption kind) for a range of thresholds and the figures
at the stage's threshold.
"""
import argparse
import csv
import glob
import hashlib
import json
import os
import random
import re
import subprocess

SETS = ["tables_icdar2013", "tables_camelot", "tables_tabula", "tables_pubtabnet_images"]
DETECTABLE = ["row_shift_right", "row_shift_left", "merged_columns", "split_column",
              "column_row_shift", "swap_types"]

NUMBER = re.compile(r"^[-+−(]?[$€£]?\d[\d,. ]*%?\)?$")


def cell_kind(text):
    t = text.strip()
    if not t:
        return "empty"
    return "number" if NUMBER.match(t) else "text"


def column_kind(rows, col):
    kinds = [cell_kind(r[col]) for r in rows[1:] if col < len(r)]
    kinds = [k for k in kinds if k != "empty"]
    if len(kinds) < 2:
        return ""
    top = max(set(kinds), key=kinds.count)
    return top if kinds.count(top) * 10 >= len(kinds) * 8 else ""


def pad(rows):
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def body_rows(rows, rng, share=0.1):
    """Body rows (after the first row) with at least two filled cells, a share of them."""
    candidates = [i for i in range(1, len(rows)) if sum(1 for c in rows[i] if c.strip()) >= 2]
    if not candidates:
        return []
    k = max(1, round(len(candidates) * share))
    return sorted(rng.sample(candidates, min(k, len(candidates))))


def row_shift_right(rows, rng):
    out = [list(r) for r in rows]
    chosen = body_rows(rows, rng)
    for i in chosen:
        first = next(j for j, c in enumerate(out[i]) if c.strip())
        out[i] = out[i][:first] + [""] + out[i][first:]
    return pad(out) if chosen else None


def row_shift_left(rows, rng):
    out = [list(r) for r in rows]
    chosen = body_rows(rows, rng)
    for i in chosen:
        filled = [j for j, c in enumerate(out[i]) if c.strip()]
        j = filled[rng.randrange(1, len(filled))]
        prev = max(k for k in filled if k < j)
        merged = (out[i][prev] + " " + out[i][j]).strip()
        rest = out[i][:prev] + [merged] + out[i][prev + 1:j] + out[i][j + 1:]
        out[i] = rest + [""]
    return out if chosen else None


def neighbour_pairs(rows, same):
    width = len(rows[0])
    pairs = []
    for c in range(width - 1):
        a, b = column_kind(rows, c), column_kind(rows, c + 1)
        if a and b and (a == b) == same:
            pairs.append(c)
    return pairs


def merged_columns(rows, rng):
    width = len(rows[0])
    if width < 3:
        return None
    c = rng.randrange(0, width - 1)
    if not any(r[c].strip() and r[c + 1].strip() for r in rows[1:]):
        return None
    return [r[:c] + [(r[c] + " " + r[c + 1]).strip()] + r[c + 2:] for r in rows]


def split_column(rows, rng):
    width = len(rows[0])
    cols = [c for c in range(width)
            if sum(1 for r in rows[1:] if len(r[c].split()) >= 2) >= max(1, (len(rows) - 1) // 3)]
    if not cols:
        return None
    c = rng.choice(cols)
    out = []
    for r in rows:
        parts = r[c].split(None, 1)
        left, right = (parts + ["", ""])[:2] if parts else ("", "")
        out.append(r[:c] + [left, right] + r[c + 1:])
    return out


def column_row_shift(rows, rng):
    width = len(rows[0])
    cols = [c for c in range(width) if sum(1 for r in rows[1:] if r[c].strip()) >= 3]
    if len(rows) < 4 or not cols:
        return None
    c = rng.choice(cols)
    out = [list(r) for r in rows]
    body = [r[c] for r in rows[1:]]
    shifted = [""] + body[:-1]
    for i, v in enumerate(shifted, start=1):
        out[i][c] = v
    if body[-1].strip():
        spill = [""] * width
        spill[c] = body[-1]
        out.append(spill)
    return out if out != rows else None


def swap(rows, rng, same):
    pairs = neighbour_pairs(rows, same)
    if not pairs:
        return None
    c = rng.choice(pairs)
    out = [list(r) for r in rows]
    for r in out[1:]:
        r[c], r[c + 1] = r[c + 1], r[c]
    return out if out != rows else None


CORRUPTIONS = {
    "row_shift_right": row_shift_right,
    "row_shift_left": row_shift_left,
    "merged_columns": merged_columns,
    "split_column": split_column,
    "column_row_shift": column_row_shift,
    "swap_types": lambda rows, rng: swap(rows, rng, same=False),
    "swap_same_type": lambda rows, rng: swap(rows, rng, same=True),
}


def clean_tables(corpora):
    tables = []
    for s in SETS:
        for path in sorted(glob.glob(os.path.join(corpora, s, "dev", "*.csv"))):
            if os.path.basename(path) == "manifest.csv":
                continue
            with open(path, newline="", encoding="utf-8", errors="replace") as f:
                rows = [r for r in csv.reader(f)]
            rows = [r for r in rows if any(c.strip() for c in r)]
            if len(rows) < 3 or max(len(r) for r in rows) < 2:
                continue
            tables.append((f"{s}/{os.path.basename(path)}", pad(rows)))
    return tables


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("corpora")
    ap.add_argument("--threshold", type=float, default=0.1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    items = []  # (kind, id, rows)
    for name, rows in clean_tables(a.corpora):
        items.append(("clean", name, rows))
        for kind, corrupt in CORRUPTIONS.items():
            seed = int(hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()[:8], 16)
            out = corrupt(rows, random.Random(seed))
            if out is not None and out != rows:
                items.append((kind, name, out))

    lines = "".join(json.dumps({"id": i, "rows": rows}) + "\n"
                    for i, (_, _, rows) in enumerate(items))
    res = subprocess.run([a.tool], input=lines, capture_output=True, text=True, check=True)
    scores = [json.loads(l)["score"] for l in res.stdout.splitlines()]

    kinds = ["clean"] + list(CORRUPTIONS)
    by_kind = {k: [s for (kk, _, _), s in zip(items, scores) if kk == k] for k in kinds}

    def rate(k, t):
        v = by_kind[k]
        return sum(1 for s in v if s > t) / len(v) if v else float("nan")

    thresholds = sorted(set([0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, a.threshold]))
    roc = []
    for t in thresholds:
        det = [s for k in DETECTABLE for s in by_kind[k]]
        roc.append({"threshold": t, "false_alarms": rate("clean", t),
                    "recall": sum(1 for s in det if s > t) / len(det),
                    **{k: rate(k, t) for k in CORRUPTIONS}})
    result = {"tables": {k: len(v) for k, v in by_kind.items()}, "roc": roc}
    if a.json:
        print(json.dumps(result, indent=1))
        return
    print("counts:", result["tables"])
    print("threshold  false_alarms  recall(detectable)  " + "  ".join(CORRUPTIONS))
    for r in roc:
        print(f"{r['threshold']:9.2f}  {r['false_alarms']:12.3f}  {r['recall']:18.3f}  " +
              "  ".join(f"{r[k]:.3f}" for k in CORRUPTIONS))


if __name__ == "__main__":
    main()
