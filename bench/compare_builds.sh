#!/usr/bin/env bash
# Two assay builds side by side on the same inputs: did a change make a path slower?
#
#   bench/compare_builds.sh OLD_ASSAY NEW_ASSAY [CASE]     (from the repository root)
#
# CASE born_digital (default): the born-digital PDFs bench/run_bench.sh selected
# (bench/out/born_digital.tsv: run it first). CASE ocr: its 48 scanned pages (bench/out/pages).
# Each repetition runs OLD then NEW (then NEW then OLD the next time, so drift hits both),
# from an empty store, `-j 2`, and the run's own summary is checked (same documents, pages and
# outcomes on both sides). Prints per-run wall-clock seconds, the medians and NEW/OLD.
# Environment: REPS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "$1")
NEW=$(realpath "$2")
CASE=${3:-born_digital}
REPS=${REPS:-5}
OUT=$PWD/bench/out/compare-$CASE
case $CASE in
  born_digital)
    [ -f bench/out/born_digital.tsv ] || { echo "run bench/run_bench.sh first" >&2; exit 1; }
    mapfile -t INPUTS < <(cut -f1 bench/out/born_digital.tsv) ;;
  ocr)
    [ -d bench/out/pages ] || { echo "run bench/run_bench.sh first" >&2; exit 1; }
    INPUTS=("$PWD/bench/out/pages") ;;
  *) echo "unknown case $CASE" >&2; exit 2 ;;
esac
rm -rf "$OUT"
mkdir -p "$OUT"

one() {  # side binary rep
  local side=$1 bin=$2 rep=$3
  local dir=$OUT/$side-$rep
  local t0=$EPOCHREALTIME
  "$bin" run "${INPUTS[@]}" --out "$dir" -j 2 --json >"$dir.json" 2>"$dir.err" || true
  local t1=$EPOCHREALTIME
  python3 -c "print(f'$side\t$rep\t{$t1 - $t0:.3f}')" >>"$OUT/times.tsv"
}

for ((rep = 1; rep <= REPS; rep++)); do
  if ((rep % 2)); then one old "$OLD" "$rep"; one new "$NEW" "$rep"; else
    one new "$NEW" "$rep"; one old "$OLD" "$rep"; fi
done

python3 - "$OUT" "$CASE" <<'EOF'
import json, statistics, sys
out, case = sys.argv[1], sys.argv[2]
times = {"old": [], "new": []}
for line in open(f"{out}/times.tsv"):
    side, rep, t = line.split()
    times[side].append(float(t))
    s = json.load(open(f"{out}/{side}-{rep}.json"))
    print(f"{side} rep {rep}: {float(t):6.2f} s  documents {s['documents']} pages {s['pages']} "
          f"outcomes {s['outcomes']}")
summaries = {}
for side in ("old", "new"):
    s = json.load(open(f"{out}/{side}-1.json"))
    summaries[side] = (s["documents"], s["pages"], s["outcomes"])
if summaries["old"][:2] != summaries["new"][:2]:
    print(f"INVALID: the two builds did different work: {summaries}", file=sys.stderr)
    sys.exit(1)
mo, mn = statistics.median(times["old"]), statistics.median(times["new"])
print(f"{case}: median old {mo:.2f} s, new {mn:.2f} s: new/old time {mn / mo:.3f} "
      f"(throughput {mo / mn:.3f}x)")
json.dump({"case": case, "old_s": times["old"], "new_s": times["new"], "median_old_s": mo,
           "median_new_s": mn, "new_over_old": mn / mo}, open(f"{out}/result.json", "w"),
          indent=2)
EOF
