// Small helpers for page rasters (Leptonica images).
#pragma once

#include <cstdint>
#include <string>

struct Pix;

namespace assay {

// SHA-256 of a Leptonica image's geometry and pixels (rows at the image's depth, padding
// included, which Leptonica keeps zeroed). Stable for the same decoded or rendered image.
std::string PixSha256(Pix* pix);

// Bytes the image's pixels occupy in memory.
int64_t PixBytes(Pix* pix);

}  // namespace assay
