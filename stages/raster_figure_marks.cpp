#include "stages/raster_figure_marks.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "core/gray_histogram.h"
#include "stages/ink_components.h"
#include "stages/raster_table_ocr.h"

namespace assay {
namespace {

constexpr double kDashMaxHeight = 0.22;   // of the word box's height
constexpr double kDashMinAspect = 1.5;    // width over height
constexpr double kGlyphMinHeight = 0.45;  // of the word box's height: a figure or a letter
// A dash's middle lies this far down the glyphs' band (their median top to median bottom).
constexpr double kDashBandLow = 0.3;
constexpr double kDashBandHigh = 0.8;
constexpr double kDashGlyphOverlap = 0.34;  // of its width, at most, under a glyph beside it
// Of the glyphs' band (their height, less than their width: a worn scan breaks figures into
// narrow pieces, "0" into two halves). On the ICDAR dev pages rendered as scans (URW fonts),
// one-dash words between figures whose truth says which: at 0.45, 271 of 275 en dashes and
// 37 of 120 hyphens written as en dashes (354 of 395 right; 0.40 348, 0.50 333); most of those
// hyphens are drawn as wide as en dashes (age groups "30-39", 0.61-0.71), which no width
// tells apart. The glyphs' median width (0.7 of it) had 337 right: broken glyphs narrow it.
constexpr double kEnDashWidth = 0.45;
constexpr const char* kEnDash = "\xe2\x80\x93";
// A point: at most this share of the glyphs' median height either way, and no more than
// twice as wide as high or high as wide. On the ICDAR dev pages rendered as scans, points
// measured 0.16-0.19 of the figures' height, as high as wide; commas 0.28-0.29 and 1.25 times
// as high as wide, so a dropped comma can come back as a point: of the words given a point
// whose truth says which, 67 right and 5 wrong ("1565" for "1,565" among them). The stricter
// 0.25 and 1.2 gave 59 right and 3 wrong, and scored lower (adjacency macro 0.670, not 0.677).
constexpr double kPointMaxSize = 0.3;
constexpr double kPointMinSize = 0.08;
// Its bottom within this share of the glyphs' median height of their baseline.
constexpr double kPointBaseline = 0.2;
// Pixels a point may reach into the glyph beside it (blur joins their edges).
constexpr int kPointGlyphOverlap = 1;
// Two words of figures this close (of their height) may be one figure OCR split at its point.
constexpr double kPointGapWidth = 0.6;
constexpr size_t kMaxJoinWords = 20000;  // a page's words: beyond, no pair is tried (bounded time)

// Whether the dash at `i` of `text` belongs to figures: before a figure ("45-54",
// "$9,595-$17,992", a minus "-10.8", "*-1.9"), not after a letter. Between words it is a
// hyphen, whatever its width ("not-for-profit", "Non-Hispanic": of 79 such dashes whose truth
// says which, 72 are hyphens).
bool InFigures(const std::string& text, size_t i) {
  if (i + 1 >= text.size()) return false;
  const unsigned char after = static_cast<unsigned char>(text[i + 1]);
  if (!std::isdigit(after) && after != '$' && after != '(' && after != '.') return false;
  return i == 0 || !std::isalpha(static_cast<unsigned char>(text[i - 1]));
}

// The components of ink in `word`'s box of `pix` (the crop's coordinates), left to right;
// empty when the box is too small or shows too little contrast.
std::vector<InkBox> WordInk(Pix* pix, const TableWord& word) {
  if (pix == nullptr) return {};
  const int x0 = std::max(0, static_cast<int>(std::floor(word.bbox.x0)));
  const int y0 = std::max(0, static_cast<int>(std::floor(word.bbox.y0)));
  const int x1 = std::min(pixGetWidth(pix), static_cast<int>(std::ceil(word.bbox.x1)));
  const int y1 = std::min(pixGetHeight(pix), static_cast<int>(std::ceil(word.bbox.y1)));
  if (x1 - x0 < 4 || y1 - y0 < 6) return {};
  std::optional<RegionInk> ink = InkInRegion(pix, x0, y0, x1, y1);
  if (!ink) return {};
  std::vector<InkBox> out = std::move(ink->components);
  std::sort(out.begin(), out.end(), [](const InkBox& a, const InkBox& b) { return a.x < b.x; });
  return out;
}

// Whether `text` is figures only, or (when `percent`) figures and a percent sign after them.
bool FiguresOnly(const std::string& text, bool percent) {
  const size_t n = text.size() - (percent && !text.empty() && text.back() == '%' ? 1 : 0);
  return n > 0 && std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(n),
                              [](char c) { return c >= '0' && c <= '9'; });
}

double Median(std::vector<int> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace

std::optional<RegionInk> InkInRegion(Pix* pix, int x0, int y0, int x1, int y1) {
  PixHandle crop = GrayCrop(pix, x0, y0, x1, y1);
  uint32_t paper = 255, ink = 0;
  if (!crop || !GrayRankValue(crop.get(), 1, 0.9, &paper) || !GrayRankValue(crop.get(), 1, 0.05, &ink) ||
      paper < ink + 40)
    return std::nullopt;
  RegionInk out;
  out.threshold = static_cast<int>((paper + ink) / 2);
  out.components = InkComponents(crop.get(), out.threshold);
  out.crop = std::move(crop);
  return out;
}

std::string WithMeasuredDashes(Pix* pix, const TableWord& word) {
  const std::string& text = word.text;
  const size_t dashes = static_cast<size_t>(std::count(text.begin(), text.end(), '-'));
  if (dashes == 0) return text;
  const std::vector<InkBox> ink = WordInk(pix, word);
  const double height = word.bbox.y1 - word.bbox.y0;
  std::vector<InkBox> glyphs, flat;
  for (const InkBox& c : ink) {
    if (c.h <= kDashMaxHeight * height && c.w >= kDashMinAspect * c.h) flat.push_back(c);
    else if (c.h >= kGlyphMinHeight * height) glyphs.push_back(c);
  }
  if (glyphs.empty()) return text;
  std::vector<int> tops, bottoms;
  for (const InkBox& g : glyphs) {
    tops.push_back(g.y);
    bottoms.push_back(g.y + g.h);
  }
  // A dash sits between two glyphs, about halfway up them. A worn scan breaks glyphs into
  // pieces, and the flat ones (the bar of a "5", a stroke of a "$") lie at their top or
  // bottom, or over what is left of the glyph (ICDAR us-003: "$9,595–$17,992" showed three
  // flat marks for its one dash).
  const double top = Median(tops), band = Median(bottoms) - top;
  std::vector<int> marks;  // widths of the dashes' marks, left to right
  for (const InkBox& c : flat) {
    const double centre = c.y + c.h / 2.0 - top;
    if (centre < kDashBandLow * band || centre > kDashBandHigh * band) continue;
    int covered = 0;  // columns of the mark a glyph also spans
    for (const InkBox& g : glyphs)
      covered += std::max(0, std::min(c.x + c.w, g.x + g.w) - std::max(c.x, g.x));
    if (covered > kDashGlyphOverlap * c.w) continue;
    marks.push_back(c.w);
  }
  if (marks.size() != dashes) return text;
  std::string out;
  size_t k = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' && marks[k++] >= kEnDashWidth * band && InFigures(text, i)) out += kEnDash;
    else out.push_back(c);
  }
  return out;
}

std::string WithDroppedDecimalPoint(Pix* pix, const TableWord& word) {
  const std::string& text = word.text;
  // Figures, and a percent sign after them: one glyph more, the last one (its circles are
  // smaller than a glyph, the lower one on the baseline right of the figures: not between two).
  const bool percent = !text.empty() && text.back() == '%';
  if (text.size() - (percent ? 1 : 0) < 2 || !FiguresOnly(text, true)) return text;
  const std::vector<InkBox> ink = WordInk(pix, word);
  const double height = word.bbox.y1 - word.bbox.y0;
  std::vector<InkBox> glyphs;
  for (const InkBox& c : ink)
    if (c.h >= kGlyphMinHeight * height) glyphs.push_back(c);
  if (glyphs.size() != text.size()) return text;
  if (percent) glyphs.pop_back();  // left to right: the sign is the last
  std::vector<int> heights, bottoms;
  for (const InkBox& g : glyphs) {
    heights.push_back(g.h);
    bottoms.push_back(g.y + g.h);
  }
  const double glyph_height = Median(heights), baseline = Median(bottoms);
  int at = -1, points = 0;
  for (const InkBox& c : ink) {
    if (c.h < kPointMinSize * glyph_height || c.h > kPointMaxSize * glyph_height ||
        c.w < kPointMinSize * glyph_height || c.w > kPointMaxSize * glyph_height ||
        c.w > 2 * c.h || c.h > 2 * c.w)
      continue;
    if (std::abs(c.y + c.h - baseline) > kPointBaseline * glyph_height) continue;
    // Between which two glyphs: after the last glyph whose centre lies left of its centre.
    const double centre = c.x + c.w / 2.0;
    int before = 0;
    while (before < static_cast<int>(glyphs.size()) && glyphs[before].x + glyphs[before].w / 2.0 < centre)
      ++before;
    if (before == 0 || before == static_cast<int>(glyphs.size())) continue;  // not inside the figure
    // In the gap between the two glyphs, clear of both: a piece of a glyph whose hairline broke
    // (Nimbus Roman's "2" at 150 dpi leaves one on the baseline under its bowl) lies within it.
    const InkBox& left = glyphs[before - 1];
    const InkBox& right = glyphs[before];
    if (c.x < left.x + left.w - kPointGlyphOverlap || c.x + c.w > right.x + kPointGlyphOverlap) continue;
    ++points;
    at = before;
  }
  if (points != 1) return text;
  return text.substr(0, static_cast<size_t>(at)) + "." + text.substr(static_cast<size_t>(at));
}

void JoinDecimalPointGaps(Pix* pix, std::vector<TableWord>& words) {
  if (words.size() > kMaxJoinWords) return;
  // The pairs tried: a word of figures, then one of figures with a percent sign allowed.
  std::vector<size_t> figures;
  for (size_t i = 0; i < words.size(); ++i)
    if (FiguresOnly(words[i].text, true)) figures.push_back(i);
  std::vector<bool> gone(words.size(), false);
  for (size_t i : figures) {
    if (gone[i] || !FiguresOnly(words[i].text, false)) continue;
    const Box& a = words[i].bbox;
    for (size_t j : figures) {
      if (j == i || gone[j]) continue;
      const Box& b = words[j].bbox;
      const double height = std::min(a.y1 - a.y0, b.y1 - b.y0);
      const double overlap = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
      const double gap = b.x0 - a.x1;
      if (height <= 0 || overlap < 0.5 * height || gap < 0 || gap > kPointGapWidth * height) continue;
      TableWord joined = words[i];
      joined.text = words[i].text + words[j].text;
      joined.bbox.Extend(b);
      const std::string read = WithDroppedDecimalPoint(pix, joined);
      if (read != words[i].text + "." + words[j].text) continue;
      joined.text = read;
      words[i] = std::move(joined);
      gone[j] = true;
      break;
    }
  }
  EraseGoneWords(words, gone);
}

}  // namespace assay
