// Right-to-left text (Hebrew, Arabic) in a line of words, by the Unicode bidirectional
// algorithm (GNU FriBidi).
//
// A PDF draws right-to-left script from left to right, and Poppler gives each word's characters
// in that drawn order ("ימלוג" for "גולמי"), its words left to right. Read as drawn, a Hebrew
// line comes out backwards. Drawn order to reading (logical) order is what the bidi algorithm
// does the other way round, and for a line it is its own inverse: reordering the drawn string
// as if it were logical gives the logical one (runs of right-to-left characters reversed,
// numbers and Latin words inside them kept left to right). Brackets are kept as drawn, as
// pdftotext keeps them (no mirroring): a PDF's glyph may already map to the logical character.
#pragma once

#include <string>
#include <vector>

namespace assay {

// One line's words as read: each word's text in logical order, and the order to read the words
// in (indices into the input).
struct BidiLine {
  std::vector<std::string> texts;
  std::vector<size_t> order;
};

// `drawn` holds a line's words left to right, each word's characters in drawn order. The
// line's direction is that of most of its letters (right to left when more of them are).
// A line without a right-to-left letter comes back unchanged (texts as given, order 0..n-1).
// Words whose characters are already logical give the right word order too (their characters
// come back reversed: use `order` only).
BidiLine DrawnToReadingOrder(const std::vector<std::string>& drawn);

}  // namespace assay
