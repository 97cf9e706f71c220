#include "stages/raster_dashes.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/gray_histogram.h"
#include "stages/raster_table_ocr.h"

namespace assay {
namespace {

constexpr double kDashMaxHeight = 0.22;   // of the word box's height
constexpr double kDashMinAspect = 1.5;    // width over height
constexpr double kGlyphMinHeight = 0.45;  // of the word box's height: a figure or a letter
// Of the glyphs' median width. On the ICDAR dev pages rendered as scans, words whose truth
// says which: hyphens measured 0.3-0.6, en dashes 0.8-1.1; at 0.7, 146 of 160 en dashes and
// 5 of 138 hyphens are written as en dashes.
constexpr double kEnDashWidth = 0.7;
constexpr const char* kEnDash = "\xe2\x80\x93";

}  // namespace

std::string WithMeasuredDashes(Pix* pix, const TableWord& word) {
  const std::string& text = word.text;
  const size_t dashes = static_cast<size_t>(std::count(text.begin(), text.end(), '-'));
  if (pix == nullptr || dashes == 0) return text;
  const int x0 = std::max(0, static_cast<int>(std::floor(word.bbox.x0)));
  const int y0 = std::max(0, static_cast<int>(std::floor(word.bbox.y0)));
  const int x1 = std::min(pixGetWidth(pix), static_cast<int>(std::ceil(word.bbox.x1)));
  const int y1 = std::min(pixGetHeight(pix), static_cast<int>(std::ceil(word.bbox.y1)));
  if (x1 - x0 < 4 || y1 - y0 < 6) return text;
  PixHandle crop = GrayCrop(pix, x0, y0, x1, y1);
  uint32_t paper = 255, ink = 0;
  if (!crop || !GrayRankValue(crop.get(), 1, 0.9, &paper) || !GrayRankValue(crop.get(), 1, 0.05, &ink) ||
      paper < ink + 40)
    return text;
  PixHandle binary = WrapPix(pixThresholdToBinary(crop.get(), static_cast<int>((paper + ink) / 2)));
  if (!binary) return text;
  BOXA* boxes = pixConnCompBB(binary.get(), 8);
  if (boxes == nullptr) return text;
  const double height = y1 - y0;
  std::vector<std::pair<int, int>> marks;  // (x, width) of the thin marks, left to right
  std::vector<int> glyph_widths;
  for (int i = 0; i < boxaGetCount(boxes); ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
    if (h <= kDashMaxHeight * height && w >= kDashMinAspect * h) marks.push_back({x, w});
    else if (h >= kGlyphMinHeight * height) glyph_widths.push_back(w);
  }
  boxaDestroy(&boxes);
  if (marks.size() != dashes || glyph_widths.empty()) return text;
  std::sort(marks.begin(), marks.end());
  std::nth_element(glyph_widths.begin(), glyph_widths.begin() + glyph_widths.size() / 2, glyph_widths.end());
  const double glyph = glyph_widths[glyph_widths.size() / 2];
  std::string out;
  size_t k = 0;
  for (char c : text) {
    if (c != '-') {
      out.push_back(c);
      continue;
    }
    const double ratio = marks[k++].second / glyph;
    if (ratio >= kEnDashWidth) out += kEnDash;
    else out.push_back(c);
  }
  return out;
}

}  // namespace assay
