// Decimal points a scan's OCR lost, put back from the column's own format. At 150 dpi a point
// is two pixels: OCR drops it ("23%" for "2.3%"), reads the figure as two words ("1 6%" for
// "1.6%"), and reads a percent sign's circle alone ("16°"). Where the ink still shows the
// point, stages/raster_figure_marks.h puts it back; where it does not (the OCR stage's
// denoising pass erased it), the column tells: a column of figures set to one format
// ("d.d%" in each of its cells) prints its figures with their point.
#pragma once

#include "core/document.h"

namespace assay {

// Puts back in `table` the decimal points of figures in columns of one decimal format: at
// least 3 cells of a column read as a decimal figure (digits, a point, digits, an optional
// "%"), those are at least half of its non-empty cells, and 80% of them have one number of
// digits before and after the point (m and k). Then a cell of m + k digits, or of m digits, a
// space and k digits ("99 0%"), is read as that figure with its point. In a column whose
// figures are percentages (80% of them) only a cell with the sign is (a bare figure there is
// a count), and a "°" for the sign ("16°", "1.8°%") becomes "%".
void RestoreColumnDecimalPoints(PageTable& table);

}  // namespace assay
