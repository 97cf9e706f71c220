#!/usr/bin/python3
"""Is ocr.cer_estimate calibrated on German and French pages? (issue 8: "the estimate stays
calibrated at least for eng, deu and fra").

  languages.py ASSAY_BIN OUT_DIR [--pages 4]

Makes pages of real prose in German, French and English (control) from Debian's own message
catalogs (/usr/share/locale/<lang>/LC_MESSAGES/*.mo: translated sentences of coreutils, grep,
tar...; every sentence of 6+ words with no format codes), renders them at 300 dpi with DejaVu
Serif 11 pt (fonts-dejavu) and degrades each as make_dataset.py does (clean, Gaussian noise,
blur, JPEG, salt-and-pepper, noisy binarisation at several DPIs). The ground truth is the text
drawn. Then for each language: `assay run` with `--set ocr.lang=<model>` (the reading a user
gets who names the language), once with the default `quality.dictionary=auto` (the dictionary
of the text's language) and once with `quality.dictionary=en_US` (before: every text checked
against English; only `quality` runs again, the OCR is reused). Prints, per language and
dictionary, the agreement of the decision "CER <= 2%" taken from ocr.cer_estimate with the one
taken from the true ocr.cer, the confusion counts, the mean absolute error of the estimate and
the mean dictionary-word ratio of the clean pages. Deterministic: sorted catalogs, a fixed seed.
"""
import argparse
import gettext
import glob
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_dataset import degrade, seed_of  # noqa: E402  (the calibration set's degradations)

LANGS = {"de": "deu", "fr": "fra", "en": "eng"}
CATALOGS = ["coreutils", "grep", "tar", "findutils", "diffutils", "bash", "dpkg", "apt",
            "gettext-tools", "git", "gnupg2", "sed", "wget", "gzip", "cpio", "make"]
# (dpi, kind, level): the same kinds as make_dataset.py's NOISES.
VARIANTS = [(300, "clean", 0), (200, "gauss", 35), (150, "blur", 1.0), (150, "jpeg", 10),
            (200, "sp", 0.02), (300, "bin", 40), (120, "clean", 0)]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
WORD = re.compile(r"^[^\W\d_]+[.,;:!?]?$")


def sentences(lang):
    """Translated catalog sentences of `lang`: 6+ words, letters and sentence punctuation only."""
    out, seen = [], set()
    if lang == "en":
        # English: the catalogs' msgids (the source sentences) of the German catalogs.
        pairs = [(k, k) for name in CATALOGS for k in catalog("de", name)]
    else:
        pairs = [(k, v) for name in CATALOGS for k, v in catalog(lang, name).items()]
    for _, text in pairs:
        if not isinstance(text, str):
            continue
        t = " ".join(text.split())
        words = t.split(" ")
        if len(words) < 6 or not all(WORD.match(w) for w in words) or t in seen:
            continue
        seen.add(t)
        out.append(t)
    out.sort(key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    return out


def catalog(lang, name):
    path = f"/usr/share/locale/{lang}/LC_MESSAGES/{name}.mo"
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as f:
        return {k: v for k, v in gettext.GNUTranslations(f)._catalog.items() if isinstance(k, str) and k}


def page_lines(text_sentences, font, width):
    """Sentences laid out in paragraphs of 4, wrapped to `width` pixels."""
    lines = []
    for i in range(0, len(text_sentences), 4):
        para = " ".join(text_sentences[i:i + 4])
        line = ""
        for w in para.split(" "):
            cand = (line + " " + w).strip()
            if font.getlength(cand) > width and line:
                lines.append(line)
                line = w
            else:
                line = cand
        lines.append(line)
        lines.append("")
    return lines


def render(lines, dpi):
    scale = dpi / 300
    font = ImageFont.truetype(FONT, round(46 * scale))  # 11 pt at 300 dpi
    img = Image.new("L", (round(2480 * scale), round(3508 * scale)), 255)
    d = ImageDraw.Draw(img)
    y = round(250 * scale)
    for line in lines:
        if line:
            d.text((round(250 * scale), y), line, font=font, fill=0)
        y += round(62 * scale)
    return img


def build(out, pages):
    os.makedirs(out, exist_ok=True)
    font300 = ImageFont.truetype(FONT, 46)
    made = {}
    for lang in LANGS:
        s = sentences(lang)
        manifest = []
        per_page = 24
        if len(s) < pages * per_page:
            sys.exit(f"only {len(s)} {lang} sentences")
        for p in range(pages):
            lines = page_lines(s[p * per_page:(p + 1) * per_page], font300, 1980)
            lines = lines[:48]
            truth = "\n".join(l for l in lines if l) + "\n"
            for dpi, kind, level in VARIANTS:
                name = f"{lang}-p{p}-{dpi}-{kind}{level:g}"
                img = degrade(render(lines, dpi), kind, level, np.random.default_rng(seed_of(name)))
                ext = ".jpg" if kind == "jpeg" else ".png"
                path = os.path.join(out, name + ext)
                if kind == "jpeg":
                    img.save(path, "JPEG", quality=int(level), dpi=(dpi, dpi))
                else:
                    img.save(path, "PNG", dpi=(dpi, dpi))
                gt = os.path.join(out, name + ".gt.txt")
                with open(gt, "w", encoding="utf-8") as f:
                    f.write(truth)
                manifest.append({"path": path, "ground_truth": gt})
        with open(os.path.join(out, f"{lang}.jsonl"), "w") as f:
            for m in manifest:
                f.write(json.dumps(m) + "\n")
        made[lang] = len(manifest)
    return made


def run(assay, out, lang, dictionary):
    store = os.path.join(out, f"run-{lang}")
    cmd = [assay, "run", os.path.join(out, f"{lang}.jsonl"), "--out", store, "-j", "2",
           "--set", f"ocr.lang={LANGS[lang]}", "--set", f"quality.dictionary={dictionary}"]
    subprocess.run(cmd, check=False, capture_output=True)
    con = sqlite3.connect(os.path.join(store, "assay.db"))
    rows = {}
    # The latest decision of each document: its metrics under the run that decided it last.
    for doc_id, name, value in con.execute(
            "SELECT doc_id, name, value FROM metrics WHERE scope = '' AND name IN "
            "('ocr.cer', 'ocr.cer_estimate', 'text.dictionary_word_ratio')"):
        rows.setdefault(doc_id, {})[name] = value
    paths = dict(con.execute("SELECT doc_id, path FROM documents"))
    con.close()
    return [dict(r, path=paths[d]) for d, r in rows.items()]


def score(rows, threshold=0.02):
    rows = [r for r in rows if "ocr.cer" in r and "ocr.cer_estimate" in r]
    tp = sum(1 for r in rows if r["ocr.cer"] <= threshold and r["ocr.cer_estimate"] <= threshold)
    tn = sum(1 for r in rows if r["ocr.cer"] > threshold and r["ocr.cer_estimate"] > threshold)
    fp = sum(1 for r in rows if r["ocr.cer"] > threshold >= r["ocr.cer_estimate"])
    fn = sum(1 for r in rows if r["ocr.cer"] <= threshold < r["ocr.cer_estimate"])
    clean = [r["text.dictionary_word_ratio"] for r in rows if "-300-clean" in r["path"]]
    return {"pages": len(rows), "agreement": round((tp + tn) / max(1, len(rows)), 3),
            "good_accepted": tp, "bad_rejected": tn, "bad_accepted": fp, "good_rejected": fn,
            "mae": round(sum(abs(r["ocr.cer"] - r["ocr.cer_estimate"]) for r in rows) / max(1, len(rows)), 4),
            "true_good": tp + fn,
            "dictionary_ratio_clean": round(sum(clean) / max(1, len(clean)), 3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("assay")
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--langs", default="de,fr,en")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    print(json.dumps({"images": build(out, args.pages)}))
    for lang in args.langs.split(","):
        for dictionary in ("auto", "en_US"):
            print(json.dumps({"lang": lang, "dictionary": dictionary} | score(run(args.assay, out, lang, dictionary))),
                  flush=True)


if __name__ == "__main__":
    main()
