"""Hostile images in one batch (issue 11): zero bytes, truncated, a 60000x60000 header, 1x1,
a PNG named .jpg, 16-bit, animated, EXIF-rotated. Each has exactly one recorded outcome with
what was found or why it failed, and the batch finishes. The files are written here from
their formats' specifications (zlib for PNG, LZW for GIF, an EXIF segment spliced into the
sample JPEG), so the test needs no imaging tool. (A CMYK JPEG needs a JPEG encoder: not here;
the header fact `image.cmyk` is covered by tests/unit/image_measures_test.cpp.)"""
import json
import os
import struct
import unittest
import zlib

from assay_e2e import EXIT_DOC_ERRORS, SAMPLES, AssayTestCase, metrics, query, run_assay


def png(width, height, rows, bit_depth=8, colour_type=0):
    """A PNG of the given raw rows (bytes, filter byte added here)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) +
            chunk(b"IEND", b""))


def gif_frames(width, height, frames):
    """An animated GIF, 4-colour palette; each frame a list of palette indexes. LZW with a
    clear code every two pixels keeps every code 3 bits wide (no table to build)."""
    def lzw(pixels):
        codes = []
        for i in range(0, len(pixels), 2):
            codes += [4] + pixels[i:i + 2]
        codes.append(5)
        bits, nbits, out = 0, 0, bytearray()
        for c in codes:
            bits |= c << nbits
            nbits += 3
            while nbits >= 8:
                out.append(bits & 0xFF)
                bits >>= 8
                nbits -= 8
        if nbits:
            out.append(bits & 0xFF)
        blocks = b"".join(bytes([len(out[i:i + 255])]) + bytes(out[i:i + 255])
                          for i in range(0, len(out), 255))
        return b"\x02" + blocks + b"\x00"
    data = b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF1, 0, 0)
    data += bytes([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255])  # black, white, red, blue
    data += b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    for f in frames:
        data += b"\x21\xF9\x04\x00\x0A\x00\x00\x00"  # 0.1 s per frame
        data += b"\x2C" + struct.pack("<HHHHB", 0, 0, width, height, 0) + lzw(f)
    return data + b"\x3B"


def with_exif_orientation(jpeg, orientation):
    """`jpeg` with an APP1 EXIF segment holding only the orientation tag, after SOI/APP0."""
    tiff = b"MM\x00\x2A\x00\x00\x00\x08" + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    app1 = b"Exif\x00\x00" + tiff
    segment = b"\xFF\xE1" + struct.pack(">H", len(app1) + 2) + app1
    at = 2
    if jpeg[2:4] == b"\xFF\xE0":
        at = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:at] + segment + jpeg[at:]


class HostileImages(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inp = cls.temp_dir("hostile-in")
        with open(os.path.join(SAMPLES, "photo.jpg"), "rb") as f:
            photo = f.read()
        gradient = [bytes((x * 4) & 0xFF for x in range(64)) for _ in range(64)]
        files = {
            "zero.png": b"",
            "truncated.jpg": photo[:len(photo) // 3],
            "huge.png": png(1, 1, [b"\x00"])[:16] + struct.pack(">II", 60000, 60000) +
                        png(1, 1, [b"\x00"])[24:],
            "one_pixel.png": png(1, 1, [b"\x80"]),
            "png_named.jpg": png(64, 64, gradient),
            "sixteen_bit.png": png(96, 96, [b"".join(struct.pack(">H", (x * 700 + y * 5) & 0xFFFF)
                                                      for x in range(96)) for y in range(96)],
                                   bit_depth=16),
            "animated.gif": gif_frames(80, 80, [[(x // 10 + y // 10) % 4 for y in range(80)
                                                  for x in range(80)],
                                                 [(x // 20) % 4 for y in range(80) for x in range(80)]]),
            "rotated.jpg": with_exif_orientation(photo, 6),
        }
        for name, data in files.items():
            with open(os.path.join(cls.inp, name), "wb") as f:
                f.write(data)
        cls.names = sorted(files)
        cls.out = cls.temp_dir("hostile-out")
        cls.result = run_assay(["run", cls.inp, "--out", cls.out, "-j", "2", "--json"],
                               timeout=300)

    def doc(self, name):
        return self.doc_by_path(self.out, os.path.join(self.inp, name))

    def test_batch_finishes_with_one_outcome_each(self):
        self.assertExit(self.result, EXIT_DOC_ERRORS)
        self.assertEqual(self.result.json()["documents"], len(self.names))
        for name in self.names:
            d = self.doc(name)
            self.assertIn(d["outcome"], ("accepted", "rejected", "error"), name)
            if d["outcome"] == "error":
                self.assertTrue(d["error_message"], name)

    def test_each_outcome_says_what_was_found(self):
        expect_error = {
            "zero.png": ("ingest", "empty file (0 bytes)"),
            "huge.png": ("image_load", "60000"),
            "truncated.jpg": ("image_load", ""),
        }
        for name, (stage, words) in expect_error.items():
            with self.subTest(name=name):
                d = self.doc(name)
                self.assertEqual((d["outcome"], d["error_stage"]), ("error", stage), d)
                self.assertIn(words, d["error_message"])
        d = self.doc("one_pixel.png")
        self.assertEqual(d["outcome"], "rejected")
        self.assertEqual(metrics(self.out, d["doc_id"])["image.width"], 1)
        d = self.doc("png_named.jpg")
        self.assertNotEqual(d["outcome"], "error", d)
        self.assertEqual(d["container"], "image")
        m = metrics(self.out, self.doc("sixteen_bit.png")["doc_id"])
        self.assertEqual((m["image.bit_depth"], m["image.width"]), (16, 96))
        d = self.doc("animated.gif")
        m = metrics(self.out, d["doc_id"])
        self.assertEqual((m["image.frames"], m["image.width"]), (2, 80))
        note = query(self.out, "SELECT note FROM transformations WHERE doc_id=? AND "
                               "stage='image_checks'", (d["doc_id"],))[0]["note"]
        self.assertEqual(note, "animated: first of 2 frames measured")
        m = metrics(self.out, self.doc("rotated.jpg")["doc_id"])
        self.assertEqual(m["image.exif_orientation"], 6)


if __name__ == "__main__":
    unittest.main()
