#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs each over its
# committed seed corpus.
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default: 12 s, every target;
#                                                         0: build only)
# Inputs the fuzzer finds are kept in build-fuzz/found/<target>/ (the committed corpus is only
# read); a crash leaves its input in build-fuzz/artifacts/ and ends the script with exit 1.
# Add such an input, once fixed, to corpus/<target>/ as a regression seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-12}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(manifest contract pipeline_config result_frame)

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 with line tables: the sanitizers are the point, and the build stays short.
CXX=clang++ cmake -S . -B build-fuzz -DASSAY_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
  -DBUILD_TESTING=OFF -DCMAKE_UNITY_BUILD=ON "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_targets
[ "$seconds" = 0 ] && exit 0

mkdir -p build-fuzz/artifacts
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/found/$t"
  echo "== fuzz_$t: ${seconds} s"
  dict=()
  case $t in
    result_frame) dict=(-dict=tests/fuzz/result_frame.dict) ;;
    contract | pipeline_config) dict=(-dict=tests/fuzz/toml.dict) ;;
  esac
  # -rss_limit_mb: the harnesses hold nothing large; more is a finding.
  build-fuzz/tests/fuzz/"fuzz_$t" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
    "build-fuzz/found/$t" "tests/fuzz/corpus/$t" 2>&1 |
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)|Test unit written" || true
  if ls build-fuzz/artifacts/"$t"-* >/dev/null 2>&1; then
    echo "fuzz_$t found a failing input: $(ls build-fuzz/artifacts/"$t"-*)" >&2
    exit 1
  fi
done
