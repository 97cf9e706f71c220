#!/bin/sh
# Images/s of the whole image path vs decoding alone with OpenCV (docs/benchmarks.md).
# Makes N distinct photo JPEGs (1600 px on the longer side) from the corpus's castle photos
# (ImageMagick: bench only), then times
#   decoding alone:  tests/tools/image_decode (cv::imread of each file, one thread)
#   the whole path:  assay run -j JOBS (ingest and hashing, image_load, image_checks, alt_text,
#                    contract, store, the near-duplicate step), from a fresh store
# Usage: bench/image_speed.sh [N] [JOBS] [BUILD_DIR]
set -e
N=${1:-60}
JOBS=${2:-1}
BUILD=${3:-build}
CORPORA=${ASSAY_CORPORA:-$(dirname "$0")/../../shared/corpora}
W3C=$CORPORA/alttext_w3c_wai/dev
cmake --build "$BUILD" --target assay image_decode -j2 >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/assay-image-speed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in"
i=0
while [ "$i" -lt "$N" ]; do
  for src in castle-fluro castle-painting castle-etching counter-clockwise; do
    [ "$i" -lt "$N" ] || break
    # Distinct pictures: each a different crop, hue and rotation of a source.
    convert "$W3C/$src.jpg" -resize 1600x1600 -crop "$((90 - i % 20))%x$((90 - i % 17))%+$((i % 13))+$((i % 11))" \
      +repage -modulate 100,$((80 + i % 40)),$((60 + (i * 7) % 80)) -rotate $((i % 7 * 3)) \
      -resize 1600x1600 -quality 90 "$tmp/in/p$i.jpg"
    i=$((i + 1))
  done
done
echo "decoding alone (OpenCV, 1 thread):"
"$BUILD/tests/image_decode" 3 "$tmp"/in/*.jpg
echo "whole image path (assay run -j $JOBS):"
start=$(date +%s.%N)
"$BUILD/assay" run "$tmp/in" --out "$tmp/out" -j "$JOBS" --json >"$tmp/run.json" || true
end=$(date +%s.%N)
python3 - "$tmp/run.json" "$start" "$end" "$N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); s = float(sys.argv[3]) - float(sys.argv[2]); n = int(sys.argv[4])
print(f"documents={r['documents']} outcomes={r['outcomes']} seconds={s:.2f} images_per_second={n / s:.1f} "
      f"near_duplicates={r['near_duplicates']}")
PY
