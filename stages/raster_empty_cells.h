// Print the page's OCR left out of a scanned table. Tesseract reads a whole page in one
// automatic segmentation, which on the ICDAR pages rendered as scans dropped print on a shaded
// fill (us-007's gray cells of figures) and short words standing alone in a cell ("NA"). A
// ruled table's grid says where its cells are whatever was read: a cell that came out empty
// while its slot holds glyph-sized ink is read on its own.
#pragma once

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
void ReadEmptyCells(Pix* pix, PageTable& table, const std::vector<TableWord>& words,
                   const std::vector<Rule>& rules, tesseract::TessBaseAPI& api);

}  // namespace assay
