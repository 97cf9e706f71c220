"""Images embedded in a PDF (issue 11): a page with two real photos (JPEG, embedded as they
are), one with a caption under it and one without. Each is an `images[]` entry with its page,
its box where the PDF draws it, and the caption layout paired with it (null for the other);
`layout.uncaptioned_figures` counts the one without."""
import os
import unittest

from assay_e2e import CORPORA, AssayTestCase, export, run_assay
from pdf_writer import pdf_bytes

W3C = os.path.join(CORPORA, "alttext_w3c_wai", "dev")
W, H = 612, 792
PARAGRAPH = ("The castle stands on a low hill above the river, and its walls have been "
             "rebuilt many times since the first tower was raised. Visitors reach the gate by a "
             "narrow road that climbs through the old town and its market square.")


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def jpeg_info(data):
    """(width, height, components) from a JPEG's start-of-frame marker."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = int.from_bytes(data[i + 5:i + 7], "big"), int.from_bytes(data[i + 7:i + 9], "big")
            return w, h, data[i + 9]
        i += 2 + length
    raise ValueError("no SOF")


def text_lines(x, y_top, text, size=10, width=70):
    """Content operators for `text` wrapped at `width` characters (Helvetica), top at y_top."""
    ops, line, y = [], "", y_top
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            ops.append("BT /F1 %d Tf %.2f %.2f Td (%s) Tj ET" % (size, x, H - y - size, esc(line)))
            line, y = word, y + size * 1.3
        else:
            line = (line + " " + word).strip()
    ops.append("BT /F1 %d Tf %.2f %.2f Td (%s) Tj ET" % (size, x, H - y - size, esc(line)))
    return ops, y + size * 1.3


def figure_pdf(images, captions, path):
    """One page: paragraphs, then each image (x, y_top, width, height, jpeg bytes) with its
    caption under it when `captions` has one."""
    ops, y = text_lines(72, 60, "A Short Guide to the Castle", size=16)
    more, y = text_lines(72, y + 8, PARAGRAPH)
    ops += more
    objs = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    xobjects = b""
    for i, ((x, top, w, h, data), caption) in enumerate(zip(images, captions)):
        pw, ph, comps = jpeg_info(data)
        space = b"/DeviceRGB" if comps == 3 else b"/DeviceGray"
        objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
                    b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" %
                    (pw, ph, space, len(data)) + data + b"\nendstream")
        xobjects += b"/Im%d %d 0 R " % (i, len(objs))
        ops.append("q %.2f 0 0 %.2f %.2f %.2f cm /Im%d Do Q" % (w, h, x, H - top - h, i))
        if caption:
            more, _ = text_lines(x, top + h + 6, caption, size=9, width=45)
            ops += more
    more, _ = text_lines(72, 700, PARAGRAPH)
    ops += more
    content = "\n".join(ops).encode("latin-1")
    objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    content_id = len(objs)
    page_id, pages_id, catalog_id = len(objs) + 1, len(objs) + 2, len(objs) + 3
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << /Font "
                b"<< /F1 1 0 R >> /XObject << %s>> >> /Contents %d 0 R >>" %
                (pages_id, W, H, xobjects, content_id))
    objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page_id)
    objs.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    with open(path, "wb") as f:
        f.write(pdf_bytes(objs, catalog_id))


@unittest.skipUnless(os.path.isdir(W3C), "alttext_w3c_wai corpus missing")
class PdfFigures(AssayTestCase):
    CAPTION = "Figure 1: The castle at night."

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        root = cls.temp_dir("pdf-figures")
        cls.pdf = os.path.join(root, "castle_guide.pdf")
        photos = []
        for name in ("castle-fluro.jpg", "castle-painting.jpg"):
            with open(os.path.join(W3C, name), "rb") as f:
                photos.append(f.read())
        cls.boxes = [(72, 140, 210, 202), (330, 420, 210, 158)]  # x, top, width, height
        figure_pdf([b + (d,) for b, d in zip(cls.boxes, photos)], [cls.CAPTION, None], cls.pdf)
        cls.out = os.path.join(root, "out")
        cls.result = run_assay(["run", cls.pdf, "--out", cls.out, "--json"])
        records, _ = export(cls.out)
        (cls.record,) = records

    def test_each_figure_is_an_image_entry_with_its_caption(self):
        images = sorted(self.record["images"], key=lambda im: im["bbox"][1])
        self.assertEqual(len(images), 2, self.result.describe())
        for image, (x, top, w, h) in zip(images, self.boxes):
            self.assertEqual(image["page"], 1)
            self.assertEqual(image["source"], "pdf_graphics")
            for got, want in zip(image["bbox"], (x, top, x + w, top + h)):
                self.assertAlmostEqual(got, want, delta=1.0, msg=image)
        self.assertEqual(images[0]["caption"], self.CAPTION)
        self.assertIsNone(images[1]["caption"])

    def test_the_figure_without_caption_is_counted(self):
        m = self.record["metrics"]
        self.assertEqual(m["layout.figures"], 2)
        self.assertEqual(m["layout.uncaptioned_figures"], 1)
        self.assertIn(self.CAPTION, self.record["text"])


if __name__ == "__main__":
    unittest.main()
