#include "stages/raster_empty_cells.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/gray_histogram.h"
#include "stages/ink_components.h"
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
// Bounded time on a grid the page's reading missed wholesale: cells read per table, and the
// pixels of one enlarged slot (a large spanning cell is enlarged less).
constexpr int kMaxCellsRead = 400;
constexpr double kMaxSlotPixels = 4e6;

// The slot inside `framed` (PreparedRegion's: 8-bit gray in a white border).
PixHandle Slot(Pix* framed) {
  const int w = pixGetWidth(framed) - 2 * kPreparedBorder, h = pixGetHeight(framed) - 2 * kPreparedBorder;
  if (w <= 0 || h <= 0) return nullptr;
  ::Box* clip = boxCreate(kPreparedBorder, kPreparedBorder, w, h);
  PixHandle slot = WrapPix(pixClipRectangle(framed, clip, nullptr));
  boxDestroy(&clip);
  return slot;
}

// Whether `slot` holds a connected component of print (darker than its `paper`, a shaded
// fill's gray where it has one) the size of a glyph of words `word_height` pixels high.
bool HoldsGlyph(Pix* slot, uint32_t paper, double word_height) {
  if (paper <= kInkContrast) return false;
  for (const InkBox& c : InkComponents(slot, static_cast<int>(paper) - kInkContrast))
    if (c.h >= kGlyphHeight * word_height && c.h <= kGlyphMaxHeight * word_height &&
        c.w >= kGlyphMinWidth * word_height)
      return true;
  return false;
}

}  // namespace

void ReadEmptyCells(Pix* pix, PageTable& table, const std::vector<TableWord>& words,
                   const std::vector<Rule>& rules, tesseract::TessBaseAPI& api) {
  if (pix == nullptr || table.method != "ruled") return;
  const double word_height = RegionMedianWordHeight(words, table.bbox);
  if (word_height <= 0) return;
  const int width = pixGetWidth(pix), height = pixGetHeight(pix);
  const double scale = std::clamp(kTargetWordHeight / word_height, 1.0, kMaxUpscale);
  int read = 0;
  for (TableCell& cell : table.cells) {
    if (!cell.text.empty() || read >= kMaxCellsRead) continue;
    const int x0 = std::clamp(static_cast<int>(std::ceil(cell.bbox.x0)) + kSlotInset, 0, width);
    const int y0 = std::clamp(static_cast<int>(std::ceil(cell.bbox.y0)) + kSlotInset, 0, height);
    const int x1 = std::clamp(static_cast<int>(std::floor(cell.bbox.x1)) - kSlotInset, 0, width);
    const int y1 = std::clamp(static_cast<int>(std::floor(cell.bbox.y1)) - kSlotInset, 0, height);
    if (y1 - y0 < kGlyphHeight * word_height || x1 - x0 < kGlyphHeight * word_height) continue;
    PixHandle framed = PreparedRegion(pix, x0, y0, x1, y1, rules);
    PixHandle slot = framed ? Slot(framed.get()) : nullptr;
    uint32_t paper = 255, ink = 0;
    if (!slot || !GrayRankValue(slot.get(), 1, 0.5, &paper) ||
        !HoldsGlyph(slot.get(), paper, word_height))
      continue;
    // The slot's paper (median) stretched to white and its print (2nd percentile) to black:
    // Tesseract binarises the whole image at once, and a shaded fill inside the white border
    // went black with the print ("0.24" on us-007's gray read as "per Se").
    if (GrayRankValue(slot.get(), 1, 0.02, &ink) && paper >= ink + kInkContrast)
      StretchLevels(framed.get(), ink, paper);
    ++read;
    const double slot_pixels = double(x1 - x0) * double(y1 - y0);
    const double slot_scale = std::max(1.0, std::min(scale, std::sqrt(kMaxSlotPixels / slot_pixels)));
    std::string text;
    for (const ScoredWord& w : ReadPrepared(framed.get(), x0, y0, slot_scale, api))
      if (w.confidence >= kMinReadConfidence) text += (text.empty() ? "" : " ") + w.word.text;
    cell.text = WithoutRuleDebris(text);
  }
}

}  // namespace assay
