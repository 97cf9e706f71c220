// image_load: decodes a page image or photo with Leptonica (every page of a multi-page TIFF)
// and decides its modality: `photo` when the manifest gives alt-text or the pixels look like a
// natural image, `page_image` when they look like a scanned page (mostly light background,
// few mid-tones). Metrics: image.width, image.height, image.dpi (0 when the file states
// none), image.pages, image.light_fraction, image.midtone_fraction.
#pragma once

#include "core/stage_registry.h"

namespace assay {
Result<std::unique_ptr<Stage>> MakeImageLoadStage(const nlohmann::json& overrides);
}
