#!/usr/bin/env python3
"""Generate the assay sample documents in this folder, deterministically.

Usage:  python3 samples/make_samples.py [OUTPUT_DIR]

Needs only the Python standard library and poppler-utils (`pdftoppm`).
Every PDF is written byte by byte below (no PDF library); page images are
rendered by `pdftoppm` from throw-away PDFs made the same way, and the
photo is drawn pixel by pixel and JPEG-encoded by `pdftoppm -jpeg`.

Running the script twice gives byte-identical files: no timestamps, fixed
/ID values, fixed random seeds, fixed zlib settings.  (Raster outputs also
depend on the poppler version and on the installed fonts that poppler
substitutes for the base-14 fonts -- DejaVu on the project machines.)
"""

import hashlib
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# Minimal PDF writer
# ---------------------------------------------------------------------------


def pdf_escape(text):
    """Escape a str as the body of a PDF literal string (ASCII only)."""
    if any(ord(c) > 126 or ord(c) < 32 for c in text):
        raise ValueError("non-ASCII text in PDF string: %r" % text)
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def stream_obj(dict_entries, data, compress=True):
    """Bytes of a stream object body; dict_entries is PDF dict text without << >>."""
    if compress:
        data = zlib.compress(data, 9)
        dict_entries = "/Filter /FlateDecode " + dict_entries
    head = "<< %s /Length %d >>\nstream\n" % (dict_entries.strip(), len(data))
    return head.encode("latin-1") + data + b"\nendstream"


def write_pdf(path, objects, root, info=None):
    """Write a PDF file.

    objects: list of (object number, body bytes or str), in file order.
    The numbers must be 1..N (any order).  root: the catalog's number.
    """
    nums = sorted(n for n, _ in objects)
    if nums != list(range(1, len(objects) + 1)):
        raise ValueError("object numbers must be 1..N")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num, body in objects:
        if isinstance(body, str):
            body = body.encode("latin-1")
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref_at = len(out)
    size = len(objects) + 1
    out += b"xref\n0 %d\n" % size
    out += b"0000000000 65535 f \n"
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    # A fixed file identifier derived from the content (no clock, no randomness).
    file_id = hashlib.md5(bytes(out[:xref_at])).hexdigest().upper()
    trailer = "<< /Size %d /Root %d 0 R" % (size, root)
    if info:
        trailer += " /Info %d 0 R" % info
    trailer += " /ID [<%s> <%s>] >>" % (file_id, file_id)
    out += b"trailer\n" + trailer.encode("ascii") + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at
    with open(path, "wb") as f:
        f.write(out)
    return bytes(out)


FONT_NAMES = {
    "F1": "Helvetica",
    "F2": "Helvetica-Bold",
    "F3": "Times-Roman",
    "F4": "Times-Bold",
    "F5": "Helvetica-Oblique",
}


def text_page_pdf(path, width, height, content, fonts, info_title=None, extra_objects=None):
    """Write a one-page PDF whose page draws `content` (a str of operators).

    Objects are written content first and catalog last, so that a file cut
    short (see corrupt.pdf) has no catalog left in it.
    """
    objs = []
    n = 0

    def new():
        nonlocal n
        n += 1
        return n

    content_num = new()
    objs.append((content_num, stream_obj("", content.encode("latin-1"))))
    font_refs = []
    for res_name in fonts:
        num = new()
        objs.append((num, "<< /Type /Font /Subtype /Type1 /BaseFont /%s "
                          "/Encoding /WinAnsiEncoding >>" % FONT_NAMES[res_name]))
        font_refs.append("/%s %d 0 R" % (res_name, num))
    page_num, pages_num, cat_num = new(), new(), new()
    objs.append((page_num,
                 "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] "
                 "/Resources << /Font << %s >> >> /Contents %d 0 R >>"
                 % (pages_num, fmt(width), fmt(height), " ".join(font_refs), content_num)))
    objs.append((pages_num, "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page_num))
    objs.append((cat_num, "<< /Type /Catalog /Pages %d 0 R >>" % pages_num))
    info_num = None
    if info_title:
        info_num = new()
        objs.append((info_num, "<< /Title (%s) /Producer (assay samples/make_samples.py) >>"
                     % pdf_escape(info_title)))
    return write_pdf(path, objs, cat_num, info_num)


def fmt(x):
    """Compact, deterministic number formatting for content streams."""
    s = ("%.3f" % x).rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# ---------------------------------------------------------------------------
# Text layout (approximate widths; lines are wrapped with a safety margin)
# ---------------------------------------------------------------------------

# Rough glyph widths in 1/1000 em, estimated per character class.  These are
# not exact font metrics; they only need to be a little generous so that a
# wrapped line never runs past its column.
_NARROW = set("iljI.,;:'!|")
_SEMI = set("ftr()-[]/\" ")
_WIDE = set("mwMW@%")


def est_width(text, size, font):
    serif = font in ("F3", "F4")
    bold = font in ("F2", "F4")
    total = 0.0
    for c in text:
        if c == " ":
            w = 250 if serif else 278
        elif c in _NARROW:
            w = 278
        elif c in _SEMI:
            w = 333
        elif c in _WIDE:
            w = 944 if c in "MW" else 833
        elif c.isdigit():
            w = 500 if serif else 556
        elif c.isupper():
            w = 722
        else:
            w = 500 if serif else 556
        total += w * (1.08 if bold else 1.0)
    return total * size / 1000.0


def wrap(text, size, font, max_width):
    words = text.split()
    lines, cur = [], ""
    for w in words:
        trial = w if not cur else cur + " " + w
        if est_width(trial, size, font) <= max_width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines


def text_op(font, size, x, y, text, gray=None):
    g = "" if gray is None else "%s g " % fmt(gray)
    return "BT %s/%s %s Tf %s %s Td (%s) Tj ET\n" % (g, font, fmt(size), fmt(x), fmt(y),
                                                      pdf_escape(text))


class Flow:
    """Lays out a heading and paragraphs top-down in one column."""

    def __init__(self, x, y_top, width):
        self.x, self.y, self.width = x, y_top, width
        self.ops = []
        self.lines = []  # (text) of every line drawn, in order

    def line(self, text, font, size, leading):
        self.y -= leading
        self.ops.append(text_op(font, size, self.x, self.y, text))
        self.lines.append(text)

    def para(self, text, font="F3", size=11, leading=14.5, after=7):
        for ln in wrap(text, size, font, self.width):
            self.line(ln, font, size, leading)
        self.y -= after

    def heading(self, text, font="F2", size=16, leading=20, after=8):
        for ln in wrap(text, size, font, self.width):
            self.line(ln, font, size, leading)
        self.y -= after

    def content(self):
        return "".join(self.ops)


# ---------------------------------------------------------------------------
# Texts (written for this sample set)
# ---------------------------------------------------------------------------

BORN_DIGITAL_TITLE = "Notes on Testing Well Water in Rural Households"
BORN_DIGITAL_PARAS = [
    "Private wells supply drinking water to many rural households, yet unlike "
    "municipal systems they are rarely tested on a fixed schedule. The "
    "responsibility falls on the owner, who may not know which contaminants "
    "to look for or how often a sample should be taken. This note sets out a "
    "simple routine that a household can follow without special equipment.",
    "A basic annual test should cover total coliform bacteria, nitrate and "
    "pH. Coliform bacteria are seldom harmful in themselves, but their "
    "presence suggests that surface water is finding its way into the well. "
    "Nitrate usually comes from fertiliser or from a septic system and is a "
    "particular concern in homes with infants under six months old. The "
    "sample should be drawn into a sterile bottle supplied by the laboratory "
    "and delivered within twenty-four hours of collection.",
    "Further tests are worth arranging after a flood, after any repair to the "
    "well casing, or whenever the water changes in taste, colour or smell. A "
    "written log of results makes slow changes easier to notice over several "
    "years, and it gives a contractor useful history if the well ever needs "
    "to be deepened or replaced.",
]

TWO_COLUMN_TITLE = "The Quiet Work of Urban Beekeepers"
TWO_COLUMN_SUBTITLE = "How a few hundred rooftop hives change a city block"
TWO_COLUMN_LEFT = [
    ("On the Rooftops", [
        "Above the bakery on Mill Street, three white hives stand in a row "
        "between a water tank and a ventilation shaft. Their keeper, a retired "
        "signal engineer, checks them every Saturday morning before the street "
        "gets busy.",
        "City bees forage over a surprising distance. A worker will fly two or "
        "three kilometres to reach a stand of lime trees, crossing railway "
        "cuttings and car parks on the way. Balconies, cemeteries and the "
        "verges of ring roads all add to the supply of nectar.",
        "Roofs suit hives because the bees fly out above head height, so "
        "passers-by rarely notice them. The main drawbacks are wind and heat; "
        "most keepers add a windbreak of slatted timber and paint the boxes a "
        "pale colour to reflect the summer sun.",
        "Neighbours are usually told in advance. The left column of this page "
        "ends with the observation that a jar of honey, delivered each "
        "autumn, settles most complaints about stray bees.",
    ]),
]
TWO_COLUMN_RIGHT = [
    ("Through the Seasons", [
        "The right column begins in early spring, when the colony is small and "
        "the queen starts laying again. Willow and dandelion supply the first "
        "pollen, and a strong hive can double its population in six weeks.",
        "Midsummer brings the main flow. Urban honey is often darker and more "
        "varied than honey from farmland, because the bees visit dozens of "
        "garden species instead of a single crop. Keepers describe flavours of "
        "mint, cherry and even a faint trace of ivy.",
        "In autumn the keeper takes the surplus, treats the colony against "
        "mites and checks that enough stores remain for winter. A hive needs "
        "roughly fifteen kilograms of honey to survive until the willows "
        "flower again.",
        "Winter is the quiet season. The bees cluster around the queen and "
        "shiver their flight muscles to stay warm, and the keeper does little "
        "more than clear snow from the entrances.",
    ]),
]

TABLE_TITLE = "Selected Countries and Their Capitals"
TABLE_INTRO = ("The table below lists four countries together with their "
               "capital cities and national populations.")
TABLE_HEADER = ["Country", "Capital", "Population (millions)"]
TABLE_ROWS = [
    ["Norway", "Oslo", "5.4"],
    ["Portugal", "Lisbon", "10.3"],
    ["Chile", "Santiago", "19.5"],
    ["Canada", "Ottawa", "37.0"],
]
TABLE_NOTE = "Population figures are rounded estimates for the year 2021."

SCAN_TITLE = "Harbour Road Reading Room"
SCAN_PARAS = [
    "Notice to members: from the first of March the reading room will open "
    "at nine in the morning on weekdays and close at six in the evening. On "
    "Saturdays it will open at ten and close at four.",
    "The local history shelves have been moved to the back room, next to the "
    "map cabinet. Members who wish to consult the parish registers should "
    "ask at the desk, as these volumes are now kept in a locked case.",
    "Please return borrowed books within three weeks. A small fine of twenty "
    "pence per week is charged on late returns, and the money is spent on "
    "new titles for the children's corner.",
]

IMAGE_ONLY_PAGES = [
    ("Greenfield Allotment Association", [
        "Minutes of the spring meeting, held in the village hall. Eleven "
        "members were present and the chair opened the meeting at half past "
        "seven.",
        "The treasurer reported that rents for the coming year had been paid "
        "on all but two plots. The association now holds enough money to "
        "replace the broken gate on the north side and to buy a second "
        "water butt for the upper terrace.",
        "Members discussed the waiting list, which has grown to fourteen names. "
        "It was agreed that the three largest plots may be divided in half "
        "when their current holders give them up, so that more people can be "
        "offered a place sooner.",
        "The secretary reminded everyone that bonfires are allowed only on "
        "the first Sunday of each month, and only after four in the afternoon.",
    ]),
    ("Minutes, continued", [
        "Under any other business, a member raised the problem of rabbits "
        "entering the lower plots through a gap beneath the hedge. Two "
        "volunteers offered to lay wire mesh along the bottom of the hedge "
        "before the end of April.",
        "The seed swap will take place on the second Saturday in May. Members "
        "are asked to label their packets with the variety and the year in "
        "which the seed was saved.",
        "The date of the summer show was fixed for the last weekend in August. "
        "Classes will include the heaviest marrow, the longest runner bean "
        "and the best jar of plum jam.",
        "There being no further business, the meeting closed at nine o'clock. "
        "The next meeting will be held in June.",
    ]),
]

PHOTO_ALT = ("A landscape on a sunny day: a blue sky with a few wispy white clouds "
             "and a bright sun in the upper right, a long range of hazy blue-grey "
             "mountains across the middle, a green hill dotted with small dark "
             "conifer trees below them, and a meadow of tall green grass filling "
             "the foreground.")

# ---------------------------------------------------------------------------
# Born-digital PDFs
# ---------------------------------------------------------------------------

A4 = (595.0, 842.0)
LETTER = (612.0, 792.0)


def make_born_digital(path):
    w, h = A4
    flow = Flow(72, h - 72, w - 144)
    flow.heading(BORN_DIGITAL_TITLE, "F2", 18, 22, 12)
    for p in BORN_DIGITAL_PARAS:
        flow.para(p, "F3", 11, 14.5, 8)
    return text_page_pdf(path, w, h, flow.content(), ["F2", "F3"], BORN_DIGITAL_TITLE)


def make_two_column(path):
    w, h = LETTER
    margin, gutter = 54, 28
    col_w = (w - 2 * margin - gutter) / 2
    ops = []
    ops.append(text_op("F2", 22, margin, h - 80, TWO_COLUMN_TITLE))
    ops.append(text_op("F5", 12, margin, h - 100, TWO_COLUMN_SUBTITLE))
    ops.append("0.6 w %s %s m %s %s l S\n" % (fmt(margin), fmt(h - 112), fmt(w - margin),
                                             fmt(h - 112)))
    top = h - 122
    for x, sections in ((margin, TWO_COLUMN_LEFT), (margin + col_w + gutter, TWO_COLUMN_RIGHT)):
        flow = Flow(x, top, col_w)
        for head, paras in sections:
            flow.heading(head, "F2", 12, 16, 4)
            for p in paras:
                flow.para(p, "F3", 10.5, 13.5, 6)
        ops.append(flow.content())
    return text_page_pdf(path, w, h, "".join(ops), ["F2", "F3", "F5"], TWO_COLUMN_TITLE)


def make_ruled_table(path):
    w, h = LETTER
    x0 = 72
    flow = Flow(x0, h - 72, w - 144)
    flow.heading(TABLE_TITLE, "F2", 16, 20, 8)
    flow.para(TABLE_INTRO, "F3", 11, 14.5, 14)
    col_w = [140, 140, 170]
    row_h = 24
    rows = [TABLE_HEADER] + TABLE_ROWS
    top = flow.y
    bottom = top - row_h * len(rows)
    right = x0 + sum(col_w)
    ops = [flow.content()]
    # Header background, then the grid: every cell is closed on all four sides.
    ops.append("0.88 g %s %s %s %s re f 0 g\n" % (fmt(x0), fmt(top - row_h), fmt(sum(col_w)),
                                                  fmt(row_h)))
    ops.append("0.8 w\n")
    for i in range(len(rows) + 1):
        y = top - i * row_h
        ops.append("%s %s m %s %s l S\n" % (fmt(x0), fmt(y), fmt(right), fmt(y)))
    x = x0
    for cw in [0] + col_w:
        x += cw
        ops.append("%s %s m %s %s l S\n" % (fmt(x), fmt(top), fmt(x), fmt(bottom)))
    for r, row in enumerate(rows):
        base = top - (r + 1) * row_h + 8
        font = "F2" if r == 0 else "F1"
        cx = x0
        for c, cell in enumerate(row):
            if c == 2 and r > 0:  # numbers right-aligned (digits and '.' have fixed widths)
                tw = sum(556 if ch.isdigit() else 278 for ch in cell) * 11 / 1000.0
                tx = cx + col_w[c] - 8 - tw
            else:
                tx = cx + 8
            ops.append(text_op(font, 11, tx, base, cell))
            cx += col_w[c]
    ops.append(text_op("F3", 10, x0, bottom - 22, TABLE_NOTE))
    return text_page_pdf(path, w, h, "".join(ops), ["F1", "F2", "F3"], TABLE_TITLE)


# ---------------------------------------------------------------------------
# Raster helpers (PGM read, PNG write, rotation, noise)
# ---------------------------------------------------------------------------


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def render(pdf, out_prefix, dpi, gray=True, extra=()):
    """Render every page of `pdf` with pdftoppm; returns the list of output files."""
    cmd = ["pdftoppm", "-r", str(dpi)] + (["-gray"] if gray else []) + list(extra)
    run(cmd + [pdf, out_prefix])
    d, base = os.path.split(out_prefix)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.startswith(base + "-"))


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    # P5\n<w> <h>\n<maxval>\n<bytes>
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P5" or fields[3] != b"255":
        raise ValueError("unexpected PGM header in %s" % path)
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos:pos + w * h]


def png_filter_rows(w, h, pix, bpp=1):
    """Apply PNG row filters (choosing per row by the min-sum-of-abs heuristic)."""
    out = bytearray()
    stride = w * bpp
    prev = bytes(stride)
    for y in range(h):
        row = pix[y * stride:(y + 1) * stride]
        cands = []
        # 0 None, 1 Sub, 2 Up
        cands.append((0, bytes(row)))
        sub = bytes((row[i] - (row[i - bpp] if i >= bpp else 0)) & 255 for i in range(stride))
        cands.append((1, sub))
        up = bytes((row[i] - prev[i]) & 255 for i in range(stride))
        cands.append((2, up))
        best = min(cands, key=lambda c: sum(b if b < 128 else 256 - b for b in c[1]))
        out.append(best[0])
        out += best[1]
        prev = row
    return bytes(out)


def write_png_gray(path, w, h, pix, dpi):
    def chunk(tag, body):
        return (struct.pack(">I", len(body)) + tag + body
                + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF))
    ppm = int(round(dpi / 0.0254))
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    data += chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    data += chunk(b"IDAT", zlib.compress(png_filter_rows(w, h, pix), 9))
    data += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def rotate_gray(w, h, pix, degrees, fill=255):
    """Rotate about the centre with bilinear sampling; output has the same size."""
    a = math.radians(degrees)
    ca, sa = math.cos(a), math.sin(a)
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    out = bytearray(w * h)
    for y in range(h):
        dy = y - cy
        # source = R(-a) * (dest - c) + c
        sx0 = -dy * sa + cx
        sy0 = dy * ca + cy
        base = y * w
        for x in range(w):
            dx = x - cx
            sx = dx * ca + sx0
            sy = dx * sa + sy0
            ix, iy = int(math.floor(sx)), int(math.floor(sy))
            if ix < 0 or iy < 0 or ix >= w - 1 or iy >= h - 1:
                out[base + x] = fill
                continue
            fx, fy = sx - ix, sy - iy
            i = iy * w + ix
            p00, p01 = pix[i], pix[i + 1]
            p10, p11 = pix[i + w], pix[i + w + 1]
            top = p00 + (p01 - p00) * fx
            bot = p10 + (p11 - p10) * fx
            out[base + x] = int(top + (bot - top) * fy + 0.5)
    return out


# ---------------------------------------------------------------------------
# Scanned page
# ---------------------------------------------------------------------------

SCAN_WIDTH = 298.0  # A6 width in points; the height is cut to fit the text


def scan_layout(height):
    flow = Flow(26, height - 30, SCAN_WIDTH - 52)
    flow.heading(SCAN_TITLE, "F4", 13, 16, 6)
    for p in SCAN_PARAS:
        flow.para(p, "F3", 10, 13, 6)
    return flow


def make_scanned_page(png_path, gt_path, tmp):
    # Lay out once to measure, then make the page just tall enough (a "half page"
    # keeps the PNG small: every pixel of a noisy scan costs bytes).
    probe = scan_layout(1000.0)
    h = float(math.ceil(1000.0 - probe.y + 34))
    flow = scan_layout(h)
    w = SCAN_WIDTH
    pdf = os.path.join(tmp, "scan_src.pdf")
    text_page_pdf(pdf, w, h, flow.content(), ["F3", "F4"])
    (pgm,) = render(pdf, os.path.join(tmp, "scan"), 300)
    pw, ph, pix = read_pgm(pgm)
    pix = rotate_gray(pw, ph, pix, 0.7)
    rng = random.Random(20240521)
    # Paper grain: gaussian noise on 3x3-pixel cells (per-pixel noise would make
    # the PNG several times larger without looking much different).
    cell = 3
    gw = pw // cell + 1
    grain = [rng.gauss(0.0, 3.0) for _ in range(gw * (ph // cell + 1))]
    out = bytearray(pw * ph)
    ink = 38.0
    for y in range(ph):
        # slightly uneven, off-white paper: darker towards the bottom-right
        row_paper = 243.0 - 5.0 * y / ph
        base = y * pw
        grow = (y // cell) * gw
        for x in range(pw):
            paper = row_paper - 4.0 * x / pw
            a = pix[base + x] / 255.0
            v = ink + (paper - ink) * a + grain[grow + x // cell]
            out[base + x] = 0 if v < 0 else 255 if v > 255 else int(v + 0.5)
    # a scanner-lid shadow along the left edge and a few specks of dust
    for y in range(ph):
        for x in range(10):
            i = y * pw + x
            out[i] = int(out[i] * (0.80 + 0.02 * x))
    for _ in range(30):
        sx, sy = rng.randrange(pw), rng.randrange(ph)
        r = rng.choice((1, 1, 2))
        val = rng.randrange(60, 140)
        for yy in range(max(0, sy - r), min(ph, sy + r + 1)):
            for xx in range(max(0, sx - r), min(pw, sx + r + 1)):
                if (xx - sx) ** 2 + (yy - sy) ** 2 <= r * r:
                    out[yy * pw + xx] = val
    write_png_gray(png_path, pw, ph, bytes(out), 300)
    with open(gt_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(flow.lines) + "\n")


# ---------------------------------------------------------------------------
# Image-only PDF
# ---------------------------------------------------------------------------

A5 = (420.0, 595.0)


def make_image_only(path, tmp, dpi=200):
    w, h = A5
    images = []
    for i, (head, paras) in enumerate(IMAGE_ONLY_PAGES):
        flow = Flow(50, h - 56, w - 100)
        flow.heading(head, "F4", 15, 19, 8)
        for p in paras:
            flow.para(p, "F3", 11, 14.5, 7)
        pdf = os.path.join(tmp, "imgonly_src%d.pdf" % i)
        text_page_pdf(pdf, w, h, flow.content(), ["F3", "F4"])
        (pgm,) = render(pdf, os.path.join(tmp, "imgonly%d" % i), dpi)
        images.append(read_pgm(pgm))
    objs = []
    page_nums = []
    n = 0
    for iw, ih, pix in images:
        img_num, content_num, page_num = n + 1, n + 2, n + 3
        n += 3
        filtered = png_filter_rows(iw, ih, pix)
        objs.append((img_num, stream_obj(
            "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            "/BitsPerComponent 8 /DecodeParms << /Predictor 15 /Colors 1 "
            "/BitsPerComponent 8 /Columns %d >>" % (iw, ih, iw), filtered)))
        content = "q %s 0 0 %s 0 0 cm /Im1 Do Q\n" % (fmt(w), fmt(h))
        objs.append((content_num, stream_obj("", content.encode("ascii"))))
        page_nums.append((page_num, img_num, content_num))
    pages_num, cat_num = n + 1, n + 2
    for page_num, img_num, content_num in page_nums:
        objs.append((page_num,
                     "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] "
                     "/Resources << /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>"
                     % (pages_num, fmt(w), fmt(h), img_num, content_num)))
    objs.append((pages_num, "<< /Type /Pages /Kids [%s] /Count %d >>"
                 % (" ".join("%d 0 R" % p for p, _, _ in page_nums), len(page_nums))))
    objs.append((cat_num, "<< /Type /Catalog /Pages %d 0 R >>" % pages_num))
    return write_pdf(path, objs, cat_num)


# ---------------------------------------------------------------------------
# Photo (procedural landscape -> JPEG via pdftoppm)
# ---------------------------------------------------------------------------


class ValueNoise:
    """Smooth 2-D value noise on an integer lattice, seeded."""

    def __init__(self, seed, size=256):
        rng = random.Random(seed)
        self.size = size
        self.vals = [rng.random() for _ in range(size * size)]

    def at(self, x, y):
        s = self.size
        ix, iy = int(math.floor(x)), int(math.floor(y))
        fx, fy = x - ix, y - iy
        fx = fx * fx * (3 - 2 * fx)
        fy = fy * fy * (3 - 2 * fy)
        x0, x1 = ix % s, (ix + 1) % s
        y0, y1 = (iy % s) * s, ((iy + 1) % s) * s
        v = self.vals
        a = v[y0 + x0] + (v[y0 + x1] - v[y0 + x0]) * fx
        b = v[y1 + x0] + (v[y1 + x1] - v[y1 + x0]) * fx
        return a + (b - a) * fy

    def fbm(self, x, y, octaves=4):
        total, amp, norm = 0.0, 1.0, 0.0
        for _ in range(octaves):
            total += amp * self.at(x, y)
            norm += amp
            x, y, amp = x * 2.03 + 17.1, y * 2.03 + 5.3, amp * 0.5
        return total / norm


def mix(c1, c2, t):
    return tuple(a + (b - a) * t for a, b in zip(c1, c2))


def draw_landscape(W=480, H=320):
    noise = ValueNoise(7)
    rng = random.Random(99)
    img = [[(0.0, 0.0, 0.0)] * W for _ in range(H)]
    horizon = 0.58 * H
    sun_x, sun_y, sun_r = 0.74 * W, 0.27 * H, 17.0
    # ridge lines
    far = [horizon - 58 - 42 * noise.fbm(x / 90.0, 3.0, 5) for x in range(W)]
    mid = [horizon - 8 - 34 * noise.fbm(x / 130.0 + 40, 11.0, 4) for x in range(W)]
    near = [horizon + 38 - 26 * noise.fbm(x / 160.0 + 80, 23.0, 3) for x in range(W)]
    # conifers on the middle hills: (x, base y, height)
    trees = []
    for _ in range(38):
        tx = rng.uniform(0, W)
        ty = mid[int(tx)] + rng.uniform(4, 40)
        trees.append((tx, ty, rng.uniform(9, 20)))
    trees.sort(key=lambda t: t[1])
    for y in range(H):
        for x in range(W):
            # sky: blue at the top, warm haze at the horizon
            t = min(1.0, max(0.0, y / horizon))
            col = mix((58, 112, 186), (150, 190, 228), t ** 0.8)
            col = mix(col, (246, 214, 178), max(0.0, (t - 0.35) / 0.65) ** 1.4)
            d = math.hypot(x - sun_x, y - sun_y)
            glow = math.exp(-d / 55.0) * 0.55 + math.exp(-d / 14.0) * 0.3
            col = mix(col, (255, 244, 214), min(1.0, glow))
            if d < sun_r:
                col = mix(col, (255, 252, 236), min(1.0, (sun_r - d) / 1.5))
            # clouds: thresholded fbm, stretched horizontally, fading near horizon
            c = noise.fbm(x / 70.0 + 200, y / 22.0 + 50, 4)
            cl = max(0.0, (c - 0.58) / 0.2) * max(0.0, 1 - y / (horizon * 0.8))
            if cl > 0:
                col = mix(col, (250, 250, 252), min(0.85, cl))
            # far mountains (hazy blue-grey), lighter near their feet
            if y >= far[x]:
                depth = (y - far[x]) / 60.0
                tex = noise.fbm(x / 12.0, y / 12.0 + 300, 3) - 0.5
                col = mix((98, 118, 154), (156, 172, 198), min(1.0, depth))
                col = tuple(v + 18 * tex for v in col)
            # middle hills (green)
            if y >= mid[x]:
                depth = (y - mid[x]) / 70.0
                tex = noise.fbm(x / 8.0 + 500, y / 8.0, 4) - 0.5
                col = mix((74, 112, 64), (98, 138, 70), min(1.0, depth))
                col = tuple(v + 40 * tex for v in col)
            # foreground meadow with grass streaks
            if y >= near[x]:
                depth = (y - near[x]) / (H - near[x] + 1)
                tex = noise.fbm(x / 3.0 + 900, y / 14.0, 3) - 0.5
                col = mix((120, 160, 72), (86, 124, 50), depth)
                col = tuple(v + 55 * tex for v in col)
            img[y][x] = col
    # trees drawn over the middle hills, back to front
    for tx, ty, th in trees:
        tw = th * 0.32
        for yy in range(int(ty - th), int(ty) + 3):
            if not 0 <= yy < H:
                continue
            frac = (yy - (ty - th)) / th
            half = tw * min(1.0, frac) if yy <= ty else 1.2
            for xx in range(int(tx - half), int(tx + half) + 1):
                if 0 <= xx < W and yy < near[xx]:
                    shade = 0.75 + 0.5 * (xx - tx + half) / (2 * half + 1e-6)
                    if yy > ty:
                        base = (58, 42, 30)
                    else:
                        base = (30 * shade, 58 * shade, 36 * shade)
                    img[yy][xx] = base
    # fine grain
    data = bytearray()
    for y in range(H):
        for x in range(W):
            g = rng.gauss(0, 2.0)
            for v in img[y][x]:
                v += g
                data.append(0 if v < 0 else 255 if v > 255 else int(v + 0.5))
    return W, H, bytes(data)


def make_photo(path, tmp):
    W, H, rgb = draw_landscape()
    img = stream_obj("/Type /XObject /Subtype /Image /Width %d /Height %d "
                     "/ColorSpace /DeviceRGB /BitsPerComponent 8" % (W, H), rgb)
    content = "q %d 0 0 %d 0 0 cm /Im1 Do Q\n" % (W, H)
    objs = [
        (1, img),
        (2, stream_obj("", content.encode("ascii"))),
        (3, "<< /Type /Page /Parent 4 0 R /MediaBox [0 0 %d %d] "
            "/Resources << /XObject << /Im1 1 0 R >> >> /Contents 2 0 R >>" % (W, H)),
        (4, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (5, "<< /Type /Catalog /Pages 4 0 R >>"),
    ]
    pdf = os.path.join(tmp, "photo_src.pdf")
    write_pdf(pdf, objs, 5)
    prefix = os.path.join(tmp, "photo")
    run(["pdftoppm", "-r", "72", "-jpeg", "-jpegopt", "quality=88,optimize=y",
         "-singlefile", pdf, prefix])
    shutil.copyfile(prefix + ".jpg", path)


# ---------------------------------------------------------------------------
# Corrupt PDF
# ---------------------------------------------------------------------------


def make_corrupt(path, good_bytes):
    keep = good_bytes[: int(len(good_bytes) * 0.4)]
    garbage = bytearray()
    h = b"assay corrupt sample"
    while len(garbage) < 600:
        h = hashlib.sha256(h).digest()
        garbage += h
    with open(path, "wb") as f:
        f.write(keep + bytes(garbage[:600]))


# ---------------------------------------------------------------------------


def main(argv):
    out = os.path.abspath(argv[1]) if len(argv) > 1 else HERE
    os.makedirs(out, exist_ok=True)
    if shutil.which("pdftoppm") is None:
        sys.exit("make_samples.py: pdftoppm not found (install poppler-utils)")
    p = lambda name: os.path.join(out, name)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="assay-samples-") as tmp:
        born = make_born_digital(p("born_digital.pdf"))
        make_two_column(p("two_column.pdf"))
        make_ruled_table(p("ruled_table.pdf"))
        make_corrupt(p("corrupt.pdf"), born)
        make_scanned_page(p("scanned_page.png"), p("scanned_page.gt.txt"), tmp)
        make_image_only(p("image_only.pdf"), tmp)
        make_photo(p("photo.jpg"), tmp)
    manifest = [
        {"path": "born_digital.pdf", "tags": ["pdf", "born_digital"]},
        {"path": "two_column.pdf", "tags": ["pdf", "born_digital", "two_column"]},
        {"path": "ruled_table.pdf", "tags": ["pdf", "born_digital", "table"]},
        {"path": "scanned_page.png", "ground_truth": "scanned_page.gt.txt", "tags": ["scan"]},
        {"path": "image_only.pdf", "tags": ["pdf", "image_only"]},
        {"path": "photo.jpg", "alt_text": PHOTO_ALT, "tags": ["photo"]},
        {"path": "corrupt.pdf", "tags": ["pdf", "corrupt"]},
    ]
    with open(p("manifest.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for entry in manifest:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
