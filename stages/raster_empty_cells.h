// Print the page's OCR left out of a scanned table. Tesseract reads a whole page in one
// automatic segmentation, which on the ICDAR pages rendered as scans dropped print on a shaded
// fill (us-007's gray cells of figures) and short words standing alone in a cell ("NA"). A
// ruled table's grid says where its cells are whatever was read: a cell that came out empty
// while its slot holds glyph-sized ink is read on its own.
#pragma once

#include <string>
#include <vector>

#include "core/document.h"
#include "stages/table_grid.h"

struct Pix;

namespace tesseract {
class TessBaseAPI;
}

namespace assay {

// Fills the empty cells of `table` (a ruled table found in `pix`, boxes in its pixels) whose
// slot, rules painted out and dark bands inverted (PreparedRegion), holds a component of ink
// the size of a glyph of `words` (the page's OCR words, in the same pixels): the slot, its
// fill stretched to white, enlarged to 30-pixel words and read as one block; words Tesseract
// is less than 40% sure of left out, rule debris too (WithoutRuleDebris). At most 400 cells a
// table are read, each enlarged to 4 million pixels at most.
// A cell filled so whose print a word of `words` over the rule beside it also held (OCR ran
// two cells' figures into one word, "2,776,284}1,785,795", a rule read as "}") has that
// neighbour read on its own too; where the neighbour's reading is not sure of anything, the
// filled cell's text is taken off the neighbour's end facing it (WithoutOverrun).
void ReadEmptyCells(Pix* pix, PageTable& table, const std::vector<TableWord>& words,
                   const std::vector<Rule>& rules, tesseract::TessBaseAPI& api);

// `text` without `overrun` (spaces aside) at its start (`at_start`) or end, and the rule's
// remains between them ("2,218,406)1,180,160" less "2,218, 406" is "1,180,160"); `text` as
// it is when it does not begin (end) with it, or is nothing else.
std::string WithoutOverrun(const std::string& text, const std::string& overrun, bool at_start);

}  // namespace assay
