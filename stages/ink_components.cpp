#include "stages/ink_components.h"

#include <leptonica/allheaders.h>

#include "core/document.h"

namespace assay {

std::vector<InkBox> InkComponents(Pix* gray, int threshold) {
  PixHandle binary = WrapPix(pixThresholdToBinary(gray, threshold));
  if (!binary) return {};
  BOXA* boxes = pixConnCompBB(binary.get(), 8);
  if (boxes == nullptr) return {};
  std::vector<InkBox> out;
  for (int i = 0; i < boxaGetCount(boxes); ++i) {
    InkBox c;
    boxaGetBoxGeometry(boxes, i, &c.x, &c.y, &c.w, &c.h);
    out.push_back(c);
  }
  boxaDestroy(&boxes);
  return out;
}

}  // namespace assay
