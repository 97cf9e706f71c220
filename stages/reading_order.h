// Column-aware reading order of a page's blocks (recursive XY-cut, columns first).
#pragma once

#include <vector>

#include "core/document.h"

namespace assay {

// Reorders `blocks` for reading: blocks spanning most of the text width (titles, full-width
// paragraphs) cut the page into bands, read top to bottom; inside a band, blocks are split into
// columns wherever no block crosses a vertical gap, columns read left to right, and each column
// is cut the same way again (rows, then columns). Deterministic: ties fall back to (y0, x0).
void OrderBlocks(std::vector<Block>* blocks);

}  // namespace assay
