#include "stages/raster_table_ocr.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "core/gray_histogram.h"
#include "core/raster.h"
#include "stages/ink_components.h"
#include "stages/pix_mat.h"
#include "stages/raster_bullets.h"
#include "stages/raster_figure_marks.h"
#include "stages/raster_rulings.h"
#include "stages/raster_unread_grids.h"
#include "stages/raster_table_structure.h"

namespace assay {
namespace {

constexpr int kRuleClearance = 3;          // pixels either side of a rule's centre line painted out
// A line of pixels along a rule is the rule's when this share of it is darker than the paper
// by kRuleInkContrast gray levels or more.
constexpr double kRuleLineShare = 0.75;
constexpr int kRuleInkContrast = 24;
constexpr l_uint32 kDarkBandGray = 128;  // a pixel row whose median is darker: a filled band's
constexpr double kMaxInkStretch = 2.0;  // gray-level gain at most (StretchInkToBlack)
constexpr int kDarkBandRows = 4;         // pixel rows: a band that may hold print, not a rule
constexpr double kPaintedRuleShare = 0.25;  // of the region's width (height): a rule to paint out
constexpr double kWholeImageWordShare = 0.7;  // of an image's words in its table: one table
constexpr double kWholeImageRuleShare = 0.5;  // a rule this share of the image wide is a table's
constexpr double kWholeImageProseShare = 0.05;  // of an image's words in running text: a page
constexpr double kMaxGridEmptyShare = 0.5;      // of a grid's cells, read again: a chart
constexpr size_t kFewWords = 8;  // a first reading this thin says nothing about the image
// Tesseract's word boxes (ascender to descender) against the median character-sized component
// of the image's ink (InkTextHeight: mostly lower-case letters and digits): 1.0-1.7, median
// 1.44, on the 7 PubTabNet images whose first reading was good.
constexpr double kWordToInkHeight = 1.4;
constexpr double kMaxEnlargedPixels = 24e6;  // an enlarged reading's size: bounded time
// Two readings' boxes overlapping this much (intersection over union) are the same word.
constexpr double kSameWordIou = 0.6;
// A table image's other readings, as multiples of its enlargement (FindRasterTables).
constexpr double kOtherEnlargements[] = {0.83, 1.17, 1.33, 1.67};
// A scanned table's text is read at the enlargement that makes its words 30 pixels high and at
// 0.8 of it (ReadTablesTextAgain). Scanned ICDAR (URW render), adjacency macro: one reading
// 0.720; with 0.8 or 1.6 0.727; with 0.8 and 1.33 0.728, for a third more reading.
constexpr double kTableTextEnlargements[] = {1.0, 0.8};

// `region` in whole pixels of `pix`, clamped to them.
struct PixelRegion {
  int x0, y0, x1, y1;
};
PixelRegion ClampToPixels(Pix* pix, const Box& region) {
  const int width = pixGetWidth(pix), height = pixGetHeight(pix);
  return {std::clamp(static_cast<int>(std::floor(region.x0)), 0, width),
          std::clamp(static_cast<int>(std::floor(region.y0)), 0, height),
          std::clamp(static_cast<int>(std::ceil(region.x1)), 0, width),
          std::clamp(static_cast<int>(std::ceil(region.y1)), 0, height)};
}

// The enlargement of a region of `area` pixels whose words are `word_height` high: to
// `options.target_word_height`, 1 to `options.max_upscale` times, and within `budget`, the
// largest that keeps the enlarged region under kMaxEnlargedPixels (bounded time).
struct Enlargement {
  double scale, budget;
};
Enlargement EnlargementFor(double area, double word_height, const RasterTableOptions& options) {
  const double budget = std::max(1.0, std::sqrt(kMaxEnlargedPixels / std::max(1.0, area)));
  return {std::clamp(std::min(options.target_word_height / word_height, budget), 1.0, options.max_upscale),
          budget};
}

bool RegionsOverlap(const Box& a, const Box& b) {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

// The share of `words` whose centre lies in one of `boxes` (0 without words).
double ShareOfWordsInBoxes(const std::vector<TableWord>& words, const std::vector<Box>& boxes) {
  if (words.empty()) return 0;
  int in = 0;
  for (const TableWord& w : words) {
    in += std::any_of(boxes.begin(), boxes.end(),
                      [&](const Box& b) { return WordCentreInRegion(b, w.bbox); })
              ? 1
              : 0;
  }
  return double(in) / double(words.size());
}

}  // namespace

double RegionMedianWordHeight(const std::vector<TableWord>& words, const Box& region) {
  std::vector<double> h;
  for (const TableWord& w : words) {
    if (WordCentreInRegion(region, w.bbox)) h.push_back(w.bbox.y1 - w.bbox.y0);
  }
  if (h.empty()) return 0;
  std::nth_element(h.begin(), h.begin() + h.size() / 2, h.end());
  return h[h.size() / 2];
}

bool RuleReadAsWord(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == '|' || c == '_' || c == '=' || c == '.' || c == ':' || c == ',' || c == ';' ||
           c == '\'' || c == '`';
  });
}

double InkTextHeight(Pix* pix) {
  PixHandle gray = WrapPix(GrayForReading(pix));
  if (!gray) return 0;
  const int height = pixGetHeight(gray.get());
  GrayCounts counts;
  if (!GrayHistogram(gray.get(), 1, &counts)) return 0;
  // Single precision, as Leptonica's rank values: the threshold below is their mean.
  const float ink = static_cast<float>(RankOfCounts(counts, 0.02f));
  const float paper = static_cast<float>(RankOfCounts(counts, 0.5f));
  if (paper - ink < 32) return 0;
  std::vector<int> heights;
  for (const InkBox& c : InkComponents(gray.get(), static_cast<int>((ink + paper) / 2)))
    if (c.h >= 3 && 4 * c.h <= height && c.w >= 2) heights.push_back(c.h);
  if (heights.empty()) return 0;
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  return heights[heights.size() / 2];
}

bool SmallPrintReadAgain(size_t first_words, double ink_height, double target_word_height) {
  return first_words < kFewWords && ink_height > 0 &&
         kWordToInkHeight * ink_height < target_word_height;
}

void InvertDarkBands(Pix* gray) {
  if (gray == nullptr || pixGetDepth(gray) != 8 || pixGetColormap(gray) != nullptr) return;
  const int w = pixGetWidth(gray), h = pixGetHeight(gray);
  if (w == 0 || h == 0) return;
  std::vector<l_uint32> row(static_cast<size_t>(w));
  std::vector<bool> dark(static_cast<size_t>(h), false);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) pixGetPixel(gray, x, y, &row[static_cast<size_t>(x)]);
    std::nth_element(row.begin(), row.begin() + w / 2, row.end());
    dark[static_cast<size_t>(y)] = row[static_cast<size_t>(w / 2)] < kDarkBandGray;
  }
  for (int y = 0; y < h;) {
    if (!dark[static_cast<size_t>(y)]) {
      ++y;
      continue;
    }
    int end = y;
    while (end < h && dark[static_cast<size_t>(end)]) ++end;
    // A rule is dark across its row too: only bands as tall as print.
    if (end - y >= kDarkBandRows) {
      // Inverted, and stretched so the band's fill (its median) becomes paper white.
      std::vector<l_uint32> band;
      for (int by = y; by < end; ++by)
        for (int x = 0; x < w; ++x) {
          l_uint32 v = 0;
          pixGetPixel(gray, x, by, &v);
          band.push_back(v);
        }
      std::nth_element(band.begin(), band.begin() + band.size() / 2, band.end());
      const double fill = 255.0 - double(band[band.size() / 2]);
      for (int by = y; by < end; ++by)
        for (int x = 0; x < w; ++x) {
          l_uint32 v = 0;
          pixGetPixel(gray, x, by, &v);
          const double inverted = 255.0 - double(v);
          const double stretched = std::clamp(inverted * 255.0 / std::max(1.0, fill), 0.0, 255.0);
          pixSetPixel(gray, x, by, static_cast<l_uint32>(std::lround(stretched)));
        }
    }
    y = end;
  }
}

namespace {

// The gray levels stretched so that the ink (2nd percentile) is black and the paper (the
// median) white, by a gain of 2 at most: light, thin print (anti-aliased to mid-gray at 6-8
// pixels) read as dark. Only for the other readings of a table image (ReadTableRegion): as
// the base reading it turned PubTabNet's PMC5332562 dotted rules into solid ones and its 31
// rows into 24.
void StretchInkToBlack(Pix* gray) {
  GrayCounts counts;
  if (!GrayHistogram(gray, 1, &counts)) return;
  const double paper = RankOfCounts(counts, 0.5);
  const double ink = std::max(RankOfCounts(counts, 0.02), paper - 255.0 / kMaxInkStretch);
  if (paper - ink < 32) return;
  StretchLevels(gray, ink, paper);
}

}  // namespace

void StretchLevels(Pix* gray, double ink, double paper) {
  const int w = pixGetWidth(gray), h = pixGetHeight(gray);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      l_uint32 v = 0;
      pixGetPixel(gray, x, y, &v);
      const double stretched = std::clamp((double(v) - ink) * 255.0 / (paper - ink), 0.0, 255.0);
      pixSetPixel(gray, x, y, static_cast<l_uint32>(std::lround(stretched)));
    }
}

PixHandle GrayCrop(Pix* pix, int x0, int y0, int x1, int y1) {
  ::Box* clip = boxCreate(x0, y0, x1 - x0, y1 - y0);
  PixHandle crop = WrapPix(pixClipRectangle(pix, clip, nullptr));
  boxDestroy(&clip);
  return crop ? WrapPix(pixConvertTo8(crop.get(), 0)) : nullptr;
}

PixHandle PreparedRegion(Pix* pix, int x0, int y0, int x1, int y1, const std::vector<Rule>& rules) {
  if (x1 - x0 < 8 || y1 - y0 < 8) return nullptr;
  PixHandle crop = GrayCrop(pix, x0, y0, x1, y1);
  if (!crop) return nullptr;
  // Rules read as "|" and "_" glued to the cells' words: paint them out first. Only long
  // ones: blurred bold text at low resolution can pass for a short rule, and painting it out
  // would erase the words.
  uint32_t paper = 255;
  GrayRankValue(crop.get(), 1, 0.5, &paper);
  const int cw = pixGetWidth(crop.get()), ch = pixGetHeight(crop.get());
  for (const Rule& r : rules) {
    const bool across = r.horizontal();
    if (across ? r.x1 - r.x0 < kPaintedRuleShare * (x1 - x0)
               : r.y1 - r.y0 < kPaintedRuleShare * (y1 - y0))
      continue;
    // The rule's extent along itself and its centre line across, in the crop's pixels.
    const int a0 = std::max(0, static_cast<int>(std::floor(across ? r.x0 - x0 : r.y0 - y0)));
    const int a1 = std::min(across ? cw - 1 : ch - 1,
                            static_cast<int>(std::ceil(across ? r.x1 - x0 : r.y1 - y0)));
    // The rule's centre line is placed at its middle (y + h / 2): its first pixel line at
    // or above that, for a rule of any thickness.
    const int centre = static_cast<int>(std::floor((across ? r.y0 - y0 : r.x0 - x0) - 0.5));
    if (a1 <= a0) continue;
      // A line of pixels across the rule belongs to it when nearly all of it is darker than the
    // paper; painted out from the centre line outwards while they do, so print that touches
    // the rule (a header right under a table's top rule) stays.
    auto dark_share = [&](int line) {
      int dark = 0;
      for (int a = a0; a <= a1; ++a) {
        l_uint32 v = 255;
        pixGetPixel(crop.get(), across ? a : line, across ? line : a, &v);
        dark += static_cast<int>(v) + kRuleInkContrast < static_cast<int>(paper) ? 1 : 0;
      }
      return double(dark) / double(a1 - a0 + 1);
    };
    const int limit = across ? ch : cw;
    for (int dir : {-1, 1}) {
      for (int line = dir < 0 ? centre : centre + 1, step = 0;
           line >= 0 && line < limit && step <= kRuleClearance; line += dir, ++step) {
        if (dark_share(line) < kRuleLineShare) break;
        ::Box* band = across ? boxCreate(a0, line, a1 - a0 + 1, 1) : boxCreate(line, a0, 1, a1 - a0 + 1);
        pixSetInRectArbitrary(crop.get(), band, 255);
        boxDestroy(&band);
      }
    }
  }
  InvertDarkBands(crop.get());
  return WrapPix(pixAddBorder(crop.get(), kPreparedBorder, 255));
}

std::vector<ScoredWord> ReadPrepared(Pix* framed, int x0, int y0, double scale,
                                     tesseract::TessBaseAPI& api) {
  std::vector<ScoredWord> out;
  const float factor = static_cast<float>(scale);
  PixHandle big = WrapPix(scale > 1.0 ? pixScale(framed, factor, factor) : pixClone(framed));
  if (!big) return out;
  pixSetResolution(big.get(), 300, 300);

  const tesseract::PageSegMode before = api.GetPageSegMode();
  api.SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  api.SetImage(big.get());
  api.SetSourceResolution(300);
  if (api.Recognize(nullptr) == 0) {
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (it) {
      do {
        if (it->Empty(tesseract::RIL_WORD)) continue;
        std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
        if (!text) continue;
        std::string t(text.get());
        t.erase(0, t.find_first_not_of(" \t\r\n"));
        t.erase(t.find_last_not_of(" \t\r\n") + 1);
        if (t.empty() || RuleReadAsWord(t)) continue;
        int bx0 = 0, by0 = 0, bx1 = 0, by1 = 0;
        it->BoundingBox(tesseract::RIL_WORD, &bx0, &by0, &bx1, &by1);
        auto back = [&](int v, int origin) { return (v / scale) - kPreparedBorder + origin; };
        out.push_back(ScoredWord{
            TableWord{t, Box{back(bx0, x0), back(by0, y0), back(bx1, x0), back(by1, y0)}},
            it->Confidence(tesseract::RIL_WORD)});
      } while (it->Next(tesseract::RIL_WORD));
    }
  }
  api.Clear();
  api.SetPageSegMode(before);
  return out;
}

namespace {

double BoxIou(const Box& a, const Box& b) {
  const double w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const double h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const double both = w * h;
  return both / ((a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - both);
}

}  // namespace

std::vector<TableWord> MergeReadings(const std::vector<std::vector<ScoredWord>>& readings,
                                     size_t base) {
  std::vector<TableWord> out;
  if (base >= readings.size()) return out;
  for (const ScoredWord& w : readings[base]) {
    std::string text = w.word.text;
    double confidence = w.confidence;
    for (size_t j = 0; j < readings.size(); ++j) {
      if (j == base) continue;
      // The words of reading j that are this word: those whose centres lie in its box, whose
      // boxes together are its box (a word another reading split in two, "11 August" read
      // "llAugust" at one enlargement, is one candidate); as sure as the least sure of them.
      std::string joined;
      double least = 100;
      Box together{1e300, 1e300, -1e300, -1e300};
      for (const ScoredWord& v : readings[j]) {
        const double cx = (v.word.bbox.x0 + v.word.bbox.x1) / 2, cy = (v.word.bbox.y0 + v.word.bbox.y1) / 2;
        if (cx < w.word.bbox.x0 || cx > w.word.bbox.x1 || cy < w.word.bbox.y0 || cy > w.word.bbox.y1)
          continue;
        joined += (joined.empty() ? "" : " ") + v.word.text;
        least = std::min(least, v.confidence);
        together.Extend(v.word.bbox);
      }
      if (!joined.empty() && least > confidence && BoxIou(w.word.bbox, together) >= kSameWordIou) {
        text = joined;
        confidence = least;
      }
    }
    // The base reading's box: the readings agree on where the word is, not always on its
    // extent, and the grid is built from one reading's geometry.
    out.push_back(TableWord{text, w.word.bbox});
  }
  return out;
}

std::vector<TableWord> ReadTableRegion(Pix* pix, const Box& region, const std::vector<Rule>& rules,
                                       const std::vector<double>& scales,
                                       tesseract::TessBaseAPI& api, double min_confidence) {
  const auto [x0, y0, x1, y1] = ClampToPixels(pix, region);
  PixHandle framed = PreparedRegion(pix, x0, y0, x1, y1, rules);
  if (!framed || scales.empty()) return {};
  // The first reading (the one whose words and boxes are kept) from the pixels as they are;
  // the others, whose text competes word by word, from the ink stretched to black.
  std::vector<std::vector<ScoredWord>> readings;
  PixHandle stretched = WrapPix(pixCopy(nullptr, framed.get()));
  if (stretched) StretchInkToBlack(stretched.get());
  for (size_t i = 0; i < scales.size(); ++i)
    readings.push_back(ReadPrepared(i == 0 || !stretched ? framed.get() : stretched.get(), x0, y0, scales[i], api));
  std::erase_if(readings[0], [&](const ScoredWord& w) { return w.confidence < min_confidence; });
  return MergeReadings(readings, 0);
}

void ReadTablesTextAgain(Pix* pix, const std::vector<Box>& regions, const std::vector<Rule>& rules,
                         double word_height, const RasterTableOptions& options,
                         tesseract::TessBaseAPI& api, std::vector<TableWord>& words) {
  if (pix == nullptr || word_height <= 0) return;
  for (const Box& region : regions) {
    const auto [x0, y0, x1, y1] = ClampToPixels(pix, region);
    // The page's words in the region are the base reading, with the page's confidences.
    std::vector<std::vector<ScoredWord>> readings(1);
    std::vector<size_t> index;
    for (size_t i = 0; i < words.size(); ++i)
      if (WordCentreInRegion(region, words[i].bbox)) {
        readings[0].push_back(ScoredWord{words[i], words[i].confidence});
        index.push_back(i);
      }
    if (index.empty()) continue;
    PixHandle framed = PreparedRegion(pix, x0, y0, x1, y1, rules);
    if (!framed) continue;
    const double scale = EnlargementFor(double(x1 - x0) * double(y1 - y0), word_height, options).scale;
    for (double m : kTableTextEnlargements)
      readings.push_back(ReadPrepared(framed.get(), x0, y0, std::max(1.0, scale * m), api));
    const std::vector<TableWord> merged = MergeReadings(readings, 0);
    for (size_t k = 0; k < index.size(); ++k) {
      TableWord& w = words[index[k]];
      if (merged[k].text == w.text) continue;
      // The reading taken may have lost the marks the page's words got back from the ink.
      w.text = merged[k].text;
      w.text = WithMeasuredDashes(pix, w);
      w.text = WithDroppedDecimalPoint(pix, w);
    }
  }
  JoinDecimalPointGaps(pix, words);
  // After the readings: a bullet joined to its item first would have its box read with it.
  JoinBullets(pix, words);
}

// Two of the tables share most of their height and none of their width.
static bool TablesSideBySide(const std::vector<PageTable>& tables) {
  for (size_t i = 0; i < tables.size(); ++i)
    for (size_t j = i + 1; j < tables.size(); ++j) {
      const Box& a = tables[i].bbox;
      const Box& b = tables[j].bbox;
      const double shared_height = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
      const double shorter = std::min(a.y1 - a.y0, b.y1 - b.y0);
      if ((a.x1 <= b.x0 || b.x1 <= a.x0) && shorter > 0 && shared_height >= 0.5 * shorter)
        return true;
    }
  return false;
}

bool ReadWholeImageAgain(const std::vector<TableWord>& words, const std::vector<Rule>& rules,
                         const std::vector<PageTable>& first, double image_width) {
  // The image must be one table, not a page with a table on it: most of its words lie between
  // its long rules or in the tables found. A scanned report page (its tables among prose) read
  // again whole, enlarged, cost as much as its OCR: 48 ICDAR pages as images, tables 122 s of
  // stage time against ocr's 215 s. A table image holds no running text: an image 5% of whose
  // words layout put in prose blocks is a page (a report page between its header and footer
  // rules was read again whole, 2.5-4 s, and its tables came out worse: on 8 ICDAR pages as
  // images, adjacency 0.66 read again, 0.78 not).
  if (!words.empty()) {
    const auto prose =
        std::count_if(words.begin(), words.end(), [](const TableWord& w) { return w.prose; });
    if (double(prose) >= kWholeImageProseShare * double(words.size())) return false;
  }
  // Tables found side by side: a page laid out with several tables, not one table. A report
  // page of three ruled tables beside charts (ICDAR eu-015 p2 as an image) has most of its
  // words in tables, and its rows line up across the tables so that its lines make one table
  // too; read again whole at five enlargements it cost 2.6 times its OCR. A table the first
  // reading cut up comes in pieces one above the other (PubTabNet's).
  if (TablesSideBySide(first)) return false;
  int long_rules = 0;
  double top = 0, bottom = 0;  // of the long horizontal rules
  for (const Rule& r : rules) {
    if (!r.horizontal() || r.x1 - r.x0 < kWholeImageRuleShare * image_width) continue;
    top = long_rules == 0 ? r.y0 : std::min(top, r.y0);
    bottom = long_rules == 0 ? r.y0 : std::max(bottom, r.y0);
    ++long_rules;
  }
  const std::vector<Box> ruled = {Box{0, top, image_width, bottom}};
  std::vector<Box> found;
  for (const PageTable& t : first) found.push_back(t.bbox);
  // The lines making one table covers an unruled table the page search did not find as one
  // (PubTabNet's PMC2759935: its header row was taken for a page header, the rest cut up).
  return (long_rules >= 2 && ShareOfWordsInBoxes(words, ruled) >= kWholeImageWordShare) ||
         (!first.empty() && ShareOfWordsInBoxes(words, found) >= kWholeImageWordShare) ||
         WholeImageTable(words).has_value();
}

std::vector<PageTable> FindRasterTables(Pix* pix, const cv::Mat& image,
                                        const std::vector<TableWord>& page_words,
                                        const std::vector<Rule>& rules,
                                        const std::vector<Box>& areas,
                                        tesseract::TessBaseAPI* api,
                                        const RasterTableOptions& options,
                                        TablePageReport* report,
                                        std::vector<TableWord>* built_from) {
  if (built_from != nullptr) *built_from = page_words;
  TablePageReport first_report;
  std::vector<PageTable> first = FindTables(page_words, rules, areas, &first_report, WordSource::kOcr);
  if (api == nullptr || pix == nullptr) {
    *report = first_report;
    return first;
  }
  const double width = pixGetWidth(pix), height = pixGetHeight(pix);
  const Box whole{0, 0, width, height};
  // A scanned page's tables: their words' text read again, enlarged, the page's segmentation
  // kept (ReadTablesTextAgain); the tables found again from those words, whose figures and
  // signs may now make other columns.
  std::vector<TableWord> words = page_words;
  const double page_word_height = RegionMedianWordHeight(words, whole);
  if (!options.whole_image_candidate && !first.empty()) {
    std::vector<Box> regions;
    for (const PageTable& t : first) regions.push_back(t.bbox);
    ReadTablesTextAgain(pix, regions, rules, page_word_height, options, *api, words);
    first = FindTables(words, rules, areas, &first_report, WordSource::kOcr);
    if (built_from != nullptr) *built_from = words;
  }
  // Where to read again, words and segmentation: the whole image when it may be one table.
  // Tables found on a scanned page are not (only their text, above): on the ICDAR pages
  // rendered at 150 dpi the page's own segmentation was the better one (adjacency F1 macro 0.63
  // before, 0.54 read again, on 8 documents).
  std::vector<Box> regions;
  bool whole_table = false;
  double ink_height = 0;  // of the whole image's text, measured in its pixels
  PixHandle unfiltered;     // the pixels read again, when not `pix`
  if (areas.empty() && options.whole_image_candidate) {
    // A first reading of a few words (or none) says nothing either way: the image's print may
    // be too small for it (PubTabNet's smallest table images, text 6-7 pixels high, read as no
    // word at all). Such an image is read again enlarged when its ink is small print.
    const bool thin = words.size() < kFewWords;
    const bool again = ReadWholeImageAgain(words, rules, first, width);
    if ((again || thin) && options.unfiltered_pixels) unfiltered = options.unfiltered_pixels();
    if (again || thin) ink_height = InkTextHeight(unfiltered ? unfiltered.get() : pix);
    if (again || SmallPrintReadAgain(words.size(), ink_height, options.target_word_height)) {
      regions.push_back(whole);
      whole_table = true;
    }
  }
  // A page's ruled grids its reading left unread (stages/raster_unread_grids.h), read on their
  // own with their text enlarged from the page's word height: what words they hold may be
  // noise.
  if (areas.empty() && !whole_table) {
    for (const Box& grid : UnreadRuledGrids(image, words, rules, page_word_height))
      regions.push_back(grid);
  }
  // Overlapping regions are read once, as their union.
  for (bool merged = true; merged;) {
    merged = false;
    for (size_t i = 0; i < regions.size() && !merged; ++i)
      for (size_t j = i + 1; j < regions.size() && !merged; ++j)
        if (RegionsOverlap(regions[i], regions[j])) {
          regions[i] = Box{std::min(regions[i].x0, regions[j].x0), std::min(regions[i].y0, regions[j].y0),
                           std::max(regions[i].x1, regions[j].x1), std::max(regions[i].y1, regions[j].y1)};
          regions.erase(regions.begin() + static_cast<std::ptrdiff_t>(j));
          merged = true;
        }
  }
  if (regions.empty()) {
    *report = first_report;
    return first;
  }
  // The rules of the pixels read again: the median filter that made them unreadable also
  // erases 1-pixel rules (PubTabNet's), and what it leaves of small print passes for short ones.
  const std::vector<Rule> read_rules =
      unfiltered ? FindRasterRulings(PixToMat(unfiltered.get()), 1.0) : rules;
  std::vector<TableWord> reread;
  std::vector<Box> read_regions;
  for (const Box& region : regions) {
    // A grid: the page's word height. The whole image: the lower of its words' and its ink's
    // (InkTextHeight): a poor first reading (lines merged into one box, noise read as tall
    // words) only makes the words taller; PubTabNet's PMC2759935 read 32-pixel words on
    // 12-pixel print, was not enlarged at all, and lost two rows and a column.
    double h = whole_table ? RegionMedianWordHeight(words, region) : page_word_height;
    if (whole_table && ink_height > 0) {
      const double by_ink = kWordToInkHeight * ink_height;
      h = h > 0 ? std::min(h, by_ink) : by_ink;
    }
    if (h <= 0) continue;
    const auto [scale, budget] =
        EnlargementFor((region.x1 - region.x0) * (region.y1 - region.y0), h, options);
    // A table image's small print is read at several enlargements around the chosen one and
    // each word taken from the reading most confident of it (MergeReadings): Tesseract's
    // misreadings of 6-8 pixel print (a decimal point lost, "l" for "1") change with the
    // enlargement, its confidence tells them apart.
    std::vector<double> scales = {scale};
    if (whole_table) {
      for (double m : kOtherEnlargements) {
        const double other = std::clamp(scale * m, 1.0, budget);
        if (std::none_of(scales.begin(), scales.end(),
                         [&](double s) { return std::abs(s - other) < 0.05; }))
          scales.push_back(other);
      }
    }
    // A grid's reading keeps its confident words only: PSM 6 reads a chart's curves and
    // markers as words of noise, which would explain its ink and pass it for a table (ICDAR
    // us-023's two boxed line charts).
    std::vector<TableWord> got =
        ReadTableRegion(unfiltered ? unfiltered.get() : pix, region, read_rules, scales, *api,
                        whole_table ? 0.0 : kMinReadConfidence);
    if (got.empty()) continue;  // nothing read: the first reading stands there
    read_regions.push_back(region);
    reread.insert(reread.end(), got.begin(), got.end());
  }
  if (read_regions.empty()) {
    *report = first_report;
    return first;
  }
  for (const TableWord& w : words) {
    bool replaced = false;
    for (const Box& r : read_regions) replaced = replaced || WordCentreInRegion(r, w.bbox);
    if (!replaced) reread.push_back(w);
  }
  TablePageReport second_report;
  std::vector<PageTable> second =
      FindTables(reread, read_rules, areas, &second_report, WordSource::kOcr);
  // A grid read again was first taken for a chart: the table its second reading makes stands
  // only when most of its cells hold text. A bar chart's box read again gave its axis labels
  // and the prose beside it, confident words that explained its ink, in a grid mostly empty
  // (ICDAR us-001, us-030: 75-90% of the cells empty; the tables read again 0-25%).
  if (!whole_table) {
    std::erase_if(second, [&](const PageTable& t) {
      const bool read_again = std::any_of(read_regions.begin(), read_regions.end(), [&](const Box& r) {
        return WordCentreInRegion(r, t.bbox);
      });
      const auto empty = std::count_if(t.cells.begin(), t.cells.end(),
                                       [](const TableCell& c) { return c.text.empty(); });
      return read_again && double(empty) > kMaxGridEmptyShare * double(t.cells.size());
    });
  }
  // An image that is one table and draws no grid: all its lines are the table's rows. A grid
  // has vertical rules; rules only between rows (a stack of horizontal ones, as most journal
  // tables draw) leave the rows to the whole-image structure, which reads them better.
  const auto has_vertical_rule = [&](const PageTable& t) {
    return std::any_of(read_rules.begin(), read_rules.end(), [&](const Rule& r) {
      return !r.horizontal() && r.x0 <= t.bbox.x1 && r.x1 >= t.bbox.x0 && r.y0 <= t.bbox.y1 &&
             r.y1 >= t.bbox.y0;
    });
  };
  const bool ruled = std::any_of(second.begin(), second.end(), [&](const PageTable& t) {
    return t.method == "ruled" && has_vertical_rule(t);
  });
  if (whole_table && !ruled) {
    if (std::optional<PageTable> t = WholeImageTable(reread)) {
      *report = second_report;
      if (built_from != nullptr) *built_from = std::move(reread);
      return {std::move(*t)};
    }
  }
  if (second.empty()) {
    *report = first_report;
    return first;
  }
  *report = second_report;
  if (built_from != nullptr) *built_from = std::move(reread);
  return second;
}

}  // namespace assay
