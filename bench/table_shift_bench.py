#!/usr/bin/env python3
"""The shifted/transposed-column detector on a corrupted test set: ROC and the chosen threshold.

  table_shift_bench.py TABLE_SHIFT_BIN CORPORA_DIR [--threshold T] [--set boxes|grid|combined|all]
                       [--json]

Two sets of clean tables, from the table corpora's dev halves:

  grid      the ground-truth grids (every `*.csv` of tables_icdar2013, tables_camelot,
            tables_tabula and tables_pubtabnet_images): cell texts only, no boxes.
  boxes     the ground truth that gives every cell's box: ICDAR 2013's `*-str.xml` regions
            (content boxes in PDF points) and PubTabNet's `*.gt.json` (pixels); and camelot's
            and tabula's grids where every cell's text is found among the PDF page's words
            (`pdftotext -bbox-layout`: spaces and dot leaders aside, a cell's lines one after
            the other or the cell whole where the truth breaks its lines elsewhere, a raised
            footnote mark read in its line, right-to-left text by its letters and figures in
            either order, a text printed twice placed by its row's and column's other cells,
            a sideways table turned upright), with those words' boxes. The tool reads these as
            tables with cells, spans and boxes, as the tables stage has them.
  combined  each table once: the boxes set, plus the camelot and tabula grids whose cells are
            not all found on the page (no boxes).

Tables with at least 3 non-empty rows and 2 columns are kept. Each clean table is corrupted
the way misread separators corrupt tables, deterministically (the random choices are seeded by
the corruption and the table's name). A cell keeps its text and its box wherever it is moved:
the words stay where they are on the page and only their slot in the grid is wrong.

  row_shift_right   some body rows (10%, at least one) shifted one column right
  row_shift_left    some body rows: two neighbouring cells merged (their boxes joined), the
                    rest shifted left
  merged_columns    two neighbouring columns merged into one, in every row (boxes joined)
  split_column      a column of multi-word cells split in two at the first space; the two
                    parts' boxes are cut from the cell's box in proportion to their characters
                    along its first line, the space counting half a character
  column_row_shift  one column's body cells moved down one row (the last spills to a new row)
  swap_types        two neighbouring columns of different types swapped in the body rows
  swap_same_type    two neighbouring columns of the same type swapped (reported apart)

The table_shift tool (tests/tools/table_shift.cpp) scores every table with the stage's own
code; a table is flagged when its score is above the threshold. Prints, per set, the ROC
(false-alarm rate on the clean tables, recall per corruption kind) for a range of thresholds.
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
import unicodedata
import xml.etree.ElementTree as ET

GRID_SETS = ["tables_icdar2013", "tables_camelot", "tables_tabula", "tables_pubtabnet_images"]
GRID_ONLY_SETS = ["tables_camelot", "tables_tabula"]  # no cell boxes in their truth
DETECTABLE = ["row_shift_right", "row_shift_left", "merged_columns", "split_column",
              "column_row_shift", "swap_types"]

NUMBER = re.compile(r"^[-+−(]?[$€£]?\d[\d,. ]*%?\)?$")


class Cell:
    """A filled slot: its text, its box (x0, y0, x1, y1, y down; None in a grid-only table)
    and its spans."""
    def __init__(self, text, box=None, rowspan=1, colspan=1):
        self.lines = [l.strip() for l in text.split("\n") if l.strip()] or [""]
        self.text, self.box, self.rowspan, self.colspan = " ".join(text.split()), box, rowspan, colspan


def txt(cell):
    return cell.text if cell is not None else ""


def union(a, b):
    if a is None or b is None:
        return a if b is None else b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def join(a, b):
    """Two neighbouring cells read as one: texts joined, boxes joined."""
    if a is None or b is None:
        return a if b is None else b
    text = (a.text + " " + b.text).strip()
    return Cell(text, union(a.box, b.box), a.rowspan, a.colspan)


def cell_kind(text):
    t = text.strip()
    if not t:
        return "empty"
    return "number" if NUMBER.match(t) else "text"


def column_kind(rows, col):
    kinds = [cell_kind(txt(r[col])) for r in rows[1:] if col < len(r)]
    kinds = [k for k in kinds if k != "empty"]
    if len(kinds) < 2:
        return ""
    top = max(set(kinds), key=kinds.count)
    return top if kinds.count(top) * 10 >= len(kinds) * 8 else ""


def pad(rows):
    width = max(len(r) for r in rows)
    return [r + [None] * (width - len(r)) for r in rows]


def body_rows(rows, rng, share=0.1):
    """Body rows (after the first row) with at least two filled cells, a share of them."""
    candidates = [i for i in range(1, len(rows)) if sum(1 for c in rows[i] if txt(c).strip()) >= 2]
    if not candidates:
        return []
    k = max(1, round(len(candidates) * share))
    return sorted(rng.sample(candidates, min(k, len(candidates))))


def row_shift_right(rows, rng):
    out = [list(r) for r in rows]
    chosen = body_rows(rows, rng)
    for i in chosen:
        first = next(j for j, c in enumerate(out[i]) if txt(c).strip())
        out[i] = out[i][:first] + [None] + out[i][first:]
    return pad(out) if chosen else None


def row_shift_left(rows, rng):
    out = [list(r) for r in rows]
    chosen = body_rows(rows, rng)
    for i in chosen:
        filled = [j for j, c in enumerate(out[i]) if txt(c).strip()]
        j = filled[rng.randrange(1, len(filled))]
        prev = max(k for k in filled if k < j)
        merged = join(out[i][prev], out[i][j])
        rest = out[i][:prev] + [merged] + out[i][prev + 1:j] + out[i][j + 1:]
        out[i] = rest + [None]
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
    if not any(txt(r[c]).strip() and txt(r[c + 1]).strip() for r in rows[1:]):
        return None
    out = []
    for r in rows:
        m = join(r[c], r[c + 1])
        if m is not None and m is r[c] and m.colspan > 1:  # a span over both: one slot less
            m = Cell(m.text, m.box, m.rowspan, m.colspan - 1)
        out.append(r[:c] + [m] + r[c + 2:])
    return out


def split_cell(cell):
    """A cell cut at its first space: the two parts' texts and boxes."""
    if cell is None:
        return None, None
    parts = cell.text.split(None, 1)
    if not parts:
        return None, None
    if len(parts) == 1:
        return Cell(parts[0], cell.box, cell.rowspan, 1), None
    left, right = parts
    lbox = rbox = None
    if cell.box is not None:
        x0, y0, x1, y1 = cell.box
        per = (x1 - x0) / max(max(len(l) - 0.5 * l.count(" ") for l in cell.lines), 1.0)
        lx1 = min(x1, x0 + per * len(left))
        lbox = (x0, y0, lx1, y1)
        rbox = (min(x1, lx1 + per * 0.5), y0, x1, y1)
    return Cell(left, lbox, cell.rowspan, 1), Cell(right, rbox, cell.rowspan, 1)


def split_column(rows, rng):
    width = len(rows[0])
    cols = [c for c in range(width)
            if sum(1 for r in rows[1:] if len(txt(r[c]).split()) >= 2) >= max(1, (len(rows) - 1) // 3)]
    if not cols:
        return None
    c = rng.choice(cols)
    out = []
    for r in rows:
        left, right = split_cell(r[c])
        widened = [Cell(x.text, x.box, x.rowspan, x.colspan + 1)
                   if x is not None and k + x.colspan > c else x for k, x in enumerate(r[:c])]
        out.append(widened + [left, right] + r[c + 1:])
    return out


def column_row_shift(rows, rng):
    width = len(rows[0])
    cols = [c for c in range(width) if sum(1 for r in rows[1:] if txt(r[c]).strip()) >= 3]
    if len(rows) < 4 or not cols:
        return None
    c = rng.choice(cols)
    out = [list(r) for r in rows]
    body = [r[c] for r in rows[1:]]
    shifted = [None] + body[:-1]
    for i, v in enumerate(shifted, start=1):
        out[i][c] = v
    if txt(body[-1]).strip():
        spill = [None] * width
        spill[c] = body[-1]
        out.append(spill)
    return out


def swap(rows, rng, same):
    pairs = neighbour_pairs(rows, same)
    if not pairs:
        return None
    c = rng.choice(pairs)
    out = [list(r) for r in rows]
    for r in out[1:]:
        r[c], r[c + 1] = r[c + 1], r[c]
    return out


CORRUPTIONS = {
    "row_shift_right": row_shift_right,
    "row_shift_left": row_shift_left,
    "merged_columns": merged_columns,
    "split_column": split_column,
    "column_row_shift": column_row_shift,
    "swap_types": lambda rows, rng: swap(rows, rng, same=False),
    "swap_same_type": lambda rows, rng: swap(rows, rng, same=True),
}


def texts(rows):
    return [[txt(c) for c in r] for r in rows]


def keep(rows):
    """Non-empty rows; None when the table is too small for the test set."""
    rows = [r for r in rows if any(txt(c).strip() for c in r)]
    if len(rows) < 3 or max(len(r) for r in rows) < 2:
        return None
    return pad(rows)


def csv_tables(corpora, sets):
    tables = []
    for s in sets:
        for path in sorted(glob.glob(os.path.join(corpora, s, "dev", "*.csv"))):
            if os.path.basename(path) == "manifest.csv":
                continue
            with open(path, newline="", encoding="utf-8", errors="replace") as f:
                rows = keep([[Cell(c) if c.strip() else None for c in r] for r in csv.reader(f)])
            if rows is not None:
                tables.append((f"{s}/{os.path.basename(path)}", rows))
    return tables


def slots(cells):
    """Cells (row, col, rowspan, colspan, text, box) as a grid of slots: a cell in its top-left
    slot, the slots a span covers empty."""
    n_rows = max(c[0] + c[2] for c in cells)
    n_cols = max(c[1] + c[3] for c in cells)
    grid = [[None] * n_cols for _ in range(n_rows)]
    for r, c, rs, cs, text, box in cells:
        if text.strip() and grid[r][c] is None:
            grid[r][c] = Cell(text, box, rs, cs)
    return grid


def number(text):
    """A coordinate of the truth; a stray character typed after its digits ("26ß") dropped."""
    return float(re.match(r"-?[\d.]+", text.strip()).group(0))


def icdar_tables(corpora):
    tables = []
    for path in sorted(glob.glob(os.path.join(corpora, "tables_icdar2013", "dev", "*-str.xml"))):
        for table in ET.parse(path).getroot().iter("table"):
            for region in table.iter("region"):
                cells = []
                for c in region.iter("cell"):
                    r0, c0 = int(c.get("start-row")), int(c.get("start-col"))
                    r1, c1 = int(c.get("end-row", r0)), int(c.get("end-col", c0))
                    b = c.find("bounding-box")
                    text = c.findtext("content") or ""
                    box = None
                    if b is not None:  # PDF points, origin bottom-left: y turned to point down
                        x1, x2, y1, y2 = (number(b.get(k)) for k in ("x1", "x2", "y1", "y2"))
                        box = (min(x1, x2), -max(y1, y2), max(x1, x2), -min(y1, y2))
                    cells.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, text, box))
                if not cells:
                    continue
                rows = keep(slots(cells))
                if rows is not None:
                    name = (f"tables_icdar2013/{os.path.basename(path)}#table-{table.get('id')}"
                            f".region-{region.get('id')}")
                    tables.append((name, rows))
    return tables


def pubtabnet_tables(corpora):
    tables = []
    for path in sorted(glob.glob(os.path.join(corpora, "tables_pubtabnet_images", "dev", "*.gt.json"))):
        with open(path, encoding="utf-8") as f:
            gt = json.load(f)
        html = gt["html"]
        toks = html["structure"]["tokens"]
        # Walk the structure: each <td> takes the next free slot of its row.
        taken, cells, row, k, col = set(), [], -1, 0, 0
        i = 0
        while i < len(toks):
            t = toks[i]
            if t == "<tr>":
                row += 1
                col = 0
            elif t in ("<td>", "<td"):
                rs = cs = 1
                if t == "<td":
                    i += 1
                    while toks[i] != ">":
                        m = re.match(r'\s*(rowspan|colspan)="(\d+)"', toks[i])
                        if m:
                            rs, cs = (int(m.group(2)), cs) if m.group(1) == "rowspan" else (rs, int(m.group(2)))
                        i += 1
                while (row, col) in taken:
                    col += 1
                for a in range(row, row + rs):
                    for b in range(col, col + cs):
                        taken.add((a, b))
                cell = html["cells"][k]
                k += 1
                text = re.sub(r"</?[a-z]+>", "", "".join(cell["tokens"]))
                b = cell.get("bbox")
                cells.append((row, col, rs, cs, text, tuple(float(v) for v in b) if b else None))
                col += cs
            i += 1
        rows = keep(slots(cells))
        if rows is not None:
            tables.append((f"tables_pubtabnet_images/{os.path.basename(path)}", rows))
    return tables


def norm(text):
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").strip()


def pdf_lines(pdf, page):
    """The page's text lines as `pdftotext -bbox-layout` reads them: each a list of words
    (text, box in points, y down)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    out = []
    for line in root.iter("{http://www.w3.org/1999/xhtml}line"):
        words = [(norm(w.text or ""), tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                 for w in line.iter("{http://www.w3.org/1999/xhtml}word")]
        if words:
            out.append(words)
    # A raised footnote mark is a line of its own to pdftotext ("property", "1", ". . ."):
    # it goes into the line it is raised in, in its place along it.
    def height(ws):
        return max(w[1][3] for w in ws) - min(w[1][1] for w in ws)

    def width(ws):
        return max(w[1][2] for w in ws) - min(w[1][0] for w in ws)
    merged = []
    for words in out:
        ys = (min(w[1][1] for w in words), max(w[1][3] for w in words))
        def overlap(h):  # how much of the mark's height lies in line h
            return min(ys[1], max(w[1][3] for w in h)) - max(ys[0], min(w[1][1] for w in h))
        hosts = [h for h in out if h is not words and height(words) < 0.75 * height(h) < width(h)
                 and min(w[1][0] for w in h) - height(h) <= words[0][1][0] <= max(w[1][2] for w in h)
                 and overlap(h) > 0.5 * height(words)]
        host = max(hosts, key=overlap, default=None)
        if host is not None and len(words) <= 2 and all(len(w[0]) <= 3 for w in words):
            host.extend(words)
        else:
            merged.append(words)
    for words in merged:
        words.sort(key=lambda w: w[1][0])
    return merged


def bare(text):
    """Text as compared with the page's words: no spaces, no dots but a decimal point (dot
    leaders: the page prints "Robbery. . . ." as one word)."""
    return re.sub(r"(?<!\d)\.|\.(?!\d)", "", "".join(norm(text).split()))


def right_to_left(text):
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def drawn_order(key):
    """A right-to-left line's letters in the order a page draws them: reversed, figures
    (which read left to right inside it) kept as they are."""
    return re.sub(r"\d+", lambda m: m.group(0)[::-1], key[::-1])


def line_candidates(text, lines):
    """Where a cell's line `text` is printed: runs of consecutive words of one text line that
    read the same, spaces aside (the truth writes "11,062 .6" and "( 498,5)" where the page
    prints "11,062.6" and "(498,5)"); right-to-left text may be written in either order, and
    is compared by its letters and figures only (the page places its marks, ":" or "(2)", by
    the bidirectional rules, the truth as typed); each as (word ids, box)."""
    rtl = right_to_left(text)

    def squeeze(t):
        t = bare(t)
        return "".join(ch for ch in t if ch.isalnum()) if rtl else t
    key = squeeze(text)
    keys = {key, drawn_order(key)} if rtl else {key}
    out = []
    for li, words in enumerate(lines):
        for j in range(len(words)):
            joined, box = "", None
            for k in range(j, len(words)):
                joined = squeeze(joined + words[k][0])
                box = union(box, words[k][1])
                if joined in keys:
                    out.append(({(li, m) for m in range(j, k + 1)}, box))
                if len(joined) >= len(key):
                    break
    return out


def thickness(box):
    """A text box's size across its lines: its height, or its width when it is sideways."""
    return min(box[2] - box[0], box[3] - box[1])


def gap(a, b):
    return max(0.0, a[0] - b[2], b[0] - a[2]) + max(0.0, a[1] - b[3], b[1] - a[3])


def cell_candidates(cell, lines):
    """Where a cell is printed: its lines matched one after the other, each next line's match
    the nearest to the lines before, less than a line apart (down the page, or across for a
    sideways table); each as (word ids, box)."""
    per_line = [line_candidates(l, lines) for l in cell.lines if bare(l)]
    if any(not c for c in per_line):
        # The truth's line breaks need not be the page's ("C" over "lass A" for "Class A").
        per_line = [line_candidates(cell.text, lines)]
        if not per_line[0]:
            return []
    out = []
    for ids, box in per_line[0]:
        for nxt in per_line[1:]:
            n_ids, n_box = min(nxt, key=lambda c: gap(c[1], box))
            if gap(n_box, box) > 2 * max(thickness(n_box), thickness(box)):
                break
            ids, box = ids | n_ids, union(box, n_box)
        else:
            out.append((ids, box))
    return out


def upright(box, turn):
    """A box in the frame where a table printed `turn` quarter turns is upright."""
    x0, y0, x1, y1 = box
    return [(x0, y0, x1, y1), (y0, -x1, y1, -x0), (-x1, -y1, -x0, -y0), (-y1, x0, -y0, x1)][turn]


def centre(box):
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def medians(groups):
    """Each group's median (the upper one of an even group)."""
    return {k: sorted(v)[len(v) // 2] for k, v in groups.items()}


def boxes_from_pdf_words(rows, lines):
    """The grid's cells with the boxes of the words that print them, or None when a cell's
    text is not found on the page. A cell printed in several places is placed where its row's
    and its column's cells found in one place put it; the table is turned upright first (its
    rows down the page, its columns across), as the tables stage reads a sideways table."""
    cells = [(r, c, cell) for r, row in enumerate(rows) for c, cell in enumerate(row)
             if cell is not None and cell.text.strip()]
    cands = {(r, c): cell_candidates(cell, lines) for r, c, cell in cells}
    if any(not v for v in cands.values()):
        return None
    found = {k: v[0][1] for k, v in cands.items() if len(v) == 1}
    if len(found) < 3:
        return None

    def agreement(turn):  # rows going down, columns going across, in this frame
        score = 0
        pts = [(k, centre(upright(b, turn))) for k, b in found.items()]
        for (ka, a), (kb, b) in zip(pts, pts[1:] + pts[:1]):
            score += (ka[0] - kb[0]) * (a[1] - b[1]) > 0
            score += (ka[1] - kb[1]) * (a[0] - b[0]) > 0
        return score
    turn = max(range(4), key=agreement)
    found = {k: upright(b, turn) for k, b in found.items()}
    used = set().union(*(cands[k][0][0] for k in found))

    def placed_medians(axis):  # each row's y (axis 1) or column's x (axis 0) of placed cells
        at = {}
        for k, b in found.items():
            at.setdefault(k[1 - axis], []).append(centre(b)[axis])
        return medians(at)

    def estimate(med, index):  # a row's or column's position: placed, or from those placed
        if index in med:
            return med[index], True
        lo = max((i for i in med if i < index), default=None)
        hi = min((i for i in med if i > index), default=None)
        if lo is None or hi is None:  # beyond the placed ones: at their mean pitch
            if len(med) < 2:
                return None, False
            lo, hi = min(med), max(med)
        return med[lo] + (med[hi] - med[lo]) * (index - lo) / (hi - lo), False

    todo = [k for k in cands if k not in found]
    while todo:
        # The cells whose row has a placed cell first, then those placed between rows or
        # beyond them.
        row_y, col_x = placed_medians(1), placed_medians(0)
        ests = {k: (estimate(row_y, k[0]), estimate(col_x, k[1])) for k in todo}
        ready = [k for k in todo if ests[k][0][1]] or [k for k in todo if ests[k][0][0] is not None]
        if not ready:
            return None
        for k in ready:
            (ry, _), (cx, _) = ests[k]
            free = [(ids, upright(b, turn)) for ids, b in cands[k] if not ids & used]
            if not free:
                return None
            ids, box = min(free, key=lambda f: abs(centre(f[1])[1] - ry) +
                           (abs(centre(f[1])[0] - cx) if cx is not None else 0))
            found[k], used = box, used | ids
        todo = [k for k in todo if k not in found]
    # A CSV has no spans: a cell printed across the empty slots after it spans them (a
    # section's label over the whole table), as far as its box passes their columns' middles.
    middles = {}
    for (r, c), b in found.items():
        if c + 1 >= len(rows[r]) or rows[r][c + 1] is not None:
            middles.setdefault(c, []).append(centre(b)[0])
    middle = medians(middles)
    out = []
    for r, row in enumerate(rows):
        out.append([])
        for c, cell in enumerate(row):
            if cell is None or not cell.text.strip():
                out[-1].append(cell)
                continue
            span = 1
            while (c + span < len(row) and row[c + span] is None and c + span in middle
                   and found[(r, c)][2] > middle[c + span]):
                span += 1
            out[-1].append(Cell(cell.text, found[(r, c)], cell.rowspan, max(span, cell.colspan)))
    return out


def pdf_word_tables(corpora, tables):
    """`tables` (csv_tables' of the grid-only sets) with every cell's box taken from its words
    on the PDF page; (boxed, still grid-only) lists."""
    boxed, grid_only = [], []
    where, pages = {}, {}
    for name, rows in tables:
        s, csv_name = name.split("/", 1)
        if s not in where:
            with open(os.path.join(corpora, s, "dev", "manifest.csv"), newline="", encoding="utf-8") as f:
                where[s] = {r["csv"]: (r["doc"], int(r["page"])) for r in csv.DictReader(f)}
        doc, page = where[s][csv_name]
        if (s, doc, page) not in pages:
            pages[(s, doc, page)] = pdf_lines(os.path.join(corpora, s, "dev", doc), page)
        with_boxes = boxes_from_pdf_words(rows, pages[(s, doc, page)])
        (boxed if with_boxes is not None else grid_only).append(
            (name, with_boxes if with_boxes is not None else rows))
    return boxed, grid_only


def as_input(i, rows):
    """The tool's input line: cells with boxes when the table has them, else the grid."""
    if not any(c is not None and c.box is not None for r in rows for c in r):
        return {"id": i, "rows": texts(rows)}
    cells = []
    n_rows, n_cols = len(rows), len(rows[0])
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None or not cell.text.strip():
                continue
            cells.append({"row": r, "col": c, "rowspan": max(1, min(cell.rowspan, n_rows - r)),
                          "colspan": max(1, min(cell.colspan, n_cols - c)),
                          "text": " ".join(cell.text.split()),
                          "bbox": list(cell.box) if cell.box is not None else [0, 0, 0, 0]})
    # As a page's content holds a table; the detector reads neither its box nor header_rows.
    return {"id": i, "table": {"bbox": [0, 0, 0, 0], "n_rows": n_rows, "n_cols": n_cols,
                               "method": "aligned", "header_rows": 0, "cells": cells}}


def corrupted(name, rows):
    out = [("clean", rows)]
    for kind, corrupt in CORRUPTIONS.items():
        seed = int(hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()[:8], 16)
        bad = corrupt(rows, random.Random(seed))
        if bad is not None and texts(bad) != texts(rows):
            out.append((kind, bad))
    return out


def roc(by_kind, extra):
    def rate(k, t):
        v = by_kind.get(k, [])
        return sum(1 for s in v if s > t) / len(v) if v else float("nan")

    out = []
    for t in sorted(set([0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0] + extra)):
        det = [s for k in DETECTABLE for s in by_kind.get(k, [])]
        out.append({"threshold": t, "false_alarms": rate("clean", t),
                    "recall": sum(1 for s in det if s > t) / len(det) if det else float("nan"),
                    **{k: rate(k, t) for k in CORRUPTIONS}})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("corpora")
    ap.add_argument("--threshold", type=float, default=0.1)
    ap.add_argument("--set", default="all", choices=["boxes", "grid", "combined", "all"])
    ap.add_argument("--dump", help="write every item's id, set, kind and the tool's report here")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    grid = csv_tables(a.corpora, GRID_SETS)
    from_words, unplaced = pdf_word_tables(
        a.corpora, [t for t in grid if t[0].split("/", 1)[0] in GRID_ONLY_SETS])
    boxes = icdar_tables(a.corpora) + pubtabnet_tables(a.corpora) + from_words
    sets = {"grid": grid, "boxes": boxes, "combined": boxes + unplaced}
    if not a.json:
        print(f"boxes from PDF words: {len(from_words)} tables; grid-only: " +
              ", ".join(name for name, _ in unplaced))
    names = list(sets) if a.set == "all" else [a.set]

    items = []  # (set, kind, table name, tool input)
    for s in names:
        for name, rows in sets[s]:
            for kind, t in corrupted(name, rows):
                items.append((s, kind, name, as_input(len(items), t)))
    lines = "".join(json.dumps(x[3]) + "\n" for x in items)
    res = subprocess.run([a.tool], input=lines, capture_output=True, text=True, check=True)
    reports = [json.loads(l) for l in res.stdout.splitlines()]
    if a.dump:
        with open(a.dump, "w") as f:
            for (s, kind, name, _), r in zip(items, reports):
                f.write(json.dumps({"set": s, "kind": kind, "table": name, **r}) + "\n")

    result = {}
    for s in names:
        by_kind = {}
        for (ss, kind, _, _), r in zip(items, reports):
            if ss == s:
                by_kind.setdefault(kind, []).append(r["score"])
        result[s] = {"tables": {k: len(v) for k, v in by_kind.items()},
                     "roc": roc(by_kind, [a.threshold])}
    if a.json:
        print(json.dumps(result, indent=1))
        return
    for s in names:
        print(f"== {s}: counts", result[s]["tables"])
        print("threshold  false_alarms  recall(detectable)  " + "  ".join(CORRUPTIONS))
        for r in result[s]["roc"]:
            print(f"{r['threshold']:9.2f}  {r['false_alarms']:12.3f}  {r['recall']:18.3f}  " +
                  "  ".join(f"{r[k]:.3f}" for k in CORRUPTIONS))


if __name__ == "__main__":
    main()
