// Column-aware reading order of a page's blocks (recursive XY-cut, columns first).
#pragma once

#include <vector>

#include "core/document.h"

namespace assay {

// Reorders `blocks` for reading: blocks spanning most of the text width (titles, full-width
// paragraphs) overlapping every other block's width cut the page into bands, read top to bottom; inside a band, blocks are split into
// columns wherever no block crosses a vertical gap, columns read left to right, and each column
// is cut the same way again (rows, then columns). Deterministic: ties fall back to (y0, x0).
//
// When `guessed` is given, it receives one flag per block of the result: true where the order
// was a guess, i.e. the block sat in a group the cut could not separate although some of its
// blocks stand side by side (overlapping in height, apart in width), so (y0, x0) decided.
void OrderBlocks(std::vector<Block>* blocks, std::vector<bool>* guessed = nullptr);

}  // namespace assay
