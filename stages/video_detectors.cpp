#include "stages/video_detectors.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

namespace assay {

void VideoDetector::CloseBlack(double end) {
  if (black_start_ >= 0 && end - black_start_ >= p_.black_min_s) {
    out_.stretches.push_back({"black", black_start_, end});
  }
  black_start_ = -1;
}

void VideoDetector::CloseFrozen(double end) {
  if (frozen_start_ >= 0 && end - frozen_start_ >= p_.frozen_min_s) {
    out_.stretches.push_back({"frozen", frozen_start_, end});
    out_.frozen_frames += frozen_run_ + 1;  // the repeats and the frame they repeat
  }
  frozen_start_ = -1;
  frozen_run_ = 0;
}

namespace {

// Share of pixels in each of 16 gray bins.
std::vector<double> GrayHistogram16(const cv::Mat& gray) {
  std::vector<double> h(16, 0);
  for (int y = 0; y < gray.rows; ++y) {
    const uint8_t* row = gray.ptr<uint8_t>(y);
    for (int x = 0; x < gray.cols; ++x) h[row[x] >> 4] += 1;
  }
  const double n = std::max<double>(1, double(gray.total()));
  for (double& v : h) v /= n;
  return h;
}

}  // namespace

FrameVerdict VideoDetector::Feed(const cv::Mat& gray, double time) {
  FrameVerdict v;
  ++out_.frames;
  const double black_share =
      gray.empty() ? 0 : double(cv::countNonZero(gray <= p_.black_max_luma)) / gray.total();
  v.black = black_share >= p_.black_min_share;
  if (v.black) {
    ++out_.black_frames;
    if (black_start_ < 0) black_start_ = time;
  } else {
    CloseBlack(time);
  }
  std::vector<double> hist = GrayHistogram16(gray);
  if (!prev_.empty() && prev_.size() == gray.size()) {
    cv::Mat delta;
    cv::absdiff(gray, prev_, delta);
    const double diff = cv::mean(delta)[0];
    v.frozen = !v.black && !prev_black_ && diff <= p_.frozen_max_diff;
    const double spike = std::min(diff, std::fabs(diff - prev_diff_)) * 100.0 / 255.0;
    double hist_change = 0;
    for (size_t i = 0; i < hist.size(); ++i) hist_change += std::fabs(hist[i] - prev_hist_[i]);
    hist_change /= 2;
    const bool jump = spike >= p_.scene_threshold || (hist_change >= p_.scene_hist_threshold &&
                                                      diff * 100.0 / 255.0 >= p_.scene_threshold);
    v.cut = jump && time - last_cut_ >= p_.scene_min_s;
    prev_diff_ = diff;
  }
  if (v.cut) {
    out_.cuts.push_back(time);
    last_cut_ = time;
  }
  if (v.frozen) {
    if (frozen_start_ < 0) frozen_start_ = prev_time_;
    ++frozen_run_;
  } else {
    CloseFrozen(time);
  }
  gray.copyTo(prev_);
  prev_hist_ = std::move(hist);
  prev_time_ = time;
  prev_black_ = v.black;
  return v;
}

VideoFindings VideoDetector::Finish(double end_time) {
  CloseBlack(end_time);
  CloseFrozen(end_time);
  // Stretches were closed in end order; report them by start.
  std::stable_sort(out_.stretches.begin(), out_.stretches.end(),
                   [](const VideoStretch& a, const VideoStretch& b) { return a.start < b.start; });
  return out_;
}

}  // namespace assay
