// Pixel measures of a photo or page image, and what its file header says about the encoding.
// Pure functions over an 8-bit BGR or gray cv::Mat, so the stage, the graded test set
// (tools/image_grades.cpp) and the near-duplicate step measure exactly the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace assay {

struct ImageMeasures {
  // Variance of the Laplacian of the gray image scaled so its longer side is kWorkSide,
  // divided by the gray variance (+1): high-frequency energy relative to the image's own
  // contrast, so neither size nor exposure alone moves it. 0 for a flat image.
  double sharpness = 0;
  double clipped_highlights = 0;  // share of pixels with gray >= 250
  double clipped_shadows = 0;     // share of pixels with gray <= 5
  double contrast = 0;            // RMS contrast: standard deviation of gray / 255
  double noise = 0;               // Immerkær's noise sigma estimate, gray levels
  bool is_color = false;          // more than 2% of pixels with chroma above 24
};

// Side the sharpness is measured at (pixels, longer side).
inline constexpr int kWorkSide = 512;

// `bgr`: CV_8UC1 or CV_8UC3, not empty.
ImageMeasures Measure(const cv::Mat& bgr);

// 64-bit DCT perceptual hash: the gray image reduced to 32×32, its 8×8 lowest frequencies
// (DC left out of the median) compared with their median. Near copies (resized, re-encoded,
// slightly cropped, colour-shifted) differ in few bits.
uint64_t PerceptualHash(const cv::Mat& bgr);
// The hashes the near-duplicate step compares: the whole image's PerceptualHash first, then
// the same hash of kImageHashWindows windows (90% and 95% of each side: centred, from each
// corner, from each side): a copy cropped by up to ~10% on any sides has a whole hash close to
// one of them (core/near_duplicates.h compares both ways round). Taken at most 256 px wide.
inline constexpr int kImageHashWindows = 18;
std::vector<uint64_t> ImageHashes(const cv::Mat& bgr);
std::string HashHex(uint64_t h);  // 16 lowercase hex digits

// What an image file's header says about how the pixels are encoded (before decoding).
struct ImageEncoding {
  int bit_depth = 8;         // bits per sample (16 for a 16-bit PNG or TIFF)
  bool cmyk = false;         // a four-component JPEG (Adobe CMYK or YCCK)
  bool palette = false;      // indexed colour
  bool alpha = false;        // an alpha channel
  int frames = 1;            // animation frames (GIF, APNG); the first is the one measured
  int exif_orientation = 0;  // EXIF Orientation tag 1..8, 0 when absent
};

// Reads PNG, JPEG and GIF headers (other formats: the defaults). Never fails: a header it
// cannot parse leaves the defaults (decoding is image_load's business and reports damage).
ImageEncoding ReadImageEncoding(const std::string& path);

}  // namespace assay
