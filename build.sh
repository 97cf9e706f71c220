#!/usr/bin/env bash
# assay's one set-up script. On a fresh Debian 12 machine:
#   ./build.sh demo   install what is missing (apt), build, run the demo on samples/
#   ./build.sh test   install what is missing (apt), build, run every test (CTest)
#   ./build.sh deps | build   the first steps alone
set -euo pipefail
cd "$(dirname "$0")"

# Every dependency is a Debian package; nothing is downloaded by the build.
PACKAGES=(
  cmake g++ make pkg-config git file time python3 python3-jsonschema
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu
  tesseract-ocr-osd  # the preprocess stage: page orientation
  tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-por tesseract-ocr-vie
  tesseract-ocr-frk tesseract-ocr-ara tesseract-ocr-hin  # ocr.lang=auto: models by script
  libpoppler-private-dev poppler-utils poppler-data libfontconfig-dev
  libopencv-dev libsqlite3-dev sqlite3 libssl-dev libmagic-dev
  libcli11-dev nlohmann-json3-dev libgtest-dev libtomlplusplus-dev
  libhunspell-dev hunspell-en-us python3-numpy python3-pil
  libphonenumber-dev  # the pii stage: phone numbers valid for their region
  clang libclang-rt-14-dev  # the fuzzing build (tests/fuzz); libFuzzer is in libclang-rt-14-dev
  libarchive-dev libcld2-dev  # releases: WebDataset tar shards, language detection
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev  # the video stage
  ffmpeg  # tests only: makes the video test set (tests/video_testset.py)
  qpdf  # tests only: encrypts PDFs for the password tests
  libcpp-httplib-dev  # assay serve: the HTTP server
  chromium chromium-driver python3-selenium  # tests only: assay serve in a real browser
  munge slurmctld slurmd slurm-client  # tests only: a local Slurm for tests/e2e/test_slurm.py
)

deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "== installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

build() {
  # A unity build (8 files a unit) halves the compile time of a fresh build: each unit
  # instantiates the JSON and container templates once instead of eight times.
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_UNITY_BUILD=ON >/dev/null
  cmake --build build -j"$(nproc)"
}

demo() {
  echo "== assay run samples --out out"
  local rc=0
  ./build/assay run samples --out out || rc=$?
  echo
  ./build/assay status --out out
  case $rc in
    0) ;;
    4) echo "exit code 4: some documents errored (samples/corrupt.pdf is corrupt on purpose)" ;;
    *) exit "$rc" ;;
  esac
  echo "next: ./build/assay export --out out --format jsonl | head -c 600"
}

tests() {
  (cd build && ctest --output-on-failure -j2)
  # A short fuzzing pass (12 s per target over the committed corpus) in its own clang build.
  tests/fuzz/run.sh 12
}

case "${1:-}" in
  deps) deps ;;
  build) deps && build ;;
  demo) deps && build && demo ;;
  test) deps && build && tests ;;
  *) echo "usage: ./build.sh demo|test|deps|build" >&2; exit 2 ;;
esac
