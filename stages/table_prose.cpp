#include "stages/table_prose.h"

#include <algorithm>

namespace assay {

bool IsProseBlock(const Block& block) {
  if (block.type == "table" || block.lines.size() < 2) return false;
  size_t words = 0;
  for (const Line& l : block.lines) {
    words += l.words.size();
    const double h = l.bbox.y1 - l.bbox.y0;
    // The gap between neighbours either way: a right-to-left line's words are read right to
    // left (stages/bidi_text.h).
    for (size_t i = 1; i < l.words.size(); ++i) {
      const Box& a = l.words[i - 1].bbox;
      const Box& b = l.words[i].bbox;
      if (std::max(b.x0 - a.x1, a.x0 - b.x1) > h) return false;
    }
  }
  return words >= 6 * block.lines.size();
}

}  // namespace assay
