// What an image file says about itself before any pixel is decoded, so a decompression bomb
// is refused for its size instead of being decoded until the memory limit kills the worker,
// and the codec that can read a valid file is chosen (Leptonica does not read compressed BMP).
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

struct Pix;

namespace assay {

struct ImageHeader {
  int64_t width = 0, height = 0;  // pixels, as the header states them
  bool tiff = false;              // pages are TIFF directories
  bool bmp = false;
};

// The dimensions of page `index` (0-based) of the image file at `path`, from its header
// alone: the format's own header (BMP, GIF: parsed here; PNG, JPEG, TIFF, PNM, WebP, JPEG 2000:
// Leptonica's header readers). An Error (stage "image_load") when the header cannot be read.
Result<ImageHeader> ReadImageHeader(const std::string& path, int index);

// "image is 60000×60000 = 3600 MP, limit 150 MP" when `header` is over `max_pixels`, else "".
std::string OverPixelLimit(const ImageHeader& header, double max_pixels);

// A BMP Leptonica refuses (run-length encoded, bit fields), decoded with OpenCV into a
// Leptonica image: 8 bpp gray or 32 bpp RGB(A). Null when OpenCV cannot read it either.
Pix* DecodeBmpWithOpenCv(const std::string& path);

// `pix` turned upright as an EXIF orientation (1..8) says: what a camera held sideways
// recorded. Leptonica's readers do not apply it. Takes `pix`; returns the upright one (`pix`
// itself for 1, 0 or when a turn runs out of memory).
Pix* UprightByExif(Pix* pix, int orientation);

}  // namespace assay
