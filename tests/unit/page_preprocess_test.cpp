// The preprocess stage's per-page decisions (PlanPreprocessing, RetryPlans) and its image
// operations on synthetic pages drawn with Leptonica: rows of glyph-sized blocks, which is
// what the skew, text-height and coverage measurements look at.
#include "stages/page_preprocess.h"

#include <gtest/gtest.h>

#include <leptonica/allheaders.h>

#include <cmath>
#include <functional>

#include "stages/text_signals.h"
#include "tests/unit/test_paths.h"

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

// The boxes of TextPage's 20 text lines, as a reading that found every line would give them.
std::vector<PixelBox> TextPageLineBoxes() {
  std::vector<PixelBox> lines;
  for (int line = 0; line < 20; ++line) {
    lines.push_back({150, 200 + line * 120, 2250, 230 + line * 120});
  }
  return lines;
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

// TextPage's glyphs measured on a 150-dpi copy (half their height): the resolution giving
// them 16 px, rounded up to 25 dpi, within [min_dpi, the page's own].
TEST(ReadingResolution, TextLargerThanReadingNeedsIsReadAtLess) {
  RenderResolutionLimits limits;
  limits.text_height_px = 16;
  limits.probe_dpi = 150;
  double probe = 0;
  EXPECT_EQ(ReadingResolution(TextPage(30).get(), 300, limits, &probe), 175);  // 15 px: 160
  EXPECT_NEAR(probe, 15, 1);
  EXPECT_EQ(ReadingResolution(TextPage(60).get(), 300, limits), 150);  // 80 dpi: min_dpi
  EXPECT_EQ(ReadingResolution(TextPage(16).get(), 300, limits), 300);  // nothing to gain
  EXPECT_EQ(ReadingResolution(TextPage(30).get(), 96, limits), 96);    // below min_dpi
  PixHandle blank = TextPage(30);
  pixSetAllArbitrary(blank.get(), 255);  // no text: nothing says less is safe
  EXPECT_EQ(ReadingResolution(blank.get(), 300, limits), 300);
  limits.text_height_px = 0;  // turned off
  EXPECT_EQ(ReadingResolution(TextPage(30).get(), 300, limits), 300);
}

TEST(RetryPlans, AreBoundedDistinctAndKeepTheGeometry) {
  PreprocessPlan applied;
  applied.rotate_quads = 1;
  applied.deskew_deg = 1.5;
  const auto plans = RetryPlans(applied, Clean(), PreprocessLimits{}, 2, true);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_NE(plans[0].ToJson(), plans[1].ToJson());
  for (const PreprocessPlan& p : plans) {
    EXPECT_EQ(p.rotate_quads, 1);
    EXPECT_EQ(p.deskew_deg, 1.5);
    EXPECT_TRUE(p.binarize);
  }
  EXPECT_EQ(RetryPlans(applied, Clean(), PreprocessLimits{}, 1, true).size(), 1u);
  EXPECT_TRUE(RetryPlans(applied, Clean(), PreprocessLimits{}, 0, true).empty());
}

TEST(RetryPlans, EnlargeSmallTextOnlyBelow300Dpi) {
  PageMeasures m = Clean();
  m.text_height_px = 18;  // small, not below the first plan's 14 px
  m.dpi = 200;
  // Enlarged to at least 21 px (1.5x the 14-px floor), in quarter steps: 18 px -> 1.25x.
  EXPECT_EQ(RetryPlans(PreprocessPlan{}, m, PreprocessLimits{}, 2, true).back().upscale, 1.25);
  m.text_height_px = 16;  // what rasterize keeps a page at: 1.5x, not 2x (4x the pixels)
  EXPECT_EQ(RetryPlans(PreprocessPlan{}, m, PreprocessLimits{}, 2, true).back().upscale, 1.5);
  m.text_height_px = 8;  // never past upscale_factor
  EXPECT_EQ(RetryPlans(PreprocessPlan{}, m, PreprocessLimits{}, 2, true).back().upscale, 2);
  m.text_height_px = 18;
  m.dpi = 300;  // 4x the pixels to read for little: Tesseract's models are made for 300 dpi
  EXPECT_EQ(RetryPlans(PreprocessPlan{}, m, PreprocessLimits{}, 2, true).back().upscale, 1);
  m.text_height_px = 16, m.dpi = 175;  // a page preprocess reduced from 300 dpi: not undone
  PreprocessPlan reduced;
  reduced.reduce = 175.0 / 300;
  const auto plans = RetryPlans(reduced, m, PreprocessLimits{}, 2, true);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans.back().upscale, 1);
  EXPECT_TRUE(plans.back().denoise);
  EXPECT_DOUBLE_EQ(plans.back().reduce, reduced.reduce);
}

TEST(RetryPlans, NoneForACleanPageWhoseTextIsLargeEnough) {
  PageMeasures m = Clean();  // 30-px text at 300 dpi: nothing to enlarge
  EXPECT_TRUE(RetryPlans(PreprocessPlan{}, m, PreprocessLimits{}, 2, false).empty());
  EXPECT_EQ(RetryPlans(PreprocessPlan{}, m, PreprocessLimits{}, 2, true).size(), 2u);
  // Each trouble the tonal variants answer brings them back.
  for (const auto& trouble : std::vector<std::function<void(PageMeasures&)>>{
           [](PageMeasures& t) { t.ink_level = 180; },          // faint
           [](PageMeasures& t) { t.background_spread = 60; },   // uneven paper
           [](PageMeasures& t) { t.speckle_share = 0.5; }}) {  // specks
    PageMeasures t = Clean();
    trouble(t);
    EXPECT_FALSE(MeasuredClean(t, PreprocessLimits{}));
    EXPECT_EQ(RetryPlans(PreprocessPlan{}, t, PreprocessLimits{}, 2, false).size(), 2u);
  }
  // Small text at 200 dpi: the strong variant enlarges it, so the page is still retried.
  m.text_height_px = 16, m.dpi = 200;
  EXPECT_EQ(RetryPlans(PreprocessPlan{}, m, PreprocessLimits{}, 2, false).size(), 2u);
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

// A ruled table drawn cell by cell: every cell's outline is its own piece of ink, broken from
// its neighbours by a one-pixel gap at each junction, and each piece is character-sized.
TEST(TextCoverage, TheRulesOfATableAreNotTextNobodyRead) {
  PixHandle page = TextPage();
  Pix* pix = page.get();
  for (int row = 0; row < 20; ++row) {
    for (int col = 0; col < 4; ++col) {
      const int x = 140 + col * 520, y = 190 + row * 120;
      pixRasterop(pix, x + 1, y, 516, 2, PIX_CLR, nullptr, 0, 0);        // top
      pixRasterop(pix, x + 1, y + 117, 516, 2, PIX_CLR, nullptr, 0, 0);  // bottom
      pixRasterop(pix, x, y + 1, 2, 116, PIX_CLR, nullptr, 0, 0);        // left
      pixRasterop(pix, x + 517, y + 1, 2, 116, PIX_CLR, nullptr, 0, 0);  // right
    }
  }
  // Every text line read, no box over the rules: all the text is covered.
  std::vector<PixelBox> lines = TextPageLineBoxes();
  EXPECT_GT(TextCoverage(pix, 300, lines), 0.98);
  // Half the lines read is still half the text, rules or not.
  lines.resize(10);
  EXPECT_NEAR(TextCoverage(pix, 300, lines), 0.5, 0.02);
}

// A line chart under the text: its curve crosses the gridlines. Cutting the gridlines' pixels
// out would leave the curve in text-sized pieces that no word covers.
TEST(TextCoverage, AChartsCurveIsNotCutIntoText) {
  PixHandle page = TextPage();
  Pix* pix = page.get();
  for (int y = 2600; y <= 2900; y += 100) pixRasterop(pix, 150, y, 2000, 2, PIX_CLR, nullptr, 0, 0);
  for (int dx = 0; dx <= 1000; dx += 250) {
    pixRenderLine(pix, 150 + dx, 2950, 1150 + dx, 2550, 6, L_CLEAR_PIXELS);
  }
  std::vector<PixelBox> lines = TextPageLineBoxes();
  EXPECT_GT(TextCoverage(pix, 300, lines), 0.98);
}

TEST(TurnCandidates, OsdsUnsureGuessThenItsOpposite) {
  EXPECT_EQ(TurnCandidates(1), (std::vector<int>{1, 3}));
  EXPECT_EQ(TurnCandidates(3), (std::vector<int>{3, 1}));
  EXPECT_EQ(TurnCandidates(2), (std::vector<int>{2}));  // its opposite is the page as read
  EXPECT_TRUE(TurnCandidates(0).empty());               // unsure, but upright: no turn
}

TEST(UnsureTurn, IsReadFromThePreprocessStep) {
  Page page;
  EXPECT_EQ(UnsureTurn(page), 0);
  page.raster_steps.push_back(RasterStep{"preprocess", 150, "",
                                         CanonicalJson{{"plan", PreprocessPlan{}.ToJson()},
                                                       {"osd", {{"confidence", 0.05},
                                                                {"unsure_quads", 1}}}}});
  EXPECT_EQ(UnsureTurn(page), 1);
  page.raster_steps.back().facts.erase("osd");  // OSD did not run
  EXPECT_EQ(UnsureTurn(page), 0);
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

TEST(EffectiveDpi, StatedWinsAndAPageImageWithoutOneIsTakenForAPage) {
  EXPECT_EQ(EffectiveDpi(300, 596, 842), 300);
  EXPECT_EQ(EffectiveDpi(0, 596, 842), 77);     // PubLayNet: 72-dpi A4
  EXPECT_EQ(EffectiveDpi(0, 2550, 3300), 300);  // Letter at 300 dpi
  EXPECT_EQ(EffectiveDpi(0, 60, 50), 50);       // a crop: the floor
}

TEST(TurnClockwise, QuarterTurnsAreExactAndUndoThemselves) {
  const Box b{10, 20, 30, 40};  // on a 100 x 200 page
  const Box q1 = TurnClockwise(b, 1, 100, 200);
  EXPECT_EQ((std::vector<double>{q1.x0, q1.y0, q1.x1, q1.y1}),
            (std::vector<double>{160, 10, 180, 30}));
  const Box q2 = TurnClockwise(b, 2, 100, 200);
  EXPECT_EQ((std::vector<double>{q2.x0, q2.y0, q2.x1, q2.y1}),
            (std::vector<double>{70, 160, 90, 180}));
  for (int q = 0; q < 4; ++q) {
    const bool odd = q % 2 != 0;
    const Box back =
        TurnClockwise(TurnClockwise(b, q, 100, 200), 4 - q, odd ? 200 : 100, odd ? 100 : 200);
    EXPECT_EQ((std::vector<double>{back.x0, back.y0, back.x1, back.y1}),
              (std::vector<double>{b.x0, b.y0, b.x1, b.y1}))
        << q;
  }
}

// The ink's bounding box in `pix` (any depth): where a "word" drawn there ended up.
PixelBox InkBox(Pix* pix) {
  Pix* gray = pixConvertTo8(pix, 0);
  Pix* binary = pixThresholdToBinary(gray, 128);
  BOX* box = nullptr;
  pixClipBoxToForeground(binary, nullptr, nullptr, &box);
  PixelBox out{box->x, box->y, box->x + box->w, box->y + box->h};
  boxDestroy(&box);
  pixDestroy(&binary);
  pixDestroy(&gray);
  return out;
}

// A word drawn on a page, turned, deskewed and upscaled by ApplyPlan (Leptonica's own
// operations): PageFrame maps where the word lands in the new pixels back onto the page, in
// pixels and in PDF points, and maps the page's box forward onto where it landed.
TEST(PageFrame, MapsBoxesBackThroughTurnDeskewAndUpscale) {
  Pix* pix = pixCreate(600, 800, 8);
  pixSetAllArbitrary(pix, 255);
  const Box word{100, 150, 220, 190};
  pixRasterop(pix, 100, 150, 120, 40, PIX_CLR, nullptr, 0, 0);
  pixSetResolution(pix, 300, 300);
  PixHandle page = WrapPix(pix);
  for (int quads = 0; quads < 4; ++quads) {
    for (double deskew : {0.0, 3.0, -2.0}) {
      for (double upscale : {1.0, 2.0, 0.5}) {
        PreprocessPlan plan;
        plan.rotate_quads = quads;
        plan.deskew_deg = deskew;
        // 0.5: the page reduced first (text larger than reading needs)
        (upscale < 1 ? plan.reduce : plan.upscale) = upscale;
        PixHandle out = ApplyPlan(page.get(), plan, 300);
        ASSERT_TRUE(out);
        const PixelBox found = InkBox(out.get());
        const double w = pixGetWidth(out.get()), h = pixGetHeight(out.get());
        // A deskewed box grows by the turn of its corners: 120 x 40 px turned 3 degrees and
        // back is about 4 px wider and 12 px taller; interpolation adds a pixel.
        // Halved, a pixel on either side is two on the page.
        const double tol = (deskew == 0 ? 1.01 : 8) * (upscale < 1 ? 2 : 1);
        const std::string at = "quads " + std::to_string(quads) + " deskew " +
                               std::to_string(deskew) + " upscale " + std::to_string(upscale);
        const Box px = PageFrame{600, 800, quads, deskew, w, h}.ToPage(found);
        EXPECT_NEAR(px.x0, word.x0, tol) << at;
        EXPECT_NEAR(px.y0, word.y0, tol) << at;
        EXPECT_NEAR(px.x1, word.x1, tol) << at;
        EXPECT_NEAR(px.y1, word.y1, tol) << at;
        // The same page as a PDF page of 144 x 192 pt (a 300-dpi render): points.
        const Box pt = PageFrame{144, 192, quads, deskew, w, h}.ToPage(found);
        EXPECT_NEAR(pt.x0, word.x0 * 0.24, tol * 0.24) << at;
        EXPECT_NEAR(pt.y1, word.y1 * 0.24, tol * 0.24) << at;
        // Forward: the page's box onto the pixels covers where the ink landed.
        const Box fwd = PageFrame{600, 800, quads, deskew, w, h}.ToPixels(word);
        const double fwd_tol = 2 * std::max(1.0, upscale);
        EXPECT_NEAR(fwd.x0, found.x0, fwd_tol) << at;
        EXPECT_NEAR(fwd.y0, found.y0, fwd_tol) << at;
        EXPECT_NEAR(fwd.x1, found.x1, fwd_tol) << at;
        EXPECT_NEAR(fwd.y1, found.y1, fwd_tol) << at;
      }
    }
  }
}

TEST(ApplyPlan, ReducesFirstAndStatesTheNewResolution) {
  PixHandle page = TextPage();
  PreprocessPlan plan;
  plan.reduce = 0.5;
  plan.rotate_quads = 1;
  PixHandle out = ApplyPlan(page.get(), plan, 300);
  ASSERT_TRUE(out);
  EXPECT_EQ(pixGetWidth(out.get()), 1500);  // 2400 x 3000 halved, then turned
  EXPECT_EQ(pixGetHeight(out.get()), 1200);
  EXPECT_EQ(pixGetXRes(out.get()), 150);
  EXPECT_DOUBLE_EQ(PreprocessPlan::FromJson(plan.ToJson()).reduce, 0.5);
  // A plan without a reduction keeps the JSON it had before reductions existed (lineage of
  // pages preprocessed then).
  EXPECT_FALSE(PreprocessPlan{}.ToJson().contains("reduce"));
}

TEST(ApplyPlan, AnImageWithoutAResolutionGetsNoneInvented) {
  PixHandle page = TextPage(10);
  pixSetXRes(page.get(), 0);  // pixSetResolution ignores 0
  pixSetYRes(page.get(), 0);
  PreprocessPlan plan;
  plan.upscale = 2;
  PixHandle out = ApplyPlan(page.get(), plan, EffectiveDpi(0, 2400, 3000));
  ASSERT_TRUE(out);
  EXPECT_EQ(pixGetXRes(out.get()), 0);  // Tesseract estimates it from the text instead
  EXPECT_EQ(pixGetWidth(out.get()), 4800);
  EXPECT_EQ(pixGetXRes(ApplyPlan(TextPage(10).get(), plan, 300).get()), 600);
}

}  // namespace
}  // namespace assay

namespace assay {
namespace {

// Leptonica's ascender test on a real scanned page (samples/scanned_page.png, 300 dpi): upright
// beyond doubt as it is, and never called upright once turned; too coarse to say anything at
// 100 dpi.
// Signals measured on report pages at 300 dpi (docs/preprocess.md): an upright page with a
// table reads a sideways signal of up to 0.6 of its upright one; a page turned a quarter reads
// a small or negative upright signal and a large sideways one.
TEST(AscenderOrientation, ATablePageIsUprightATurnedPageIsNot) {
  EXPECT_TRUE((AscenderOrientation{19.2, -11.4}).Upright(12));  // eu-006 p1, a table page
  EXPECT_TRUE((AscenderOrientation{28.7, -10.7}).Upright(12));
  EXPECT_FALSE((AscenderOrientation{-11.4, -16.2}).Upright(12));  // the same page turned 90
  EXPECT_FALSE((AscenderOrientation{3.1, -7.3}).Upright(12));
  EXPECT_FALSE((AscenderOrientation{15.0, -12.0}).Upright(12));  // as much sideways: unsure
  EXPECT_FALSE((AscenderOrientation{10.9, -5.7}).Upright(12));   // too faint a signal
}

TEST(MeasurePageAscenders, UprightOnlyWhenTheTextIsUpright) {
  Pix* page = pixRead(testing::SamplePath("scanned_page.png").c_str());
  ASSERT_NE(page, nullptr);
  PixHandle upright = WrapPix(page);
  AscenderOrientation a;
  MeasurePage(upright.get(), 300, &a);
  EXPECT_TRUE(a.Upright(20)) << a.up << " " << a.left;
  EXPECT_FALSE(a.Upright(0));  // 0: the gate is off
  for (int quads = 1; quads < 4; ++quads) {
    PixHandle turned = WrapPix(pixRotateOrth(upright.get(), quads));
    AscenderOrientation t;
    MeasurePage(turned.get(), 300, &t);
    EXPECT_FALSE(t.Upright(20)) << quads << ": " << t.up << " " << t.left;
    EXPECT_FALSE(t.Upright(1)) << quads << ": " << t.up << " " << t.left;
  }
  AscenderOrientation coarse;
  MeasurePage(upright.get(), 100, &coarse);
  EXPECT_EQ(coarse.up, 0);
  EXPECT_EQ(coarse.left, 0);
}

}  // namespace
}  // namespace assay
