#!/usr/bin/env python3
"""Turn a TIMELINE.tsv of bench/rss_sampler.py into memory by page for an image-only PDF
made by img2pdf (one image stream per page, written in page order).

Usage: pdf_page_at.py SCAN.pdf TIMELINE.tsv [PAGE ...]

Prints, per worker, for each PAGE asked (default 50 150 300): the first sample at which the
bytes the worker had read (rchar) since it started on the scan passed the end of that page's
image stream, with its VmRSS and VmHWM then; and its final VmHWM. The first pass through a scan
(rasterize, page by page) reads each page's image once, so this marks the page being rendered
to within a page or two (the start is taken after the models' files are read: the first sample
that read less than the first page's stream). Later stages that render pages again read more,
which can only make a later page look reached sooner, never later.
"""
import re
import sys


def stream_ends(pdf_path):
    """Cumulative bytes of the image streams, page by page (page k's stream ends at [k-1])."""
    with open(pdf_path, "rb") as f:
        data = f.read()
    ends, total = [], 0
    for m in re.finditer(rb"/Subtype\s*/Image", data):
        length = re.search(rb"/Length\s+(\d+)", data[max(0, m.start() - 400):m.start() + 400])
        total += int(length.group(1)) if length else 0
        ends.append(total)
    return ends


def main(argv):
    pdf, timeline = argv[1], argv[2]
    wanted = [int(p) for p in argv[3:]] or [50, 150, 300]
    ends = stream_ends(pdf)
    rows = {}
    for line in open(timeline):
        t, pid, rss, hwm, rchar = line.split()
        rows.setdefault(pid, []).append((float(t), int(rss), int(hwm), int(rchar)))
    print(f"{len(ends)} pages, {ends[-1] / 2**20:.0f} MiB of image streams in {pdf}")
    for pid, samples in sorted(rows.items()):
        # The start: once the models are read (the first sample that read less than a page).
        base = samples[0][3]
        for (_, _, _, a), (_, _, _, b) in zip(samples, samples[1:]):
            if b - a < ends[0]:
                base = a
                break
        print(f"worker {pid}: final VmHWM {samples[-1][2] / 1024:.0f} MiB at {samples[-1][0]:.0f} s")
        for page in wanted:
            hit = next((s for s in samples if s[3] - base >= ends[page - 1]), None)
            if hit:
                print(f"  page {page}: {hit[0]:.0f} s, VmRSS {hit[1] / 1024:.0f} MiB, "
                      f"VmHWM {hit[2] / 1024:.0f} MiB")
            else:
                print(f"  page {page}: not reached")


if __name__ == "__main__":
    main(sys.argv)
