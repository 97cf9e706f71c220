// The video stage's detectors (black, frozen, scene cut) on synthetic frames: a textured
// picture that moves a pixel a frame (steady motion), held still (frozen), cut to another
// picture, and black; stretches and cuts at the frame times they were made at.
#include "stages/video_detectors.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace assay {
namespace {

constexpr double kFps = 10;

// A 160x120 textured picture (`seed` picks which) seen from `offset` pixels to the right.
cv::Mat Picture(int seed, int offset) {
  cv::Mat big(120, 400, CV_8UC1);
  cv::RNG rng(seed);
  rng.fill(big, cv::RNG::UNIFORM, 0, 256);
  // Blobs a few pixels wide over the whole gray range: a pixel of motion changes little, another
  // picture changes most pixels a lot.
  cv::GaussianBlur(big, big, cv::Size(0, 0), 4.0);
  cv::normalize(big, big, 30, 230, cv::NORM_MINMAX);
  return big(cv::Rect(offset, 0, 160, 120)).clone();
}

cv::Mat Black() { return cv::Mat(120, 160, CV_8UC1, cv::Scalar(16)); }

enum class Seg { kMoving, kStill, kBlack };

struct Segment {
  Seg kind;
  int seed;
  int frames;
};

// Feeds the segments in order; returns the findings and the frame count.
VideoFindings FeedSegments(const std::vector<Segment>& segments,
                           const VideoDetectorParams& params = {}) {
  VideoDetector d(params);
  int n = 0;
  for (const Segment& s : segments) {
    for (int i = 0; i < s.frames; ++i, ++n) {
      const cv::Mat f = s.kind == Seg::kBlack   ? Black()
                        : s.kind == Seg::kStill ? Picture(s.seed, 0)
                                                : Picture(s.seed, i);
      d.Feed(f, n / kFps);
    }
  }
  return d.Finish(n / kFps);
}

TEST(VideoDetector, SteadyMotionIsNeitherCutNorFrozen) {
  const VideoFindings f = FeedSegments({{Seg::kMoving, 1, 50}});
  EXPECT_TRUE(f.cuts.empty());
  EXPECT_TRUE(f.stretches.empty());
  EXPECT_EQ(f.frames, 50);
  EXPECT_EQ(f.black_frames, 0);
  EXPECT_EQ(f.frozen_frames, 0);
}

TEST(VideoDetector, CutsBlackAndFrozenAtTheirFrames) {
  // 0-3 s moving A, 3-5 s black, 5-7 s moving B, 7-9.5 s still C, 9.5-11 s moving A.
  const VideoFindings f = FeedSegments({{Seg::kMoving, 1, 30},
                                        {Seg::kBlack, 0, 20},
                                        {Seg::kMoving, 2, 20},
                                        {Seg::kStill, 3, 25},
                                        {Seg::kMoving, 1, 15}});
  EXPECT_EQ(f.cuts, (std::vector<double>{3.0, 5.0, 7.0, 9.5}));
  ASSERT_EQ(f.stretches.size(), 2u);
  EXPECT_EQ(f.stretches[0].kind, "black");
  EXPECT_DOUBLE_EQ(f.stretches[0].start, 3.0);
  EXPECT_DOUBLE_EQ(f.stretches[0].end, 5.0);
  EXPECT_EQ(f.stretches[1].kind, "frozen");
  EXPECT_DOUBLE_EQ(f.stretches[1].start, 7.0);
  EXPECT_DOUBLE_EQ(f.stretches[1].end, 9.5);
  EXPECT_EQ(f.black_frames, 20);
  EXPECT_EQ(f.frozen_frames, 25);
}

TEST(VideoDetector, ShortStretchesAreNotReported) {
  // A 0.3 s black flash and a 0.5 s hold: below black_min_s (0.5) and frozen_min_s (1).
  const VideoFindings f = FeedSegments({{Seg::kMoving, 1, 20},
                                        {Seg::kBlack, 0, 3},
                                        {Seg::kMoving, 1, 20},
                                        {Seg::kStill, 4, 5},
                                        {Seg::kMoving, 5, 20}});
  EXPECT_TRUE(f.stretches.empty());
  EXPECT_EQ(f.black_frames, 3);  // black frames are counted all the same
  EXPECT_EQ(f.frozen_frames, 0);
}

TEST(VideoDetector, StretchOpenAtTheEndClosesThere) {
  const VideoFindings f = FeedSegments({{Seg::kMoving, 1, 10}, {Seg::kBlack, 0, 15}});
  ASSERT_EQ(f.stretches.size(), 1u);
  EXPECT_DOUBLE_EQ(f.stretches[0].start, 1.0);
  EXPECT_DOUBLE_EQ(f.stretches[0].end, 2.5);
}

TEST(VideoDetector, CutsCloserThanTheShortestSceneAreOne) {
  // A, then B for 2 frames (0.2 s), then C: with scene_min_s 0.4 the B->C cut is dropped.
  const VideoFindings f =
      FeedSegments({{Seg::kMoving, 1, 10}, {Seg::kMoving, 2, 2}, {Seg::kMoving, 3, 10}});
  EXPECT_EQ(f.cuts, (std::vector<double>{1.0}));
  VideoDetectorParams every;
  every.scene_min_s = 0;
  const VideoFindings g =
      FeedSegments({{Seg::kMoving, 1, 10}, {Seg::kMoving, 2, 2}, {Seg::kMoving, 3, 10}}, every);
  EXPECT_EQ(g.cuts, (std::vector<double>{1.0, 1.2}));
}

}  // namespace
}  // namespace assay
