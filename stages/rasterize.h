// rasterize: renders the PDF pages that have no text layer to 8-bit gray in memory (Poppler
// Splash), at `dpi`, lowered per page when the page would exceed `max_megapixels` (hostile
// page sizes cost a lower resolution, not the worker). Pages with a text layer are left alone.
// Metrics: rasterize.pages, rasterize.min_dpi.
#pragma once

#include "core/stage_registry.h"

namespace assay {
Result<std::unique_ptr<Stage>> MakeRasterizeStage(const nlohmann::json& overrides);
}
