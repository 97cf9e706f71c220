// Pixels drawn with OpenCV for the unit tests that measure a page image with Leptonica.
#pragma once

#include <leptonica/allheaders.h>

#include <opencv2/core.hpp>

#include "core/document.h"

namespace assay {

// An 8-bit gray Leptonica image with the pixels of `gray` (CV_8UC1).
inline PixHandle PixFromGray(const cv::Mat& gray) {
  PixHandle pix = WrapPix(pixCreate(gray.cols, gray.rows, 8));
  for (int y = 0; y < gray.rows; ++y)
    for (int x = 0; x < gray.cols; ++x) pixSetPixel(pix.get(), x, y, gray.at<uchar>(y, x));
  return pix;
}

}  // namespace assay
