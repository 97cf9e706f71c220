// The connected components of a gray image's print: what the table stage measures glyphs,
// marks and small print by (InkTextHeight, a slot's glyph, a word's dashes and points).
#pragma once

#include <vector>

struct Pix;

namespace assay {

// A component's bounding box, in the image's pixels.
struct InkBox {
  int x = 0, y = 0, w = 0, h = 0;
};

// The 8-connected components of the pixels of `gray` (8-bit) darker than `threshold`, in
// Leptonica's order; empty when there are none or the image cannot be read.
std::vector<InkBox> InkComponents(Pix* gray, int threshold);

}  // namespace assay
