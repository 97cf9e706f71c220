#include "stages/raster_empty_cells.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <optional>
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

std::string WithoutOverrun(const std::string& text, const std::string& overrun, bool at_start) {
  std::string key;
  for (char c : overrun)
    if (c != ' ') key += c;
  if (key.empty()) return text;
  std::string t = text, k = key;
  if (!at_start) {
    std::reverse(t.begin(), t.end());
    std::reverse(k.begin(), k.end());
  }
  size_t pos = 0, matched = 0;
  for (; pos < t.size() && matched < k.size(); ++pos) {
    if (t[pos] == ' ') continue;
    if (t[pos] != k[matched]) return text;
    ++matched;
  }
  if (matched < k.size()) return text;
  // A rule read as a mark between the two: "|", a bracket or a brace facing away from the rest.
  const std::string rule_marks = at_start ? " |)]}" : " |([{";
  while (pos < t.size() && rule_marks.find(t[pos]) != std::string::npos) ++pos;
  std::string rest = t.substr(pos);
  if (!at_start) std::reverse(rest.begin(), rest.end());
  return rest.empty() ? text : rest;
}

void ReadEmptyCells(Pix* pix, PageTable& table, const std::vector<TableWord>& words,
                   const std::vector<Rule>& rules, tesseract::TessBaseAPI& api) {
  if (pix == nullptr || table.method != "ruled") return;
  const double word_height = RegionMedianWordHeight(words, table.bbox);
  if (word_height <= 0) return;
  const int width = pixGetWidth(pix), height = pixGetHeight(pix);
  const double scale = std::clamp(kTargetWordHeight / word_height, 1.0, kMaxUpscale);
  int read = 0;
  // The print of a cell's slot read on its own; nullopt when the slot holds no glyph.
  auto read_slot = [&](const Box& slot_box) -> std::optional<std::string> {
    const int x0 = std::clamp(static_cast<int>(std::ceil(slot_box.x0)) + kSlotInset, 0, width);
    const int y0 = std::clamp(static_cast<int>(std::ceil(slot_box.y0)) + kSlotInset, 0, height);
    const int x1 = std::clamp(static_cast<int>(std::floor(slot_box.x1)) - kSlotInset, 0, width);
    const int y1 = std::clamp(static_cast<int>(std::floor(slot_box.y1)) - kSlotInset, 0, height);
    if (y1 - y0 < kGlyphHeight * word_height || x1 - x0 < kGlyphHeight * word_height) return std::nullopt;
    PixHandle framed = PreparedRegion(pix, x0, y0, x1, y1, rules);
    PixHandle slot = framed ? Slot(framed.get()) : nullptr;
    uint32_t paper = 255, ink = 0;
    if (!slot || !GrayRankValue(slot.get(), 1, 0.5, &paper) ||
        !HoldsGlyph(slot.get(), paper, word_height))
      return std::nullopt;
    // The slot's paper (median) stretched to white and its print (2nd percentile) to black:
    // Tesseract binarises the whole image at once, and a shaded fill inside the white border
    // went black with the print ("0.24" on us-007's gray read as "per Se").
    if (GrayRankValue(slot.get(), 1, 0.02, &ink) && paper >= ink + kInkContrast)
      StretchLevels(framed.get(), ink, paper);
    ++read;
    const double slot_pixels = double(x1 - x0) * double(y1 - y0);
    const double slot_scale = std::max(1.0, std::min(scale, std::sqrt(kMaxSlotPixels / slot_pixels)));
    std::string text;
    for (const ScoredWord& w : ReadPrepared(framed.get(), x0, y0, slot_scale, api)) {
      if (w.confidence < kMinReadConfidence) continue;
      text += (text.empty() || ContinuesThousands(text, w.word.text) ? "" : " ") + w.word.text;
    }
    return WithoutRuleDebris(text);
  };
  // A cell whose print comes out of this slot read alone also lost it to a word of the page's
  // reading over the rule beside it: OCR ran the two cells' figures together into one word
  // ("2,776,284}1,785,795", a rule read as "}"), which sits in the neighbour by its centre. The
  // neighbour is read on its own too, so the print is not in both; where that reading finds
  // nothing sure, the text this cell got is taken off the neighbour's end that faces it.
  std::vector<std::pair<size_t, size_t>> overrun;  // (neighbour, the cell filled beside it)
  for (size_t i = 0; i < table.cells.size(); ++i) {
    TableCell& cell = table.cells[i];
    if (!cell.text.empty() || read >= kMaxCellsRead) continue;
    const std::optional<std::string> text = read_slot(cell.bbox);
    if (!text || text->empty()) continue;
    cell.text = *text;
    for (const TableWord& w : words) {
      const double inside = std::min(w.bbox.x1, cell.bbox.x1) - std::max(w.bbox.x0, cell.bbox.x0);
      const double cy = (w.bbox.y0 + w.bbox.y1) / 2;
      if (inside < kGlyphHeight * word_height || cy < cell.bbox.y0 || cy > cell.bbox.y1) continue;
      for (size_t j = 0; j < table.cells.size(); ++j)
        if (j != i && !table.cells[j].text.empty() && WordCentreInRegion(table.cells[j].bbox, w.bbox))
          overrun.emplace_back(j, i);
    }
  }
  std::sort(overrun.begin(), overrun.end());
  overrun.erase(std::unique(overrun.begin(), overrun.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                overrun.end());
  for (const auto& [j, i] : overrun) {
    if (read >= kMaxCellsRead) break;
    TableCell& neighbour = table.cells[j];
    const std::optional<std::string> text = read_slot(neighbour.bbox);
    if (text && !text->empty()) {
      neighbour.text = *text;
    } else {
      const bool filled_on_left = table.cells[i].bbox.x1 <= (neighbour.bbox.x0 + neighbour.bbox.x1) / 2;
      neighbour.text = WithoutOverrun(neighbour.text, table.cells[i].text, filled_on_left);
    }
  }
}

}  // namespace assay
