// The layout stage's logic, apart from Poppler and Leptonica so it can be tested on blocks
// made by hand: block types, heading levels, running heads, reading order and its confidence,
// figures paired with captions. Pure functions over the document model.
#pragma once

#include <string>
#include <vector>

#include "core/document.h"

namespace assay {

// What the page tells about one block besides its words: its text size (the font size in
// points for a text layer; for OCR the median line height) and how bold it is (share of its
// characters in a bold font; for OCR, ink density relative to the page's body text, where
// known; 0 when unknown).
struct BlockStyle {
  double size = 0;
  double bold = 0;
};

// One page as the layout logic sees it: its blocks (in the order the text source gave), their
// styles (same length) and the figure regions found by graphics or pixels.
struct PageInput {
  Page* page = nullptr;
  std::vector<BlockStyle> styles;
  std::vector<Box> figure_regions;
  std::vector<Box> table_regions;  // ruled tables; their text stays body text
  std::string figure_source;       // where the regions came from: "pdf_graphics", "page_image"
  // Keep the body blocks in the order given (OCR: Tesseract's own reading order, which the
  // OCR accuracy tests hold against the tesseract CLI); the confidence is still measured.
  bool keep_order = false;
};

struct PageLayout {
  int columns = 1;
  double reading_order_confidence = 1.0;
  int headings = 0;  // title and heading blocks
  int uncaptioned_figures = 0;
};

// The text size of a text-layer block: character-weighted mean font size of its words; its
// boldness: share of characters in a font whose name says bold, black or heavy.
BlockStyle TextLayerStyle(const Block& b);

// The text size of an OCR block: the median height of its lines.
BlockStyle OcrStyle(const Block& b);

// Lays out every page of a document: marks running heads and page numbers (header, footer),
// types the other blocks (title, heading with level, list, caption, footnote, figure,
// paragraph), puts them in reading order (headers, body by columns, footnotes, footers), and
// pairs figure regions with captions into page->figures. Deterministic.
std::vector<PageLayout> LayOutDocument(std::vector<PageInput>& pages);

// Heading level implied by a section number at the start of `text` ("2.3.1 Methods" -> 3),
// 0 when there is none.
int NumberingLevel(const std::string& text);

// True when `text` opens like a caption: "Figure 3:", "Fig. 2.", "Table 1." ...
bool LooksLikeCaption(const std::string& text);

// True when `text` is a page number alone: "12", "- 3 -", "Page 4", "4 of 9", "iv".
bool LooksLikePageNumber(const std::string& text);

}  // namespace assay
