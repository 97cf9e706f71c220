#include "stages/raster_bullets.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>

#include "core/text_metrics.h"
#include "stages/raster_figure_marks.h"

namespace assay {
namespace {

constexpr double kMinRound = 0.7;         // width over height of a dot, at least ...
constexpr double kMaxRound = 1.4;         // ... and at most
constexpr double kMinFill = 0.6;          // share of its box a filled dot inks (a disc: 0.785)
constexpr double kMaxDotHeight = 0.75;    // of the line's word height, at most ...
constexpr double kMinDotHeight = 0.3;     // ... and at least (a full stop is smaller)
constexpr double kMaxDotCentre = 0.7;     // down its item's first word's box, at most (a full
                                          // stop sits on the baseline, 0.8 and lower)
constexpr double kMaxItemGap = 4.0;       // word heights from a bullet to its item's first word
constexpr double kNoiseConfidence = 60;   // marks between them read less surely are noise
constexpr int kMinSpeck = 2;              // pixels: smaller components are the scan's noise

}  // namespace

bool IsBulletInk(Pix* pix, const TableWord& word, double line_height) {
  // Read as a mark ("©", "@", "¢"): a letter read ("a", "e") is a letter, however blotted.
  if (pix == nullptr || CodePointCount(word.text) != 1 || HoldsLetterOrFigure(word.text) ||
      line_height <= 0)
    return false;
  const int x0 = std::max(0, static_cast<int>(std::floor(word.bbox.x0)) - 1);
  const int y0 = std::max(0, static_cast<int>(std::floor(word.bbox.y0)) - 1);
  const int x1 = std::min(pixGetWidth(pix), static_cast<int>(std::ceil(word.bbox.x1)) + 1);
  const int y1 = std::min(pixGetHeight(pix), static_cast<int>(std::ceil(word.bbox.y1)) + 1);
  if (x1 - x0 < 3 || y1 - y0 < 3) return false;
  const std::optional<RegionInk> ink = InkInRegion(pix, x0, y0, x1, y1);
  if (!ink) return false;
  std::vector<InkBox> dots;
  for (const InkBox& c : ink->components)
    if (c.w > kMinSpeck || c.h > kMinSpeck) dots.push_back(c);
  if (dots.size() != 1) return false;
  const InkBox& d = dots[0];
  const double round = double(d.w) / d.h;
  if (round < kMinRound || round > kMaxRound || d.h > kMaxDotHeight * line_height ||
      d.h < kMinDotHeight * line_height)
    return false;
  int inked = 0;
  for (int y = d.y; y < d.y + d.h; ++y)
    for (int x = d.x; x < d.x + d.w; ++x) {
      l_uint32 v = 255;
      pixGetPixel(ink->crop.get(), x, y, &v);
      inked += static_cast<int>(v) < ink->threshold ? 1 : 0;
    }
  return inked >= kMinFill * d.w * d.h;
}

void JoinBullets(Pix* pix, std::vector<TableWord>& words) {
  if (words.empty()) return;
  std::vector<double> heights;
  for (const TableWord& w : words) heights.push_back(w.bbox.y1 - w.bbox.y0);
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const double h = heights[heights.size() / 2];
  std::vector<bool> gone(words.size(), false);
  for (size_t i = 0; i < words.size(); ++i) {
    if (gone[i] || !IsBulletInk(pix, words[i], h)) continue;
    const Box& b = words[i].bbox;
    const double cy = (b.y0 + b.y1) / 2;
    // The words after it on its line, nearest first: its item's first word, and marks between.
    std::vector<size_t> after;
    for (size_t j = 0; j < words.size(); ++j) {
      const Box& o = words[j].bbox;
      if (j == i || gone[j] || o.x0 < b.x1 - 1 || o.x0 - b.x1 > kMaxItemGap * h || cy < o.y0 || cy > o.y1)
        continue;
      after.push_back(j);
    }
    std::sort(after.begin(), after.end(), [&](size_t a, size_t c) { return words[a].bbox.x0 < words[c].bbox.x0; });
    std::vector<size_t> noise;
    for (size_t j : after) {
      if (HoldsLetterOrFigure(words[j].text)) {
        const Box& o = words[j].bbox;
        if (cy > o.y0 + kMaxDotCentre * (o.y1 - o.y0)) break;  // on the baseline: a full stop
        words[j].text = "\xe2\x80\xa2 " + words[j].text;
        words[j].bbox.Extend(b);
        gone[i] = true;
        for (size_t k : noise) gone[k] = true;
        break;
      }
      if (words[j].confidence >= kNoiseConfidence) break;  // a mark read surely: not a halo
      noise.push_back(j);
    }
  }
  EraseGoneWords(words, gone);
}

}  // namespace assay
