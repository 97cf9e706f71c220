#!/usr/bin/env python3
"""Alt-text check figures for docs/benchmarks.md and docs/alt_text.md.

  alttext_bench.py ASSAY_BIN CORPUS_DIR WORK_DIR [--json]

CORPUS_DIR is a folder of the W3C WAI images corpus (e.g. corpora/alttext_w3c_wai/dev: images,
<image>.alt.json, manifest.csv). Every usage of manifest.csv becomes a document with its
expert alt-text, role and figcaption ("good": must pass). From each usage whose expert alt-text
is not empty, bad alt-texts are generated, one kind of defect at a time ("bad": must fail):

  filename     the file's own name; camera names (IMG_2031.JPG, DSC00042); photo-final-v2;
               the stem when it is not a plain word (castle-etching, html5logo)
  boilerplate  image, photo of, untitled, picture, graphic
  one_word     one word of the expert alt-text, on an image >= 100 px (not an icon)
  keywords     the alt-text's content words as a comma-separated keyword list
  language     a description in another language (German, French, Spanish, Italian, Dutch)
  overlong     the alt-text with a long description pasted after it (> 600 characters)
  figure       the file linked as figure-2-NAME, the caption naming figure 5 (the good twin,
               caption naming figure 2, is in "good")
  missing      no alt-text; an empty one too where the role needs text (not for a group member,
               whose empty alt-text W3C allows when another member carries it)

and one kind the checks are not expected to see, reported apart ("blind"):

  other_image  the expert alt-text of another image of the corpus (only an image of text,
               where OCR can compare, can be caught)

The generators depend on nothing but the corpus (no per-file tuning): the same script runs on a
held-out half. The images are linked into WORK_DIR/in (so the run needs
--allow-outside-inputs), the manifest written beside them, and `assay run` processes it; a
document "fails" when any `alt_text_*` contract rule fails for it (other rules, e.g. the photo
contract's minimum width, are not counted). Prints a table, or JSON with --json.
"""
import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

STOP = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "it", "is", "has", "now",
        "from", "with", "by", "for", "this", "that", "all", "one", "two", "its", "out", "over",
        "down", "the", "are", "be", "as", "left", "right"}
FOREIGN = [
    ("de", "Ein altes Schloss mit einem hohen Turm und einer Mauer aus grauem Stein."),
    ("fr", "Un vieux château avec une grande tour et un mur de pierre autour de lui."),
    ("es", "Un castillo antiguo con una torre alta y una muralla de piedra a su alrededor."),
    ("it", "Un vecchio castello con una torre alta e un muro di pietra tutto intorno."),
    ("nl", "Een oud kasteel met een hoge toren en een stenen muur eromheen."),
    ("de", "Drücken Sie den Deckel nach unten und drehen Sie ihn gegen den Uhrzeigersinn."),
    ("fr", "Appuyez sur le bouchon et tournez-le dans le sens inverse des aiguilles."),
    ("es", "Haga clic aquí para imprimir esta página o para buscar en el sitio web."),
]
FILLER = (" The picture was taken on a bright afternoon and shows, in considerable detail, the"
          " textures of every surface, the colours of the sky and the ground, the position of"
          " each object relative to the others, and the small marks and shadows that a careful"
          " viewer would notice after looking at it for a while; it is reproduced here at its"
          " original size, without cropping, so that nothing of the scene is lost.")
ICON_PX = 100  # the bench's own idea of "not an icon", set apart from the stage's parameter


def image_size(path):
    """Width and height from the PNG/JPEG header (no imaging library needed)."""
    with open(path, "rb") as f:
        data = f.read(65536)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[i + 7:i + 9], "big"), int.from_bytes(data[i + 5:i + 7], "big")
        i += 2 + length
    return 0, 0


def content_words(text):
    words = []
    for w in "".join(c if c.isalnum() else " " for c in text).split():
        if w.lower() not in STOP and len(w) >= 3 and not w.isdigit() and w.lower() not in words:
            words.append(w.lower())
    return words


def pick(seq, key):
    return seq[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(seq)]


def cases(corpus):
    rows = list(csv.DictReader(open(os.path.join(corpus, "manifest.csv"), encoding="utf-8")))
    captions = {}
    for r in rows:
        usages = json.load(open(os.path.join(corpus, r["gt"]), encoding="utf-8"))["usages"]
        for u in usages:
            captions[(r["image"], u["alt"], u["role"])] = u.get("figcaption", "").strip()
    out = []  # (kind, group, file name in WORK_DIR/in, source image, entry)
    for n, r in enumerate(rows):
        image, role, alt = r["image"], r["role"], r["expected_alt"]
        caption = captions.get((image, alt, role), "")
        entry = {"path": image, "alt_text": alt, "image_role": role}
        if caption:
            entry["caption"] = caption
        out.append(("expert", "good", image, image, entry))
        if not alt.strip():
            continue
        stem, ext = os.path.splitext(image)
        w, h = image_size(os.path.join(corpus, image))

        def bad(kind, alt_text, **extra):
            e = {"path": image, "image_role": role}
            if alt_text is not None:
                e["alt_text"] = alt_text
            e.update(extra)
            out.append((kind, "bad", e["path"], image, e))

        names = [image, f"IMG_{2031 + n}.JPG", f"DSC{42 + n:05d}", "photo-final-v2"]
        if not stem.isalpha():
            names.append(stem)
        for name in names:
            bad("filename", name)
        for generic in ("image", "photo of", "untitled", "picture", "graphic"):
            bad("boilerplate", generic)
        words = content_words(alt)
        if max(w, h) >= ICON_PX and role not in ("functional", "image-of-text") and words:
            bad("one_word", words[0].capitalize())
        keywords = words + [p for p in content_words(stem.replace("-", " ")) if p not in words]
        for pad in ("stock", "free", "download"):
            if len(keywords) >= 3:
                break
            keywords.append(pad)
        bad("keywords", ", ".join(keywords))
        bad("language", pick(FOREIGN, image + role)[1])
        long_alt = alt
        while len(long_alt) <= 600:
            long_alt += FILLER
        bad("overlong", long_alt)
        fig_name = "figure-2-" + image
        body = caption or alt
        out.append(("figure", "good", fig_name, image,
                    {"path": fig_name, "alt_text": alt, "image_role": role,
                     "caption": "Figure 2: " + body}))
        bad("figure", alt, path=fig_name, caption="Figure 5: " + body)
        bad("missing", None)
        if role != "group":
            bad("missing", "")
        others = [o["expected_alt"] for o in rows if o["expected_alt"].strip() and o["image"] != image]
        out.append(("other_image", "blind", image, image,
                    {"path": image, "alt_text": pick(others, image + role), "image_role": role}))
    return out


def run(assay, corpus, work):
    shutil.rmtree(work, ignore_errors=True)
    inp, out = os.path.join(work, "in"), os.path.join(work, "out")
    os.makedirs(inp)
    all_cases = cases(corpus)
    with open(os.path.join(inp, "manifest.jsonl"), "w", encoding="utf-8") as f:
        for kind, group, name, source, entry in all_cases:
            link = os.path.join(inp, name)
            if not os.path.lexists(link):
                os.symlink(os.path.abspath(os.path.join(corpus, source)), link)
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    subprocess.run([assay, "run", inp, "--out", out, "-j", "2", "--allow-outside-inputs"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(out, "assay.db"))
    failed = {}  # (path, alt, caption, role) -> failed alt_text rule metrics
    for doc_id, path, alt, caption, role in db.execute(
            "SELECT doc_id, path, alt_text, caption, image_role FROM documents"):
        rules = [m for (m,) in db.execute(
            "SELECT metric FROM contract_results WHERE doc_id=? AND outcome='fail' "
            "AND rule LIKE 'alt_text_%'", (doc_id,))]
        failed[(os.path.basename(path), alt, caption, role)] = rules
    results = []
    for kind, group, name, source, e in all_cases:
        key = (e["path"], e.get("alt_text"), e.get("caption"), e.get("image_role"))
        if key not in failed:
            raise SystemExit(f"no document for {key}")
        results.append({"kind": kind, "group": group, "image": source, "entry": e,
                        "failed": failed[key]})
    return results


OWN_METRIC = {"filename": "alt_text.filename_like", "boilerplate": "alt_text.boilerplate",
              "one_word": "alt_text.too_short", "keywords": "alt_text.keyword_list",
              "language": "alt_text.language_mismatch", "overlong": "alt_text.too_long",
              "figure": "alt_text.caption_figure_mismatch", "missing": "alt_text.missing",
              "other_image": "alt_text.ocr_agreement"}


def summarise(results):
    good = [r for r in results if r["group"] == "good"]
    bad = [r for r in results if r["group"] == "bad"]
    flagged = [r for r in results if r["failed"]]
    summary = {
        "good": len(good),
        "false_alarms": sum(bool(r["failed"]) for r in good),
        "bad": len(bad),
        "caught": sum(bool(r["failed"]) for r in bad),
        "false_alarm_cases": [{"entry": r["entry"], "failed": r["failed"]} for r in good if r["failed"]],
        "missed_cases": [{"kind": r["kind"], "entry": r["entry"]} for r in bad if not r["failed"]],
        "kinds": {},
    }
    summary["false_alarm_rate"] = summary["false_alarms"] / max(1, len(good))
    summary["recall"] = summary["caught"] / max(1, len(bad))
    summary["precision"] = sum(r["group"] != "good" for r in flagged) / max(1, len(flagged))
    for kind in OWN_METRIC:
        rs = [r for r in results if r["kind"] == kind and r["group"] != "good"]
        if not rs:
            continue
        metric = OWN_METRIC[kind]
        own = [r for r in results if metric in r["failed"]]
        summary["kinds"][kind] = {
            "n": len(rs),
            "recall": sum(bool(r["failed"]) for r in rs) / len(rs),
            "own_metric": metric,
            "own_metric_recall": sum(metric in r["failed"] for r in rs) / len(rs),
            # Of the documents the kind's own metric failed, the share that have this defect.
            "own_metric_precision": (sum(r["kind"] == kind and r["group"] != "good" for r in own)
                                     / len(own)) if own else None,
        }
    return summary


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) != 3:
        raise SystemExit(__doc__)
    summary = summarise(run(*args))
    if "--json" in sys.argv:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
        return
    print(f"good (expert) documents: {summary['good']}, false alarms: {summary['false_alarms']} "
          f"({summary['false_alarm_rate']:.3f})")
    print(f"bad documents: {summary['bad']}, caught: {summary['caught']} "
          f"(recall {summary['recall']:.3f}); precision {summary['precision']:.3f}")
    print(f"{'kind':<12} {'n':>4} {'recall':>7} {'own metric':<34} {'recall':>7} {'precision':>9}")
    for kind, k in summary["kinds"].items():
        p = "-" if k["own_metric_precision"] is None else f"{k['own_metric_precision']:.3f}"
        print(f"{kind:<12} {k['n']:>4} {k['recall']:>7.3f} {k['own_metric']:<34} "
              f"{k['own_metric_recall']:>7.3f} {p:>9}")
    for c in summary["false_alarm_cases"]:
        print("false alarm:", json.dumps(c, ensure_ascii=False))
    for c in summary["missed_cases"]:
        print("missed:", json.dumps(c, ensure_ascii=False))


if __name__ == "__main__":
    main()
