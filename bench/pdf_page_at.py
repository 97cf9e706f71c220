#!/usr/bin/env python3
"""Turn a TIMELINE.tsv of bench/rss_sampler.py into memory by page for an image-only PDF
made by img2pdf (one image XObject per page, written in page order).

Usage: pdf_page_at.py SCAN.pdf TIMELINE.tsv [PAGE ...]

Prints, per worker, for each PAGE asked (default 50 150 300): the first time the worker's
file position was inside that page's image, and its VmRSS and VmHWM then; and its final
VmHWM. The position is where Poppler last read, so it marks the page being rendered.
"""
import bisect
import re
import sys


def image_offsets(pdf_path):
    with open(pdf_path, "rb") as f:
        data = f.read()
    return [m.start() for m in re.finditer(rb"/Subtype\s*/Image", data)]


def main(argv):
    pdf, timeline = argv[1], argv[2]
    wanted = [int(p) for p in argv[3:]] or [50, 150, 300]
    starts = image_offsets(pdf)
    first_seen = {}  # (pid, page) -> (t, rss, hwm)
    last = {}
    for line in open(timeline):
        t, pid, rss, hwm, pos = line.split()
        pos = int(pos)
        last[pid] = (float(t), int(rss), int(hwm))
        if pos < 0 or not starts:
            continue
        page = bisect.bisect_right(starts, pos)  # pages are 1-based: offset past page k's start
        first_seen.setdefault((pid, page), (float(t), int(rss), int(hwm)))
    print(f"{len(starts)} pages in {pdf}")
    for pid in sorted(last):
        print(f"worker {pid}: final VmHWM {last[pid][2] / 1024:.0f} MiB at {last[pid][0]:.0f} s")
        for page in wanted:
            if (pid, page) in first_seen:
                t, rss, hwm = first_seen[(pid, page)]
                print(f"  page {page}: {t:.0f} s, VmRSS {rss / 1024:.0f} MiB, "
                      f"VmHWM {hwm / 1024:.0f} MiB")
            else:
                print(f"  page {page}: not seen")


if __name__ == "__main__":
    main(sys.argv)
