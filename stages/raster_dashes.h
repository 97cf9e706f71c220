// Dashes OCR reads as hyphens. Tesseract reads an en dash ("45–54", "(16.0–29.0)") as "-" on
// a 150-dpi scan; the glyph's width tells them apart: a hyphen is about a third of an em, an
// en dash half an em, a figure's width in most fonts.
#pragma once

#include <string>

#include "stages/table_grid.h"

struct Pix;

namespace assay {

// `word`'s text with each "-" whose ink in `pix` (the word's box, in `pix`'s pixels) is as
// wide as the word's figures and letters are (0.7 of their median width or more) written
// "–". Unchanged when the word's dashes and the thin marks in its box do not pair one to one.
std::string WithMeasuredDashes(Pix* pix, const TableWord& word);

}  // namespace assay
