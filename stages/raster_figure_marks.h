// The small marks of figures OCR gets wrong on a scan, measured from the word's own ink. At
// 150 dpi Tesseract reads an en dash ("45–54", "(16.0–29.0)") as "-", and drops a decimal
// point now and then ("147.8" read "1478", "0.9" read "09": ICDAR us-025, eu-018). A word's
// box holds its glyphs (figures, letters) and its marks (dashes, points) as components of
// ink; their sizes and places say what the marks are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stages/ink_components.h"
#include "stages/table_grid.h"

struct Pix;

namespace assay {

// The print in the region (x0, y0)-(x1, y1) of `pix` (inside it): the region as a gray crop,
// the level halfway between its paper (90th percentile) and its ink (5th), and the
// components darker than that, in the crop's coordinates.
struct RegionInk {
  PixHandle crop;
  int threshold = 0;
  std::vector<InkBox> components;
};

// RegionInk of the region; nullopt when the crop cannot be made or its ink is within 40
// levels of its paper (no print to measure).
std::optional<RegionInk> InkInRegion(Pix* pix, int x0, int y0, int x1, int y1);

// `word`'s text with each "-" of figures (a range, a minus sign) whose ink in `pix` (the word's
// box, in `pix`'s pixels) is wide for the glyphs' height (0.45 of it or more) written "–". The
// marks are the flat components about halfway up the glyphs and between them (not the pieces
// of a glyph a worn scan broke). Unchanged when the word's dashes and those marks do not pair
// one to one.
std::string WithMeasuredDashes(Pix* pix, const TableWord& word);

// `word`'s text with the decimal point OCR dropped put back: a word of figures only (no point,
// no comma; a percent sign after them allowed) whose box holds as many glyphs as it has
// characters and, between two of its figures, one point-sized mark sitting on their baseline,
// gets "." there. Unchanged otherwise.
std::string WithDroppedDecimalPoint(Pix* pix, const TableWord& word);

// Figures OCR split into two words at their decimal point ("0 5%" for "0.5%": ICDAR eu-022 as
// a scan, 10 of its 21 lost points) joined again: a word of figures and the word right after it
// on its line (figures, a percent sign after them allowed), at most 0.6 of their height apart,
// whose joined box WithDroppedDecimalPoint gives a point between the two, become one word.
void JoinDecimalPointGaps(Pix* pix, std::vector<TableWord>& words);

}  // namespace assay
