#!/usr/bin/env python3
"""Precision and recall of the transcript checks per defect kind (docs/transcripts.md).

    python3 bench/transcript_eval.py [--assay build/assay] [--corpora ../shared/corpora]
                                     [--files 30] [--seeds 16,17,18] [--keep DIR]

For each seed: makes the test set (tests/transcript_testset.py: real sentences of the corpora,
defects injected at known cues, silent media by ffmpeg), runs `assay run` on its manifest,
exports, and compares the cue-scoped contract failures with the truth. Prints a Markdown table.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests"))
import transcript_testset  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--assay", default=os.path.join(SRC, "build", "assay"))
    ap.add_argument("--corpora", default=os.path.join(SRC, "..", "shared", "corpora"))
    ap.add_argument("--files", type=int, default=30)
    ap.add_argument("--seeds", default="16,17,18")
    ap.add_argument("--keep", help="keep the sets and stores under this folder")
    a = ap.parse_args()
    root = a.keep or tempfile.mkdtemp(prefix="transcript-eval-")
    totals = {k: {"tp": 0, "fp": 0, "fn": 0} for k in transcript_testset.KINDS}
    files = clean = clean_rejected = other = 0
    for seed in [int(s) for s in a.seeds.split(",")]:
        d = os.path.join(root, "seed%d" % seed)
        shutil.rmtree(d, ignore_errors=True)
        truth = transcript_testset.generate(a.corpora, d, a.files, seed)
        out = os.path.join(d, "out")
        subprocess.run([a.assay, "run", os.path.join(d, "manifest.jsonl"), "--out", out],
                       capture_output=True, check=False)
        exported = subprocess.run([a.assay, "export", "--out", out, "--format", "jsonl"],
                                  capture_output=True, text=True, check=True).stdout
        records = [json.loads(line) for line in exported.splitlines()]
        s = transcript_testset.score(truth, records)
        for kind, v in s["kinds"].items():
            for k in ("tp", "fp", "fn"):
                totals[kind][k] += v[k]
            for x in v["missed"]:
                print("missed:", seed, x, file=sys.stderr)
            for x in v["spurious"]:
                print("spurious:", seed, x, file=sys.stderr)
        files += s["files"]
        clean += s["clean"]
        clean_rejected += len(s["clean_rejected"])
        other += len(s["other_failures"])
        for x in s["other_failures"]:
            print("other failure:", seed, x, file=sys.stderr)
    print("| defect kind | injected | found at its cue | spurious | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, v in totals.items():
        injected = v["tp"] + v["fn"]
        p = v["tp"] / (v["tp"] + v["fp"]) if v["tp"] + v["fp"] else float("nan")
        r = v["tp"] / injected if injected else float("nan")
        print("| %s | %d | %d | %d | %.3f | %.3f |" % (kind, injected, v["tp"], v["fp"], p, r))
    print()
    print("%d files (%d clean): %d clean files not accepted, %d failures or warnings of other rules"
          % (files, clean, clean_rejected, other))
    if not a.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
