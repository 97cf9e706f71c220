#!/usr/bin/env python3
"""Calibration curves for contracts/video.toml (docs/video.md "Calibration"), on synthetic
timelines made with ffmpeg from real corpus images (tests/video_testset.py's segments): there is
no reviewed set of real videos, so these curves say how the video stage's metrics follow known
proportions of black, frozen and blurred content, and how a contract threshold on each metric
would sort the timelines against a stated intent. They do not say what a reviewer would reject.

    python3 tests/video_calibration.py ASSAY_BIN CORPORA_DIR WORK_DIR

Writes WORK_DIR/calibration.json (every timeline: its truth and measured metrics) and prints
the tables docs/video.md quotes. Standard library, ffmpeg and the assay binary only; ~50 timelines
of 20 s at 320x240 (a few minutes on two cores)."""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import video_testset as vt  # noqa: E402

DURATION = 20
PAGES = [f"{vt.PAGES}/{n}.jpg" for n in (
    "PMC3976938_00002", "PMC4760359_00006", "PMC5344221_00010", "PMC5432924_00001",
    "PMC5491943_00004", "PMC5618295_00004", "PMC3863500_00003", "PMC4027932_00001")]
PHOTOS = [f"{vt.PHOTOS}/{n}.jpg" for n in ("castle-etching", "castle-fluro", "castle-painting")]
# Pans start inside the page (not on its blank top-left margin): the view is text and figures.
START = (120, 160)


def content(images, seconds, kind="pan", offset=0):
    """`seconds` of pans (4 s each, the last shorter) over successive images."""
    out, k = [], offset
    while seconds > 1e-9:
        s = min(4, seconds)
        out.append((kind, images[k % len(images)], s))
        seconds -= s
        k += 1
    return out


def black_timelines():
    """Black share 0..0.5 in one stretch (middle) or two (start and end)."""
    for share in (0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5):
        b = DURATION * share
        for layout, images in (("one", PAGES), ("two", PHOTOS + PAGES[:2])):
            rest = DURATION - b
            if layout == "one":
                tl = content(images, rest / 2) + ([("black", None, b)] if b else []) + \
                     content(images, rest / 2, offset=3)
            else:
                tl = ([("black", None, b / 2)] if b else []) + content(images, rest) + \
                     ([("black", None, b / 2)] if b else [])
            yield f"black-{share:.2f}-{layout}", tl, {"black_share": share}


def frozen_timelines():
    """Frozen share 0..0.8: held stills (of the image the next pan opens with) between pans."""
    for share in (0, 0.2, 0.4, 0.5, 0.6, 0.8):
        f = DURATION * share
        for layout, images in (("one", PAGES), ("two", PHOTOS + PAGES[2:4])):
            rest = DURATION - f
            if layout == "one":
                tl = content(images, rest) + ([("still", images[5 % len(images)], f)] if f else [])
            else:
                tl = ([("still", images[1], f / 2)] if f else []) + content(images, rest / 2) + \
                     ([("still", images[2], f / 2)] if f else []) + \
                     content(images, rest / 2, offset=3)
            yield f"frozen-{share:.2f}-{layout}", tl, {"frozen_share": share}


def blur_timelines():
    """Blurred share 0..1 (sigma 0.7, 1.5, 3) of pans over pages: which frames still pass."""
    for sigma in (0.7, 1.5, 3):
        for share in (0, 0.25, 0.5, 0.75, 1):
            for order in (0, 1):  # two page orders, the blurred segments at other places
                if share == 0 and (sigma != 0.7 or order):
                    continue  # one unblurred timeline is enough
                n = 5  # 5 segments of 4 s; round(5 * share) blurred, spread over the 5
                blurred = round(n * share)
                kinds = ["blur" if (k * blurred) // n != ((k + 1) * blurred) // n else "pan"
                         for k in range(n)]
                if order:
                    kinds.reverse()
                tl = [(kind, PAGES[(k + 3 * order) % len(PAGES)], 4) for k, kind in enumerate(kinds)]
                yield (f"blur-{sigma}-{share:.2f}-{order}", tl,
                       {"blur_share": blurred / n, "sigma": sigma})
    # The W3C photos unblurred: small and soft (350 px wide) though nothing was done to them.
    yield "photos-sharp", content(PHOTOS, DURATION), {"blur_share": 0, "sigma": 0, "photos": True}


def make(corpora, work):
    data = os.path.join(work, "videos")
    os.makedirs(data, exist_ok=True)
    cases = []
    for gen in (black_timelines, frozen_timelines, blur_timelines):
        for name, tl, intent in gen():
            path = os.path.join(data, name + ".mp4")
            sigma = intent.get("sigma", 3) or 3
            truth = vt.render_timeline(corpora, tl, path, start=START, sigma=sigma)
            cases.append({"name": name, "path": path, "intent": intent, "truth": truth})
    return cases


def measure(assay, cases, work):
    out = os.path.join(work, "store")
    subprocess.run([assay, "run", os.path.join(work, "videos"), "--out", out, "-j", "2",
                    "--json"], check=False, capture_output=True)
    db = sqlite3.connect(os.path.join(out, "assay.db"))
    for c in cases:
        # By source: two timelines with the same bytes (no stretch at all) are one document.
        (doc,) = db.execute("SELECT d.doc_id FROM documents d JOIN source_paths p "
                            "ON p.source_id = d.source_id WHERE p.path=? LIMIT 1",
                            (c["path"],)).fetchone()
        c["metrics"] = {n: v for n, v in db.execute(
            "SELECT name, value FROM metrics WHERE doc_id=? AND scope=''", (doc,))}
        c["outcome"] = db.execute("SELECT outcome FROM documents WHERE doc_id=?",
                                  (doc,)).fetchone()[0]
    return cases


def truth_share(c, kind):
    return sum(e - s for s, e in c["truth"][kind]) / c["truth"]["duration"]


def sweep(cases, metric, bad, thresholds, upper=True):
    """Per threshold: timelines the rule (metric <= t, or >= t when not upper) would reject
    that the intent calls fine (false rejects) and fine ones it would pass (missed)."""
    rows = []
    for t in thresholds:
        fr = sum(1 for c in cases if not bad(c) and (c["metrics"][metric] > t if upper
                                                        else c["metrics"][metric] < t))
        miss = sum(1 for c in cases if bad(c) and not (c["metrics"][metric] > t if upper
                                                           else c["metrics"][metric] < t))
        rows.append((t, fr, miss))
    return rows


def report_share(cases, kind, extra_title, extra_metric, extra_format, bad_above, intent,
                 thresholds, first=False):
    """The measured video.<kind>_share of the <kind>- timelines against their truth, and the
    threshold sweep."""
    metric = f"video.{kind}_share"
    print(f"{'' if first else chr(10)}## {kind}: measured {metric} against the truth")
    print(f"| timeline | true share | measured | {extra_title} |")
    print("|---|---|---|---|")
    group = [c for c in cases if c["name"].startswith(kind + "-")]
    for c in group:
        print(f"| {c['name']} | {truth_share(c, kind):.3f} | {c['metrics'][metric]:.3f} | "
              f"{extra_format.format(c['metrics'][extra_metric])} |")
    err = max(abs(c["metrics"][metric] - truth_share(c, kind)) for c in group)
    print(f"\nlargest error {err:.3f}")
    print(f"\n| threshold (reject above) | fine rejected | bad passed |  (intent: bad = {intent})")
    print("|---|---|---|")
    for t, fr, miss in sweep(group, metric, lambda c: truth_share(c, kind) > bad_above + 1e-9,
                             thresholds):
        print(f"| {t} | {fr} | {miss} |")


def main():
    assay, corpora, work = sys.argv[1:4]
    cases = measure(assay, make(corpora, work), work)
    with open(os.path.join(work, "calibration.json"), "w") as f:
        json.dump(cases, f, indent=1)

    report_share(cases, "black", "longest black s", "video.longest_black_s", "{:.1f}", 0.25,
                 "more than a quarter black", [0.1, 0.15, 0.2, 0.25, 0.3, 0.35], first=True)
    report_share(cases, "frozen", "stretches", "video.frozen_stretches", "{:.0f}", 0.5,
                 "more than half frozen", [0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7])

    print("\n## blur: video.frames_passing_share against the blurred share")
    print("| timeline | sigma | blurred share | cuts found (of 4) | sampled | passing share | outcome |")
    print("|---|---|---|---|---|---|---|")
    blur = [c for c in cases if c["name"].startswith(("blur-", "photos-"))]
    for c in blur:
        m = c["metrics"]
        print(f"| {c['name']} | {c['intent']['sigma']} | {c['intent']['blur_share']:.2f} | "
              f"{m['video.scene_count'] - 1:.0f} | {m['video.sampled_frames']:.0f} | "
              f"{m['video.frames_passing_share']:.3f} | {c['outcome']} |")
    pages = [c for c in blur if not c["intent"].get("photos") and c["intent"]["sigma"] != 0.7]
    print("\n| threshold (reject below) | fine rejected | bad passed |  (intent: bad = more than half blurred, sigma >= 1.5; pages only)")
    print("|---|---|---|")
    for t, fr, miss in sweep(pages + [c for c in blur if c["name"] == "blur-0.7-0.00-0"],
                             "video.frames_passing_share",
                             lambda c: c["intent"]["blur_share"] > 0.5 + 1e-9,
                             [0.2, 0.3, 0.4, 0.5, 0.6, 0.7], upper=False):
        print(f"| {t} | {fr} | {miss} |")


if __name__ == "__main__":
    main()
