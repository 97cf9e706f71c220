// List bullets in a scanned table's cells. Tesseract reads a bullet ("•") on a scan as "©",
// "@", "¢" or "e", and its box stands apart from the item's first word by the list's hanging
// indent, wider than a column gap: the bullets of a cell's list made a column of their own
// (ICDAR us-015 as a scan: "© @" in one column, the items in the next). A bullet is told by
// its ink, a filled round dot, not by what it was read as.
#pragma once

#include <vector>

#include "stages/table_grid.h"

struct Pix;

namespace assay {

// Whether `word` (a box of `pix`, in its pixels) is a bullet: one mark read (not a letter or
// figure: a blurred "a" is a filled blot too), whose ink
// is one dot about as wide as high (0.7-1.4), filled (60% of its box or more: an "o" is a
// ring), 0.3 to 0.75 of `line_height` high (a full stop is smaller).
bool IsBulletInk(Pix* pix, const TableWord& word, double line_height);

// Each bullet among `words` (IsBulletInk, measured against the median word height) written
// "•" and joined to the first word after it on its line (within four word heights) that holds
// a letter or figure, as one word "• Item": its list item, when the dot sits no lower than
// 0.7 down that word's box (a full stop sits on the baseline). Marks read between them with
// less than 60% confidence (a bullet's halo read as "—" or "=") are dropped.
void JoinBullets(Pix* pix, std::vector<TableWord>& words);

}  // namespace assay
