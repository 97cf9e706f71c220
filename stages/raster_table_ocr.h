// Tables of scans and page images, read a second time where they are: the page's OCR (one
// reading of the whole page, automatic segmentation) splits a dense table's lines badly and
// reads its small print poorly; the table's region, cropped, cleared of its rules, enlarged
// until its text is about 30 pixels high and read as one block of text (Tesseract PSM 6),
// gives words with better text and boxes, from which the grid is rebuilt.
#pragma once

#include <string>
#include <vector>

#include "stages/table_grid.h"

struct Pix;

namespace tesseract {
class TessBaseAPI;
}

namespace assay {

// What decides where the second reading goes.
struct RasterTableOptions {
  // The whole image may be a table (a page image: a table cropped from an article, a
  // photographed table): read it whole when it shows two or more long horizontal rules or
  // the first reading found a table in it.
  bool whole_image_candidate = false;
  double target_word_height = 30;  // pixels, after enlarging
  double max_upscale = 4;
};

// The tables of one page image: first from the page's OCR `words` (in `pix`'s pixels) and
// `rules`, then each table's region (and the whole image, when it is a candidate) read again
// with `api`, its words replacing the first reading's inside it, and the tables found again.
// `api` may be null: the first result is returned. `areas` are the manifest's hints, in pixels.
std::vector<PageTable> FindRasterTables(Pix* pix, const std::vector<TableWord>& words,
                                        const std::vector<Rule>& rules,
                                        const std::vector<Box>& areas,
                                        tesseract::TessBaseAPI* api,
                                        const RasterTableOptions& options,
                                        TablePageReport* report);

// The words Tesseract reads in `region` of `pix` (pixel coordinates of `pix`), the region
// cropped, with `rules` painted out, enlarged by `scale` and read as one block. Exposed for
// tests.
std::vector<TableWord> ReadTableRegion(Pix* pix, const Box& region, const std::vector<Rule>& rules,
                                       double scale, tesseract::TessBaseAPI& api);

}  // namespace assay
