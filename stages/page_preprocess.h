// Per-page image preprocessing before OCR (Leptonica): cheap measurements of a page raster,
// the decision of which operations can help it (PlanPreprocessing, a pure function), and
// applying a plan. A plan is recorded as JSON in the page's raster step, from which the same
// pixels are made again (ApplyPlan is deterministic).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "core/document.h"
#include "stages/render_resolution.h"

struct Pix;

namespace assay {

// What the decisions look at. Gray levels are 0 (black) .. 255 (white).
struct PageMeasures {
  int width = 0, height = 0, dpi = 0;
  double ink_level = 0;          // 10th percentile of the pixels clearly darker than the paper
  double paper_level = 255;      // 95th percentile gray: the background's lightness
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
  double reduce = 1;      // < 1: the page is first scaled down (area mapping) by this factor
  int rotate_quads = 0;   // clockwise quarter turns (from OSD)
  double deskew_deg = 0;  // 0: none
  bool denoise = false;   // 3x3 median filter
  bool normalize_background = false;
  bool stretch_contrast = false;
  double stretch_low = 0, stretch_high = 255;  // gray levels mapped to 0 and 255
  double upscale = 1;
  bool binarize = false;  // Sauvola, window scaled to the resolution

  std::vector<std::string> Operations() const;  // names, for lineage and metrics
  bool Empty() const { return Operations().empty(); }
  CanonicalJson ToJson() const;
  static PreprocessPlan FromJson(const CanonicalJson& j);
};

// The resolution the measurements and operations assume for a `width` x `height` raster: the
// stated one, or, for an image that states none, an estimate that takes it for a page (long
// side about 11 in; PubLayNet's 596 x 842 pages are 72-dpi A4). Tesseract is never told an
// estimate: told 300 dpi, it reads a 72-dpi page's text as specks and drops most of it.
int EffectiveDpi(int stated_dpi, int width, int height);

// The plan of the page's preprocess raster step, if it has one (what its pixels went
// through); an empty plan otherwise.
PreprocessPlan AppliedPlan(const Page& page);

// The clockwise quarter turns OSD would have given `page` when it was unsure of them (the
// preprocess step's `osd.unsure_quads`); 0 when OSD was sure, did not run or saw it upright.
int UnsureTurn(const Page& page);

// The turns the OCR retry reads a page in when OSD was unsure (`unsure_quads`): OSD's guess,
// then its opposite (on noisy pages OSD often tells the axis but not the side); none when the
// guess is upright.
std::vector<int> TurnCandidates(int unsure_quads);

// Leptonica's ascender/descender test of a page's orientation (Bloomberg et al., "Measuring
// document image skew and orientation", 1995): `up` is large and positive when Latin-script
// text is upright, large and negative when upside down; `left` is the same after a quarter
// turn (text set sideways). Both 0 when the page has too little such text or a resolution
// the test is not made for (below 150 dpi), which says nothing. Costs a binarisation and a few
// hit-miss transforms: a tenth of Tesseract's OSD.
struct AscenderOrientation {
  double up = 0, left = 0;
  // Upright beyond doubt: `up` at least `min_up` and 1.5 times the sideways signal. Pages
  // turned a quarter give an upright signal under 10 (48 report pages: at most 3.1); upright
  // pages with tables or figures give a sideways one of up to 0.6 of the upright (columns of
  // figures read as ascenders): at 3 times, 6 of 48 clean pages paid for OSD.
  bool Upright(double min_up) const {
    return min_up > 0 && up >= min_up && up >= 1.5 * std::abs(left);
  }
};

// Measures `pix` (any depth) at `dpi` (EffectiveDpi); with `ascenders`, also Leptonica's
// orientation signals, from the same binarisation.
PageMeasures MeasurePage(Pix* pix, int dpi, AscenderOrientation* ascenders = nullptr);

// The resolution `pix` (at `dpi`) is best read at (render_resolution.h): its median glyph
// height measured on a copy reduced by area mapping to `limits.probe_dpi` (a few milliseconds),
// and the lowest resolution giving that text `limits.text_height_px`, at most `dpi`. `dpi`
// when no text is measured or `limits.text_height_px` is 0. `probe_height`, if given, gets the
// height measured.
int ReadingResolution(Pix* pix, int dpi, RenderResolutionLimits limits,
                      double* probe_height = nullptr);

// The per-page decision: only what the measurements say can help (a clean upright page gets
// an empty plan). `rotate_quads` comes from orientation detection.
PreprocessPlan PlanPreprocessing(const PageMeasures& m, const PreprocessLimits& limits,
                                 int rotate_quads);

// The stronger plans tried when OCR of the planned page reads badly, in order: background
// normalisation and binarisation, then also denoising and upscaling. Geometry (rotation,
// deskew) is kept from `applied`; a variant equal to an earlier plan is left out.
// A page measured clean (MeasuredClean) whose text needs no enlarging gets none unless
// `vary_clean_pages`: both variants are tonal, and they do not improve such a page
// (docs/preprocess.md, "Retry of clean pages").
std::vector<PreprocessPlan> RetryPlans(const PreprocessPlan& applied, const PageMeasures& m,
                                       const PreprocessLimits& limits, int max_plans,
                                       bool vary_clean_pages);

// No tonal trouble by the plan's own thresholds: contrast, background spread, specks.
bool MeasuredClean(const PageMeasures& m, const PreprocessLimits& limits);

// Applies `plan` to `pix` (not changed); returns 8-bit gray, or 1-bit after binarisation.
// Null when Leptonica fails. `dpi` (EffectiveDpi) scales the binarisation window; the result
// states `pix`'s own resolution times the upscale (none when `pix` states none).
PixHandle ApplyPlan(Pix* pix, const PreprocessPlan& plan, int dpi);

struct PixelBox {
  int x0, y0, x1, y1;
};

// `b` on a `width` x `height` page turned `quads` clockwise quarter turns: its box on the
// turned page (whose width and height are swapped when `quads` is odd). Exact: turning by
// 4 - quads on the turned page gives `b` back.
Box TurnClockwise(const Box& b, int quads, double width, double height);

// How the pixels OCR read relate to the page: the page (its unit and its own frame, as the
// source file has it and as layout, export and ground truth use it) was turned `rotate_quads`
// clockwise, deskewed by `deskew_deg` about its centre and scaled to `pixel_width` x
// `pixel_height`. ToPage undoes the three in reverse order, ToPixels does them; a deskewed
// box becomes the bounding box of the turned rectangle, clipped to the page.
struct PageFrame {
  double page_width = 0, page_height = 0;  // the source page, page units
  int rotate_quads = 0;
  double deskew_deg = 0;
  double pixel_width = 0, pixel_height = 0;
  Box ToPage(const PixelBox& b) const;
  Box ToPixels(const Box& b) const;
};

// Share of text-like ink (character-sized connected components of the binarised page, those
// touching a ruling line left out) that lies inside `word_boxes` (pixel coordinates of `pix`);
// 1 when the page has no text-like ink.
double TextCoverage(Pix* pix, int dpi, const std::vector<PixelBox>& word_boxes);

}  // namespace assay
