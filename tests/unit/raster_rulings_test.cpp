// The ruling lines of a page image (stages/raster_rulings.h), on images drawn here: where the
// rules are, what is not a rule, and the same rules as OpenCV's morphology and component
// labelling give (the stage computes both on runs of ink, for speed).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <random>
#include <tuple>

#include "stages/raster_rulings.h"

namespace assay {
namespace {

cv::Mat RulingsTestPage(int width = 600, int height = 400) {
  return cv::Mat(height, width, CV_8UC1, cv::Scalar(255));
}

// The rules as the stage found them before it worked on runs: cv::morphologyEx(MORPH_OPEN)
// with a long line, cv::dilate by 5 pixels along it, cv::connectedComponentsWithStats.
std::vector<Rule> ReferenceRulings(const cv::Mat& gray, double min_length_share) {
  cv::Mat ink;
  const int block = std::max(15, (std::min(gray.cols, gray.rows) / 40) | 1);
  cv::adaptiveThreshold(gray, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, 10);
  const int min_h = std::max(20, static_cast<int>(gray.cols * min_length_share));
  const int min_v = std::max(20, static_cast<int>(gray.rows * min_length_share));
  std::vector<Rule> rules;
  for (const bool horizontal : {true, false}) {
    const cv::Size line = horizontal ? cv::Size(min_h, 1) : cv::Size(1, min_v);
    const cv::Size grow = horizontal ? cv::Size(5, 1) : cv::Size(1, 5);
    cv::Mat mask, labels, stats, centroids;
    cv::morphologyEx(ink, mask, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, line));
    cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_RECT, grow));
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
    for (int i = 1; i < n; ++i) {
      const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
      const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      const int length = horizontal ? w : h, thickness = horizontal ? h : w;
      if (length < (horizontal ? min_h : min_v) || thickness * 8 > length) continue;
      rules.push_back(horizontal ? Rule{double(x), y + h / 2.0, double(x + w), y + h / 2.0}
                                 : Rule{x + w / 2.0, double(y), x + w / 2.0, double(y + h)});
    }
  }
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    return std::tie(a.y0, a.x0, a.y1, a.x1) < std::tie(b.y0, b.x0, b.y1, b.x1);
  });
  return rules;
}

void ExpectSameRules(const std::vector<Rule>& want, const std::vector<Rule>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(std::tie(want[i].x0, want[i].y0, want[i].x1, want[i].y1),
              std::tie(got[i].x0, got[i].y0, got[i].x1, got[i].y1))
        << "rule " << i;
  }
}

TEST(FindRasterRulings, AGridGivesItsRulesAndTextStrokesGiveNone) {
  // Rules at least 3% of the page long: 48 pixels across, 36 down; letters are 22 high.
  cv::Mat page = RulingsTestPage(1600, 1200);
  for (int y : {50, 150, 250}) cv::line(page, {40, y}, {560, y}, cv::Scalar(0), 2);
  for (int x : {40, 300, 560}) cv::line(page, {x, 50}, {x, 250}, cv::Scalar(0), 2);
  // Letters: strokes far shorter than a rule.
  cv::putText(page, "Total 12.5", {60, 100}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(0), 2);
  const std::vector<Rule> rules = FindRasterRulings(page, 1.0);
  int horizontal = 0, vertical = 0;
  for (const Rule& r : rules) {
    if (r.horizontal()) {
      ++horizontal;
      // Each end grown by the dilation that bridges breaks, at most 3 pixels.
      EXPECT_NEAR(r.x0, 40, 4);
      EXPECT_NEAR(r.x1, 560, 6);
    } else {
      ++vertical;
      EXPECT_NEAR(r.y0, 50, 4);
      EXPECT_NEAR(r.y1, 250, 6);
    }
  }
  EXPECT_EQ(horizontal, 3);
  EXPECT_EQ(vertical, 3);
}

TEST(FindRasterRulings, ADashedRuleIsOneRule) {
  cv::Mat page = RulingsTestPage(1600, 1200);
  // 60-pixel dashes, 3-pixel gaps: closed by the 5-pixel dilation.
  for (int x = 20; x < 560; x += 63) cv::line(page, {x, 100}, {x + 59, 100}, cv::Scalar(0), 1);
  // 4-pixel dashes 8 apart: too short to be opened as a rule at all.
  for (int x = 20; x < 560; x += 12) cv::line(page, {x, 300}, {x + 3, 300}, cv::Scalar(0), 1);
  const std::vector<Rule> rules = FindRasterRulings(page, 1.0);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_TRUE(rules[0].horizontal());
  EXPECT_NEAR(rules[0].y0, 100, 1);
  EXPECT_NEAR(rules[0].x0, 18, 3);
  EXPECT_NEAR(rules[0].x1, 584, 4);  // the last dash ends at 583
}

TEST(FindRasterRulings, RulesAtTheImageBordersAndScaleToPageUnits) {
  cv::Mat page = RulingsTestPage();
  cv::line(page, {0, 0}, {599, 0}, cv::Scalar(0), 1);     // along the top edge
  cv::line(page, {0, 0}, {0, 399}, cv::Scalar(0), 1);     // along the left edge
  cv::line(page, {300, 399}, {599, 399}, cv::Scalar(0), 1);  // to the bottom-right corner
  ExpectSameRules(ReferenceRulings(page, 0.03), FindRasterRulings(page, 1.0));
  const std::vector<Rule> halved = FindRasterRulings(page, 0.5);
  const std::vector<Rule> full = FindRasterRulings(page, 1.0);
  ASSERT_EQ(halved.size(), full.size());
  for (size_t i = 0; i < full.size(); ++i) EXPECT_DOUBLE_EQ(halved[i].x1, full[i].x1 * 0.5);
}

// Noisy pages of rules of every length (even and odd elements, runs touching the borders,
// touching diagonally): the same rules as OpenCV's morphology and labelling, to the pixel.
TEST(FindRasterRulings, TheSameRulesAsOpenCvMorphologyOnNoisyPages) {
  std::mt19937 random(7);
  for (int round = 0; round < 12; ++round) {
    const int width = 300 + static_cast<int>(random() % 500), height = 200 + static_cast<int>(random() % 500);
    cv::Mat page = RulingsTestPage(width, height);
    for (int i = 0; i < 40; ++i) {
      const int x = static_cast<int>(random() % width), y = static_cast<int>(random() % height);
      const int length = static_cast<int>(random() % 200), thick = 1 + static_cast<int>(random() % 3);
      if (random() % 2) {
        cv::line(page, {x, y}, {x + length, y + static_cast<int>(random() % 3) - 1}, cv::Scalar(0), thick);
      } else {
        cv::line(page, {x, y}, {x + static_cast<int>(random() % 3) - 1, y + length}, cv::Scalar(0), thick);
      }
    }
    cv::Mat noise(page.size(), CV_8UC1);
    cv::randn(noise, 0, 40);
    cv::subtract(page, noise, page);
    for (const double share : {0.03, 0.05}) {
      SCOPED_TRACE(testing::Message() << "round " << round << " share " << share);
      ExpectSameRules(ReferenceRulings(page, share), FindRasterRulings(page, 1.0, share));
    }
  }
}

}  // namespace
}  // namespace assay
