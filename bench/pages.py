#!/usr/bin/env python3
"""Page images for the benchmark, standard library only.

  pages.py png IN.pgm OUT.png DPI
      8-bit gray PGM (what `pdftoppm -gray` writes) -> 8-bit gray PNG with its resolution.
      (poppler-utils 22.12's `pdftoppm -gray -png` writes RGB PNGs, not gray ones.)
  pages.py pdf OUT.pdf PAGE.png...
      wrap 8-bit gray PNG page images into one image-only PDF (no text layer), as a scanner
      would.

The PNG's compressed pixel data (IDAT) is copied into the PDF as a
FlateDecode image with the PNG predictor, so nothing is decoded or re-encoded and the pixels
are exactly those of the PNG. Only non-interlaced 8-bit grayscale PNGs (what
`pdftoppm -gray -png` writes) are accepted. The page size follows the PNG's resolution
(pHYs chunk), 300 dpi when it has none.
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, width, height, dpi = 8, [], 0, 0, 300.0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color != 0 or interlace != 0:
                raise SystemExit(f"{path}: need a non-interlaced 8-bit gray PNG")
        elif kind == b"pHYs":
            ppu_x, _, unit = struct.unpack(">IIB", body)
            if unit == 1 and ppu_x > 0:
                dpi = ppu_x * 0.0254
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    return width, height, round(dpi), b"".join(idat)


def chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def pgm_to_png(pgm_path, png_path, dpi):
    with open(pgm_path, "rb") as f:
        data = f.read()
    # Header: P5 <ws> width <ws> height <ws> maxval <one ws> pixels (no comments from pdftoppm).
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    if fields[0] != b"P5" or int(fields[3]) != 255:
        raise SystemExit(f"{pgm_path}: need an 8-bit binary PGM")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos:pos + w * h]
    if len(pixels) != w * h:
        raise SystemExit(f"{pgm_path}: truncated")
    raw = b"".join(b"\0" + pixels[y * w:(y + 1) * w] for y in range(h))
    ppm = round(int(dpi) / 0.0254)
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
           + chunk(b"IDAT", zlib.compress(raw, 6))
           + chunk(b"IEND", b""))
    with open(png_path, "wb") as f:
        f.write(png)


def main(argv):
    if len(argv) == 5 and argv[1] == "png":
        pgm_to_png(argv[2], argv[3], argv[4])
        return
    if len(argv) < 4 or argv[1] != "pdf":
        raise SystemExit(__doc__)
    out_path, pngs = argv[2], argv[3:]
    objects = []  # object bodies; object number = index + 1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    pages_obj = add(None)
    kids = []
    for png in pngs:
        w, h, dpi, pixels = read_png(png)
        image = add(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 1 "
            b"/BitsPerComponent 8 /Columns %d >> /Length %d >>\nstream\n" % (w, h, w, len(pixels))
            + pixels + b"\nendstream")
        pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
        content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (pw, ph)
        content_obj = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page = add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.4f %.4f] "
                   b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                   % (pages_obj, pw, ph, image, content_obj))
        kids.append(page)
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Count %d /Kids [%s] >>"
                              % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    with open(out_path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main(sys.argv)
