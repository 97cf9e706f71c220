// The resolution an image-only PDF page is rendered at for OCR: the lowest that keeps its text
// readable, chosen from the text height measured on a cheap low-resolution probe render.
// Tesseract's time grows with the pixel count, and body text reads about as well at 200 dpi as
// at 300 (docs/preprocess.md, "Rendering resolution"), so a page of ordinary text is not
// rendered at the maximum just because it is the maximum.
#pragma once

namespace assay {

struct RenderResolutionLimits {
  int max_dpi = 300;  // rasterize.dpi: never more
  int min_dpi = 150;  // never less, however large the text
  // The median glyph height (page_preprocess.h's text_height_px) the page should have once
  // rendered; 0 renders every page at max_dpi.
  double text_height_px = 0;
  int probe_dpi = 100;  // the probe render the height is measured on
  int step_dpi = 25;    // chosen resolutions are multiples of it, rounded up
};

// The resolution for a page whose probe render measured `probe_text_height_px` (0: no text
// found, which gets max_dpi: nothing says a lower one is safe).
int ResolutionForText(double probe_text_height_px, const RenderResolutionLimits& limits);

}  // namespace assay
