#!/usr/bin/env bash
# A/B of assay settings on the throughput bench's clean pages, interleaved with the limit.
#
#   bench/ocr_ab.sh [VARIANT ...]        (from the repository root, after bench/run_bench.sh
#                                         has rendered bench/out/pages and its two halves)
#
# VARIANT: `limit` (the bench's two `tesseract` processes over its two halves), `default`
# (`assay run -j 2` as it is) or KEY=VALUE (`assay run -j 2 --set KEY=VALUE`). Default:
# `default preprocess.text_height_px=0 limit`. Each variant runs BENCH_REPS (2) times, in turn,
# so drift hits every side; prints wall and CPU seconds (the process tree's, /usr/bin/time)
# per run. Needs root for the priority: the whole script runs in its own session with
# autogroup nice -10, as run_bench.sh's BENCH_NICE=-10 does.
set -euo pipefail
if [ -z "${OCR_AB_IN_SESSION:-}" ]; then OCR_AB_IN_SESSION=1 exec setsid -w "$0" "$@"; fi
[ -w /proc/self/autogroup ] && echo -10 >/proc/self/autogroup
cd "$(dirname "$0")/.."
ASSAY=${ASSAY:-$PWD/build/assay}
REPS=${BENCH_REPS:-2}
PAGES=bench/out/pages
[ -d "$PAGES" ] && [ -f bench/out/limit/half0.txt ] || { echo "run bench/run_bench.sh first" >&2; exit 2; }
[ $# -gt 0 ] || set -- default preprocess.text_height_px=0 limit
OUT=$(mktemp -d /tmp/assay-ocr-ab.XXXXXX)
for ((rep = 1; rep <= REPS; rep++)); do
  for v in "$@"; do
    rm -rf "$OUT/store"
    if [ "$v" = limit ]; then
      /usr/bin/time -f "$rep limit %e s wall %U s user %S s sys" bash -c '
        OMP_THREAD_LIMIT=1 tesseract bench/out/limit/half0.txt "$1/l0" -l eng --psm 3 txt >/dev/null 2>&1 &
        OMP_THREAD_LIMIT=1 tesseract bench/out/limit/half1.txt "$1/l1" -l eng --psm 3 txt >/dev/null 2>&1
        wait' _ "$OUT" 2>&1 | tail -1
    else
      args=()
      [ "$v" = default ] || args=(--set "$v")
      /usr/bin/time -f "$rep $v %e s wall %U s user %S s sys" \
        "$ASSAY" run "$PAGES" --out "$OUT/store" -j 2 "${args[@]}" >/dev/null 2>"$OUT/err" || true
      tail -1 "$OUT/err"
    fi
  done
done
rm -rf "$OUT"
