// Charts and figures taken for tables on a page image. A chart's gridlines and axis rules make
// a grid, and OCR reads its tick labels and legend as words: the grid search finds a table.
// Born-digital pages give charts away by their slanted strokes (DropCharts); a page image
// does by its ink: a table's ink is its text and its rules, a chart's is mostly neither
// (curves, bars' edges, markers, a photo's texture).
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "stages/table_grid.h"

namespace assay {

// The share of the ink inside `region` of `gray` (8-bit, or BGR) that lies neither in a box of
// `words` (grown by a pixel or two) nor along one of `rules`: all in `gray`'s pixels. Ink is
// what is darker than its neighbourhood, so a shaded band counts only by its edges; a band
// shaded darker (a fill holding a word, a quarter of the region wide, eight word heights high
// at most, at its top or bottom: a header printed light on grey) not at all. 0 for a region
// with no ink.
double StrayInkShare(const cv::Mat& gray, const Box& region, const std::vector<TableWord>& words,
                     const std::vector<Rule>& rules);

// A region's stray ink share (StrayInkShare) over which it is a chart, not a table.
constexpr double kChartInkShare = 0.2;

// Drops the tables whose StrayInkShare is over kChartInkShare: charts. On the ICDAR pages rendered as
// scans, 61 of 63 tables found where the truth has one stayed under 0.2 (the two over it read
// as noise by OCR), and 20 of 31 found where it has none were over it (charts, a map).
void DropRasterCharts(std::vector<PageTable>& tables, const cv::Mat& gray,
                      const std::vector<TableWord>& words, const std::vector<Rule>& rules);

}  // namespace assay
