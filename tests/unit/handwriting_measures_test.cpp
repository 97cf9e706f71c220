// The handwriting detector's measures (stages/handwriting_measures.h) on pages drawn here:
// print (one font's glyphs, repeated), scribbles (every glyph a different random stroke, as a
// hand never repeats a shape exactly), a mix of both, and too little ink to judge.
#include "stages/handwriting_measures.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <memory>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>

namespace assay {
namespace {

constexpr int kWidth = 1700, kHeight = 2200;  // a letter page at 200 dpi
constexpr int kDpi = 200;

struct PixFree {
  void operator()(Pix* p) const { pixDestroy(&p); }
};
using PagePix = std::unique_ptr<Pix, PixFree>;

PagePix ToPix(const cv::Mat& gray) {
  Pix* pix = pixCreate(gray.cols, gray.rows, 8);
  for (int y = 0; y < gray.rows; ++y)
    for (int x = 0; x < gray.cols; ++x) pixSetPixel(pix, x, y, gray.at<uint8_t>(y, x));
  pixSetResolution(pix, kDpi, kDpi);
  return PagePix(pix);
}

// Lines of print between rows y0 and y1: one Hershey font, so each letter is drawn alike.
void Print(cv::Mat& page, int y0, int y1) {
  const std::string text = "the quick brown fox jumps over the lazy dog and then some more";
  for (int y = y0 + 40; y < y1; y += 55) {
    cv::putText(page, text, {80, y}, cv::FONT_HERSHEY_SIMPLEX, 1.1, cv::Scalar(20), 2,
                cv::LINE_8);
  }
}

// Lines of scribbled glyphs between rows y0 and y1: each a random stroke of 6-8 points in a
// glyph-sized cell, so no two are alike.
void Scribble(cv::Mat& page, int y0, int y1, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dx(0, 26), dy(0, 36), points(6, 8);
  for (int y = y0 + 10; y + 45 < y1; y += 70) {
    for (int x = 80; x + 40 < page.cols - 80; x += 38) {
      std::vector<cv::Point> stroke;
      const int n = points(rng);
      for (int i = 0; i < n; ++i) stroke.push_back({x + dx(rng), y + dy(rng)});
      cv::polylines(page, stroke, false, cv::Scalar(25), 3, cv::LINE_8);
    }
  }
}

cv::Mat Paper() { return cv::Mat(kHeight, kWidth, CV_8UC1, cv::Scalar(240)); }

TEST(HandwritingMeasures, PrintRepeatsItsGlyphs) {
  cv::Mat page = Paper();
  Print(page, 100, kHeight - 100);
  const HandwritingMeasures m = MeasureHandwriting(ToPix(page).get(), kDpi, {});
  EXPECT_GT(m.components, 500);
  EXPECT_LT(m.unique_share, 0.05);
  EXPECT_LT(m.share, 0.05);
  EXPECT_TRUE(m.regions.empty());
  EXPECT_FALSE(m.handwritten);
}

TEST(HandwritingMeasures, ScribblesAreHandwritten) {
  cv::Mat page = Paper();
  Scribble(page, 100, kHeight - 100, 16);
  const HandwritingMeasures m = MeasureHandwriting(ToPix(page).get(), kDpi, {});
  EXPECT_GT(m.components, 300);
  EXPECT_GT(m.unique_share, 0.6);  // print: below 0.05
  EXPECT_GT(m.share, 0.9);
  EXPECT_FALSE(m.regions.empty());
  EXPECT_TRUE(m.handwritten);
}

TEST(HandwritingMeasures, MixedPageKeepsPrintAndFindsTheHandwrittenLines) {
  cv::Mat page = Paper();
  Print(page, 100, kHeight * 2 / 3);
  Scribble(page, kHeight * 2 / 3 + 40, kHeight - 100, 7);
  const HandwritingMeasures m = MeasureHandwriting(ToPix(page).get(), kDpi, {});
  EXPECT_FALSE(m.handwritten);
  EXPECT_GT(m.share, 0.1);
  EXPECT_LT(m.share, 0.5);
  ASSERT_FALSE(m.regions.empty());
  for (const PixelBox& b : m.regions) {
    EXPECT_GE(b.y0, kHeight * 2 / 3) << "a handwritten line found in the print";
  }
}

TEST(HandwritingMeasures, TooLittleInkIsNotJudged) {
  cv::Mat page = Paper();
  Scribble(page, 100, 180, 3);  // one line: a few dozen glyphs
  HandwritingLimits limits;
  limits.min_components = 100;
  const HandwritingMeasures m = MeasureHandwriting(ToPix(page).get(), kDpi, limits);
  EXPECT_LT(m.components, 100);
  EXPECT_FALSE(m.handwritten);
}

TEST(HandwritingMeasures, BlankAndTinyPagesMeasureNothing) {
  const HandwritingMeasures blank = MeasureHandwriting(ToPix(Paper()).get(), kDpi, {});
  EXPECT_EQ(blank.components, 0);
  EXPECT_FALSE(blank.handwritten);
  cv::Mat tiny(8, 8, CV_8UC1, cv::Scalar(0));
  EXPECT_EQ(MeasureHandwriting(ToPix(tiny).get(), kDpi, {}).components, 0);
  EXPECT_EQ(MeasureHandwriting(nullptr, kDpi, {}).components, 0);
}

}  // namespace
}  // namespace assay
