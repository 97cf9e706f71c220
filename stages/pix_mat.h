// Leptonica pixels as an OpenCV matrix, for the stages that measure with OpenCV.
#pragma once

#include <opencv2/core.hpp>

struct Pix;

namespace assay {

// The pixels as an 8-bit gray or BGR matrix (alpha dropped, a colour map expanded); empty
// when Leptonica cannot convert them.
cv::Mat PixToMat(Pix* pix);

}  // namespace assay
