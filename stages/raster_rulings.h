// The ruling lines of a page image (a scan, a photo of a table), found by morphology: ink
// opened with a long thin horizontal (vertical) element keeps only horizontal (vertical)
// strokes, whose runs are the rules. Text strokes are far shorter than the element, so they
// do not survive it. Coordinates in the page's own units, origin top-left.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "stages/table_grid.h"

namespace assay {

// `gray` is the page image (8-bit gray or BGR); `scale` converts its pixels to page units
// (page width / image width). A rule must be at least `min_length_share` of the image's
// width (height) long.
std::vector<Rule> FindRasterRulings(const cv::Mat& gray, double scale, double min_length_share = 0.03);

}  // namespace assay
