#!/bin/sh
# A 10-minute 1080p video through the video stage, in bounded memory (docs/benchmarks.md,
# "Video"). Makes the video with ffmpeg (not committed: ~15,000 frames of testsrc2 pattern with
# motion, H.264, 25 fps), then measures side by side
#   decode-only reference:  ffmpeg -threads 1 -i in.mp4 -f null -   (and at ffmpeg's default threads)
#   the whole video path:   assay run in.mp4 -j 1 (ingest and hashing, the video stage: decode,
#                           detectors on every frame, sampled frames measured; contract; store)
# each under /usr/bin/time -v (peak RSS of the process tree's largest process: assay's worker
# is a child the supervisor waits for) and bench/rss_sampler.py (peak per process).
# Usage: bench/video_bench.sh [MINUTES] [BUILD_DIR]
set -e
MINUTES=${1:-10}
BUILD=${2:-build}
here=$(cd "$(dirname "$0")" && pwd)
cmake --build "$BUILD" --target assay -j2 >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/assay-video-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
seconds=$((MINUTES * 60))
echo "making a ${MINUTES}-minute 1080p25 H.264 video..."
ffmpeg -v error -nostdin -f lavfi -i "testsrc2=size=1920x1080:rate=25" -t "$seconds" \
  -c:v libx264 -preset ultrafast -crf 28 -g 250 -pix_fmt yuv420p "$tmp/in.mp4"
ls -l "$tmp/in.mp4"
frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
  -of csv=p=0 "$tmp/in.mp4")
echo "frames=$frames"
measure() {  # label, command...
  label=$1
  shift
  /usr/bin/time -v "$@" >"$tmp/$label.out" 2>"$tmp/$label.time" &
  pid=$!
  python3 "$here/rss_sampler.py" "$pid" "$tmp/$label.rss.json" 0.25 &
  wait "$pid" || true
  wait
  python3 - "$tmp/$label.time" "$tmp/$label.rss.json" "$frames" "$label" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
parts = [float(p) for p in wall.split(":")]
s = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
user = float(re.search(r"User time \(seconds\): (\S+)", t).group(1))
sys_ = float(re.search(r"System time \(seconds\): (\S+)", t).group(1))
procs = json.load(open(sys.argv[2]))["processes"]
peaks = ", ".join(f"{p['role']} {p['peak_rss_kib'] // 1024} MiB" for p in procs if p["peak_rss_kib"] > 0)
n = int(sys.argv[3])
print(f"{sys.argv[4]}: wall {s:.1f} s, cpu {user + sys_:.1f} s, {n / s:.1f} frames/s, "
      f"peak RSS (time -v) {rss // 1024} MiB; per process: {peaks}")
PY
}
measure ffmpeg_1thread ffmpeg -v error -nostdin -threads 1 -i "$tmp/in.mp4" -f null -
measure ffmpeg_default ffmpeg -v error -nostdin -i "$tmp/in.mp4" -f null -
measure assay "$BUILD/assay" run "$tmp/in.mp4" --out "$tmp/out" -j 1 --timeout 3600 --json
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('assay outcomes:', r['outcomes'])" "$tmp/assay.out"
sqlite3 "$tmp/out/assay.db" "SELECT name, value FROM metrics WHERE name LIKE 'video.%' ORDER BY name" | tr '\n' ' '
echo
sqlite3 "$tmp/out/assay.db" "SELECT stage, duration_ms, note FROM transformations WHERE stage='video'"
