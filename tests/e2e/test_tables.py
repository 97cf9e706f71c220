"""The tables stage end to end: generated PDFs with a ruled table (with a spanning header
cell) and an unruled one whose cells are known, exported as tables[], CSV and Markdown; and
bad input (thousands of cells, a page of only rules) with a bounded time and a recorded
outcome; the same page as an image, read through OCR and rules found in its pixels."""
import csv
import io
import json
import os
import shutil
import subprocess
import unittest

from assay_e2e import CORPORA, AssayTestCase, export, metrics, query, run_assay

W, H = 612.0, 792.0


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path, pages):
    """`pages`: lists of content-stream operations (strings), top-left coordinates converted
    by the helpers below. Helvetica, PDF 1.4."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", None,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for ops in pages:
        stream = "\n".join(ops).encode("latin-1")
        objs.append(f"<< /Length {len(stream)} >>\nstream\n".encode("latin-1") + stream +
                    b"\nendstream")
        content = len(objs)
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {W:g} {H:g}] "
                    f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>")
        kids.append(len(objs))
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        body = o if isinstance(o, bytes) else o.encode("latin-1")
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    with open(path, "wb") as f:
        f.write(out)


def text(x, y_top, s, size=10):
    return f"BT /F1 {size} Tf {x:g} {H - y_top - size:g} Td ({esc(s)}) Tj ET"


def hline(y, x0, x1):
    return f"{x0:g} {H - y:g} m {x1:g} {H - y:g} l S"


def vline(x, y0, y1):
    return f"{x:g} {H - y0:g} m {x:g} {H - y1:g} l S"


# The ruled table: 4 rows x 3 columns at x 72/222/342/462, rows 20 points high from y 120;
# the header's "Sales" spans the last two columns.
RULED = [["Region", "Sales", ""], ["", "2022", "2023"], ["North", "1,200", "1,350"],
         ["South", "980", "1,015"]]
# The unruled table below it: 5 rows x 3 columns, aligned by whitespace only.
ALIGNED = [["Item", "Units", "Price"], ["Bolts", "120", "0.25"], ["Nuts", "340", "0.10"],
           ["Washers", "75", "0.05"], ["Screws", "410", "0.30"]]


def ruled_and_aligned_page():
    ops = ["0.8 w", text(72, 72, "Quarterly report", 14)]
    xs, ys = [72, 222, 342, 462], [120 + 20 * i for i in range(5)]
    for y in ys:
        ops.append(hline(y, xs[0], xs[-1]))
    for x in (xs[0], xs[-1]):
        ops.append(vline(x, ys[0], ys[-1]))
    ops.append(vline(xs[1], ys[0], ys[-1]))
    ops.append(vline(xs[2], ys[1], ys[-1]))  # none in the header row: "Sales" spans
    # The header's first column: "Region" spans the two header rows (no rule between them).
    ops = [o for o in ops if o != hline(ys[1], xs[0], xs[-1])]
    ops.append(hline(ys[1], xs[1], xs[-1]))
    for r, row in enumerate(RULED):
        for c, cell in enumerate(row):
            if cell:
                ops.append(text(xs[c] + 4, ys[r] + 5, cell))
    ops.append(text(72, 240, "The parts we ordered this quarter are listed below in full."))
    for r, row in enumerate(ALIGNED):
        for c, cell in enumerate(row):
            ops.append(text([72, 200, 300][c], 280 + 16 * r, cell))
    ops.append(text(72, 400, "Prices are per unit and exclude delivery charges of any kind."))
    return ops


class TablesTest(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = cls.temp_dir("tables")
        cls.inp = os.path.join(cls.dir, "in")
        os.makedirs(cls.inp)
        write_pdf(os.path.join(cls.inp, "report.pdf"), [ruled_and_aligned_page()])
        cls.out = os.path.join(cls.dir, "out")
        cls.run_result = run_assay(["run", cls.inp, "--out", cls.out])
        cls.records, _ = export(cls.out)

    def test_ruled_and_aligned_tables_exported(self):
        self.assertIn(self.run_result.returncode, (0, 1), self.run_result.describe())
        self.assertEqual(len(self.records), 1)
        tables = self.records[0]["tables"]
        self.assertEqual(len(tables), 2, tables)
        ruled, aligned = tables
        self.assertEqual(ruled["page"], 1)
        self.assertEqual((ruled["n_rows"], ruled["n_cols"]), (4, 3))
        self.assertEqual(ruled["rows"], RULED)
        spans = {(c["row"], c["col"]): (c["rowspan"], c["colspan"]) for c in ruled["cells"]}
        self.assertEqual(spans[(0, 0)], (2, 1))  # "Region" over two header rows
        self.assertEqual(spans[(0, 1)], (1, 2))  # "Sales" over two columns
        self.assertEqual(aligned["rows"], ALIGNED)
        self.assertEqual((aligned["n_rows"], aligned["n_cols"]), (5, 3))
        # bbox: the ruled table's frame, in points from the top-left.
        self.assertAlmostEqual(ruled["bbox"][0], 72, delta=1)
        self.assertAlmostEqual(ruled["bbox"][1], 120, delta=1)
        m = metrics(self.out, self.records[0]["doc_id"])
        self.assertEqual(m["table.count"], 2)
        self.assertEqual(m["table.column_shift_suspects"], 0)
        self.assertEqual(m["table.span_conflicts"], 0)

    def test_csv_export(self):
        to = os.path.join(self.dir, "csv")
        r = run_assay(["export", "--out", self.out, "--format", "csv", "--to", to])
        self.assertExit(r, 0)
        doc = self.records[0]["doc_id"]
        self.assertEqual(sorted(os.listdir(to)), [f"{doc}.p1.t1.csv", f"{doc}.p1.t2.csv"])
        with open(os.path.join(to, f"{doc}.p1.t1.csv"), newline="") as f:
            data = f.read()
        self.assertIn("\r\n", data)
        self.assertEqual(list(csv.reader(io.StringIO(data))), RULED)
        self.assertExit(run_assay(["export", "--out", self.out, "--format", "csv"]), 2)

    def test_markdown_pipe_tables(self):
        to = os.path.join(self.dir, "md")
        self.assertExit(run_assay(["export", "--out", self.out, "--format", "markdown",
                                   "--to", to]), 0)
        md = open(os.path.join(to, self.records[0]["doc_id"] + ".md")).read()
        self.assertIn("| Region | Sales |  |\n| --- | --- | --- |\n|  | 2022 | 2023 |", md)
        self.assertIn("| Washers | 75 | 0.05 |", md)
        self.assertNotIn("```", md)
        self.assertEqual(md.count("Bolts"), 1)  # the table replaces its text, not repeats it


class TableHintsTest(AssayTestCase):
    """The manifest's `pages` and `table_areas`: only those pages and areas are searched; the
    hints are part of the document's identity (the same file listed without them is another
    document, with every table); a malformed hint is that entry's recorded error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dir = cls.temp_dir("hints")
        inp = os.path.join(cls.dir, "in")
        os.makedirs(inp)
        write_pdf(os.path.join(inp, "report.pdf"), [ruled_and_aligned_page()] * 2)
        entries = [
            {"path": "report.pdf"},
            # Page 2 only, and only the unruled table's area (rows from y 280, 16 points apart).
            {"path": "report.pdf", "pages": [2], "table_areas": [[60, 270, 520, 370]]},
            {"path": "report.pdf", "table_areas": [[300, 100, 200, 50]]},  # x1 < x0
            {"path": "report.pdf", "pages": [0]},
        ]
        with open(os.path.join(inp, "manifest.jsonl"), "w") as f:
            f.write("".join(json.dumps(e) + "\n" for e in entries))
        cls.out = os.path.join(cls.dir, "out")
        cls.run_result = run_assay(["run", inp, "--out", cls.out])
        cls.records, _ = export(cls.out)

    def test_only_the_hinted_pages_and_areas_are_searched(self):
        docs = query(self.out, "SELECT doc_id, table_hints, outcome, error_message FROM documents")
        self.assertEqual(len(docs), 4, docs)
        by_hints = {d["table_hints"]: d for d in docs if d["outcome"] != "error"}
        self.assertEqual(sorted(by_hints, key=str),
                         sorted([None, '{"pages":[2],"table_areas":[[60.0,270.0,520.0,370.0]]}'],
                                key=str))
        tables = {r["doc_id"]: r["tables"] for r in self.records}
        plain = tables[by_hints[None]["doc_id"]]
        self.assertEqual([(t["page"], t["n_rows"], t["n_cols"]) for t in plain],
                         [(1, 4, 3), (1, 5, 3), (2, 4, 3), (2, 5, 3)])
        hinted = tables[[d for h, d in by_hints.items() if h][0]["doc_id"]]
        self.assertEqual(len(hinted), 1, hinted)
        self.assertEqual(hinted[0]["page"], 2)
        self.assertEqual(hinted[0]["rows"], ALIGNED)

    def test_malformed_hints_are_recorded_errors(self):
        errors = query(self.out, "SELECT error_message FROM documents WHERE outcome='error'")
        messages = sorted(e["error_message"] for e in errors)
        self.assertEqual(len(messages), 2, messages)
        self.assertTrue(any("table_areas" in m and "x0 < x1" in m for m in messages), messages)
        self.assertTrue(any("pages" in m and "from 1" in m for m in messages), messages)


class ScannedTablesTest(AssayTestCase):
    """The same page as an image (rendered at 200 dpi): OCR words plus the rules found in the
    pixels give the same grids."""

    def run_one(self, inp, out, modality, n_tables):
        """Runs the folder `inp` of one document into `out`: its records and its tables, after
        checking its modality and how many tables it has."""
        r = run_assay(["run", inp, "--out", out])
        self.assertIn(r.returncode, (0, 1), r.describe())
        records, _ = export(out)
        self.assertEqual(records[0]["modality"], modality)
        tables = records[0]["tables"]
        self.assertEqual(len(tables), n_tables, tables)
        return records, tables

    def test_page_image_tables(self):
        d = self.temp_dir("tables_scan")
        inp = os.path.join(d, "in")
        os.makedirs(inp)
        pdf = os.path.join(d, "report.pdf")
        write_pdf(pdf, [ruled_and_aligned_page()])
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", pdf,
                        os.path.join(inp, "report")], check=True)
        out = os.path.join(d, "out")
        records, tables = self.run_one(inp, out, "page_image", 2)
        ruled, aligned = tables
        self.assertEqual(ruled["rows"], RULED)
        spans = {(c["row"], c["col"]): (c["rowspan"], c["colspan"]) for c in ruled["cells"]}
        self.assertEqual(spans[(0, 1)], (1, 2))  # "Sales" over two columns
        self.assertEqual(aligned["rows"], ALIGNED)
        # bbox in the image's pixels: the frame's top-left corner at (72, 120) points, within
        # 4 pixels of the lowest resolution preprocess may read the page at (it reduces a page
        # whose text is larger than reading needs, down to min_dpi 150): 5.3 pixels here.
        delta = 4 * 200 / 150
        self.assertAlmostEqual(ruled["bbox"][0], 72 * 200 / 72, delta=delta)
        self.assertAlmostEqual(ruled["bbox"][1], 120 * 200 / 72, delta=delta)
        m = metrics(out, records[0]["doc_id"])
        self.assertEqual(m["table.count"], 2)
        self.assertEqual(m["table.column_shift_suspects"], 0)


    def test_scanned_table_cells_the_page_reading_left_out(self):
        # ICDAR us-007 page 3 (ASSAY_CORPORA) rendered at 150 dpi and degraded as a scan with a
        # fixed seed: the page's OCR reads none of the figures set on gray cells; the tables
        # stage reads those cells on their own (stages/raster_empty_cells.h).
        import numpy
        from PIL import Image, ImageFilter
        src = os.path.join(CORPORA, "tables_icdar2013", "dev", "us-007.pdf")
        d = self.temp_dir("tables_shaded_scan")
        inp = os.path.join(d, "in")
        os.makedirs(inp)
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-f", "3", "-l", "3",
                        "-singlefile", src, os.path.join(d, "page")], check=True)
        page = Image.open(os.path.join(d, "page.png")).convert("L")
        page = page.rotate(-0.4, resample=Image.BILINEAR, fillcolor=255)
        page = page.filter(ImageFilter.GaussianBlur(0.6))
        noise = numpy.random.default_rng(7).normal(0, 10, (page.height, page.width))
        pixels = numpy.clip(numpy.asarray(page, dtype=float) + noise, 0, 255).astype(numpy.uint8)
        Image.fromarray(pixels).save(os.path.join(d, "scan.png"))
        subprocess.run(["img2pdf", "--imgsize", "150dpi", "-o", os.path.join(inp, "us-007.pdf"),
                        os.path.join(d, "scan.png")], check=True)
        _, tables = self.run_one(inp, os.path.join(d, "out"), "pdf_scan", 1)
        by_label = {row[0]: row[1:] for row in tables[0]["rows"] if row}
        # The truth's gray cells of the "Age 3" column (tables_icdar2013/dev/us-007.page-3).
        for label, figure in [("Emergent Literacy Scale (parent report)", "0.35"),
                              ("Letter Naming", "0.24"),
                              ("Receptive Vocabulary (PPVT)", "0.18")]:
            self.assertIn(label, by_label, tables[0]["rows"])
            self.assertEqual(by_label[label][0], figure, (label, by_label[label]))


class TablesBadInputTest(AssayTestCase):
    def test_thousands_of_cells_and_a_page_of_rules(self):
        d = self.temp_dir("tables_bad")
        inp = os.path.join(d, "in")
        os.makedirs(inp)
        # 60 x 40 = 2400 ruled cells, each with a number.
        ops = ["0.3 w", text(20, 20, "A very large grid of numbers follows on this page.")]
        xs = [20 + 14 * i for i in range(41)]
        ys = [50 + 12 * i for i in range(61)]
        for y in ys:
            ops.append(hline(y, xs[0], xs[-1]))
        for x in xs:
            ops.append(vline(x, ys[0], ys[-1]))
        for r in range(60):
            for c in range(40):
                ops.append(text(xs[c] + 2, ys[r] + 2, str((r * 40 + c) % 97), 6))
        # A page of only rules (and one line of text, so it has a text layer).
        rules = [text(72, 40, "This page holds rules and nothing else in them at all.")]
        for i in range(200):
            rules.append(hline(80 + 3 * i, 72, 540))
            rules.append(vline(72 + 2.3 * i, 80, 680))
        write_pdf(os.path.join(inp, "big.pdf"), [ops, rules])
        out = os.path.join(d, "out")
        r = run_assay(["run", inp, "--out", out], timeout=120)
        self.assertIn(r.returncode, (0, 1), r.describe())
        self.assertLess(r.seconds, 90, "tables on a 2400-cell page took too long")
        records, _ = export(out)
        self.assertIn(records[0]["outcome"], ("accepted", "rejected"))
        tables = records[0]["tables"]
        big = [t for t in tables if t["page"] == 1]
        self.assertEqual(len(big), 1)
        self.assertEqual((big[0]["n_rows"], big[0]["n_cols"]), (60, 40))
        self.assertEqual(big[0]["rows"][59][39], str((59 * 40 + 39) % 97))
        self.assertEqual([t for t in tables if t["page"] == 2], [])  # rules without text

    def test_table_spanning_pages_and_a_rotated_table(self):
        d = self.temp_dir("tables_span")
        inp = os.path.join(d, "in")
        os.makedirs(inp)
        # One ruled table of 50 rows, 30 on page 1 and 20 on page 2 (a continued table),
        # then a page whose table is set sideways (text and rules turned 90 degrees).
        def ruled(first, count):
            ops = ["0.5 w"]
            ys = [72 + 18 * i for i in range(count + 1)]
            for y in ys:
                ops.append(hline(y, 72, 372))
            for x in (72, 222, 372):
                ops.append(vline(x, ys[0], ys[-1]))
            for i in range(count):
                ops.append(text(76, ys[i] + 4, f"Item {first + i}"))
                ops.append(text(226, ys[i] + 4, f"{(first + i) * 7}.5"))
            return ops
        sideways = ["0.5 w"]
        for i in range(6):  # rules turned: the table's rows run down the page as columns
            sideways.append(vline(100 + 30 * i, 100, 400))
        for x in (100, 250, 400):
            sideways.append(hline(x, 100, 250))
        for i in range(5):
            for j, s in enumerate([f"Row {i}", f"{i * 3}.0"]):
                x, y = 100 + 30 * i + 20, 100 + 150 * j + 10
                sideways.append(f"BT /F1 10 Tf 0 1 -1 0 {x:g} {H - y - 100:g} Tm ({s}) Tj ET")
        write_pdf(os.path.join(inp, "long.pdf"), [ruled(1, 30), ruled(31, 20), sideways])
        out = os.path.join(d, "out")
        r = run_assay(["run", inp, "--out", out], timeout=120)
        self.assertIn(r.returncode, (0, 1), r.describe())
        records, _ = export(out)
        self.assertIn(records[0]["outcome"], ("accepted", "rejected"))
        tables = records[0]["tables"]
        # A table continued on the next page is one table per page (not joined yet).
        by_page = {p: [t for t in tables if t["page"] == p] for p in (1, 2, 3)}
        self.assertEqual([len(by_page[1]), len(by_page[2])], [1, 1], tables)
        self.assertEqual(by_page[1][0]["n_rows"] + by_page[2][0]["n_rows"], 50)
        self.assertEqual(by_page[2][0]["rows"][0], ["Item 31", "217.5"])
        # The sideways table (its text reads up the page) is built in its text's frame: five
        # rows of two cells, as the text reads, not the page's transposed 2 x 5 grid. Read up
        # the page, a row starts at the bottom: the figures (lower) come before the labels.
        self.assertEqual([(t["n_rows"], t["n_cols"]) for t in by_page[3]], [(5, 2)], by_page[3])
        self.assertEqual(by_page[3][0]["rows"], [[f"{i * 3}.0", f"Row {i}"] for i in range(5)])
        m = metrics(out, records[0]["doc_id"])
        self.assertGreaterEqual(m["table.count"], 2)


    def test_right_to_left_text_reads_in_logical_order(self):
        # Tabula's Hebrew table (ASSAY_CORPORA): a PDF draws right-to-left script left to right;
        # the text layer, the text export and the cells read in logical order.
        pdf = os.path.join(CORPORA, "tables_tabula", "dev", "indictb1h_14.pdf")
        if not os.path.exists(pdf):
            self.skipTest(f"no corpus file {pdf}")
        d = self.temp_dir("tables_rtl")
        inp = os.path.join(d, "in")
        os.makedirs(inp)
        shutil.copy(pdf, inp)
        out = os.path.join(d, "out")
        r = run_assay(["run", inp, "--out", out], timeout=300)
        self.assertIn(r.returncode, (0, 1), r.describe())
        records, _ = export(out)
        text = records[0]["text"]
        self.assertIn("ההשקעה בנכסים קבועים", text)
        self.assertNotIn("םיעובק", text)  # a word as drawn
        cells = [c for t in records[0]["tables"] for row in t["rows"] for c in row]
        self.assertIn("תעשייה )ללא יהלומים(", cells)  # brackets as drawn, as the truth has them
        self.assertIn("הסקטור העסקי", cells)
        self.assertIn("2.6", cells)


if __name__ == "__main__":
    unittest.main()
