// Per-page image preprocessing before OCR (Leptonica): cheap measurements of a page raster,
// the decision of which operations can help it (PlanPreprocessing, a pure function), and
// applying a plan. A plan is recorded as JSON in the page's raster step, from which the same
// pixels are made again (ApplyPlan is deterministic).
#pragma once

#include <string>
#include <vector>

#include "core/document.h"

struct Pix;

namespace assay {

// What the decisions look at. Gray levels are 0 (black) .. 255 (white).
struct PageMeasures {
  int width = 0, height = 0, dpi = 0;
  double ink_level = 0;      // 10th percentile of the pixels clearly darker than the paper
  double paper_level = 255;  // 95th percentile gray: the background's lightness
  double background_spread = 0;  // max - min of the paper level over a 4x4 grid of tiles
  double skew_deg = 0;           // Leptonica's skew estimate (the rotation that corrects it)
  double skew_confidence = 0;    // Leptonica's confidence in it; 0 when it found none
  double speckle_share = 0;      // share of connected components that are specks
  double text_height_px = 0;     // median height of character-sized components
  double contrast() const { return paper_level - ink_level; }
};

// Thresholds of the decisions (the stage's parameters).
struct PreprocessLimits {
  double min_skew_deg = 0.3;         // a smaller skew is left alone
  double min_skew_confidence = 2.5;  // below it the skew estimate is not trusted
  double max_background_spread = 40;
  double min_contrast = 110;
  double max_speckle_share = 0.35;
  double min_text_height_px = 14;  // smaller text is upscaled
  double upscale_factor = 2;
};

// The operations for one page, in the order they are applied.
struct PreprocessPlan {
  int rotate_quads = 0;      // clockwise quarter turns (from OSD)
  double deskew_deg = 0;     // 0: none
  bool denoise = false;      // 3x3 median filter
  bool normalize_background = false;
  bool stretch_contrast = false;
  double stretch_low = 0, stretch_high = 255;  // gray levels mapped to 0 and 255
  double upscale = 1;
  bool binarize = false;     // Sauvola, window scaled to the resolution

  std::vector<std::string> Operations() const;  // names, for lineage and metrics
  bool Empty() const { return Operations().empty(); }
  CanonicalJson ToJson() const;
  static PreprocessPlan FromJson(const CanonicalJson& j);
};

// Measures `pix` (any depth). `dpi` 0 is taken as 300.
PageMeasures MeasurePage(Pix* pix, int dpi);

// The per-page decision: only what the measurements say can help (a clean upright page gets
// an empty plan). `rotate_quads` comes from orientation detection.
PreprocessPlan PlanPreprocessing(const PageMeasures& m, const PreprocessLimits& limits,
                                 int rotate_quads);

// The stronger plans tried when OCR of the planned page reads badly, in order: background
// normalisation and binarisation, then also denoising and upscaling. Geometry (rotation,
// deskew) is kept from `applied`; a variant equal to an earlier plan is left out.
std::vector<PreprocessPlan> RetryPlans(const PreprocessPlan& applied, const PageMeasures& m,
                                       const PreprocessLimits& limits, int max_plans);

// Applies `plan` to `pix` (not changed); returns 8-bit gray, or 1-bit after binarisation.
// Null when Leptonica fails. `dpi` scales the binarisation window.
PixHandle ApplyPlan(Pix* pix, const PreprocessPlan& plan, int dpi);

// Share of text-like ink (character-sized connected components of the binarised page) that
// lies inside `word_boxes` (pixel coordinates of `pix`); 1 when the page has no text-like ink.
struct PixelBox {
  int x0, y0, x1, y1;
};
double TextCoverage(Pix* pix, int dpi, const std::vector<PixelBox>& word_boxes);

}  // namespace assay
