// Column gaps found from word alignment inside a region of a page: where a ruled table leaves
// some of its columns unruled (rules only between column groups, "Total | Male | Female" over
// three figures each), or where only horizontal rules delimit a table, the columns are the x
// ranges that the text lines of the region (almost) never cover.
#pragma once

#include <vector>

#include "core/document.h"
#include "stages/table_grid.h"

namespace assay {

// The x positions of the column gaps among the words whose centre lies in `area`, left to
// right: x ranges at least 2 units wide, not at the area's edges, that at most 12% of the
// region's text lines cover (a header label spanning two columns does not join them) and that
// at least three lines and 30% of the lines have text on both sides of. A line is cut into
// chunks at gaps wider than 0.8 line heights, so the words of a phrase never make a gap.
// The chunks' gap is measured against GapUnitHeight for `source`.
std::vector<double> AlignedColumnGaps(const std::vector<TableWord>& words, const Box& area,
                                      WordSource source = WordSource::kTextLayer);

// Tables ruled only between rows (no vertical rule at all): horizontal rules of one width
// (ends within 3 units) stacked down the page, at least three of them, with no prose word
// (TableWord::prose) between the first and the last. Shorter rules within its width between
// the first two (the header's: lines under labels that span columns) join it. Each stack comes
// back as a rule group with its two side edges added as vertical rules, for the ruled grid
// reconstruction; its columns then come from AlignedColumnGaps.
std::vector<std::vector<Rule>> HorizontalRuleStacks(const std::vector<Rule>& horizontal,
                                                    const std::vector<TableWord>& words);

}  // namespace assay
