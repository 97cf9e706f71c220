// tables: table detection and cell grids (the logic is in stages/table_grid.h) and the
// structural checks contracts read (stages/table_checks.h).
// - Born-digital pages: the text layer's words plus the ruling lines the page draws
//   (stages/pdf_rulings.h), without rendering; a table whose text is set sideways is built in
//   the frame where its text reads upright (stages/table_turn.h).
// - OCR'd pages (scans, page images): the OCR words plus the ruling lines found in the page
//   image by morphology (stages/raster_rulings.h), in the frame of the pixels OCR read
//   (upright after preprocessing); the same grid reconstruction follows, and the boxes are
//   mapped back to the page.
#include <poppler/PDFDoc.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

#include "core/stage.h"
#include "core/table_hints.h"
#include "stages/pdf_rulings.h"
#include "stages/page_preprocess.h"
#include "stages/pdf_support.h"
#include "stages/pix_mat.h"
#include "stages/raster_charts.h"
#include "stages/raster_figure_marks.h"
#include "stages/raster_empty_cells.h"
#include "stages/raster_rulings.h"
#include "stages/raster_table_ocr.h"
#include "stages/table_checks.h"
#include "stages/table_column_points.h"
#include "stages/table_prose.h"
#include "stages/table_grid.h"
#include "stages/table_turn.h"
#include "stages/tesseract_model.h"

namespace assay {
namespace {

// A box found in the pixels, on the page; an empty box (a cell with no text) stays empty.
Box ToPageBox(const PageFrame& frame, const Box& b) {
  if (b.x0 == 0 && b.y0 == 0 && b.x1 == 0 && b.y1 == 0) return b;
  return frame.ToPage(PixelBox{static_cast<int>(std::lround(b.x0)), static_cast<int>(std::lround(b.y0)),
                               static_cast<int>(std::lround(b.x1)), static_cast<int>(std::lround(b.y1))});
}

// Whether a block is running text (stages/table_prose.h), judged along its lines: a block whose
// words are mostly turned (set sideways) in the frame where they read upright.
bool IsProseAlongItsLines(const Block& b, double width, double height) {
  TurnTally turns;
  for (const Line& l : b.lines)
    for (const Word& w : l.words) turns.Add(w.rotation);
  const int rot = turns.Majority();
  if (rot == 0) return IsProseBlock(b);
  const TurnedFrame frame{rot, width, height};
  Block out = b;
  out.bbox = frame.ToFrame(b.bbox);
  for (Line& l : out.lines) {
    l.bbox = frame.ToFrame(l.bbox);
    for (Word& w : l.words) w.bbox = frame.ToFrame(w.bbox);
  }
  return IsProseBlock(out);
}

// Whether the shift detector flags a born-digital table, read in the frame where its text is
// upright: the boxes of a table set sideways are turned with it on the page, its columns
// running down the page (stages/table_turn.h).
bool ShiftSuspect(const PageTable& t, const std::vector<TableWord>& words, double width,
                  double height) {
  TurnTally turns;
  for (const TableWord& w : words)
    if (WordCentreInRegion(t.bbox, w.bbox)) turns.Add(w.rotation);
  const int rot = turns.Majority();
  if (rot == 0) return DetectColumnShift(t).score > kShiftThreshold;
  PageTable upright = t;
  const TurnedFrame frame{rot, width, height};
  for (TableCell& c : upright.cells)
    if (!c.bbox.empty()) c.bbox = frame.ToFrame(c.bbox);
  return DetectColumnShift(upright).score > kShiftThreshold;
}

// The pixels a table image is read again from when the preprocess step ran a median filter
// over it: the same plan without the filter, from the step's own input (null otherwise). A
// 3x3 median erases strokes thinner than its window: on PubTabNet's table images (print 6-7
// pixels high, judged speckled for its anti-aliased fragments) it left 3 of 10 unreadable,
// and their second reading, enlarged, read noise. The first reading keeps the filtered pixels
// (the OCR stage's decision); the geometry is the same, so the words land in the same frame.
PixHandle UnfilteredPixels(const Document& doc, const Page& page, StageContext& ctx) {
  if (page.raster_steps.size() < 2) return nullptr;
  const RasterStep& last = page.raster_steps.back();
  if (last.stage != "preprocess" || !last.facts.contains("plan")) return nullptr;
  PreprocessPlan plan = PreprocessPlan::FromJson(last.facts.at("plan"));
  if (!plan.denoise) return nullptr;
  plan.denoise = false;
  Page input;  // the page as the preprocess step received it
  input.number = page.number;
  input.raster_steps.assign(page.raster_steps.begin(), page.raster_steps.end() - 1);
  auto pixels = ctx.Pixels(doc, input);
  if (!pixels.ok()) return nullptr;
  return ApplyPlan(pixels.value().get(), plan, last.facts.value("input_dpi", 0));
}

class TablesStage : public Stage {
 public:
  explicit TablesStage(const CanonicalJson& params) : reread_(params.at("reread_ocr")) {}

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    // The manifest's hints, when it gives them: only those pages, only those areas.
    TableHints hints;
    if (doc.table_hints) {
      auto parsed = ParseTableHints(*doc.table_hints);
      if (!parsed.ok()) return parsed.error();
      hints = std::move(parsed.value());
    }
    std::unique_ptr<PDFDoc> pdf;
    int searched = 0, conflicts = 0, truncated = 0, suspects = 0;
    for (Page& page : doc.pages) {
      page.tables.clear();
      if (!hints.Searches(page.number)) continue;
      const bool text_layer = page.text_source == "pdf_text" && doc.container == "pdf";
      const bool scanned = page.text_source == "ocr" && page.has_raster();
      if (!text_layer && !scanned) continue;
      ++searched;
      std::vector<TableWord> words;
      for (const Block& b : page.blocks) {
        if (b.type == "header" || b.type == "footer") continue;
        const bool prose = IsProseAlongItsLines(b, page.width, page.height);
        for (const Line& l : b.lines)
          for (const Word& w : l.words) words.push_back(TableWord{w.text, w.bbox, prose, w.rotation, w.confidence});
      }
      TablePageReport report;
      if (text_layer) {
        if (!pdf) {
          auto opened = OpenPdf(doc.path, "tables", doc.password);
          if (!opened.ok()) return opened.error();
          pdf = std::move(opened.value());
        }
        std::vector<Box> slanted;  // a chart's data lines (stages/pdf_rulings.h)
        const std::vector<Rule> rules =
            FindRulings(*pdf, page.number, page.width, page.height, &slanted);
        page.tables =
            FindTablesAnyTurn(words, rules, hints.areas, page.width, page.height, &report);
        DropCharts(page.tables, slanted);
        for (const PageTable& t : page.tables)
          suspects += ShiftSuspect(t, words, page.width, page.height) ? 1 : 0;
      } else {
        auto pixels = ctx.Pixels(doc, page);
        if (!pixels.ok()) return pixels.error();
        Pix* pix = pixels.value().get();
        const cv::Mat image = PixToMat(pix);
        if (image.empty()) {
          page.raster.reset();
          continue;
        }
        // The pixels may be the preprocess stage's (turned upright, deskewed, upscaled): the
        // tables are found there, upright, and their boxes mapped back to the page.
        const PreprocessPlan applied = AppliedPlan(page);
        const PageFrame frame{page.width, page.height, applied.rotate_quads, applied.deskew_deg,
                              double(image.cols), double(image.rows)};
        for (TableWord& w : words) w.bbox = frame.ToPixels(w.bbox);
        // Figures' marks OCR misread or dropped (stages/raster_figure_marks.h).
        JoinDecimalPointGaps(pix, words);
        for (TableWord& w : words) {
          w.text = WithMeasuredDashes(pix, w);
          w.text = WithDroppedDecimalPoint(pix, w);
        }
        std::vector<Box> areas;
        for (const Box& a : hints.areas) areas.push_back(frame.ToPixels(a));
        // A table image (a page image that is one table) is read again whole; a scan's tables
        // where they were found (stages/raster_table_ocr.h).
        RasterTableOptions options;
        options.whole_image_candidate = doc.container == "image";
        if (options.whole_image_candidate) {
          options.unfiltered_pixels = [&doc, &page, &ctx] { return UnfilteredPixels(doc, page, ctx); };
        }
        tesseract::TessBaseAPI* api = nullptr;
        if (reread_) {
          auto* engine = ctx.Resource<TesseractEngine>("tesseract");
          if (engine == nullptr) return Error{"tables", "no Tesseract engine was loaded"};
          api = &engine->api;
        }
        const std::vector<Rule> image_rules = FindRasterRulings(image, 1.0);
        std::vector<TableWord> built_from;  // the words the tables hold, read again or not
        page.tables = FindRasterTables(pix, image, words, image_rules, areas, api,
                                       options, &report, &built_from);
        // A scanned page's charts (a page image that is one table is not searched for them).
        if (areas.empty() && !options.whole_image_candidate)
          DropRasterCharts(page.tables, image, built_from, image_rules);
        // Print the page's reading left out of a ruled table's cells (stages/raster_empty_cells.h).
        if (api != nullptr)
          for (PageTable& t : page.tables) ReadEmptyCells(pix, t, built_from, image_rules, *api);
        // Points the ink no longer shows, from the column's format (stages/table_column_points.h).
        for (PageTable& t : page.tables) RestoreColumnDecimalPoints(t);
        page.raster.reset();  // rebuilt from its raster steps by a later stage that needs it
        for (PageTable& t : page.tables) {
          // The shift detector reads the boxes upright, in the pixels' frame, before they are
          // mapped back to the page (turned with it when the page was turned upright).
          suspects += DetectColumnShift(t).score > kShiftThreshold ? 1 : 0;
          t.bbox = ToPageBox(frame, t.bbox);
          for (TableCell& c : t.cells) c.bbox = ToPageBox(frame, c.bbox);
        }
      }
      conflicts += report.span_conflicts;
      truncated += report.truncated ? 1 : 0;
      for (PageTable& t : page.tables) t.header_rows = HasHeaderRow(t.Rows()) ? 1 : 0;
    }
    doc.Normalize();

    int count = 0, ragged = 0, headers = 0;
    double empty = 0, consistency = 1.0;
    for (const Page& page : doc.pages) {
      for (const PageTable& t : page.tables) {
        const Grid rows = t.Rows();
        ++count;
        ragged += RaggedRows(rows, t.header_rows);
        empty += EmptyCellRatio(rows);
        headers += t.header_rows > 0 ? 1 : 0;
        consistency = std::min(consistency, ColumnTypeConsistency(rows, t.header_rows));
      }
    }
    if (searched == 0) {
      return StageReport{"skipped", doc.table_hints ? "no page the manifest's hints name has a text "
                                                      "layer or an OCR'd page image"
                                                    : "no page with a text layer or OCR'd page image"};
    }
    doc.metrics["table.count"] = count;
    doc.metrics["table.span_conflicts"] = conflicts;
    if (count > 0) {
      doc.metrics["table.ragged_rows"] = ragged;
      doc.metrics["table.empty_cell_ratio"] = empty / count;
      doc.metrics["table.header_detected"] = double(headers) / count;
      doc.metrics["table.column_type_consistency"] = consistency;
      doc.metrics["table.column_shift_suspects"] = suspects;
    }
    StageReport out;
    if (doc.table_hints) out.note = "searched as the manifest's hints say: " + *doc.table_hints;
    if (truncated > 0) {
      out.note += std::string(out.note.empty() ? "" : "; ") + std::to_string(truncated) +
                  " page(s) with too many rules or cells for a ruled grid";
    }
    return out;
  }

 private:
  bool reread_;
};

}  // namespace

const StageSpec& TablesStageSpec() {
  static const StageSpec kSpec{
      .id = "tables",
      // v2: scanned pages and page images (upright); the reworked shift detector
      // v3: unruled columns inside ruled ones, dot leaders, prose kept out (born-digital);
      //     page images that may be one table read again, enlarged, as one block (reread_ocr)
      // v4: a page image is also read again whole when its first reading's lines make one table
      // v5: tables set sideways built in their text's frame; right-to-left cells in reading
      //     order; a page image read again whole only when most of its words are in the table
      // v6: a page image 5% of whose words are running text is not read again whole;
      //     born-digital: wrapped lines of a ruled band kept in their row, tall bullets placed
      //     without merging lines, figures one space apart split into cells, charts dropped, a
      //     header repeated over figures starts a second table
      // v7: born-digital: white (or transparent) filled areas draw no rules; words a word space
      //     apart join their slots across a boundary drawn only elsewhere; a band ruled only
      //     partly above or below (a header with spanning labels) is not split into text rows
      // v8: born-digital: an open label column with one line per ruled row keeps its rows; an
      //     unruled table's sections set apart by gaps like its own stay one table; wrapped
      //     lines of an unruled row stay in it; touching words (a footnote mark) join unspaced
      // v9: a table image is read again from its pixels without the preprocess median filter,
      //     enlarged by the height of its ink; one whose first reading found under 8 words is
      //     read again when its ink is small print
      // v10: scans and page images: OCR words leave out v8's rules for a text layer's spacing
      //     (touching words, wrapped unruled rows, section gaps, open label columns) and measure
      //     gaps against their words' median height; a scanned page's table whose ink is
      //     mostly neither words nor rules (a chart) is dropped. A table image is read at five
      //     enlargements (four of them with its ink stretched to black), each word taken from
      //     the most confident reading; its rules found again in the unfiltered pixels and
      //     painted out only where their pixels are; light print on dark bands inverted; dotted
      //     rules' debris ("=", ".") dropped
      // v11: a page image whose first reading found tables side by side is a page, not one
      //     table: not read again whole
      // v12: the shift detector reads where the cells' boxes sit (out of their column or row,
      //     columns out of order, a column gap inside cells, a word space between columns)
      // v13: OCR'd cells lose rule debris ("|", unpaired brackets at their edges); a ruled
      //     table's empty cells whose slots hold print are read on their own
      // v14: a scan's "-" as wide as its word's glyphs is an en dash
      // v15: a scan's figure gets back the decimal point OCR dropped, from its ink
      // v16: a scan's ruled grid whose ink its words leave unexplained (a chart's, or a table
      //     the page's reading missed) is read again on its own, its confident words kept, and
      //     stands as a table when most of its cells hold text; a double rule's second line is
      //     not a chart's ink
      // v17: a scan's point is put back only in the gap between two figures, clear of both;
      //     also before a percent sign; figures split at their point into two words joined
      // v18: a scan's tables have their words' text read again enlarged (the page's boxes and
      //     segmentation kept, each word from its most confident reading); a header shaded
      //     dark behind light print is not a chart's ink
      // v19: a ruled band of fewer rows than a table's is parted at a blank line before a line
      //     that starts a row (several columns, the labels' first, not one phrase across);
      //     rules read as "_" leave OCR'd cells; a scan's column of one decimal format gives
      //     its figures the point OCR lost ("23%", "99 0%", "16°")
      // v20: v18's shaded band is the table's only at the region's top or bottom (a header, a
      //     totals row): a bar chart's bars between held words of noise
      // v21: v19's column points, in a column of percentages, only for cells with the sign (a
      //     bare figure there is a count)
      // v22: a label alone on its line over a row whose label would have fitted after it, or
      //     is set in under it, heads a section: a row of its own ("Sex" over "Female"); in
      //     a table ruled only between rows, the header's shorter rules (under labels that
      //     span columns) are the grid's
      // v23: a scan's dash is measured against the glyphs' height, only where it sits halfway
      //     up between glyphs (not a piece of a broken one), and written "–" only in figures
      //     (a range, a minus sign): between words it stays a hyphen
      // v24: in a ruled band of few lines, labels in two columns or more (a few words each,
      //     not going on mid-sentence) under a label of a few words that spans them (a
      //     group's name over "Male" and "Female") start a header row
      // v25: an unruled table of one column of values starts at that column's heading alone
      //     on its line ("2016" over the figures), with the labels' column's one-cell lines
      //     under it (a unit note, a first section's label)
      // v26: the shift detector takes a first column of zero-padded numbers ("01", "0094")
      //     for identifiers, rightly first (mexican_towns' state codes)
      // v27: a word over a column boundary no rule draws crosses it only where it reaches the
      //     print of the column across it: a heading overhanging its figures into the gap
      //     ("Under 18" right-aligned over its column) stays its column's
      // v28: scans: a ruled cell read on its own whose print a word of the page's reading over
      //     the rule beside it held ("2,776,284}1,785,795") has that neighbour read on its own
      //     too, or the filled cell's text taken off it; a figure's thousands group OCR split
      //     off ("188," "980") joins it
      // v29: scans: a list bullet Tesseract read as a mark ("©", "@", "¢"), told by its ink (a
      //     filled round dot, the size and place of a bullet), joins its item's first word
      //     ("• Reported") instead of making a column of bullets
      // v30: text layer: shading drawn in pieces of one colour (a column shaded line by line,
      //     a cell's margins, a paragraph's shading inside its cell's) shows only its outer
      //     edges; a shading's edge a cell's padding from a line moves onto it; a shading's
      //     edge over some columns only bounds no row and does not keep a band from its text
      //     rows; a band of shaded cells is one row
      // v31: a manifest's table area cuts the rules running past its edges instead of leaving
      //     them out (an area drawn inside the table's frame read no grid)
      // v32: a line of one chunk set in from the labels' edge (a section's unit centred over
      //     the figures) hides no column gap under it
      // v33: past 1000 filled rectangles on a page (a code or a map drawn square by square)
      //     their edges are taken as they are, not compared pairwise (bounded time)
      // v34: a monospaced font's words one character apart are one phrase ("Mexican American"
      //     in Courier); two figures one space apart are two chunks in a ruled column's
      //     alignment too (a monospaced group's columns: "1,249,752 1,364,492")
      // v35: a ruled grid's rows of one cell across it are its caption from a caption's label
      //     on ("Exhibit 19") at the top, and its notes from "Note:", "Source:" on at the foot
      //     (a frame drawn round a table with them): they are no rows
      .version = 35,
      .summary = "tables of born-digital pages, scans and page images: ruled grids with spans "
                 "(drawn rules, or rules found in the page image), unruled tables by word "
                 "alignment; structural checks and the shifted-column detector",
      .containers = {"pdf", "image"},
      .modalities = {"pdf_text", "pdf_scan", "pdf_mixed", "page_image"},
      .establishes = {},
      .params = {{"reread_ocr", ParamType::kBool, true, 0, 0, {}, {},
                  "scans and page images: read each table's region again with Tesseract, "
                  "enlarged, as one block (a page image that may be one table: the whole "
                  "image, the grid rebuilt from those words; a scan's table: each word's text "
                  "from its most confident reading); read a ruled table's empty cells whose "
                  "slots hold print on their own"},
                 {"ocr_lang", ParamType::kString, "eng", 0, 0, {},
                  "[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?(\\+[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?)*",
                  "Tesseract languages of that second reading"}},
      .metrics = {{"table.count", false, "tables found on pages with a text layer or OCR'd words"},
                  {"table.ragged_rows", false,
                   "body rows whose number of filled cells differs from their table's most "
                   "common number (all tables; absent when there is no table)"},
                  {"table.empty_cell_ratio", false,
                   "share of empty grid slots, mean over tables, 0..1"},
                  {"table.span_conflicts", false,
                   "ruled cells whose merged slots were not a rectangle or overlapped another"},
                  {"table.header_detected", false,
                   "share of tables whose first row reads as a header, 0..1"},
                  {"table.column_type_consistency", false,
                   "per column, share of body cells of the column's majority type (integer, "
                   "decimal, percentage, currency, date, code, text); mean over columns, worst "
                   "table, 0..1"},
                  {"table.column_shift_suspects", false,
                   "tables the shifted/transposed-column detector flags"}},
      .libraries = {"poppler", "leptonica", "opencv", "tesseract", "fribidi"},
      .resources =
          [](const CanonicalJson& p) {
            std::vector<ResourceRef> r{{"poppler_data", "default"}};
            if (p.at("reread_ocr").get<bool>()) r.push_back({"tesseract", p.at("ocr_lang").get<std::string>()});
            return r;
          },
      .pixels = Pixels::kReads,
      .reads_table_hints = true,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<TablesStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
