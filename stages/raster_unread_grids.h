// Ruled grids the page's reading left unread. Tesseract's page segmentation can take a boxed
// table (a double border, thick rules) for a picture or a separator and read nothing inside it,
// or run its rows into the prose beside it: the grid is drawn, its print is there, but no table
// comes out, for a grid's cells are filled from the page's words (ICDAR us-040 and us-038 as
// 150-dpi scans: both tables read as nothing). Such a grid is found from its rules and its ink,
// and read again on its own (FindRasterTables).
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "stages/table_grid.h"

namespace assay {

// The regions (in `image`'s pixels) of the grids drawn by `rules`: groups of touching rules
// with two horizontal and two vertical ones at least, each at least `word_height` * 3 a side,
// whose ink the page's `words` leave unexplained as a chart's would be (StrayInkShare over
// kChartInkShare, stages/raster_charts.h). A table found there from those words would be
// dropped as a chart: read again, a table's words explain its ink, a chart's do not and it is
// dropped still. At most 8 a page, the largest first; none on a page of over 4000 rules.
std::vector<Box> UnreadRuledGrids(const cv::Mat& image, const std::vector<TableWord>& words,
                                  const std::vector<Rule>& rules, double word_height);

}  // namespace assay
