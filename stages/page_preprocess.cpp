// Per-page preprocessing: measurements, decisions, application (see page_preprocess.h).
#include "stages/page_preprocess.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/gray_histogram.h"
#include "core/raster.h"
#include "stages/render_resolution.h"

namespace assay {
namespace {

// Owns a Leptonica image for the span of one function.
struct PixOwner {
  Pix* p = nullptr;
  explicit PixOwner(Pix* pix) : p(pix) {}
  ~PixOwner() { pixDestroy(&p); }
  PixOwner(const PixOwner&) = delete;
  PixOwner& operator=(const PixOwner&) = delete;
  Pix* get() const { return p; }
  Pix* release() {
    Pix* out = p;
    p = nullptr;
    return out;
  }
};

double Rank(Pix* gray, double rank) {
  uint32_t v = 0;
  if (!GrayRankValue(gray, std::max(1, pixGetWidth(gray) / 800), rank, &v)) return 0;
  return v;
}

// The darkness of the text: a low percentile of the pixels clearly darker than the paper (a
// page is mostly paper, so a percentile of all pixels would read paper on a sparse page).
// The paper level itself when there are almost none: nothing to stretch.
double InkLevel(Pix* gray, double paper) {
  GrayCounts counts;
  if (!GrayHistogram(gray, std::max(1, pixGetWidth(gray) / 1000), &counts)) return paper;
  const int below = std::max(0, static_cast<int>(paper) - 30);
  double dark = 0, total = 0;
  for (int v = 0; v < 256; ++v) {
    total += counts[v];
    if (v < below) dark += counts[v];
  }
  if (total <= 0 || dark < 0.001 * total) return paper;
  double seen = 0;
  for (int v = 0; v < below; ++v) {
    seen += counts[v];
    if (seen >= 0.1 * dark) return v;
  }
  return paper;
}

double Rounded(double v, double step) { return std::round(v / step) * step; }

// Binary page: dark pixels (below the midpoint of ink and paper) on.
Pix* Binarize(Pix* gray, double ink, double paper) {
  const int threshold = std::clamp(static_cast<int>((ink + paper) / 2), 1, 255);
  return pixThresholdToBinary(gray, threshold);
}

// Character-sized components of a binary page at `dpi`: taller than specks, smaller than
// rules, pictures and borders.
Pix* TextLikeComponents(Pix* binary, int dpi) {
  const int min_h = std::max(3, dpi / 40), max_h = std::max(min_h + 1, dpi * 2 / 5);
  const int max_w = std::max(min_h + 1, dpi * 2);
  l_int32 changed = 0;
  PixOwner small(
      pixSelectBySize(binary, max_w, max_h, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE, &changed));
  if (small.get() == nullptr) return nullptr;
  return pixSelectBySize(small.get(), 0, min_h, 8, L_SELECT_HEIGHT, L_SELECT_IF_GTE, &changed);
}

// The ink of `binary`'s ruling lines: straight runs at least a quarter inch long, horizontal or
// vertical, bridged over 1-2 pixel breaks first (a table's grid drawn cell by cell has such
// breaks at every junction).
Pix* RuleInk(Pix* binary, int dpi) {
  const int run = std::max(8, dpi / 4);
  PixOwner across(pixCloseBrick(nullptr, binary, 3, 1));
  PixOwner down(pixCloseBrick(nullptr, binary, 1, 3));
  if (across.get() == nullptr || down.get() == nullptr) return nullptr;
  PixOwner horizontal(pixOpenBrick(nullptr, across.get(), run, 1));
  PixOwner vertical(pixOpenBrick(nullptr, down.get(), 1, run));
  if (horizontal.get() == nullptr || vertical.get() == nullptr) return nullptr;
  return pixOr(nullptr, horizontal.get(), vertical.get());
}

// `text` (text-like components of `binary`) without the components that touch a ruling line.
// A grid broken at its junctions falls into cell-sized outlines that pass for text no word
// covers: a clean ruled table was estimated at 10-15% CER (docs/preprocess.md). Whole
// components go, not the rule pixels: cutting a chart's gridlines out would break its curves
// into text-sized pieces.
Pix* WithoutRuledComponents(Pix* text, Pix* binary, int dpi) {
  PixOwner rules(RuleInk(binary, dpi));
  if (rules.get() == nullptr) return nullptr;
  PixOwner seed(pixAnd(nullptr, text, rules.get()));
  if (seed.get() == nullptr) return nullptr;
  PixOwner ruled(pixSeedfillBinary(nullptr, seed.get(), text, 8));
  if (ruled.get() == nullptr) return nullptr;
  return pixSubtract(nullptr, text, ruled.get());
}

}  // namespace

std::vector<std::string> PreprocessPlan::Operations() const {
  std::vector<std::string> ops;
  if (reduce != 1) ops.push_back("reduce");
  if (rotate_quads != 0) ops.push_back("rotate");
  if (deskew_deg != 0) ops.push_back("deskew");
  if (denoise) ops.push_back("denoise");
  if (normalize_background) ops.push_back("normalize_background");
  if (stretch_contrast) ops.push_back("stretch_contrast");
  if (upscale != 1) ops.push_back("upscale");
  if (binarize) ops.push_back("binarize");
  return ops;
}

CanonicalJson PreprocessPlan::ToJson() const {
  CanonicalJson j{{"rotate_quads", rotate_quads},
                  {"deskew_deg", deskew_deg},
                  {"denoise", denoise},
                  {"normalize_background", normalize_background},
                  {"stretch_contrast", stretch_contrast},
                  {"stretch_low", stretch_low},
                  {"stretch_high", stretch_high},
                  {"upscale", upscale},
                  {"binarize", binarize},
                  {"operations", Operations()}};
  // Only when used: the plans of pages preprocessed before `reduce` existed keep their JSON.
  if (reduce != 1) j["reduce"] = reduce;
  return j;
}

PreprocessPlan PreprocessPlan::FromJson(const CanonicalJson& j) {
  PreprocessPlan p;
  p.reduce = j.value("reduce", 1.0);
  p.rotate_quads = j.value("rotate_quads", 0);
  p.deskew_deg = j.value("deskew_deg", 0.0);
  p.denoise = j.value("denoise", false);
  p.normalize_background = j.value("normalize_background", false);
  p.stretch_contrast = j.value("stretch_contrast", false);
  p.stretch_low = j.value("stretch_low", 0.0);
  p.stretch_high = j.value("stretch_high", 255.0);
  p.upscale = j.value("upscale", 1.0);
  p.binarize = j.value("binarize", false);
  return p;
}

int EffectiveDpi(int stated_dpi, int width, int height) {
  if (stated_dpi > 0) return stated_dpi;
  const double long_side_in = 11.0;  // between A4's 11.7 and Letter's 11
  return std::clamp(static_cast<int>(std::lround(std::max(width, height) / long_side_in)), 50,
                    1200);
}

namespace {

// Bounding box of `b` turned `deg` clockwise (y down) about (cx, cy).
Box RotatedAbout(const Box& b, double deg, double cx, double cy) {
  const double a = deg * M_PI / 180.0, c = std::cos(a), s = std::sin(a);
  Box out{1e300, 1e300, -1e300, -1e300};
  for (const auto& [x, y] : {std::pair{b.x0, b.y0}, {b.x1, b.y0}, {b.x0, b.y1}, {b.x1, b.y1}}) {
    const double dx = x - cx, dy = y - cy;
    const double rx = cx + dx * c - dy * s, ry = cy + dx * s + dy * c;
    out.x0 = std::min(out.x0, rx), out.y0 = std::min(out.y0, ry);
    out.x1 = std::max(out.x1, rx), out.y1 = std::max(out.y1, ry);
  }
  return out;
}

Box Clipped(const Box& b, double width, double height) {
  return Box{std::clamp(b.x0, 0.0, width), std::clamp(b.y0, 0.0, height),
             std::clamp(b.x1, 0.0, width), std::clamp(b.y1, 0.0, height)};
}

}  // namespace

Box TurnClockwise(const Box& b, int quads, double width, double height) {
  Box out = b;
  for (int q = ((quads % 4) + 4) % 4; q > 0; --q) {
    // A clockwise quarter turn takes (x, y) on a w x h page to (h - y, x) on an h x w page.
    out = Box{height - out.y1, out.x0, height - out.y0, out.x1};
    std::swap(width, height);
  }
  return out;
}

Box PageFrame::ToPage(const PixelBox& p) const {
  const bool odd = rotate_quads % 2 != 0;
  const double uw = odd ? page_height : page_width, uh = odd ? page_width : page_height;
  const double kx = uw / std::max(1.0, pixel_width), ky = uh / std::max(1.0, pixel_height);
  Box b{p.x0 * kx, p.y0 * ky, p.x1 * kx, p.y1 * ky};
  if (deskew_deg != 0) b = Clipped(RotatedAbout(b, -deskew_deg, uw / 2, uh / 2), uw, uh);
  return TurnClockwise(b, 4 - rotate_quads, uw, uh);
}

Box PageFrame::ToPixels(const Box& page_box) const {
  const bool odd = rotate_quads % 2 != 0;
  const double uw = odd ? page_height : page_width, uh = odd ? page_width : page_height;
  Box b = TurnClockwise(page_box, rotate_quads, page_width, page_height);
  if (deskew_deg != 0) b = Clipped(RotatedAbout(b, deskew_deg, uw / 2, uh / 2), uw, uh);
  const double kx = std::max(1.0, pixel_width) / uw, ky = std::max(1.0, pixel_height) / uh;
  return Box{b.x0 * kx, b.y0 * ky, b.x1 * kx, b.y1 * ky};
}

// The facts of `page`'s preprocess step when it is the last one (what OCR reads), else null.
static const CanonicalJson* PreprocessFacts(const Page& page) {
  if (page.raster_steps.empty() || page.raster_steps.back().stage != "preprocess") return nullptr;
  return &page.raster_steps.back().facts;
}

PreprocessPlan AppliedPlan(const Page& page) {
  const CanonicalJson* facts = PreprocessFacts(page);
  return facts != nullptr ? PreprocessPlan::FromJson(facts->at("plan")) : PreprocessPlan{};
}

int UnsureTurn(const Page& page) {
  const CanonicalJson* facts = PreprocessFacts(page);
  if (facts == nullptr || !facts->contains("osd")) return 0;
  return facts->at("osd").value("unsure_quads", 0);
}

std::vector<int> TurnCandidates(int unsure_quads) {
  const int q = ((unsure_quads % 4) + 4) % 4;
  if (q == 0) return {};
  std::vector<int> out{q};
  if ((q + 2) % 4 != 0) out.push_back((q + 2) % 4);
  return out;
}

// Leptonica's ascender test on a binarised page (see AscenderOrientation); `binary` is not
// changed.
static AscenderOrientation AscendersOf(Pix* binary, int dpi) {
  AscenderOrientation a;
  if (dpi < 150) return a;
  PixOwner reduced(pixClone(binary));
  // The test's structuring elements are sized for 150-300 dpi.
  for (; reduced.get() != nullptr && dpi > 400; dpi /= 2) {
    Pix* half = pixReduceRankBinary2(reduced.get(), 1, nullptr);
    pixDestroy(&reduced.p);
    reduced.p = half;
  }
  if (reduced.get() == nullptr) return a;
  l_float32 up = 0, left = 0;
  if (pixOrientDetect(reduced.get(), &up, &left, 0, 0) != 0) return a;
  a.up = Rounded(up, 0.01);
  a.left = Rounded(left, 0.01);
  return a;
}

PageMeasures MeasurePage(Pix* pix, int dpi, AscenderOrientation* ascenders) {
  PageMeasures m;
  m.width = pixGetWidth(pix);
  m.height = pixGetHeight(pix);
  m.dpi = dpi > 0 ? dpi : 300;
  PixOwner gray(GrayForReading(pix));
  if (gray.get() == nullptr) return m;
  m.paper_level = Rank(gray.get(), 0.95);
  m.ink_level = InkLevel(gray.get(), m.paper_level);
  // The paper level per tile: an unevenly lit page has dark and light tiles of paper.
  double lo = 255, hi = 0;
  for (int ty = 0; ty < 4; ++ty) {
    for (int tx = 0; tx < 4; ++tx) {
      BOX* box = boxCreate(tx * m.width / 4, ty * m.height / 4, m.width / 4, m.height / 4);
      PixOwner tile(pixClipRectangle(gray.get(), box, nullptr));
      boxDestroy(&box);
      if (tile.get() == nullptr) continue;
      const double v = Rank(tile.get(), 0.9);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  m.background_spread = hi >= lo ? hi - lo : 0;
  PixOwner binary(Binarize(gray.get(), m.ink_level, m.paper_level));
  if (binary.get() == nullptr) return m;
  if (ascenders != nullptr) *ascenders = AscendersOf(binary.get(), m.dpi);
  l_float32 angle = 0, conf = 0;
  if (pixFindSkew(binary.get(), &angle, &conf) == 0) {
    m.skew_deg = Rounded(angle, 0.01);
    m.skew_confidence = Rounded(conf, 0.01);
  }
  BOXA* boxes = pixConnCompBB(binary.get(), 8);
  if (boxes != nullptr) {
    const int n = boxaGetCount(boxes);
    const int speck = std::max(1, m.dpi / 150), min_h = std::max(3, m.dpi / 40);
    int specks = 0;
    std::vector<int> heights;
    for (int i = 0; i < n; ++i) {
      l_int32 x, y, w, h;
      boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
      if (w <= speck && h <= speck) ++specks;
      if (h >= min_h && h <= m.dpi / 3 && w <= m.dpi / 2) heights.push_back(h);
    }
    boxaDestroy(&boxes);
    m.speckle_share = n > 0 ? Rounded(double(specks) / n, 0.001) : 0;
    if (!heights.empty()) {
      std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
      m.text_height_px = heights[heights.size() / 2];
    }
  }
  return m;
}

int ReadingResolution(Pix* pix, int dpi, RenderResolutionLimits limits, double* probe_height) {
  if (probe_height != nullptr) *probe_height = 0;
  if (limits.text_height_px <= 0 || dpi <= 0) return dpi;
  limits.max_dpi = dpi;
  limits.probe_dpi = std::min(limits.probe_dpi, dpi);
  const float f = float(limits.probe_dpi) / dpi;
  PixOwner probe(pixScaleAreaMap(pix, f, f));
  if (probe.get() == nullptr) return dpi;
  const double height = MeasurePage(probe.get(), limits.probe_dpi).text_height_px;
  if (probe_height != nullptr) *probe_height = height;
  return ResolutionForText(height, limits);
}

PreprocessPlan PlanPreprocessing(const PageMeasures& m, const PreprocessLimits& limits,
                                 int rotate_quads) {
  PreprocessPlan p;
  p.rotate_quads = ((rotate_quads % 4) + 4) % 4;
  if (std::abs(m.skew_deg) >= limits.min_skew_deg &&
      m.skew_confidence >= limits.min_skew_confidence) {
    p.deskew_deg = m.skew_deg;
  }
  p.denoise = m.speckle_share > limits.max_speckle_share;
  p.normalize_background = m.background_spread > limits.max_background_spread;
  if (m.contrast() < limits.min_contrast && m.contrast() > 0) {
    p.stretch_contrast = true;
    p.stretch_low = m.ink_level;
    p.stretch_high = m.paper_level;
  }
  // Text too small for Tesseract's models; a page with no measurable text is left alone.
  if (m.text_height_px > 0 && m.text_height_px < limits.min_text_height_px) {
    p.upscale = limits.upscale_factor;
  }
  // Uneven or faint pages threshold badly with Tesseract's global Otsu: binarise locally.
  p.binarize = p.normalize_background || p.stretch_contrast;
  return p;
}

bool MeasuredClean(const PageMeasures& m, const PreprocessLimits& limits) {
  return m.contrast() >= limits.min_contrast &&
         m.background_spread <= limits.max_background_spread &&
         m.speckle_share <= limits.max_speckle_share;
}

std::vector<PreprocessPlan> RetryPlans(const PreprocessPlan& applied, const PageMeasures& m,
                                       const PreprocessLimits& limits, int max_plans,
                                       bool vary_clean_pages) {
  std::vector<PreprocessPlan> out;
  PreprocessPlan local = applied;  // 1: local binarisation on a flattened background
  local.normalize_background = true;
  local.binarize = true;
  PreprocessPlan strong = local;  // 2: also specks removed and small text enlarged
  strong.denoise = true;
  // Only text that is still small, on a page below Tesseract's 300 dpi: enlarging a 300-dpi
  // page quadruples OCR time (a 2-page 300-dpi Russian scan read as English took 47 s). And
  // only as far as it needs: to 1.5x the first plan's floor, in quarter steps, at most
  // upscale_factor. A page `rasterize` kept at 16-px text is enlarged 1.5x, not 2x: 2.25x its
  // pixels, not 4x (one 250-dpi page took the worker from 202 to 581 MiB with the 2x rung).
  // Nor a page `preprocess` reduced: its text was large enough as scanned, and enlarging it
  // again would only undo the reduction (and, as "another trouble", force a third reading).
  const double wanted_px = 1.5 * limits.min_text_height_px;
  if (strong.upscale == 1 && applied.reduce == 1 && m.text_height_px > 0 &&
      m.text_height_px < wanted_px && m.dpi < 300) {
    strong.upscale =
        std::min(limits.upscale_factor, std::ceil(4 * wanted_px / m.text_height_px) / 4);
  }
  // A clean page whose text is large enough: flattening, binarising and despeckling answer
  // troubles it does not have. On the throughput bench's clean 300-dpi pages 7 of 48 were
  // read a second time that way (about 13% more Tesseract work), none better.
  if (!vary_clean_pages && strong.upscale == 1 && MeasuredClean(m, limits)) return out;
  for (const PreprocessPlan& p : {local, strong}) {
    if (static_cast<int>(out.size()) >= max_plans) break;
    const auto same = [&](const PreprocessPlan& q) { return q.ToJson() == p.ToJson(); };
    if (same(applied) || std::any_of(out.begin(), out.end(), same)) continue;
    out.push_back(p);
  }
  return out;
}

PixHandle ApplyPlan(Pix* pix, const PreprocessPlan& plan, int dpi) {
  PixOwner cur(pixConvertTo8(pix, 0));
  if (cur.get() == nullptr) return nullptr;
  const auto step = [&](Pix* next) {
    if (next == nullptr) return false;
    pixDestroy(&cur.p);
    cur.p = next;
    return true;
  };
  int window_dpi = dpi > 0 ? dpi : 300;
  int out_dpi = pixGetXRes(pix);  // 0: the image states none, and neither does the result
  if (plan.reduce != 1) {
    // Area mapping: each pixel the mean of those it covers, as a scan at that resolution.
    if (!step(pixScaleAreaMap(cur.get(), plan.reduce, plan.reduce))) return nullptr;
    window_dpi = static_cast<int>(std::lround(window_dpi * plan.reduce));
    out_dpi = static_cast<int>(std::lround(out_dpi * plan.reduce));
  }
  if (plan.rotate_quads != 0 && !step(pixRotateOrth(cur.get(), plan.rotate_quads))) {
    return nullptr;
  }
  if (plan.deskew_deg != 0 && !step(pixRotate(cur.get(), plan.deskew_deg * M_PI / 180.0,
                                              L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0))) {
    return nullptr;
  }
  if (plan.denoise && !step(pixMedianFilter(cur.get(), 3, 3))) return nullptr;
  if (plan.normalize_background && !step(pixBackgroundNormSimple(cur.get(), nullptr, nullptr))) {
    return nullptr;
  }
  if (plan.stretch_contrast) {
    const int lo = static_cast<int>(plan.stretch_low);
    const int hi = std::max(lo + 1, static_cast<int>(plan.stretch_high));
    if (!step(pixGammaTRC(nullptr, cur.get(), 1.0, lo, hi))) return nullptr;
  }
  if (plan.upscale != 1) {
    if (!step(pixScaleGrayLI(cur.get(), plan.upscale, plan.upscale))) return nullptr;
    window_dpi = static_cast<int>(std::lround(window_dpi * plan.upscale));
    out_dpi = static_cast<int>(std::lround(out_dpi * plan.upscale));
  }
  if (plan.binarize) {
    const int window = std::max(7, window_dpi / 12);
    Pix* binary = nullptr;
    if (pixSauvolaBinarizeTiled(cur.get(), window, 0.34f, 1, 1, nullptr, &binary) != 0 ||
        !step(binary)) {
      return nullptr;
    }
  }
  pixSetResolution(cur.get(), out_dpi, out_dpi);
  return WrapPix(cur.release());
}

double TextCoverage(Pix* pix, int dpi, const std::vector<PixelBox>& word_boxes) {
  if (dpi <= 0) dpi = 300;
  PixOwner gray(GrayForReading(pix));
  if (gray.get() == nullptr) return 1;
  const double paper = Rank(gray.get(), 0.95);
  PixOwner binary(Binarize(gray.get(), InkLevel(gray.get(), paper), paper));
  if (binary.get() == nullptr) return 1;
  PixOwner text_and_rules(TextLikeComponents(binary.get(), dpi));
  if (text_and_rules.get() == nullptr) return 1;
  PixOwner text(WithoutRuledComponents(text_and_rules.get(), binary.get(), dpi));
  if (text.get() == nullptr) return 1;
  l_int32 total = 0;
  pixCountPixels(text.get(), &total, nullptr);
  if (total == 0) return 1;
  // Word boxes, grown a little: Tesseract's boxes are tight and miss a glyph's antialiasing.
  PixOwner mask(pixCreate(pixGetWidth(text.get()), pixGetHeight(text.get()), 1));
  if (mask.get() == nullptr) return 1;
  const int pad = std::max(1, dpi / 100);
  for (const PixelBox& b : word_boxes) {
    pixRasterop(mask.get(), b.x0 - pad, b.y0 - pad, b.x1 - b.x0 + 2 * pad, b.y1 - b.y0 + 2 * pad,
                PIX_SET, nullptr, 0, 0);
  }
  pixAnd(mask.get(), mask.get(), text.get());
  l_int32 covered = 0;
  pixCountPixels(mask.get(), &covered, nullptr);
  return Rounded(double(covered) / total, 0.0001);
}

}  // namespace assay
