#include "stages/render_resolution.h"

#include <algorithm>
#include <cmath>

namespace assay {

int ResolutionForText(double probe_text_height_px, const RenderResolutionLimits& limits) {
  if (limits.text_height_px <= 0 || probe_text_height_px <= 0 || limits.probe_dpi <= 0) {
    return limits.max_dpi;
  }
  // Glyph height grows with the resolution; rounding up keeps the text at least as tall as
  // asked despite the probe's one-pixel steps.
  const double wanted = limits.probe_dpi * limits.text_height_px / probe_text_height_px;
  const int step = std::max(1, limits.step_dpi);
  const int rounded = static_cast<int>(std::ceil(wanted / step - 1e-9)) * step;
  return std::clamp(rounded, std::min(limits.min_dpi, limits.max_dpi), limits.max_dpi);
}

}  // namespace assay
