#!/bin/sh
# Releasing N synthetic documents (tests/tools/release_bench.cpp builds the store through the
# store's own CommitResult), then `release create` and `release validate` timed with their peak
# memory. Usage: bench/release_bench.sh [N] [BUILD_DIR]   (figures: docs/benchmarks.md)
set -e
N=${1:-100000}
BUILD=${2:-build}
DIR=${TMPDIR:-/tmp}/assay-release-bench
cmake --build "$BUILD" --target release_bench assay -j2 >/dev/null
[ -f "$DIR/store-$N/assay.db" ] || "$BUILD/tests/release_bench" "$N" "$DIR/store-$N"
rm -rf "$DIR/release"
/usr/bin/time -f "release create: %e s wall, %U s user, %S s sys, %M KiB peak" \
  "$BUILD/assay" release create "bench-$(date +%s)" --out "$DIR/store-$N" --to "$DIR/release" \
  --split train=0.8,val=0.1,test=0.1
/usr/bin/time -f "release validate: %e s wall, %U s user, %S s sys, %M KiB peak" \
  "$BUILD/assay" release validate "$DIR/release" | tail -1
