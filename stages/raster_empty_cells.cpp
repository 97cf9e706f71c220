#include "stages/raster_empty_cells.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/gray_histogram.h"
#include "stages/raster_table_ocr.h"
#include "stages/table_cell_debris.h"

namespace assay {
namespace {

constexpr int kSlotInset = 3;              // pixels inside a slot's rules: their blurred edges
constexpr int kInkContrast = 60;           // gray levels darker than the slot's paper: print
constexpr double kGlyphHeight = 0.45;      // of a word box's height: the least a glyph stands
constexpr double kGlyphMaxHeight = 1.6;    // taller: a rule's remains, a fill's edge
constexpr double kGlyphMinWidth = 0.1;     // narrower: a vertical rule's remains
constexpr double kTargetWordHeight = 30;   // pixels, after enlarging
constexpr double kMaxUpscale = 4;
constexpr double kMinConfidence = 40;      // Tesseract's, 0..100
// Bounded time on a grid the page's reading missed wholesale: cells read per table, and the
// pixels of one enlarged slot (a large spanning cell is enlarged less).
constexpr int kMaxCellsRead = 400;
constexpr double kMaxSlotPixels = 4e6;

double MedianWordHeight(const std::vector<TableWord>& words, const Box& region) {
  std::vector<double> h;
  for (const TableWord& w : words)
    if (WordCentreInRegion(region, w.bbox)) h.push_back(w.bbox.y1 - w.bbox.y0);
  if (h.empty()) return 0;
  std::nth_element(h.begin(), h.begin() + h.size() / 2, h.end());
  return h[h.size() / 2];
}

// The slot inside `framed` (PreparedRegion's: 8-bit gray in a white border).
PixHandle Slot(Pix* framed) {
  const int w = pixGetWidth(framed) - 2 * kPreparedBorder, h = pixGetHeight(framed) - 2 * kPreparedBorder;
  if (w <= 0 || h <= 0) return nullptr;
  ::Box* clip = boxCreate(kPreparedBorder, kPreparedBorder, w, h);
  PixHandle slot = WrapPix(pixClipRectangle(framed, clip, nullptr));
  boxDestroy(&clip);
  return slot;
}

// Whether `framed` holds a connected component of print the size of a glyph of words
// `word_height` pixels high. Print is measured against the slot's own paper, a shaded fill's
// gray where it has one.
bool HoldsGlyph(Pix* framed, double word_height) {
  PixHandle slot = Slot(framed);
  uint32_t paper = 255;
  if (!slot || !GrayRankValue(slot.get(), 1, 0.5, &paper) || paper <= kInkContrast) return false;
  PixHandle binary = WrapPix(pixThresholdToBinary(slot.get(), static_cast<int>(paper) - kInkContrast));
  if (!binary) return false;
  BOXA* boxes = pixConnCompBB(binary.get(), 8);
  if (boxes == nullptr) return false;
  bool glyph = false;
  for (int i = 0; i < boxaGetCount(boxes) && !glyph; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
    glyph = h >= kGlyphHeight * word_height && h <= kGlyphMaxHeight * word_height &&
            w >= kGlyphMinWidth * word_height;
  }
  boxaDestroy(&boxes);
  return glyph;
}

// `framed`'s levels stretched so that its slot's paper (median) is white and its print (2nd
// percentile) black: Tesseract binarises the whole image at once, and a shaded fill inside a
// white border went to black with the print ("0.24" on us-007's gray read as "per Se").
void WhitenFill(Pix* framed) {
  PixHandle slot = Slot(framed);
  uint32_t paper = 255, ink = 0;
  if (!slot || !GrayRankValue(slot.get(), 1, 0.5, &paper) || !GrayRankValue(slot.get(), 1, 0.02, &ink) ||
      paper < ink + kInkContrast)
    return;
  const int w = pixGetWidth(framed), h = pixGetHeight(framed);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      l_uint32 v = 0;
      pixGetPixel(framed, x, y, &v);
      const double stretched = (double(v) - ink) * 255.0 / double(paper - ink);
      pixSetPixel(framed, x, y, static_cast<l_uint32>(std::lround(std::clamp(stretched, 0.0, 255.0))));
    }
}

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

int ReadEmptyCells(Pix* pix, PageTable& table, const std::vector<TableWord>& words,
                   const std::vector<Rule>& rules, tesseract::TessBaseAPI& api) {
  if (pix == nullptr || table.method != "ruled") return 0;
  const double word_height = MedianWordHeight(words, table.bbox);
  if (word_height <= 0) return 0;
  const int width = pixGetWidth(pix), height = pixGetHeight(pix);
  const double scale = std::clamp(kTargetWordHeight / word_height, 1.0, kMaxUpscale);
  int filled = 0, read = 0;
  for (TableCell& cell : table.cells) {
    if (!Blank(cell.text) || read >= kMaxCellsRead) continue;
    const int x0 = std::clamp(static_cast<int>(std::ceil(cell.bbox.x0)) + kSlotInset, 0, width);
    const int y0 = std::clamp(static_cast<int>(std::ceil(cell.bbox.y0)) + kSlotInset, 0, height);
    const int x1 = std::clamp(static_cast<int>(std::floor(cell.bbox.x1)) - kSlotInset, 0, width);
    const int y1 = std::clamp(static_cast<int>(std::floor(cell.bbox.y1)) - kSlotInset, 0, height);
    if (y1 - y0 < kGlyphHeight * word_height || x1 - x0 < kGlyphHeight * word_height) continue;
    PixHandle framed = PreparedRegion(pix, x0, y0, x1, y1, rules);
    if (!framed || !HoldsGlyph(framed.get(), word_height)) continue;
    WhitenFill(framed.get());
    ++read;
    const double slot_pixels = double(x1 - x0) * double(y1 - y0);
    const double slot_scale = std::max(1.0, std::min(scale, std::sqrt(kMaxSlotPixels / slot_pixels)));
    std::string text;
    for (const ScoredWord& w : ReadPrepared(framed.get(), x0, y0, slot_scale, api))
      if (w.confidence >= kMinConfidence) text += (text.empty() ? "" : " ") + w.word.text;
    text = WithoutRuleDebris(text);
    if (text.empty()) continue;
    cell.text = std::move(text);
    ++filled;
  }
  return filled;
}

}  // namespace assay
