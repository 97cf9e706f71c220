#!/bin/bash
# One scanned PDF alone with -j JOBS: wall time, and per process peak RSS and CPU
# (docs/benchmarks.md, "Page tasks"). Usage: bench/page_tasks.sh ASSAY_BIN IN_DIR WORK_DIR JOBS
set -e
BIN=$1 IN=$2 WORK=$3 J=$4
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$WORK/out-j$J
rm -rf "$OUT"
mkdir -p "$WORK"
start=$(date +%s.%N)
nice -n 10 "$BIN" run "$IN" --out "$OUT" --timeout 7200 -j "$J" --json > "$WORK/run-j$J.json" &
PID=$!
python3 "$HERE/rss_sampler.py" $PID "$WORK/rss-j$J.json" 0.5 "$WORK/timeline-j$J.tsv" &
wait $PID || true
end=$(date +%s.%N)
sleep 1
echo "-j $J: wall $(echo "$end - $start" | bc) s"
grep -E "takes pages|did pages" "$OUT/logs/supervisor.log" || true
