// Figure and table regions of a born-digital PDF page from what it draws, without rendering:
// image draws, and clusters of vector paths (charts, diagrams; a cluster of ruling lines only
// is a table). Coordinates in points, origin top-left, as the text layer's.
#pragma once

#include <vector>

#include "core/document.h"

class PDFDoc;

namespace assay {

struct PageGraphics {
  std::vector<Box> figures;
  std::vector<Box> tables;
};

PageGraphics FindPageGraphics(PDFDoc& doc, int page, double page_width, double page_height);

}  // namespace assay
