// Page images that are one table, read a second time: the page's OCR (one reading of the
// whole page, automatic segmentation) splits a dense table's lines badly and reads its small
// print poorly; the image, cleared of its long rules, enlarged until its text is about 30
// pixels high and read as one block of text (Tesseract PSM 6), gives words with better text
// and boxes, from which the grid is rebuilt. Tables found on scanned pages keep the page's
// segmentation, which measured better there, and have only their words' text read again
// (ReadTablesTextAgain); a scan's ruled grid that reading left unread is read again whole
// (stages/raster_unread_grids.h).
#pragma once

#include <cstddef>
#include <functional>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/document.h"
#include "stages/table_grid.h"

struct Pix;

namespace tesseract {
class TessBaseAPI;
}

namespace assay {

// What decides where the second reading goes.
struct RasterTableOptions {
  // The whole image may be a table (a page image: a table cropped from an article, a
  // photographed table): read it whole when its first reading says so (ReadWholeImageAgain).
  bool whole_image_candidate = false;
  double target_word_height = 30;  // pixels, after enlarging
  // The pixels the whole image is read again from, when they are not `pix` (the same frame):
  // null, or unset, for `pix`. Asked only when the image is read again.
  std::function<PixHandle()> unfiltered_pixels;
  double max_upscale = 4;
};

// The tables of one page image: first from the page's OCR `words` (in `pix`'s pixels) and
// `rules`; then, when the whole image is a candidate and no hint names areas, the image read
// again with `api` and its tables found again from those words. On a scanned page (not a
// candidate), the text of the tables found is read again (ReadTablesTextAgain) and the tables
// found again from it. `api` may be null: the first result is returned. `areas` are the
// manifest's hints, in pixels. A scanned page's ruled grids its reading left unread
// (stages/raster_unread_grids.h) are read again too, measured in `image` (`pix` as PixToMat
// makes it: the caller has it already). `built_from`, when not null, gets the words the tables
// were built from (`words` as read again, or those of the regions read again and the rest of
// `words`): what the later checks of those tables (charts, empty cells) must read.
std::vector<PageTable> FindRasterTables(Pix* pix, const cv::Mat& image,
                                        const std::vector<TableWord>& words,
                                        const std::vector<Rule>& rules,
                                        const std::vector<Box>& areas,
                                        tesseract::TessBaseAPI* api,
                                        const RasterTableOptions& options,
                                        TablePageReport* report,
                                        std::vector<TableWord>* built_from = nullptr);

// Whether a page image that may be one table (`image_width` pixels wide) is read again whole,
// from its first reading: two or more horizontal rules half the image wide or longer with most
// (70%) of `words` between the outermost two, tables found in `words` holding most of them, or
// `words`' lines making one table (WholeImageTable). A page with a table among prose is not,
// nor an image 5% of whose words or more are running text (`TableWord::prose`).
bool ReadWholeImageAgain(const std::vector<TableWord>& words, const std::vector<Rule>& rules,
                         const std::vector<PageTable>& first, double image_width);

// The median height in pixels of the glyph-sized ink of `pix` (0 when it shows none, or too
// little contrast): connected components of the pixels darker than halfway between the ink
// (2nd percentile) and the paper (the median), 3 pixels high up to a quarter of the image.
// What a table image is enlarged by when it is read again: a poor first reading (words from
// noise, lines merged into one box) does not distort it.
double InkTextHeight(Pix* pix);

// Whether a page image whose first reading found `first_words` words is read again whole,
// enlarged, for its ink alone: a first reading of under 8 words says nothing either way (the
// print may be too small for it: PubTabNet's smallest images, text 6-7 pixels high, read as
// one word or none), and ink whose words would be under `target_word_height` is small print.
bool SmallPrintReadAgain(size_t first_words, double ink_height, double target_word_height);

// Light print on a dark band of `gray` (8-bit; a header row set white on a coloured fill, as
// many journals' tables are) turned dark on light paper, in place: Tesseract reads dark print
// only, and read such a header as nothing. A band is a run of 4 or more pixel rows whose
// median is darker than mid-gray (print alone never darkens half a row; a rule is thinner);
// it is inverted and stretched so that its fill becomes white.
void InvertDarkBands(Pix* gray);

// A word one reading found, with Tesseract's confidence in it (0..100).
struct ScoredWord {
  TableWord word;
  double confidence = 0;
};

// Readings of one region merged word by word: each word of `readings[base]` takes the text of
// the most confident word of any reading whose box is the same word's (intersection over union
// 0.6 or more), and keeps its own box. Words other readings found alone are left out: the base
// reading's segmentation is the one the grid is built from.
std::vector<TableWord> MergeReadings(const std::vector<std::vector<ScoredWord>>& readings,
                                     size_t base);

// The words Tesseract reads in `region` of `pix` (pixel coordinates of `pix`), the region
// cropped, with `rules` painted out, enlarged by each of `scales` and read as one block; the
// readings after the first from the crop with its ink stretched to black (light, thin print);
// all merged (MergeReadings) onto the first one, whose words under `min_confidence` are left
// out.
std::vector<TableWord> ReadTableRegion(Pix* pix, const Box& region, const std::vector<Rule>& rules,
                                       const std::vector<double>& scales,
                                       tesseract::TessBaseAPI& api, double min_confidence = 0);

// The median height of the boxes of `words` whose centres lie in `region`; 0 without any.
double RegionMedianWordHeight(const std::vector<TableWord>& words, const Box& region);

// `gray`'s levels (8-bit) mapped linearly so that `ink` is black and `paper` white, clamped,
// in place (`paper` above `ink`).
void StretchLevels(Pix* gray, double ink, double paper);

// A word that is only a rule Tesseract read as letters ("|", "||", "_"), or a dotted rule's
// debris ("=", ".", ":"): marks no table cell holds alone. Dashes, stars and signs do
// ("-" for none, "***" for significance), and are kept.
bool RuleReadAsWord(const std::string& text);

// The region (x0, y0)-(x1, y1) of `pix` as a copy in 8-bit gray (the region cut out first: a
// page's copy per word would cost megabytes each). Null when it cannot be made.
PixHandle GrayCrop(Pix* pix, int x0, int y0, int x1, int y1);

// White pixels around a prepared region: Tesseract wants a margin.
constexpr int kPreparedBorder = 12;

// The region (x0, y0)-(x1, y1) of `pix` as a reading wants it: 8-bit gray, the long ones of
// `rules` painted out (a quarter of the region or longer), light print on dark bands inverted
// (InvertDarkBands), a white border around. Null when the region is under 8 pixels a side.
PixHandle PreparedRegion(Pix* pix, int x0, int y0, int x1, int y1, const std::vector<Rule>& rules);

// Tesseract's confidence (0..100) under which a word read from a region on its own (an empty
// cell, a grid read again) is noise: a slot's speckles, a chart's curves.
constexpr double kMinReadConfidence = 40;

// The words Tesseract reads in `framed` (PreparedRegion's, whose crop starts at (x0, y0) of the
// page's pixels) enlarged by `scale`, as one block (PSM 6), with their confidences, in the
// page's pixels; rule debris (RuleReadAsWord) left out.
std::vector<ScoredWord> ReadPrepared(Pix* framed, int x0, int y0, double scale,
                                     tesseract::TessBaseAPI& api);

// The text of `words` (the page's OCR words, in `pix`'s pixels, with their confidences) in each
// of `regions` (a scanned page's tables) read again: the region prepared (PreparedRegion),
// enlarged so that words `word_height` high become `options.target_word_height` (up to
// `options.max_upscale`) and to 0.8 of that, read as one block; each word takes the text of the
// most confident reading of it (MergeReadings, the page's words the base: their boxes and
// segmentation stay, words only another reading found are left out). A word whose text changed
// gets its figures' marks measured again (stages/raster_figure_marks.h); list bullets are
// joined to their items after (stages/raster_bullets.h). The page's reading of
// 150-dpi print is poor where the region's reading, enlarged, is sure ("O4" for "0.4", "S71"
// for "571"): scanned ICDAR adjacency macro 0.689 -> 0.727, cell text 0.774 -> 0.792.
void ReadTablesTextAgain(Pix* pix, const std::vector<Box>& regions, const std::vector<Rule>& rules,
                         double word_height, const RasterTableOptions& options,
                         tesseract::TessBaseAPI& api, std::vector<TableWord>& words);

}  // namespace assay
