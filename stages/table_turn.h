// Tables set sideways: a table whose text is turned (Poppler's word rotation, Word::rotation)
// is found in the frame where that text is upright, so its rows are the text's rows; its boxes
// are mapped back to the page. Found upright, a sideways table comes out transposed (its rows
// as columns) and its cells' words in page order.
#pragma once

#include <vector>

#include "stages/table_grid.h"

namespace assay {

// The frame in which text of `rotation` quarter turns (1..3) on a page of width x height
// points reads upright (origin top-left, as the page).
struct TurnedFrame {
  int rotation = 0;
  double width = 0, height = 0;
  Box ToFrame(const Box& page_box) const;
  Box ToPage(const Box& frame_box) const;
  Rule ToFrame(const Rule& page_rule) const;
};

// Words' quarter turns (Word::rotation), counted: Majority() is the turn more than half of
// them share, 0 when that is upright or no turn has a majority.
class TurnTally {
 public:
  void Add(int rotation);
  int Majority() const;

 private:
  int count_[4] = {0, 0, 0, 0};
  int total_ = 0;
};

// FindTables (stages/table_grid.h) on the page as it stands, and again in the frame of each
// rotation that at least a few words have, with those words only; a table found there replaces
// the upright tables it overlaps. A page without turned words gives FindTables' tables.
std::vector<PageTable> FindTablesAnyTurn(const std::vector<TableWord>& words,
                                         const std::vector<Rule>& rules,
                                         const std::vector<Box>& areas, double width,
                                         double height, TablePageReport* report);

}  // namespace assay
