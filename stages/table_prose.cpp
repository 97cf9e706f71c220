#include "stages/table_prose.h"

namespace assay {

bool IsProseBlock(const Block& block) {
  if (block.type == "table" || block.lines.size() < 2) return false;
  size_t words = 0;
  for (const Line& l : block.lines) {
    words += l.words.size();
    const double h = l.bbox.y1 - l.bbox.y0;
    for (size_t i = 1; i < l.words.size(); ++i)
      if (l.words[i].bbox.x0 - l.words[i - 1].bbox.x1 > h) return false;
  }
  return words >= 6 * block.lines.size();
}

}  // namespace assay
