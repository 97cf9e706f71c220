// The document model a worker builds while stages run, and its canonical JSON form.
//
// The JSON form (ToContentJson) is what a stage "outputs": it is content-addressed in the
// store, so it holds only deterministic facts. Transient data (page rasters) lives beside it
// and is represented in the JSON by its hash.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

struct Pix;

namespace assay {

using Json = nlohmann::ordered_json;

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
};

struct Line {
  Box bbox;
  std::vector<Word> words;
  std::string Text() const;  // words joined by single spaces
};

// A block is a paragraph-level region. `type` is one of the export's block types.
struct Block {
  std::string type = "paragraph";
  Box bbox;
  std::vector<Line> lines;
  std::string Text() const;  // lines joined by '\n'
};

// Shared ownership of a Leptonica image; released with pixDestroy.
using PixHandle = std::shared_ptr<Pix>;
PixHandle WrapPix(Pix* pix);

struct Page {
  int number = 1;  // 1-based
  double width = 0, height = 0;
  std::string unit = "pt";           // "pt" (PDF) or "px" (image)
  std::string text_source = "none";  // "pdf_text", "ocr" or "none"
  std::vector<Block> blocks;
  // Raster made by rasterize/image_load for OCR. Transient: only its hash and geometry are
  // part of the content JSON.
  PixHandle raster;
  int raster_dpi = 0;
  std::string raster_sha256;
  std::string Text() const;  // blocks joined by blank lines
};

struct Document {
  std::string doc_id;
  std::string source_sha256;
  std::string path;       // the path the worker read
  std::string container;  // "pdf" or "image" (from the bytes, at ingest)
  std::string modality;   // pdf_text | pdf_scan | pdf_mixed | page_image | photo
  std::optional<std::string> alt_text;
  std::optional<std::string> ground_truth_path;  // from the manifest
  std::vector<Page> pages;
  std::map<std::string, double> metrics;  // sorted: deterministic JSON
  // Metrics of parts of the document, keyed by scope: "page:3" -> {name -> value}.
  std::map<std::string, std::map<std::string, double>> part_metrics;

  std::string Text() const;  // pages joined by blank lines, in page order
  Json ToContentJson() const;
  static Document FromContentJson(const Json& j);
};

// Rounds to 2 decimals so the JSON of coordinates is stable and compact.
double RoundCoord(double v);

}  // namespace assay
