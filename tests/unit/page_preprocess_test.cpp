// The preprocess stage's per-page decisions (PlanPreprocessing, RetryPlans) and its image
// operations on synthetic pages drawn with Leptonica: rows of glyph-sized blocks, which is
// what the skew, text-height and coverage measurements look at.
#include "stages/page_preprocess.h"
#include "stages/text_signals.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <cmath>

namespace assay {
namespace {

// A 300-dpi 8-bit page: 20 lines of 40 "glyphs" (`glyph` px tall), ink 0 on paper 255.
PixHandle TextPage(int glyph = 30) {
  Pix* pix = pixCreate(2400, 3000, 8);
  pixSetAllArbitrary(pix, 255);
  for (int line = 0; line < 20; ++line) {
    for (int g = 0; g < 40; ++g) {
      pixRasterop(pix, 150 + g * 52, 200 + line * 120, glyph * 2 / 3, glyph, PIX_CLR, nullptr, 0,
                  0);
    }
  }
  pixSetResolution(pix, 300, 300);
  return WrapPix(pix);
}

PageMeasures Clean() {
  PageMeasures m;
  m.width = 2400, m.height = 3000, m.dpi = 300;
  m.ink_level = 10, m.paper_level = 250, m.background_spread = 5;
  m.skew_deg = 0.1, m.skew_confidence = 6, m.speckle_share = 0.01, m.text_height_px = 30;
  return m;
}

TEST(PlanPreprocessing, CleanUprightPageGetsNothing) {
  const PreprocessPlan p = PlanPreprocessing(Clean(), PreprocessLimits{}, 0);
  EXPECT_TRUE(p.Empty()) << p.ToJson().dump();
}

TEST(PlanPreprocessing, OrientationAloneTurnsThePage) {
  const PreprocessPlan p = PlanPreprocessing(Clean(), PreprocessLimits{}, 2);
  EXPECT_EQ(p.Operations(), std::vector<std::string>{"rotate"});
  EXPECT_EQ(p.rotate_quads, 2);
}

TEST(PlanPreprocessing, SkewIsCorrectedOnlyWhenLargeAndTrusted) {
  PageMeasures m = Clean();
  m.skew_deg = 2.5;
  EXPECT_EQ(PlanPreprocessing(m, PreprocessLimits{}, 0).deskew_deg, 2.5);
  m.skew_confidence = 1.0;  // Leptonica is not sure: leave the page alone
  EXPECT_EQ(PlanPreprocessing(m, PreprocessLimits{}, 0).deskew_deg, 0);
  m = Clean();
  m.skew_deg = 0.2;  // below what changes Tesseract's reading
  EXPECT_TRUE(PlanPreprocessing(m, PreprocessLimits{}, 0).Empty());
}

TEST(PlanPreprocessing, UnevenOrFaintPagesAreBinarisedLocally) {
  PageMeasures m = Clean();
  m.background_spread = 80;
  PreprocessPlan p = PlanPreprocessing(m, PreprocessLimits{}, 0);
  EXPECT_TRUE(p.normalize_background);
  EXPECT_TRUE(p.binarize);
  m = Clean();
  m.ink_level = 120, m.paper_level = 200;  // contrast 80
  p = PlanPreprocessing(m, PreprocessLimits{}, 0);
  EXPECT_TRUE(p.stretch_contrast);
  EXPECT_EQ(p.stretch_low, 120);
  EXPECT_EQ(p.stretch_high, 200);
  EXPECT_TRUE(p.binarize);
}

TEST(PlanPreprocessing, SpecklesAndSmallTextAreHandled) {
  PageMeasures m = Clean();
  m.speckle_share = 0.6;
  m.text_height_px = 9;
  const PreprocessPlan p = PlanPreprocessing(m, PreprocessLimits{}, 0);
  EXPECT_TRUE(p.denoise);
  EXPECT_EQ(p.upscale, 2);
  m.text_height_px = 0;  // no measurable text: nothing to enlarge
  EXPECT_EQ(PlanPreprocessing(m, PreprocessLimits{}, 0).upscale, 1);
}

TEST(RetryPlans, AreBoundedDistinctAndKeepTheGeometry) {
  PreprocessPlan applied;
  applied.rotate_quads = 1;
  applied.deskew_deg = 1.5;
  const auto plans = RetryPlans(applied, Clean(), PreprocessLimits{}, 2);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_NE(plans[0].ToJson(), plans[1].ToJson());
  for (const PreprocessPlan& p : plans) {
    EXPECT_EQ(p.rotate_quads, 1);
    EXPECT_EQ(p.deskew_deg, 1.5);
    EXPECT_TRUE(p.binarize);
  }
  EXPECT_EQ(RetryPlans(applied, Clean(), PreprocessLimits{}, 1).size(), 1u);
  EXPECT_TRUE(RetryPlans(applied, Clean(), PreprocessLimits{}, 0).empty());
}

TEST(PreprocessPlan, JsonRoundTrip) {
  PreprocessPlan p;
  p.rotate_quads = 3, p.deskew_deg = -2.25, p.denoise = true, p.upscale = 2, p.binarize = true;
  EXPECT_EQ(PreprocessPlan::FromJson(p.ToJson()).ToJson(), p.ToJson());
}

TEST(MeasurePage, CleanSyntheticPageNeedsNothing) {
  PixHandle page = TextPage();
  const PageMeasures m = MeasurePage(page.get(), 300);
  EXPECT_NEAR(m.skew_deg, 0, 0.1);
  EXPECT_LT(m.background_spread, 10);
  EXPECT_GT(m.contrast(), 200);
  EXPECT_NEAR(m.text_height_px, 30, 1);
  EXPECT_TRUE(PlanPreprocessing(m, PreprocessLimits{}, 0).Empty());
}

TEST(MeasurePage, SkewIsMeasuredAndApplyPlanStraightensIt) {
  PixHandle page = TextPage();
  Pix* skewed = pixRotate(page.get(), 3.0 * M_PI / 180, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
  ASSERT_NE(skewed, nullptr);
  PixHandle s = WrapPix(skewed);
  const PageMeasures m = MeasurePage(s.get(), 300);
  EXPECT_NEAR(std::abs(m.skew_deg), 3.0, 0.3);
  const PreprocessPlan p = PlanPreprocessing(m, PreprocessLimits{}, 0);
  ASSERT_NE(p.deskew_deg, 0);
  PixHandle fixed = ApplyPlan(s.get(), p, 300);
  ASSERT_TRUE(fixed);
  EXPECT_NEAR(MeasurePage(fixed.get(), 300).skew_deg, 0, 0.3);
  // The same plan gives the same pixels: the raster step can remake them.
  PixHandle again = ApplyPlan(s.get(), p, 300);
  l_int32 same = 0;
  pixEqual(fixed.get(), again.get(), &same);
  EXPECT_TRUE(same);
}

TEST(ApplyPlan, TurnsAndUpscalesAndBinarises) {
  PixHandle page = TextPage();
  PreprocessPlan p;
  p.rotate_quads = 1;
  p.upscale = 2;
  p.binarize = true;
  PixHandle out = ApplyPlan(page.get(), p, 300);
  ASSERT_TRUE(out);
  EXPECT_EQ(pixGetWidth(out.get()), 6000);
  EXPECT_EQ(pixGetHeight(out.get()), 4800);
  EXPECT_EQ(pixGetDepth(out.get()), 1);
  EXPECT_EQ(pixGetXRes(out.get()), 600);
}

TEST(TextCoverage, IsTheShareOfTextInkUnderWordBoxes) {
  PixHandle page = TextPage();
  EXPECT_NEAR(TextCoverage(page.get(), 300, {{0, 0, 2400, 3000}}), 1.0, 1e-6);
  EXPECT_NEAR(TextCoverage(page.get(), 300, {}), 0.0, 1e-6);
  // The top 10 of 20 lines read: half the text.
  EXPECT_NEAR(TextCoverage(page.get(), 300, {{0, 0, 2400, 1340}}), 0.5, 0.01);
  Pix* blank = pixCreate(500, 500, 8);
  pixSetAllArbitrary(blank, 255);
  PixHandle b = WrapPix(blank);
  EXPECT_EQ(TextCoverage(b.get(), 300, {}), 1.0);  // nothing to miss
}

TEST(WithCoverage, APageThatLostAThirdOfItsTextFailsTheCerContract) {
  // The words found look perfect (estimate 0.5%), but a third of the text ink is unread.
  EXPECT_GT(WithCoverage(0.005, 0.66), 0.02);
  EXPECT_NEAR(WithCoverage(0.005, 0.66), 0.29, 0.001);
  // A page losing a tenth is not estimated under 2% either.
  EXPECT_GE(WithCoverage(0.005, 0.90), 0.02);
  // A fully read page keeps its estimate.
  EXPECT_EQ(WithCoverage(0.005, 1.0), 0.005);
  EXPECT_EQ(WithCoverage(0.3, 0.9), 0.3);
}

}  // namespace
}  // namespace assay
