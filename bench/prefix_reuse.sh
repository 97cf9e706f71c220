#!/usr/bin/env bash
# Prefix reuse: what a plan change costs on a store already processed.
#
#   bench/prefix_reuse.sh        (from the repository root, after bench/run_bench.sh made its
#                                 page images and image-only PDFs; see docs/benchmarks.md)
#
# Run 1 processes the inputs with pipelines that end before `quality`; run 2, on the same
# store, with the default pipelines: `quality` is a stage added at the end of every plan. Only
# it may run in run 2 (every earlier stage is reused: same key, same input); the script checks
# that from the store and reports both wall-clock times and their ratio (target <= 10%).
# Inputs: bench/out/pages (48 scanned pages, PNG) and bench/out/scanpdf (image-only PDFs of the
# same pages). Environment: ASSAY (default build/assay), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ASSAY=${ASSAY:-$ROOT/build/assay}
JOBS=${JOBS:-2}
OUT=$ROOT/bench/out/prefix
INPUTS=("$ROOT/bench/out/pages" "$ROOT/bench/out/scanpdf")
for d in "${INPUTS[@]}"; do
  [ -d "$d" ] || { echo "missing $d: run bench/run_bench.sh first" >&2; exit 1; }
done
rm -rf "$OUT"
mkdir -p "$OUT"
cat >"$OUT/without_quality.toml" <<'EOF'
[pipeline.pdf]
stages = ["pdf_text", "rasterize", "ocr"]
[pipeline.image]
stages = ["image_load", "ocr"]
EOF

run() {  # label, extra args...
  local label=$1
  shift
  local t0=$EPOCHREALTIME
  "$ASSAY" run "${INPUTS[@]}" --out "$OUT/store" -j "$JOBS" --json "$@" >"$OUT/$label.json" || true
  local t1=$EPOCHREALTIME
  echo "$label $(python3 -c "print(f'{$t1 - $t0:.2f}')")" >>"$OUT/times.txt"
}

echo "== run 1: pipelines without quality"
run first --config "$OUT/without_quality.toml"
echo "== run 2: default pipelines (quality added at the end)"
run second

python3 - "$OUT" <<'EOF'
import json, sqlite3, sys
out = sys.argv[1]
times = dict(line.split() for line in open(f"{out}/times.txt"))
t1, t2 = float(times["first"]), float(times["second"])
s1, s2 = (json.load(open(f"{out}/{k}.json")) for k in ("first", "second"))
db = sqlite3.connect(f"file:{out}/store/assay.db?mode=ro", uri=True)
ran = db.execute("SELECT stage, COUNT(*) FROM transformations WHERE run_id=2 AND "
                 "reused_from IS NULL GROUP BY stage ORDER BY stage").fetchall()
reused = db.execute("SELECT stage, COUNT(*) FROM transformations WHERE run_id=2 AND "
                    "reused_from IS NOT NULL GROUP BY stage ORDER BY stage").fetchall()
result = {"documents": s1["documents"], "pages": s1["pages"],
          "run1_seconds": t1, "run2_seconds": t2, "ratio": t2 / t1,
          "run2_ran": dict(ran), "run2_reused": dict(reused)}
json.dump(result, open(f"{out}/result.json", "w"), indent=2)
print(f"documents {s1['documents']}, pages {s1['pages']}")
print(f"run 1 (no quality): {t1:.2f} s; run 2 (quality added): {t2:.2f} s; ratio {t2 / t1:.3f}")
print(f"run 2 ran: {dict(ran)}; reused: {dict(reused)}")
if set(dict(ran)) != {"quality"}:
    print("INVALID: run 2 ran more than the added stage", file=sys.stderr)
    sys.exit(1)
EOF
