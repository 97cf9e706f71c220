// video: decodes a video (MP4/MOV, WebM/MKV, AVI) once, frame by frame in constant memory,
// finds its black and frozen stretches and its scene cuts (stages/video_detectors.h), samples
// frames (the first frame of each scene first, then one every `sample_every_s`, at most
// `max_frames`) and gives each sampled frame the image checks of image_checks
// (stages/image_measures.h: sharpness, exposure, contrast, perceptual hash). The video's
// metrics (`video.*`) are what contracts/video.toml reads; the frames and stretches are kept
// in the document's `video` facts for the export (docs/video.md).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "core/stage.h"
#include "stages/image_measures.h"
#include "stages/video_detectors.h"
#include "stages/video_reader.h"

namespace assay {
namespace {

// Width the detectors look at: enough detail for a frozen picture to differ from a slow pan,
// small enough to cost little next to decoding.
constexpr int kVideoSignalWidth = 160;

// Hamming distance of two sampled frames' whole-picture hashes at or below which the later is
// a near-copy of the earlier (video.near_duplicate_frames). The frames of one video are few, so
// all pairs are compared and the radius can stay wider than the corpus step's (whose windows
// make up for a smaller one; core/near_duplicates.h).
constexpr int kVideoFrameCopyDistance = 12;

// Figures kept to 3 decimals (a millisecond): stable JSON.
double RoundVideoFigure(double v) { return std::round(v * 1000) / 1000; }

// A frame measured as a sampling candidate.
struct FrameSample {
  int64_t index = 0;
  double time = 0;
  bool scene_start = false;
  bool keyframe = false;
  bool black = false;
  ImageMeasures m;
  uint64_t phash = 0;
};

// Up to `n` of `items`, evenly spread over them (all when there are no more than n).
std::vector<FrameSample> SpreadPick(const std::vector<FrameSample>& items, size_t n) {
  if (items.size() <= n) return items;
  std::vector<FrameSample> out;
  for (size_t k = 0; k < n; ++k) out.push_back(items[k * items.size() / n]);
  return out;
}

class VideoStage : public Stage {
 public:
  explicit VideoStage(const CanonicalJson& p)
      : sample_every_s_(p.at("sample_every_s")),
        max_frames_(p.at("max_frames")),
        min_sharpness_(p.at("frame_min_sharpness")),
        min_contrast_(p.at("frame_min_contrast")),
        max_clipped_(p.at("frame_max_clipped_highlights")) {
    limits_.max_streams = p.at("max_streams");
    limits_.max_side = p.at("max_side");
    limits_.max_megapixels = p.at("max_megapixels");
    limits_.max_duration_s = p.at("max_duration_s");
    limits_.max_decoded_frames = p.at("max_decoded_frames");
    detect_.black_max_luma = p.at("black_max_luma");
    detect_.black_min_share = p.at("black_min_share");
    detect_.black_min_s = p.at("black_min_s");
    detect_.frozen_max_diff = p.at("frozen_max_diff");
    detect_.frozen_min_s = p.at("frozen_min_s");
    detect_.scene_threshold = p.at("scene_threshold");
    detect_.scene_min_s = p.at("scene_min_s");
    detect_.scene_hist_threshold = p.at("scene_hist_threshold");
  }

  Result<StageReport> Run(Document& doc, StageContext&) const override {
    auto opened = VideoReader::Open(doc.path, limits_);
    if (!opened.ok()) return opened.error();
    VideoReader& reader = *opened.value();
    const VideoInfo info = reader.info();
    // Rate samples: never more than max_frames over the stated duration.
    const double every = info.duration_s > 0
                             ? std::max(sample_every_s_, info.duration_s / max_frames_)
                             : sample_every_s_;
    VideoDetector detector(detect_);
    std::vector<FrameSample> scene_starts, ticks;
    int64_t scenes_unmeasured = 0;
    double next_tick = 0, last_time = 0;
    auto measure = [&](const FrameVerdict& v, bool scene_start) {
      FrameSample s;
      s.index = reader.index();
      s.time = reader.time();
      s.scene_start = scene_start;
      s.keyframe = reader.keyframe();
      s.black = v.black;
      const cv::Mat bgr = reader.Bgr();
      if (!bgr.empty()) {
        s.m = Measure(bgr);
        s.phash = PerceptualHash(bgr);
      }
      return s;
    };
    while (true) {
      auto more = reader.Next();
      if (!more.ok()) return more.error();
      if (!more.value()) break;
      const double t = reader.time();
      last_time = std::max(last_time, t);
      const FrameVerdict v = detector.Feed(reader.Gray(kVideoSignalWidth), t);
      const bool scene_start = reader.index() == 0 || v.cut;
      // Scene starts first: each is a candidate up to max_frames measured (the rest counted).
      if (scene_start) {
        if (scene_starts.size() < static_cast<size_t>(max_frames_)) {
          scene_starts.push_back(measure(v, true));
        } else {
          ++scenes_unmeasured;
        }
      } else if (t >= next_tick && ticks.size() < static_cast<size_t>(max_frames_)) {
        ticks.push_back(measure(v, false));
      }
      if (t >= next_tick) next_tick = (std::floor(t / every) + 1) * every;
    }
    const int64_t frames = reader.index() + 1;
    if (frames <= 0) return Error{"video", "no frame could be decoded (truncated or damaged)"};
    const double frame_s = info.fps > 0 ? 1.0 / info.fps : 0;
    const double end = last_time + frame_s;
    // A stream that stops well before the end its header states was cut short.
    if (info.duration_s > 0 && end < info.duration_s - std::max(1.0, 0.05 * info.duration_s)) {
      char buf[160];
      std::snprintf(buf, sizeof(buf),
                    "truncated: frames stop at %.2f s of the %.2f s the header states", end,
                    info.duration_s);
      return Error{"video", buf};
    }
    const VideoFindings found = detector.Finish(end);

    // The sample: scene starts first, the rate's frames fill what is left, in time order.
    std::vector<FrameSample> chosen = SpreadPick(scene_starts, max_frames_);
    std::vector<FrameSample> rest;
    for (const FrameSample& s : ticks) {
      if (std::none_of(chosen.begin(), chosen.end(),
                       [&](const FrameSample& c) { return c.index == s.index; })) {
        rest.push_back(s);
      }
    }
    for (const FrameSample& s : SpreadPick(rest, max_frames_ - chosen.size())) chosen.push_back(s);
    std::sort(chosen.begin(), chosen.end(),
              [](const FrameSample& a, const FrameSample& b) { return a.index < b.index; });

    CanonicalJson frames_json = CanonicalJson::array();
    int passing = 0, near_copies = 0;
    for (size_t i = 0; i < chosen.size(); ++i) {
      const FrameSample& s = chosen[i];
      const bool passes = !s.black && s.m.sharpness >= min_sharpness_ &&
                          s.m.contrast >= min_contrast_ && s.m.clipped_highlights <= max_clipped_;
      passing += passes ? 1 : 0;
      // Near-copies among the sampled frames: the earliest frame within kVideoFrameCopyDistance
      // stands for the group.
      CanonicalJson copy_of = nullptr;
      for (size_t j = 0; j < i; ++j) {
        if (std::popcount(chosen[j].phash ^ s.phash) <= kVideoFrameCopyDistance) {
          copy_of = chosen[j].index;
          ++near_copies;
          break;
        }
      }
      frames_json.push_back(
          {{"index", s.index},
           {"time", RoundVideoFigure(s.time)},
           {"scene_start", s.scene_start},
           {"keyframe", s.keyframe},
           {"phash", HashHex(s.phash)},
           {"checks",
            {{"image.sharpness", RoundVideoFigure(s.m.sharpness)},
             {"image.clipped_highlights", RoundVideoFigure(s.m.clipped_highlights)},
             {"image.clipped_shadows", RoundVideoFigure(s.m.clipped_shadows)},
             {"image.contrast", RoundVideoFigure(s.m.contrast)},
             {"image.noise", RoundVideoFigure(s.m.noise)},
             {"image.is_color", s.m.is_color ? 1 : 0}}},
           {"passes", passes},
           {"near_duplicate_of", copy_of}});
    }
    CanonicalJson stretches = CanonicalJson::array();
    double black_s = 0, frozen_s = 0;
    int black_n = 0, frozen_n = 0;
    for (const VideoStretch& st : found.stretches) {
      stretches.push_back({{"kind", st.kind},
                           {"start", RoundVideoFigure(st.start)},
                           {"end", RoundVideoFigure(st.end)}});
      (st.kind == "black" ? black_s : frozen_s) += st.end - st.start;
      ++(st.kind == "black" ? black_n : frozen_n);
    }
    CanonicalJson cuts = CanonicalJson::array();
    for (double c : found.cuts) cuts.push_back(RoundVideoFigure(c));
    doc.modality = "video";
    doc.video = {{"frames", std::move(frames_json)},
                 {"stretches", std::move(stretches)},
                 {"scene_cuts", std::move(cuts)},
                 {"codec", info.codec}};
    auto& m = doc.metrics;
    m["video.duration_s"] = RoundVideoFigure(end);
    m["video.fps"] = RoundVideoFigure(info.fps);
    m["video.width"] = info.width;
    m["video.height"] = info.height;
    m["video.streams"] = info.streams;
    m["video.frames"] = static_cast<double>(frames);
    m["video.black_share"] = RoundVideoFigure(double(found.black_frames) / frames);
    m["video.frozen_share"] = RoundVideoFigure(double(found.frozen_frames) / frames);
    m["video.black_stretches"] = black_n;
    m["video.frozen_stretches"] = frozen_n;
    m["video.longest_black_s"] = 0;
    m["video.longest_frozen_s"] = 0;
    for (const VideoStretch& st : found.stretches) {
      double& longest = m[st.kind == "black" ? "video.longest_black_s" : "video.longest_frozen_s"];
      longest = std::max(longest, RoundVideoFigure(st.end - st.start));
    }
    m["video.scene_count"] = static_cast<double>(found.cuts.size() + 1);
    m["video.sampled_frames"] = static_cast<double>(chosen.size());
    m["video.frames_passing_share"] =
        chosen.empty() ? 0 : RoundVideoFigure(double(passing) / static_cast<double>(chosen.size()));
    m["video.near_duplicate_frames"] = near_copies;
    // Across the corpus: the supervisor's near-duplicate step sets it (a worker sees one file).
    m["video.corpus_near_duplicate_frames"] = 0;
    StageReport report;
    char note[200];
    std::snprintf(note, sizeof(note),
                  "%lld frames, %zu scenes, %d black and %d frozen stretches (%.1f s, %.1f s), "
                  "%zu frames sampled",
                  static_cast<long long>(frames), found.cuts.size() + 1, black_n, frozen_n, black_s,
                  frozen_s, chosen.size());
    report.note = note;
    if (scenes_unmeasured > 0) {
      report.note += "; " + std::to_string(scenes_unmeasured) + " later scene starts not sampled";
    }
    return report;
  }

 private:
  double sample_every_s_;
  int max_frames_;
  double min_sharpness_, min_contrast_, max_clipped_;
  VideoLimits limits_;
  VideoDetectorParams detect_;
};

}  // namespace

const StageSpec& VideoStageSpec() {
  static const StageSpec kSpec{
      .id = "video",
      .version = 2,
      .summary = "decode a video; black, frozen, scene cuts; sampled frames with image checks",
      .containers = {"video"},
      .modalities = {},
      .establishes = {"video"},
      .params = {{"sample_every_s",
                  ParamType::kNumber,
                  10,
                  0.04,
                  86400,
                  {},
                  {},
                  "seconds between rate-sampled frames (stretched so at most max_frames fit)"},
                 {"max_frames",
                  ParamType::kInt,
                  24,
                  1,
                  1000,
                  {},
                  {},
                  "most frames sampled per video (scene starts first, then the rate's)"},
                 {"scene_threshold",
                  ParamType::kNumber,
                  8,
                  0.1,
                  100,
                  {},
                  {},
                  "jump of the frame difference (percent of full scale) that is a scene cut"},
                 {"scene_hist_threshold",
                  ParamType::kNumber,
                  0.2,
                  0,
                  1,
                  {},
                  {},
                  "or: share of pixels whose gray bin (of 16) changed, with the frame difference "
                  "above scene_threshold, that is a scene cut (a cut during fast motion)"},
                 {"scene_min_s",
                  ParamType::kNumber,
                  0.4,
                  0,
                  60,
                  {},
                  {},
                  "shortest scene, seconds: a cut closer than this to the last is not one"},
                 {"black_max_luma",
                  ParamType::kInt,
                  40,
                  0,
                  255,
                  {},
                  {},
                  "gray level (full range 0-255) at or below which a pixel is black"},
                 {"black_min_share",
                  ParamType::kNumber,
                  0.98,
                  0,
                  1,
                  {},
                  {},
                  "share of black pixels that makes a frame black"},
                 {"black_min_s",
                  ParamType::kNumber,
                  0.5,
                  0,
                  3600,
                  {},
                  {},
                  "shortest black stretch reported, seconds"},
                 {"frozen_max_diff",
                  ParamType::kNumber,
                  0.5,
                  0,
                  255,
                  {},
                  {},
                  "mean absolute difference (gray levels, at 160 px wide) of a repeated frame"},
                 {"frozen_min_s",
                  ParamType::kNumber,
                  1,
                  0,
                  3600,
                  {},
                  {},
                  "shortest frozen stretch reported, seconds"},
                 {"frame_min_sharpness",
                  ParamType::kNumber,
                  0.32,
                  0,
                  1000,
                  {},
                  {},
                  "a sampled frame passes with image.sharpness at least this (photo contract's)"},
                 {"frame_min_contrast",
                  ParamType::kNumber,
                  0.07,
                  0,
                  1,
                  {},
                  {},
                  "a sampled frame passes with image.contrast at least this"},
                 {"frame_max_clipped_highlights",
                  ParamType::kNumber,
                  0.95,
                  0,
                  1,
                  {},
                  {},
                  "a sampled frame passes with image.clipped_highlights at most this"},
                 {"max_streams",
                  ParamType::kInt,
                  16,
                  1,
                  1000,
                  {},
                  {},
                  "most streams (of any kind) in the container"},
                 {"max_side",
                  ParamType::kInt,
                  8192,
                  16,
                  65536,
                  {},
                  {},
                  "largest frame side accepted, pixels (from the header, before decoding)"},
                 {"max_megapixels",
                  ParamType::kNumber,
                  36,
                  0.01,
                  1000,
                  {},
                  {},
                  "largest frame accepted, megapixels (from the header, before decoding)"},
                 {"max_duration_s",
                  ParamType::kNumber,
                  14400,
                  1,
                  1e7,
                  {},
                  {},
                  "longest video accepted, seconds as the header states"},
                 {"max_decoded_frames",
                  ParamType::kInt,
                  500000,
                  1,
                  1e9,
                  {},
                  {},
                  "most frames decoded; a stream with more is an error"}},
      .metrics =
          {{"video.duration_s", false, "seconds from the first frame to the end of the last"},
           {"video.fps", false, "average frame rate the container states"},
           {"video.width", false, "frame width, pixels"},
           {"video.height", false, "frame height, pixels"},
           {"video.streams", false, "streams of any kind in the container"},
           {"video.frames", false, "frames decoded"},
           {"video.black_share", false, "share of frames that are black"},
           {"video.frozen_share", false, "share of frames inside reported frozen stretches"},
           {"video.black_stretches", false, "black stretches of at least black_min_s"},
           {"video.frozen_stretches", false, "frozen stretches of at least frozen_min_s"},
           {"video.longest_black_s", false, "longest black stretch, seconds"},
           {"video.longest_frozen_s", false, "longest frozen stretch, seconds"},
           {"video.scene_count", false, "scenes: scene cuts found + 1"},
           {"video.sampled_frames", false, "frames sampled and measured"},
           {"video.frames_passing_share", false,
            "share of sampled frames passing the image checks (not black, sharp, contrasted, "
            "not burnt out)"},
           {"video.near_duplicate_frames", false,
            "sampled frames that are near-copies (perceptual hash) of an earlier sampled frame"},
           {"video.corpus_near_duplicate_frames", false,
            "sampled frames that are near-copies of an image or of another video's frame in the "
            "store (set by the supervisor's near-duplicate step; 0 from the stage)"}},
      .libraries = {"libav", "opencv"},
      .resources = nullptr,
      .pixels = Pixels::kNone,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<VideoStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
