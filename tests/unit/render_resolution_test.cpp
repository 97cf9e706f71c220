// The rendering resolution chosen from a probe's text height (stages/render_resolution.h).
#include "stages/render_resolution.h"

#include <gtest/gtest.h>

namespace assay {
namespace {

RenderResolutionLimits Limits(double text_height_px) {
  RenderResolutionLimits l;
  l.max_dpi = 300;
  l.min_dpi = 150;
  l.text_height_px = text_height_px;
  l.probe_dpi = 100;
  l.step_dpi = 25;
  return l;
}

TEST(ResolutionForText, WithoutATargetEveryPageGetsTheMaximum) {
  EXPECT_EQ(ResolutionForText(7, Limits(0)), 300);
}

TEST(ResolutionForText, NoTextFoundGetsTheMaximum) {
  EXPECT_EQ(ResolutionForText(0, Limits(16)), 300);
}

TEST(ResolutionForText, ScalesWithTheTextAndRoundsUp) {
  // 8 px at 100 dpi: 16 px needs 200 dpi exactly.
  EXPECT_EQ(ResolutionForText(8, Limits(16)), 200);
  // 7 px: 228.6 dpi, rounded up to the next 25.
  EXPECT_EQ(ResolutionForText(7, Limits(16)), 250);
}

TEST(ResolutionForText, StaysWithinTheBounds) {
  EXPECT_EQ(ResolutionForText(3, Limits(16)), 300);   // small print: the maximum
  EXPECT_EQ(ResolutionForText(40, Limits(16)), 150);  // a poster: the minimum
  RenderResolutionLimits low = Limits(16);
  low.max_dpi = 100;  // a minimum above the maximum yields to it
  EXPECT_EQ(ResolutionForText(3, low), 100);
}

}  // namespace
}  // namespace assay
