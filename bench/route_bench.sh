#!/bin/sh
# Routing at scale: 100k synthetic accepted documents routed with the shipped routing file
# (tests/tools/route_bench.cpp). Usage: bench/route_bench.sh [N] [BUILD_DIR]
set -e
N=${1:-100000}
BUILD=${2:-build}
cmake --build "$BUILD" --target route_bench -j2 >/dev/null
exec "$BUILD/tests/route_bench" "$N" "${TMPDIR:-/tmp}/assay-route-bench"
