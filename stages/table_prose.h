// Prose among the words of a page: a table beside running text (a two-column page with a
// small unruled table in one column) must not take the lines of the text as rows. Layout's
// paragraph blocks of several long lines, none of them holding a cell-wide gap, are prose;
// unruled table detection leaves their words out (ruled tables keep every word).
#pragma once

#include "core/document.h"

namespace assay {

// Whether a layout block reads as running text: two or more lines averaging six or more
// words, no line with a gap between words wider than its height (a table row has such gaps).
bool IsProseBlock(const Block& block);

}  // namespace assay
