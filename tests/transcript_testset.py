#!/usr/bin/env python3
"""The transcript test set (docs/transcripts.md): transcripts in SRT, WebVTT and JSON made
from real sentences (the ground-truth texts of the shared corpora), each with a silent media
file made by ffmpeg, and known defects injected at known cues.

    python3 tests/transcript_testset.py CORPORA_DIR OUT_DIR [--files N] [--seed S]

writes OUT_DIR/manifest.jsonl (path, media, language), the transcripts, their media and
OUT_DIR/truth.json: {"file name": [[cue, kind], ...]} (an empty list: a clean file). `score()`
compares what assay found (its export's contract failures with scope cue:N) with the truth.
Standard library only, deterministic for a seed.
"""

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys

# The defect kinds, each the contract rule (contracts/transcript.toml) that must find it.
KINDS = {
    "out_of_order": "cue_out_of_order",
    "overlap": "cue_overlap",
    "cps_high": "cue_cps_high",
    "encoding_damage": "cue_encoding_damage",
    "past_media_end": "cue_past_media_end",
    "missing_speaker": "cue_missing_speaker",
}
SPEAKERS = ["ALICE", "BOB", "CAROL"]


def sentences(corpora):
    """English sentences from the corpora's ground truth, in a fixed order."""
    texts = []
    ocr = os.path.join(corpora, "ocr_tesseract_testimages", "dev")
    for name in ("8071_093.3B.gt.txt", "8087_054.3B.gt.txt"):
        with open(os.path.join(ocr, name), encoding="utf-8") as f:
            texts.append(f.read())
    with open(os.path.join(corpora, "alttext_w3c_wai", "dev", "manifest.csv"),
              encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(row["expected_alt"])
    out = []
    for text in texts:
        text = re.sub(r"-\n\s*", "", text)  # words hyphenated at line ends
        text = re.sub(r"\s+", " ", text)
        for s in re.split(r"(?<=[.?!])\s+", text):
            s = s.strip()
            # Whole sentences of plain running text (no page furniture or spaced letters).
            if 24 <= len(s) <= 160 and s[0].isupper() and s[-1] in ".?!" and \
                    not re.search(r"\b\w \w \w\b|[|~_]", s) and s.isascii():
                out.append(s)
    return sorted(set(out))


def mojibake(text):
    """The text's UTF-8 read as Windows-1252 (bytes it leaves undefined as Latin-1)."""
    text = text.replace("'", "\u2019")
    if "\u2019" not in text:
        text = "\u201c" + text + "\u201d"
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def srt_time(s):
    ms = round(s * 1000)
    return "%02d:%02d:%02d,%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


def vtt_time(s):
    return srt_time(s).replace(",", ".")


def render(fmt, cues):
    if fmt == "json":
        segs = []
        for c in cues:
            seg = {"start": round(c["start"], 3), "end": round(c["end"], 3), "text": c["text"]}
            if c.get("speaker"):
                seg["speaker"] = c["speaker"]
            # Word timings spread evenly over the segment (a recognizer's shape).
            words = c["text"].split()
            step = (c["end"] - c["start"]) / max(1, len(words))
            seg["words"] = [{"start": round(c["start"] + i * step, 3),
                             "end": round(c["start"] + (i + 1) * step, 3), "word": w}
                            for i, w in enumerate(words)]
            segs.append(seg)
        return json.dumps({"language": "en", "segments": segs}, ensure_ascii=False, indent=1)
    lines = ["WEBVTT", ""] if fmt == "vtt" else []
    for i, c in enumerate(cues, 1):
        if fmt == "srt":
            lines.append(str(i))
            lines.append(srt_time(c["start"]) + " --> " + srt_time(c["end"]))
            lines.append((c["speaker"] + ": " if c.get("speaker") else "") + c["text"])
        else:
            lines.append(vtt_time(c["start"]) + " --> " + vtt_time(c["end"]) + " line:90%")
            name = c.get("speaker", "").title()
            lines.append(("<v %s>" % name if name else "") + c["text"])
        lines.append("")
    return "\n".join(lines) + "\n"


def make_media(path, seconds):
    """A silent mono FLAC of `seconds`: real media for libavformat to read."""
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "anullsrc=r=8000:cl=mono", "-t", "%.3f" % seconds, "-c:a", "flac", path],
                   check=True)


def make_file(rng, pool, fmt, speakers, defects):
    """One transcript's cues (1-based positions) with `defects` injected; returns the cues,
    the media duration and the truth [(cue, kind)]."""
    n = rng.randint(12, 18)
    texts = rng.sample(pool, n + 1)
    cues, t = [], rng.uniform(0.3, 1.5)
    for i in range(n):
        text = texts[i]
        duration = max(1.2, len(text) / rng.uniform(12.0, 17.0))
        cue = {"start": t, "end": t + duration, "text": text}
        if speakers:
            cue["speaker"] = SPEAKERS[i % 2 if i % 5 else 2]
        cues.append(cue)
        t += duration + rng.uniform(0.2, 1.0)
    media = cues[-1]["end"] + rng.uniform(1.0, 2.0)
    truth = []
    # Places 3, 6, 9, ... up to n-2: 3 apart, so one defect never touches another's cues.
    slots = list(range(3, n - 1, 3))
    rng.shuffle(slots)
    for kind in defects:
        if kind == "past_media_end":
            # One more cue, after the media has ended.
            start = media + rng.uniform(0.5, 1.5)
            text = texts[n]
            cues.append({"start": start, "end": start + len(text) / 14.0, "text": text,
                         **({"speaker": SPEAKERS[0]} if speakers else {})})
            truth.append((len(cues), kind))
            continue
        at = slots.pop()
        c = cues[at - 1]
        if kind == "out_of_order":
            cues[at - 1], cues[at] = cues[at], cues[at - 1]  # the cue at+1 now goes back
            truth.append((at + 1, kind))
            continue
        if kind == "overlap":
            c["start"] = cues[at - 2]["end"] - rng.uniform(0.4, 0.9)
        elif kind == "cps_high":
            c["end"] = c["start"] + len(c["text"]) / 40.0
        elif kind == "encoding_damage":
            c["text"] = mojibake(c["text"])
        elif kind == "missing_speaker":
            c.pop("speaker", None)
        truth.append((at, kind))
    return cues, media, sorted(truth)


def generate(corpora, out_dir, files=30, seed=16):
    rng = random.Random(seed)
    pool = sentences(corpora)
    os.makedirs(out_dir, exist_ok=True)
    manifest, truth = [], {}
    formats = ["srt", "vtt", "json"]
    for k in range(files):
        fmt = formats[k % 3]
        speakers = k % 4 != 3  # a quarter without any speaker
        defects = []
        if k % 3 != 0:  # a third clean
            kinds = [d for d in KINDS if speakers or d != "missing_speaker"]
            defects = rng.sample(kinds, rng.randint(1, 3))
        cues, media, found = make_file(rng, pool, fmt, speakers, defects)
        name = "t%02d.%s" % (k, fmt)
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(render(fmt, cues))
        media_name = "t%02d.flac" % k
        make_media(os.path.join(out_dir, media_name), media)
        manifest.append({"path": name, "media": media_name, "language": "en"})
        truth[name] = [list(x) for x in found]
    with open(os.path.join(out_dir, "manifest.jsonl"), "w") as f:
        for m in manifest:
            f.write(json.dumps(m) + "\n")
    with open(os.path.join(out_dir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    return truth


def score(truth, records):
    """Per defect kind: true positives, false positives, false negatives, comparing the
    truth with the cue-scoped contract failures of the export `records` (by file name).
    Also the clean files that were not accepted."""
    rule_kind = {rule: kind for kind, rule in KINDS.items()}
    found = set()
    other = []  # failures (and warnings) of rules no defect was injected for
    outcome = {}
    for r in records:
        name = os.path.basename(r["source"]["path"])
        outcome[name] = r["outcome"]
        contract = r.get("contract") or {}
        for f in contract.get("failures", []) + contract.get("warnings", []):
            kind = rule_kind.get(f["rule"])
            scope = f.get("scope", "")
            if kind and scope.startswith("cue:"):
                found.add((name, int(scope[4:]), kind))
            else:
                other.append((name, f["rule"], scope))
    expected = {(name, cue, kind) for name, items in truth.items() for cue, kind in items}
    table = {}
    for kind in KINDS:
        e = {x for x in expected if x[2] == kind}
        g = {x for x in found if x[2] == kind}
        table[kind] = {"tp": len(e & g), "fp": len(g - e), "fn": len(e - g),
                       "missed": sorted(e - g), "spurious": sorted(g - e)}
    clean_rejected = sorted(n for n, items in truth.items()
                            if not items and outcome.get(n) != "accepted")
    return {"kinds": table, "other_failures": sorted(other), "clean_rejected": clean_rejected,
            "files": len(truth), "clean": sum(1 for v in truth.values() if not v)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora")
    ap.add_argument("out_dir")
    ap.add_argument("--files", type=int, default=30)
    ap.add_argument("--seed", type=int, default=16)
    a = ap.parse_args()
    truth = generate(a.corpora, a.out_dir, a.files, a.seed)
    defects = sum(len(v) for v in truth.values())
    print("%d files, %d defects, %d clean" % (len(truth), defects,
                                             sum(1 for v in truth.values() if not v)))


if __name__ == "__main__":
    sys.exit(main())
