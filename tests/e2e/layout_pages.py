#!/usr/bin/env python3
"""Generated born-digital pages with known layout, for the layout tests and benchmarks.

Writes PDFs by hand (PDF 1.4, the standard Courier fonts, whose glyphs are all 0.6 em wide,
so line breaking is exact without font metrics) with 1, 2 and 3 columns, a title and headings
of levels 1-3 spanning the columns or inside them, paragraphs, lists, figures (an embedded
image or a vector drawing) with captions, a boxed sidebar, footnotes, a running head and page
numbers. For each document DOC.pdf it writes beside it:

  DOC.gt.txt       the body text in reading order (no running heads, no page numbers),
                   pages separated by a blank line; headings as plain lines
  DOC.layout.json  {"pages": [{"page", "width", "height", "regions": [{"category", "type",
                   "level"?, "bbox_xywh", "order"}]}], "headings": [{"text", "level"}]}
                   with PubLayNet's categories (text, title, list, table, figure) and the
                   finer type; `order` is the region's place in reading order (figures have
                   none)

and with --scans DPI, DOC-pN.png page images rendered by pdftoppm, with DOC-pN.layout.json
(boxes in pixels) and DOC-pN.gt.txt.

  python3 layout_pages.py OUT_DIR [--scans 200]
Deterministic: the same files every run.
"""
import json
import os
import random
import subprocess
import sys
import zlib

from pdf_writer import pdf_bytes

W, H = 612.0, 792.0
MARGIN = 54.0
BODY = 10.0
WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there been one all we their has would when "
         "what will more if no out so said can who up about into them than only other time new "
         "some could these two may first then do any like my now over such our man me even most "
         "made after also did many before must through back years where much your way well down "
         "should because each just those people how too little state good very make world still "
         "own see men work long get here between both life being under never day same another "
         "know while last might us great old year off come since against go came right used take "
         "three states himself few house use during without again place american around however "
         "home small found thought went say part once general high upon school every does got "
         "united left number course war until always away something fact though water less "
         "public put think almost hand enough far took head yet government system better set "
         "told nothing night end why called did eyes find going look asked later knew point next "
         "program city business give group toward young days let room president side social "
         "given present several order national possible rather second face per among form "
         "important often things looked early white case john become large big need four within "
         "felt along children saw best church ever least power development light thing seemed "
         "family interest want members mind country area others done turned although open").split()
TITLES = ["Measuring Layout in Practice", "Notes on Reading Order", "A Study of Running Heads",
          "Columns and Their Gutters", "Figures Captions and Lists", "Footnotes Kept Last"]
SECTION = ["Introduction", "Background", "Method", "Results", "Discussion", "Related Work",
           "Data Collection", "Evaluation", "Limitations", "Conclusion", "Further Work",
           "Design Choices", "Error Analysis", "Ablation", "Setup", "Findings"]


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class Doc:
    def __init__(self, name, seed):
        self.name = name
        self.rng = random.Random(seed)
        self.pages = []  # each: {"ops": [...], "regions": [...], "images": [...]}
        self.headings = []
        self.order = 0

    # --- text helpers -------------------------------------------------------------------
    def sentence(self, n):
        words = [self.rng.choice(WORDS) for _ in range(n)]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraph_text(self, sentences):
        return " ".join(self.sentence(self.rng.randint(6, 14)) for _ in range(sentences))

    @staticmethod
    def wrap(text, width, size, indent=0.0):
        per_line = max(8, int((width - indent) / (0.6 * size)))
        lines, cur = [], ""
        for w in text.split():
            if cur and len(cur) + 1 + len(w) > per_line:
                lines.append(cur)
                cur = w
            else:
                cur = (cur + " " + w) if cur else w
        if cur:
            lines.append(cur)
        return lines

    # --- page building --------------------------------------------------------------------
    def new_page(self, head=True):
        page = {"ops": [], "regions": [], "images": [], "gt": []}
        self.pages.append(page)
        n = len(self.pages)
        if head:
            self.text(page, MARGIN, 36, "The Generated Journal of Layout, vol. 7", 8, False)
            self.text(page, W - MARGIN - 0.6 * 8 * len("Layout test %d" % 1), 36,
                      "Layout test %d" % 1, 8, False)
            self.text(page, W / 2 - 6, H - 30, str(n), 9, False)
        return page

    @staticmethod
    def text(page, x, y_top, s, size, bold):
        # y_top: top of the line box, origin top-left; baseline at top + 0.8 size.
        font = "/F2" if bold else "/F1"
        base = H - (y_top + 0.8 * size)
        page["ops"].append("BT %s %.2f Tf %.2f %.2f Td (%s) Tj ET" % (font, size, x, base, esc(s)))

    def region(self, page, category, typ, x0, y0, x1, y1, text=None, level=None, ordered=True):
        r = {"category": category, "type": typ, "bbox_xywh": [round(x0, 2), round(y0, 2),
                                                             round(x1 - x0, 2), round(y1 - y0, 2)]}
        if level:
            r["level"] = level
        if ordered:
            r["order"] = self.order
            self.order += 1
        if text is not None:
            r["text"] = text
            page["gt"].append(text)
        page["regions"].append(r)

    def block(self, page, x, y, width, text, size=BODY, bold=False, category="text",
              typ="paragraph", level=None, lead=1.2):
        lines = self.wrap(text, width, size)
        for i, line in enumerate(lines):
            self.text(page, x, y + i * size * lead, line, size, bold)
        y1 = y + (len(lines) - 1) * size * lead + size
        longest = max(len(l) for l in lines) * 0.6 * size
        self.region(page, category, typ, x, y, x + longest, y1, "\n".join(lines), level)
        return y1

    def heading(self, page, x, y, width, text, level):
        size = {1: 16.0, 2: 13.0, 3: 11.0}[level]
        self.headings.append({"text": text, "level": level})
        return self.block(page, x, y, width, text, size, True, "title", "heading", level)

    def list_block(self, page, x, y, width, items, numbered):
        lines_out = []
        yy = y
        for i, item in enumerate(items):
            marker = ("%d. " % (i + 1)) if numbered else "- "
            lines = self.wrap(marker + item, width, BODY)
            for line in lines:
                self.text(page, x, yy, line, BODY, False)
                lines_out.append(line)
                yy += BODY * 1.2
        longest = max(len(l) for l in lines_out) * 0.6 * BODY
        self.region(page, "list", "list", x, y, x + longest, yy - 0.2 * BODY, "\n".join(lines_out))
        return yy - 0.2 * BODY

    def figure(self, page, x, y, width, height, kind, number):
        if kind == "image":
            page["images"].append((x, y, width, height))
        else:  # a vector bar chart: axes and bars
            ops = page["ops"]
            ops.append("0.2 w %.2f %.2f m %.2f %.2f l %.2f %.2f l S" %
                       (x, H - y, x, H - (y + height), x + width, H - (y + height)))
            bars = 8
            for i in range(bars):
                bh = height * (0.2 + 0.7 * self.rng.random())
                bx = x + 6 + i * (width - 12) / bars
                ops.append("0.5 g %.2f %.2f %.2f %.2f re f 0 g" %
                           (bx, H - (y + height), (width - 12) / bars * 0.7, bh))
        self.region(page, "figure", "figure", x, y, x + width, y + height, ordered=False)
        cap = "Figure %d: %s" % (number, self.sentence(8))
        return self.block(page, x, y + height + 6, width, cap, 9.0, False, "text", "caption")

    def footnote(self, page, x, width, text):
        lines = self.wrap(text, width, 8)
        y = H - 60 - len(lines) * 8 * 1.2
        page["ops"].append("0.5 w %.2f %.2f m %.2f %.2f l S" % (x, H - (y - 4), x + 120, H - (y - 4)))
        return self.block(page, x, y, width, text, 8.0, False, "text", "footnote")

    def sidebar(self, page, x, y, width, text):
        y1 = self.block(page, x + 6, y + 6, width - 12, text, 9.0)
        page["ops"].append("0.8 w %.2f %.2f %.2f %.2f re S" % (x, H - (y1 + 6), width, y1 - y + 12))
        return y1 + 6

    # --- output ---------------------------------------------------------------------------
    def write(self, out_dir):
        objs = []

        def add(body):
            objs.append(body)
            return len(objs)

        font1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")
        font2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold >>")
        pages_id = len(objs) + 1
        objs.append(None)
        kids = []
        for page in self.pages:
            xobjs = {}
            ops = list(page["ops"])
            for i, (x, y, w, h) in enumerate(page["images"]):
                gw, gh = 64, 48
                pix = bytes(((xx * 4 + yy * 3 + (xx * yy) % 17) % 256)
                            for yy in range(gh) for xx in range(gw))
                data = zlib.compress(pix)
                img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                          b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                          b"/Length %d >>\nstream\n" % (gw, gh, len(data)) + data +
                          b"\nendstream")
                xobjs["Im%d" % i] = img
                ops.append("q %.2f 0 0 %.2f %.2f %.2f cm /Im%d Do Q" % (w, h, x, H - (y + h), i))
            content = "\n".join(ops).encode("latin-1")
            cid = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
            xo = b"".join(b"/%s %d 0 R " % (k.encode(), v) for k, v in xobjs.items())
            res = b"<< /Font << /F1 %d 0 R /F2 %d 0 R >> /XObject << %s>> >>" % (font1, font2, xo)
            kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                            b"/Resources %s /Contents %d 0 R >>" % (pages_id, res, cid)))
        objs[pages_id - 1] = (b"<< /Type /Pages /Kids [%s] /Count %d >>" %
                              (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
        catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
        out = pdf_bytes(objs, catalog, binary_marker=True)
        with open(os.path.join(out_dir, self.name + ".pdf"), "wb") as f:
            f.write(out)
        gt_pages = ["\n\n".join(p["gt"]) for p in self.pages]
        with open(os.path.join(out_dir, self.name + ".gt.txt"), "w") as f:
            f.write("\n\n".join(gt_pages) + "\n")
        layout = {"unit": "pt", "pages": [
            {"page": i + 1, "width": W, "height": H, "regions": p["regions"]}
            for i, p in enumerate(self.pages)], "headings": self.headings}
        with open(os.path.join(out_dir, self.name + ".layout.json"), "w") as f:
            json.dump(layout, f, indent=1)


def columns_page(doc, page, columns, y, sections, fig_kind=None, list_in=None, numbered=False):
    """Fills `page` from y down with `columns` columns of sections; returns nothing."""
    gutter = 18.0
    width = (W - 2 * MARGIN - (columns - 1) * gutter) / columns
    bottom = H - 120
    col = 0
    x = MARGIN
    fig_number = 1 + sum(1 for p in doc.pages[:-1] for r in p["regions"] if r["type"] == "figure")
    for s, (title, level) in enumerate(sections):
        needed = 16 * 1.2 + 4 * BODY * 1.2
        if y + needed > bottom:
            col += 1
            if col >= columns:
                return
            x = MARGIN + col * (width + gutter)
            y = page["col_top"]
        y = doc.heading(page, x, y, width, title, level) + 6
        paras = 2 if columns > 1 else 1
        for _ in range(paras):
            text = doc.paragraph_text(doc.rng.randint(2, 4))
            lines = len(Doc.wrap(text, width, BODY))
            if y + lines * BODY * 1.2 > bottom:
                col += 1
                if col >= columns:
                    return
                x = MARGIN + col * (width + gutter)
                y = page["col_top"]
            y = doc.block(page, x, y, width, text) + 8
        if list_in == s and y + 5 * BODY * 1.2 < bottom:
            items = [doc.sentence(doc.rng.randint(4, 9)) for _ in range(3)]
            y = doc.list_block(page, x, y, width, items, numbered) + 8
        if fig_kind and s == 0 and y + 120 < bottom:
            y = doc.figure(page, x, y, min(width, 220), 90, fig_kind, fig_number) + 10
            fig_number += 1


def make_documents(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    names = []
    specs = [
        # name, columns, figure kind, list section, numbered, footnote, sidebar
        ("gen-1col", 1, "image", 1, False, True, False),
        ("gen-2col", 2, "vector", 2, True, True, False),
        ("gen-3col", 3, None, 1, False, False, False),
        ("gen-2col-sidebar", 2, "image", None, False, True, True),
    ]
    for i, (name, columns, fig, list_in, numbered, foot, side) in enumerate(specs):
        doc = Doc(name, 1000 + i)
        for pn in range(2):
            page = doc.new_page()
            y = 60.0
            if pn == 0:
                title = TITLES[i]
                lines = Doc.wrap(title, W - 2 * MARGIN, 22)
                tw = max(len(l) for l in lines) * 0.6 * 22
                tx = (W - tw) / 2
                for k, line in enumerate(lines):
                    Doc.text(page, tx, y + k * 22 * 1.2, line, 22, True)
                y1 = y + (len(lines) - 1) * 22 * 1.2 + 22
                doc.region(page, "title", "title", tx, y, tx + tw, y1, "\n".join(lines))
                doc.headings.append({"text": title, "level": 0})
                y = y1 + 14
                # A spanning abstract, one column wide across the page.
                y = doc.block(page, MARGIN, y, W - 2 * MARGIN, doc.paragraph_text(3)) + 12
            else:
                # A spanning level-1 heading across the columns.
                y = doc.heading(page, MARGIN, y, W - 2 * MARGIN, "%d Part %s" % (
                    pn + 1, SECTION[(i + 7) % len(SECTION)]), 1) + 8
            page["col_top"] = y
            rng = doc.rng
            sections = []
            for s in range(6):
                level = 2 if s % 3 == 0 else 3
                sections.append(("%d.%d %s" % (pn + 1, s + 1, SECTION[rng.randrange(len(SECTION))])
                                 if level == 2 else SECTION[rng.randrange(len(SECTION))], level))
            if side:
                main_w = (W - 2 * MARGIN) * 0.62
                side_x = MARGIN + main_w + 24
                save_order = doc.order
                # Main column first in reading order, then the sidebar.
                global_w = W
                cols_page_width = main_w
                y_main = y
                for s, (title, level) in enumerate(sections[:3]):
                    y_main = doc.heading(page, MARGIN, y_main, main_w, title, level) + 6
                    y_main = doc.block(page, MARGIN, y_main, main_w, doc.paragraph_text(3)) + 8
                    if s == 0 and fig:
                        y_main = doc.figure(page, MARGIN, y_main, 200, 80, fig, pn + 1) + 10
                doc.sidebar(page, side_x, y, W - MARGIN - side_x, "Sidebar. " + doc.paragraph_text(5))
                del save_order, global_w, cols_page_width
            else:
                columns_page(doc, page, columns, y, sections, fig if pn == 0 else None,
                             list_in, numbered)
            if foot:
                doc.footnote(page, MARGIN, W - 2 * MARGIN, "1 " + doc.sentence(14))
        doc.write(out_dir)
        names.append(name)
    return names


def make_scans(out_dir, names, dpi):
    """Renders each page to DOC-pN.png and writes its ground truth in pixels."""
    scale = dpi / 72.0
    for name in names:
        layout = json.load(open(os.path.join(out_dir, name + ".layout.json")))
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png",
                        os.path.join(out_dir, name + ".pdf"), os.path.join(out_dir, name + "-p")],
                       check=True)
        for p in layout["pages"]:
            n = p["page"]
            src = None
            for cand in ("%s-p-%d.png" % (name, n), "%s-p-%02d.png" % (name, n)):
                if os.path.exists(os.path.join(out_dir, cand)):
                    src = cand
            stem = "%s-p%d" % (name, n)
            os.replace(os.path.join(out_dir, src), os.path.join(out_dir, stem + ".png"))
            regions = []
            for r in p["regions"]:
                r = dict(r)
                r["bbox_xywh"] = [round(v * scale, 2) for v in r["bbox_xywh"]]
                regions.append(r)
            page_headings = [r["text"] for r in p["regions"] if r["category"] == "title"]
            heads = [h for h in layout["headings"] if h["text"] in page_headings]
            json.dump({"unit": "px", "pages": [{"page": 1, "width": p["width"] * scale,
                                                "height": p["height"] * scale,
                                                "regions": regions}], "headings": heads},
                      open(os.path.join(out_dir, stem + ".layout.json"), "w"), indent=1)
            texts = [r["text"] for r in sorted((r for r in p["regions"] if "order" in r),
                                               key=lambda r: r["order"])]
            open(os.path.join(out_dir, stem + ".gt.txt"), "w").write("\n\n".join(texts) + "\n")


def main():
    out_dir = sys.argv[1]
    names = make_documents(out_dir)
    if "--scans" in sys.argv:
        make_scans(out_dir, names, int(sys.argv[sys.argv.index("--scans") + 1]))


if __name__ == "__main__":
    main()
