#include "stages/handwriting_measures.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "core/gray_histogram.h"
#include "core/raster.h"

namespace assay {
namespace {

struct HandwritingPixFree {
  void operator()(Pix* p) const { pixDestroy(&p); }
};
struct HandwritingPixaFree {
  void operator()(Pixa* p) const { pixaDestroy(&p); }
};
struct HandwritingBoxaFree {
  void operator()(Boxa* p) const { boxaDestroy(&p); }
};
using HandwritingPix = std::unique_ptr<Pix, HandwritingPixFree>;
using HandwritingPixa = std::unique_ptr<Pixa, HandwritingPixaFree>;
using HandwritingBoxa = std::unique_ptr<Boxa, HandwritingBoxaFree>;

double HandwritingMedian(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

double HandwritingCv(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double sum = 0, sq = 0;
  for (double x : v) sum += x;
  const double mean = sum / v.size();
  for (double x : v) sq += (x - mean) * (x - mean);
  return mean > 0 ? std::sqrt(sq / v.size()) / mean : 0;
}

// One text-like component of the page.
struct HandwritingComponent {
  int x = 0, y = 0, w = 0, h = 0;
  int ink = 0;       // foreground pixels
  bool unique = false;  // matches no other component's shape
};

}  // namespace

HandwritingMeasures MeasureHandwriting(Pix* pix, int dpi, const HandwritingLimits& limits) {
  HandwritingMeasures out;
  if (pix == nullptr) return out;
  HandwritingPix gray(GrayForReading(pix));
  if (!gray) return out;
  const int width = pixGetWidth(gray.get()), height = pixGetHeight(gray.get());
  if (width < 16 || height < 16) return out;
  // No ink: the darkest half percent is within 40 levels of the paper (Otsu would split noise).
  // Both levels from one histogram, rounded as pixGetRankValue rounds.
  GrayCounts counts;
  if (!GrayHistogram(gray.get(), std::max(1, width / 800), &counts)) return out;
  const long paper = std::lround(RankOfCounts(counts, 0.95f));
  const long darkest = std::lround(RankOfCounts(counts, 0.005f));
  if (paper < darkest + 40) return out;
  // Otsu over the whole page: the ink of a page is one population. (What Leptonica's
  // pixOtsuAdaptiveThreshold does with one tile, without its two copies of the page.)
  l_int32 otsu = 0;
  if (pixSplitDistributionFgBg(gray.get(), 0.1f, 1, &otsu, nullptr, nullptr, nullptr) != 0) {
    return out;
  }
  HandwritingPix binary(pixThresholdToBinary(gray.get(), otsu));
  if (!binary) return out;
  gray.reset();

  Pixa* pixa_raw = nullptr;
  HandwritingBoxa all_boxes(pixConnComp(binary.get(), &pixa_raw, 8));
  HandwritingPixa all_pixa(pixa_raw);
  if (!all_boxes || !all_pixa) return out;
  const int n = boxaGetCount(all_boxes.get());

  // Glyph-sized components: at least 0.5 mm tall (specks, periods and i-dots are left out:
  // they are alike in print and in a hand), then a band around the median glyph height that
  // leaves out rules, frames and pictures.
  const int min_h = std::max(4, dpi > 0 ? dpi / 50 : 4);
  std::vector<int> candidates;
  std::vector<double> heights;
  for (int i = 0; i < n; ++i) {
    l_int32 x, y, w, h;
    boxaGetBoxGeometry(all_boxes.get(), i, &x, &y, &w, &h);
    if (h < min_h) continue;
    candidates.push_back(i);
    heights.push_back(h);
  }
  const double median_h = HandwritingMedian(heights);
  if (median_h <= 0) return out;

  HandwritingPixa pixa(pixaCreate(0));
  HandwritingBoxa boxa(boxaCreate(0));
  std::vector<HandwritingComponent> comps;
  std::vector<double> kept_heights, stroke_widths;
  int* tab8 = makePixelSumTab8();
  for (int i : candidates) {
    l_int32 x, y, w, h;
    boxaGetBoxGeometry(all_boxes.get(), i, &x, &y, &w, &h);
    if (h < 0.4 * median_h || h > 3.5 * median_h || w > 8 * median_h) continue;
    Pix* c = pixaGetPix(all_pixa.get(), i, L_CLONE);
    HandwritingComponent comp{x, y, w, h, 0, false};
    pixCountPixels(c, &comp.ink, tab8);
    // Stroke width ~ ink / (half the boundary length): the mean thickness of the strokes.
    Pix* boundary = pixExtractBoundary(c, 1);
    l_int32 edge = 0;
    if (boundary != nullptr) {
      pixCountPixels(boundary, &edge, tab8);
      pixDestroy(&boundary);
    }
    if (edge > 0) stroke_widths.push_back(2.0 * comp.ink / edge);
    pixaAddPix(pixa.get(), c, L_INSERT);
    // The box twice: in the pixa (where pixaDisplay puts the component) and in the boxa the
    // classifier reads.
    pixaAddBox(pixa.get(), boxaGetBox(all_boxes.get(), i, L_COPY), L_INSERT);
    boxaAddBox(boxa.get(), boxaGetBox(all_boxes.get(), i, L_COPY), L_INSERT);
    comps.push_back(comp);
    kept_heights.push_back(h);
  }
  lept_free(tab8);
  out.components = static_cast<int>(comps.size());
  out.height_cv = HandwritingCv(kept_heights);
  out.stroke_cv = HandwritingCv(stroke_widths);
  if (comps.size() < 2) return out;

  // Shape classes: components whose correlation reaches the threshold share a class.
  const int max_dim = static_cast<int>(8 * median_h) + 2;
  JBCLASSER* classer =
      jbCorrelationInit(JB_CONN_COMPS, max_dim, max_dim, float(limits.match_threshold),
                        float(limits.weight_factor));
  if (classer == nullptr) return out;
  if (jbAddPageComponents(classer, binary.get(), boxa.get(), pixa.get()) != 0 ||
      numaGetCount(classer->naclass) != static_cast<int>(comps.size())) {
    jbClasserDestroy(&classer);
    return out;
  }
  std::map<int, int> class_size;
  std::vector<int> class_of(comps.size());
  for (size_t i = 0; i < comps.size(); ++i) {
    l_int32 cls = 0;
    numaGetIValue(classer->naclass, static_cast<int>(i), &cls);
    class_of[i] = cls;
    ++class_size[cls];
  }
  jbClasserDestroy(&classer);
  int unique = 0;
  for (size_t i = 0; i < comps.size(); ++i) {
    comps[i].unique = class_size[class_of[i]] == 1;
    unique += comps[i].unique ? 1 : 0;
  }
  out.unique_share = double(unique) / comps.size();

  // Lines: the kept components closed horizontally by about a glyph's height (joins letters
  // and words, not lines), labelled; each component belongs to the line under its centre.
  HandwritingPix glyphs(pixaDisplay(pixa.get(), width, height));
  if (!glyphs) return out;
  const int reach = std::max(3, static_cast<int>(std::lround(3 * median_h)));
  HandwritingPix joined(pixDilateBrick(nullptr, glyphs.get(), reach, 1));
  if (!joined) return out;
  // Labels at the least depth that holds them (8 bits for a page's few hundred lines, not
  // 32: a quarter of the memory to clear); the same labels whatever the depth.
  HandwritingPix labels(pixConnCompTransform(joined.get(), 8, 0));
  if (!labels) return out;
  struct LineTally {
    int count = 0, unique = 0;
    long ink = 0;
    PixelBox box{1 << 30, 1 << 30, 0, 0};
  };
  std::map<l_uint32, LineTally> lines;
  long total_ink = 0;
  for (const HandwritingComponent& c : comps) {
    l_uint32 label = 0;
    pixGetPixel(labels.get(), c.x + c.w / 2, c.y + c.h / 2, &label);
    LineTally& t = lines[label];
    ++t.count;
    t.unique += c.unique ? 1 : 0;
    t.ink += c.ink;
    t.box.x0 = std::min(t.box.x0, c.x);
    t.box.y0 = std::min(t.box.y0, c.y);
    t.box.x1 = std::max(t.box.x1, c.x + c.w);
    t.box.y1 = std::max(t.box.y1, c.y + c.h);
    total_ink += c.ink;
  }
  const bool page_unique = out.unique_share >= limits.region_unique_share;
  long handwritten_ink = 0;
  for (const auto& [label, t] : lines) {
    const bool judged = t.count >= limits.region_min_components;
    const bool hand =
        judged ? double(t.unique) / t.count >= limits.region_unique_share : page_unique;
    if (!hand) continue;
    handwritten_ink += t.ink;
    if (judged) out.regions.push_back(t.box);
  }
  std::sort(out.regions.begin(), out.regions.end(), [](const PixelBox& a, const PixelBox& b) {
    return a.y0 != b.y0 ? a.y0 < b.y0 : a.x0 < b.x0;
  });
  out.share = total_ink > 0 ? double(handwritten_ink) / total_ink : 0;
  out.handwritten = out.components >= limits.min_components && out.share >= limits.page_share;
  return out;
}

}  // namespace assay
