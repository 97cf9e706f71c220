// What a stream of small gray frames shows over time: black frames, frozen stretches (a
// picture that does not change) and scene cuts. Pure and incremental (one frame of state), so
// a video of any length is examined in constant memory, and the unit tests feed synthetic
// frames.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace assay {

struct VideoDetectorParams {
  int black_max_luma = 40;        // a pixel at or below this gray level is black
  double black_min_share = 0.98;  // a frame with this share of black pixels is black
  double black_min_s = 0.5;       // a black stretch at least this long is reported
  double frozen_max_diff = 0.5;   // mean absolute difference (gray levels) of a repeated frame
  double frozen_min_s = 1.0;      // a frozen stretch at least this long is reported
  // Scene cut: a jump of the frame difference, min(d, |d - previous d|) in percent of full
  // scale, at or above this (the spike rule: steady motion has a large d but no jump).
  double scene_threshold = 8;
  // Or: the gray histogram (16 bins) changed by at least this share of pixels while the frame
  // difference is above scene_threshold (a cut during fast motion, where the spike is small).
  double scene_hist_threshold = 0.2;
  double scene_min_s = 0.4;  // shortest scene: cuts closer than this to the last are ignored
};

// A stretch of the video: "black" or "frozen", from `start` to `end` seconds.
struct VideoStretch {
  std::string kind;
  double start = 0, end = 0;
};

struct FrameVerdict {
  bool black = false;
  bool frozen = false;  // the same picture as the frame before (and not black)
  bool cut = false;     // the first frame of a new scene (never the video's first frame)
};

struct VideoFindings {
  std::vector<VideoStretch> stretches;  // in time order
  std::vector<double> cuts;             // times of the first frames of scenes 2, 3, ...
  int64_t frames = 0;
  int64_t black_frames = 0;
  int64_t frozen_frames = 0;  // frames inside reported frozen stretches
};

class VideoDetector {
 public:
  explicit VideoDetector(const VideoDetectorParams& params) : p_(params) {}
  // Examines the next frame (CV_8UC1, the same size every time) shown at `time` seconds.
  FrameVerdict Feed(const cv::Mat& gray, double time);
  // Closes open stretches at `end_time` (the end of the last frame) and returns the findings.
  VideoFindings Finish(double end_time);

 private:
  void CloseBlack(double end);
  void CloseFrozen(double end);
  VideoDetectorParams p_;
  VideoFindings out_;
  cv::Mat prev_;
  std::vector<double> prev_hist_;
  double prev_time_ = 0;
  double prev_diff_ = 0;
  double last_cut_ = 0;
  bool prev_black_ = false;
  // Open stretches: start time (negative when none) and, for frozen, frames in it.
  double black_start_ = -1;
  double frozen_start_ = -1;
  int64_t frozen_run_ = 0;
};

}  // namespace assay
