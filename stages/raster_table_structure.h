// The grid of an image that is one unruled (or barely ruled) table, from its OCR word boxes:
// a table cropped from an article (PubTabNet's images: three horizontal rules, no vertical
// ones) or photographed whole. Unlike the page search (stages/table_grid.h), nothing here
// decides where the table is or whether there is one: every line of the image is a row of it,
// so a wide gap under the header does not cut it in two.
// - Lines: words whose boxes overlap vertically; chunks: a line's words cut at gaps wider than
//   0.8 word heights.
// - Columns: the x ranges at most 12% of the lines cover with a chunk (a header spanning two
//   columns does not join them).
// - Rows: one per line, except that a line much closer to the one above than rows usually are,
//   whose chunks sit only in some of the columns its row fills so far (a wrapped label, a
//   header's second line), continues that row. Only when rows are spaced apart: the median gap above lines that
//   fill two or more columns is the rows' gap and must be a quarter of a word height at least;
//   a gap under 0.75 of it and under 0.35 word heights joins.
#pragma once

#include <optional>
#include <vector>

#include "stages/table_grid.h"

namespace assay {

// The table all of `words` make, or nothing when they do not make one (fewer than two columns,
// fewer than two lines with two filled cells, or fewer than half the rows; columns of prose:
// four words a cell or more on average with no column of mostly one- or two-word cells).
std::optional<PageTable> WholeImageTable(const std::vector<TableWord>& words);

}  // namespace assay
