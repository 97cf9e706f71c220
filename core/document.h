// The document model a worker builds while stages run, and its canonical JSON form.
//
// The content JSON (ToContentJson) is the document's state: every stage's output is stored as
// the difference it made to it (a JSON Patch, see core/document_runner.h), and the state after
// a stage is identified by the SHA-256 of its canonical dump. So it holds only deterministic
// facts, with sorted keys. Transient data (page rasters) lives beside it and is represented in
// the JSON by the history of the stages that made it (RasterStep), from which a worker can
// rebuild the pixels.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/transcript.h"

struct Pix;

namespace assay {

// JSON whose object keys keep insertion order: export records, reports (field order is part
// of the documented format).
using Json = nlohmann::ordered_json;
// JSON with sorted object keys: content, parameters, plans. Its dump is canonical.
using CanonicalJson = nlohmann::json;

// Axis-aligned box, origin top-left: PDF points for PDF pages, pixels for images.
struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  void Extend(const Box& o);
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

struct Word {
  std::string text;
  Box bbox;
  double confidence = -1;  // 0..100 for OCR words; -1 where the text layer is exact
  std::string font;        // PDF text layer only
  double font_size = 0;    // PDF text layer only, points
  // PDF text layer only: quarter turns clockwise of the text's baseline as Poppler reads it
  // (0 upright, 1 reading down the page, 2 upside down, 3 reading up the page).
  int rotation = 0;
};

struct Line {
  Box bbox;
  std::vector<Word> words;
  std::string Text() const;  // words joined by single spaces
};

// A block is a paragraph-level region. `type` is one of the export's block types: title,
// heading, paragraph, list, caption, footnote, header, footer, table, figure, formula (the
// `layout` stage tells them apart; before it every block is a paragraph).
struct Block {
  std::string type = "paragraph";
  int level = 0;  // 1..6 for a heading, else 0
  Box bbox;
  std::vector<Line> lines;
  std::string Text() const;  // lines joined by '\n'
  // A list's items: each starts at a line opening with a list marker (StartsListItem), and
  // runs on over the lines that continue it. Lines before the first marker form an item too.
  std::vector<std::string> Items() const;
  // Headers and footers (running heads, page numbers) and the labels inside a figure are
  // not body text.
  bool IsBody() const { return type != "header" && type != "footer" && type != "figure"; }
};

// True when `line` opens with a list marker: a bullet (•, ◦, ▪, -, *, –) or an enumerator
// ("1.", "2)", "(a)", "iv.") followed by a space.
bool StartsListItem(const std::string& line);

// A figure region on a page and the caption paired with it (empty when none was found).
struct Figure {
  Box bbox;
  std::string caption;
  std::string source;  // "pdf_graphics" (image draws, drawn paths) or "page_image" (pixels)
};

// One cell of a table: its top-left slot in the grid, how many rows and columns it covers,
// its text (lines joined by single spaces) and its box.
struct TableCell {
  int row = 0, col = 0;
  int rowspan = 1, colspan = 1;
  std::string text;
  Box bbox;
};

// A table found on a page (the `tables` stage): a grid of n_rows x n_cols slots, each covered
// by exactly one cell. `method`: "ruled" (grid from drawn rules) or "aligned" (from word
// alignment). `header_rows`: rows read as the header (0 when none was recognised).
struct PageTable {
  Box bbox;
  int n_rows = 0, n_cols = 0;
  std::vector<TableCell> cells;
  std::string method;
  int header_rows = 0;
  // The rectangular grid of cell texts: a spanning cell's text in its top-left slot, the
  // slots it covers empty (DESIGN.md's `rows`).
  std::vector<std::vector<std::string>> Rows() const;
};

// A table as a page's content holds it (Document::ToContentJson's "tables"). Throws
// nlohmann::json::exception on a malformed one.
PageTable PageTableFromJson(const CanonicalJson& table_json);

// Shared ownership of a Leptonica image; released with pixDestroy.
using PixHandle = std::shared_ptr<Pix>;
PixHandle WrapPix(Pix* pix);

// One stage's making of a page raster: the stage, what it needs to make it again (`facts`,
// stage-specific, e.g. nothing beyond dpi for a render) and the SHA-256 of the pixels it made.
// A page's steps, replayed in order, rebuild its raster bit for bit.
struct RasterStep {
  std::string stage;
  int dpi = 0;
  std::string sha256;
  CanonicalJson facts = CanonicalJson::object();
};

struct Page {
  int number = 1;  // 1-based
  double width = 0, height = 0;
  std::string unit = "pt";           // "pt" (PDF) or "px" (image)
  std::string text_source = "none";  // "pdf_text", "ocr" or "none"
  std::vector<Block> blocks;
  std::vector<Figure> figures;  // found by the layout stage
  std::vector<PageTable> tables;    // found by the tables stage, in reading order
  // Handwritten lines found by the handwriting stage (docs/handwriting.md), top to bottom.
  std::vector<Box> handwriting;
  // How the page's raster was made, oldest first; empty when the page has none.
  std::vector<RasterStep> raster_steps;
  // The pixels of the last raster step, when held in memory. Transient: a stage that needs
  // them asks StageContext::Pixels, which rebuilds them from raster_steps when absent.
  PixHandle raster;
  bool has_raster() const { return !raster_steps.empty(); }
  int raster_dpi() const { return raster_steps.empty() ? 0 : raster_steps.back().dpi; }
  std::string Text() const;  // body blocks (not headers, footers) joined by blank lines
};

struct Document {
  std::string doc_id;
  std::string source_sha256;
  std::string path;       // the path the worker read
  std::string container;  // "pdf", "image" or "transcript" (from the bytes, at ingest)
  std::string modality;   // pdf_text | pdf_scan | pdf_mixed | page_image | photo | transcript
  std::optional<std::string> alt_text;
  std::optional<std::string> caption;     // from the manifest
  std::optional<std::string> image_role;  // from the manifest (core/image_role.h)
  std::optional<std::string> table_hints;  // from the manifest (core/table_hints.h)
  std::optional<std::string> ground_truth_path;  // from the manifest
  // The media a transcript belongs to and the language the manifest declares for it.
  std::optional<std::string> media_path;
  std::optional<std::string> declared_language;
  // Opens an encrypted PDF. Not content: never in ToContentJson, a hash, a record or a log.
  std::optional<std::string> password;
  std::vector<Page> pages;
  // A transcript's cues and findings (the transcript stage); absent for other documents.
  std::optional<Transcript> transcript;
  std::map<std::string, double> metrics;  // sorted: deterministic JSON
  // Metrics of parts of the document, keyed by scope: "page:3" -> {name -> value}.
  std::map<std::string, std::map<std::string, double>> part_metrics;
  // The image's 64-bit perceptual hashes as 16 hex digits each (image_checks; empty when
  // none): the whole picture's first, then its windows (stages/image_measures.h ImageHashes).
  // Kept out of metrics (a hash is not a measure); the supervisor stores them per document and
  // groups near-duplicates over the whole store with them (core/near_duplicates.h).
  std::vector<std::string> image_hashes;
  // A video's findings beyond its metrics (the video stage, docs/video.md): its sampled
  // frames (index, time, checks, perceptual hash), black and frozen stretches and scene cuts.
  // Null for every other document, and then absent from the content.
  CanonicalJson video;

  std::string Text() const;  // pages joined by blank lines, in page order
  // Rounds coordinates, sizes and confidences as the content JSON holds them (RoundCoord), so
  // the document in memory is exactly what its content restores: a later stage reads the same
  // numbers whether the stages before it ran now or were reused from the store.
  void Normalize();
  // The content (container, modality, pages, metrics). FromContentJson(ToContentJson()) gives
  // back every content field exactly, so a restored document continues where it was stored.
  CanonicalJson ToContentJson() const;
  static Document FromContentJson(const CanonicalJson& j);
};

// The content of a document before any stage ran: what the first stage's delta applies to.
CanonicalJson InitialContent(const std::string& container);

// The canonical text of content JSON (sorted keys, invalid UTF-8 replaced).
std::string DumpCanonical(const CanonicalJson& j);

// The text of a report or record (fields in their documented order; invalid UTF-8 replaced,
// so a damaged file name never makes a dump throw). `indent` as nlohmann's dump.
std::string DumpJson(const Json& j, int indent = -1);

// Rounds to 2 decimals so the JSON of coordinates is stable and compact; a non-finite value
// (which JSON cannot hold) becomes 0.
double RoundCoord(double v);
// A box as the content JSON holds it: [x0, y0, x1, y1], each rounded by RoundCoord.
CanonicalJson BoxJson(const Box& b);

}  // namespace assay
