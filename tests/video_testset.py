#!/usr/bin/env python3
"""Makes the video test set (docs/video.md) from real images of the corpora with ffmpeg:
a timeline of segments (photos of the W3C images tutorial, PubLayNet pages) whose scene cuts, black stretches, frozen stretches and blurred parts
are known, written as MP4 (and the same content as WebM, MKV, AVI, MOV), plus hostile files
(truncated, huge dimensions in the header, many streams, zero bytes), and truth.json with
what each file holds.

    python3 tests/video_testset.py CORPORA_DIR OUT_DIR
    python3 tests/video_testset.py --release-set CORPORA_DIR OUT_DIR   (the release test's)

Standard library and the ffmpeg command only. Small on purpose (320x240, 15 fps, ~37 s): the
e2e test (tests/e2e/test_video.py) runs it in a few seconds."""
import json
import os
import struct
import subprocess
import sys

W, H, FPS = 320, 240, 15
PAN_PX_S = 40

PHOTOS = "alttext_w3c_wai/dev"
PAGES = "layout_publaynet_pages/dev"

# (kind, image or None, seconds). kind: pan (a moving view of the image), still (the same
# frame held: frozen), blur (a moving view, Gaussian-blurred), black.
TIMELINE = [
    ("pan", f"{PHOTOS}/castle-etching.jpg", 4),
    ("pan", f"{PHOTOS}/castle-fluro.jpg", 4),
    ("black", None, 2),
    ("pan", f"{PHOTOS}/castle-painting.jpg", 3),
    ("still", f"{PAGES}/PMC3654277_00006.jpg", 3),
    ("pan", f"{PAGES}/PMC3863500_00003.jpg", 4),
    ("blur", f"{PAGES}/PMC4527132_00004.jpg", 4),
    ("blur", f"{PHOTOS}/castle-etching.jpg", 3),
    ("black", None, 1.5),
    ("pan", f"{PAGES}/PMC4027932_00001.jpg", 3),
    ("still", f"{PHOTOS}/castle-fluro.jpg", 2),
    ("pan", f"{PHOTOS}/castle-painting.jpg", 3),
]


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True)


def image_size(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height",
                          "-of", "csv=p=0", path], check=True, capture_output=True, text=True)
    w, h = out.stdout.strip().split(",")[:2]
    return int(w), int(h)


def segment_filter(i, kind, seconds, size, start=(0, 0), sigma=3):
    """The filter chain making segment i from input i (a looped image, or black). Images at
    their own resolution (no upscaling: the frames stay as sharp as the corpus images); a
    moving view pans the 320x240 window from `start` (the top-left corner by default) towards
    the bottom-right; a blurred one is Gaussian-blurred with `sigma`."""
    if kind == "black":
        return f"[{i}:v]format=yuv420p,setsar=1[s{i}]"
    w, h = size
    chain = f"[{i}:v]setsar=1,"
    if (w, h) < (W, H) or w < W or h < H:
        chain += f"scale={max(W, w)}:{max(H, h)},"
        w, h = max(W, w), max(H, h)
    # A start inside the image keeps room for the pan to move (an image barely wider than the
    # view starts at its corner, as by default).
    x0 = min(start[0], max(0, w - W - PAN_PX_S * seconds))
    y0 = min(start[1], max(0, h - H - PAN_PX_S * seconds))
    if kind == "still":
        chain += f"crop={W}:{H}:{x0}:{y0}"  # the view a pan of the same image opens with
    else:
        # At most PAN_PX_S a second on each axis: a camera pan, not a jump each frame.
        dx, dy = min(w - W - x0, PAN_PX_S * seconds), min(h - H - y0, PAN_PX_S * seconds)
        chain += f"crop={W}:{H}:x='{x0}+{dx}*t/{seconds}':y='{y0}+{dy}*t/{seconds}'"
    if kind == "blur":
        chain += f",gblur=sigma={sigma}"
    return chain + f",format=yuv420p[s{i}]"


def make_main(corpora, out_dir):
    main = os.path.join(out_dir, "timeline.mp4")
    return main, render_timeline(corpora, TIMELINE, main)


def render_timeline(corpora, timeline, path, start=(0, 0), sigma=3):
    """Writes `timeline` ((kind, image, seconds) segments) as H.264 MP4 at `path`; returns its
    truth (cuts, black, frozen, blur, segments, duration)."""
    inputs, filters = [], []
    truth = {"cuts": [], "black": [], "frozen": [], "blur": [], "segments": []}
    t = 0.0
    TIMELINE = timeline  # noqa: N806 (the loop below reads it by this name)
    for i, (kind, image, seconds) in enumerate(TIMELINE):
        if kind == "black":
            inputs += ["-f", "lavfi", "-t", str(seconds), "-i",
                       f"color=c=black:s={W}x{H}:r={FPS}"]
        else:
            inputs += ["-loop", "1", "-framerate", str(FPS), "-t", str(seconds), "-i",
                       os.path.join(corpora, image)]
        size = image_size(os.path.join(corpora, image)) if image else None
        filters.append(segment_filter(i, kind, seconds, size, start, sigma))
        if i > 0 and not (kind == "black" and TIMELINE[i - 1][0] == "black"):
            truth["cuts"].append(t)
        span = [t, t + seconds]
        if kind == "black":
            truth["black"].append(span)
        elif kind == "still":
            truth["frozen"].append(span)
        elif kind == "blur":
            truth["blur"].append(span)
        truth["segments"].append({"kind": kind, "image": image, "start": t, "end": t + seconds})
        t += seconds
    truth["duration"] = t
    n = len(TIMELINE)
    graph = ";".join(filters) + ";" + "".join(f"[s{i}]" for i in range(n))
    graph += f"concat=n={n}:v=1:a=0[v]"
    # Keyframe every 2 s; +faststart puts the index first, so a cut-short copy still opens.
    ffmpeg(*inputs, "-filter_complex", graph, "-map", "[v]", "-r", str(FPS), "-c:v", "libx264",
           "-preset", "veryfast", "-crf", "23", "-g", str(2 * FPS), "-pix_fmt", "yuv420p",
           "-movflags", "+faststart", path)
    return truth


def make_containers(main, out_dir):
    """The timeline's 16-20 s (a pan over a page: sharp, no cut) in the other containers:
    sniffed and decoded alike."""
    out = {}
    for name, codec in [("clip.webm", ["-c:v", "libvpx", "-b:v", "300k"]),
                        ("clip.mkv", ["-c:v", "libx264", "-preset", "veryfast"]),
                        ("clip.avi", ["-c:v", "mjpeg", "-q:v", "5"]),
                        ("clip.mov", ["-c:v", "libx264", "-preset", "veryfast"])]:
        path = os.path.join(out_dir, name)
        ffmpeg("-ss", "16", "-i", main, "-t", "4", *codec, "-an", path)
        out[name] = path
    return out


def make_hostile(main, avi, out_dir):
    hostile = {}
    data = open(main, "rb").read()
    path = os.path.join(out_dir, "truncated.mp4")
    with open(path, "wb") as f:
        f.write(data[:len(data) * 2 // 5])
    hostile["truncated.mp4"] = "truncated"
    open(os.path.join(out_dir, "empty.mp4"), "wb").close()
    hostile["empty.mp4"] = "empty file"
    # An AVI whose headers state 60000x60000 frames: the main header (avih) and the video
    # stream's BITMAPINFOHEADER (strf) both patched; the frames themselves are small.
    raw = bytearray(open(avi, "rb").read())
    avih = raw.find(b"avih")
    struct.pack_into("<II", raw, avih + 8 + 32, 60000, 60000)  # dwWidth, dwHeight
    strf = raw.find(b"strf")
    struct.pack_into("<ii", raw, strf + 8 + 4, 60000, 60000)  # biWidth, biHeight
    with open(os.path.join(out_dir, "huge.avi"), "wb") as f:
        f.write(raw)
    hostile["huge.avi"] = "exceed the limit"
    # 40 copies of one video stream in one Matroska file (the default limit is 16).
    maps = []
    for _ in range(40):
        maps += ["-map", "0:v"]
    ffmpeg("-i", main, "-t", "1", *maps, "-c", "copy", os.path.join(out_dir, "streams.mkv"))
    hostile["streams.mkv"] = "40 streams"
    return hostile


RELEASE_PAGE = f"{PAGES}/PMC3863500_00003.jpg"


def make_release_set(corpora, out_dir):
    """For tests/e2e/test_video.py's release class: the same 4 s pan over a page as H.264 MP4
    and as VP8 WebM (two files, near-copy frames of each other), and photo.png, the pan's
    first view cut from the corpus page itself (a picture the corpus also holds as an image),
    with inputs.jsonl giving it alt-text (a photo)."""
    page = os.path.join(corpora, RELEASE_PAGE)
    chain = segment_filter(0, "pan", 4, image_size(page))
    for name, codec in [("pan.mp4", ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]),
                        ("pan.webm", ["-c:v", "libvpx", "-b:v", "400k"])]:
        ffmpeg("-loop", "1", "-framerate", str(FPS), "-t", "4", "-i", page, "-filter_complex",
               chain, "-map", "[s0]", "-r", str(FPS), *codec, os.path.join(out_dir, name))
    ffmpeg("-i", page, "-vf", f"crop={W}:{H}:0:0", "-frames:v", "1", os.path.join(out_dir, "photo.png"))
    with open(os.path.join(out_dir, "inputs.jsonl"), "w") as f:
        for name in ("pan.mp4", "pan.webm"):
            f.write(json.dumps({"path": os.path.join(out_dir, name)}) + "\n")
        f.write(json.dumps({"path": os.path.join(out_dir, "photo.png"),
                            "alt_text": "The top left corner of a journal page"}) + "\n")


def main():
    if sys.argv[1] == "--release-set":
        os.makedirs(sys.argv[3], exist_ok=True)
        make_release_set(sys.argv[2], sys.argv[3])
        return
    corpora, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    main_path, truth = make_main(corpora, out_dir)
    containers = make_containers(main_path, out_dir)
    truth["hostile"] = make_hostile(main_path, containers["clip.avi"], out_dir)
    truth["containers"] = sorted(containers)
    truth["fps"] = FPS
    with open(os.path.join(out_dir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)


if __name__ == "__main__":
    main()
