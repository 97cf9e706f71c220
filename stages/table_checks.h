// Structural checks on extracted tables, the numbers contracts read: cell types, header
// detection, column type consistency, ragged rows, and the shifted/transposed-column detector
// (cells whose type belongs to a neighbouring column, header and body disagreeing on the
// number of columns). Pure functions over the grid of cell texts.
#pragma once

#include <string>
#include <vector>

namespace assay {

using Grid = std::vector<std::vector<std::string>>;

// The type of a cell's text: "empty", "missing" (n.a., -, ...), "integer", "decimal",
// "percentage", "currency", "date", "code", "text".
std::string CellType(const std::string& text);

// True when the first row reads as a header: no cell of it is numeric while some column below
// is mostly numeric, or it is the only row without a number in a table of numbers.
bool HasHeaderRow(const Grid& rows);

// Per column, the share of body cells (below the header) whose type is the column's majority
// type; averaged over columns with at least two typed body cells. 1 when there are none.
double ColumnTypeConsistency(const Grid& rows, int header_rows);

// Rows whose number of filled cells differs from the table's most common number (header
// rows excluded).
int RaggedRows(const Grid& rows, int header_rows);

// Share of empty slots.
double EmptyCellRatio(const Grid& rows);

// The shift detector. A body cell is a suspect when its type disagrees with its column's type
// and equals the type of the column next to it (left or right); a row is suspect when it has
// a suspect cell or its filled cells run past the header's last column; the score of a table
// is the share of body rows that are suspect, plus 1 when the header and the body disagree
// on the number of columns.
struct ShiftReport {
  int suspect_rows = 0;
  int body_rows = 0;
  double score = 0;
};
ShiftReport DetectColumnShift(const Grid& rows, int header_rows);

// Tables scoring above this are flagged (table.column_shift_suspects counts them); chosen on
// the corrupted test set (docs/tables.md).
inline constexpr double kShiftThreshold = 0.1;

}  // namespace assay
