// Small helpers for the rasters handed to OCR.
#pragma once

#include <string>

struct Pix;

namespace assay {

// SHA-256 of a Leptonica image's pixels (rows at the image's depth, padding included, which
// Leptonica keeps zeroed). Stable for the same decoded or rendered image.
std::string PixSha256(Pix* pix);

}  // namespace assay
