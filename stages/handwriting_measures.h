// Handwriting measures of a page's pixels (the handwriting stage, docs/handwriting.md).
//
// Print repeats itself: every "e" of a page set in one font is the same shape, so nearly every
// connected component of printed text has a near-identical twin elsewhere on the page. A hand
// never writes the same letter twice exactly. The detector classifies the page's text-like
// connected components by shape correlation (Leptonica's JBIG2 classifier, the one lossy
// JBIG2 coders use to share glyph templates) and measures the share of components that match
// no other one. Lines of text (components joined by a horizontal closing) whose components are
// mostly unmatched are handwritten regions; the page is handwritten when most of its text ink
// lies in such regions. Component height spread and stroke-width spread are measured too
// (reported, and used only as supporting evidence: a pen's stroke is as even as a font's).
#pragma once

#include <vector>

#include "stages/page_preprocess.h"  // PixelBox

struct Pix;

namespace assay {

struct HandwritingLimits {
  double match_threshold = 0.6;  // shape correlation at which two components are one glyph
  // Raises the threshold for dense components (Leptonica's weight factor; 0: none).
  double weight_factor = 0;
  int min_components = 100;      // fewer text components: too little to judge (not handwritten)
  int region_min_components = 15;  // a line with fewer components is judged with its page
  double region_unique_share = 0.6;  // a line whose unmatched share reaches this is handwritten
  double page_share = 0.5;  // a page whose handwritten share of text ink reaches this is
};

struct HandwritingMeasures {
  int components = 0;        // text-like components classified
  double unique_share = 0;   // share of them that match no other component of the page
  double height_cv = 0;      // coefficient of variation of their heights
  double stroke_cv = 0;      // coefficient of variation of their stroke widths
  double share = 0;          // share of text-component ink in handwritten regions
  std::vector<PixelBox> regions;  // handwritten lines, in the pixels measured (x1, y1 exclusive)
  bool handwritten = false;  // share >= page_share with at least min_components components
};

// Measures `pix` (any depth; binarised here by Otsu's threshold). `dpi` sets the size of the
// smallest component kept (specks below 0.25 mm are noise) and may be 0 when unknown.
HandwritingMeasures MeasureHandwriting(Pix* pix, int dpi, const HandwritingLimits& limits);

}  // namespace assay
