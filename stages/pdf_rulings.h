// The ruling lines a born-digital PDF page draws, from its content stream without rendering:
// stroked axis-aligned segments, thin filled rectangles, and the edges of filled or stroked
// rectangles (cell frames, shaded rows). Coordinates in points, origin top-left.
#pragma once

#include <vector>

#include "stages/table_grid.h"

class PDFDoc;

namespace assay {

// `off_axis`, when given, receives the midpoints of the drawn segments that are neither
// horizontal nor vertical (a chart's data lines; a table draws next to none), as 0-size boxes.
std::vector<Rule> FindRulings(PDFDoc& doc, int page, double page_width, double page_height,
                              std::vector<Box>* off_axis = nullptr);

}  // namespace assay
