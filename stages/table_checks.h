// Structural checks on extracted tables, the numbers contracts read: cell types, header
// detection, column type consistency, ragged rows, and the shifted/transposed-column detector
// (cells whose type belongs to a neighbouring column, header and body disagreeing on the
// number of columns). Pure functions over the grid of cell texts, and over a table's cells
// and boxes for the detector's geometry.
#pragma once

#include <string>
#include <vector>

#include "core/document.h"

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

// The leading rows that are header: HasHeaderRow's first row, widened to every leading row
// (at most five) without a cell of its column's non-text type family, so a header whose
// spanning labels take two or three rows (years, units) is not read as body.
int HeaderBlockRows(const Grid& rows);

// The shift detector (docs/tables.md has its measured ROC). Type families: number (integer,
// decimal, currency), percentage, date, code, text. A body row is suspect when
//   - a cell has a neighbouring column's family instead of its own (shifted or swapped), or is
//     two numbers run together in a number column (a lost separator);
//   - it fills a column nearly no row uses while leaving a gap in one nearly all rows fill
//     (pushed right);
//   - its last dense column is empty and a cell ends in a merged number (pulled left);
//   - its label is missing from a dense text first column, or it is a lone last value after
//     full rows (a column moved down one row).
// Whole-table findings: a column of run-together numbers; a number first column (not 1, 2,
// 3...) with text columns to its right (label column swapped away). The score is the share
// of suspect body rows, plus 1 when there is a whole-table finding.
struct ShiftReport {
  int header_rows = 0;
  int suspect_rows = 0;
  int body_rows = 0;
  int column_findings = 0;
  double score = 0;
  // The geometry's share of it (DetectColumnShift of a table with boxes; 0 otherwise): body
  // rows with a cell out of its column's or its row's place, and whole-table findings.
  int geometry_rows = 0;
  int geometry_findings = 0;
};
ShiftReport DetectColumnShift(const Grid& rows);

// The grid the detector reads from a table: every slot a spanning cell covers holds that
// cell's text, so a header label spanning two columns covers both.
Grid SpanFilledRows(const PageTable& t);

// The detector on a table as the tables stage builds it: the grid's findings above, plus where
// the cells' boxes sit. A misread separator moves words to the wrong slot while they stay
// where they are on the page. A column's x-range is the median left and right edges of its
// single-column cells; a line's height (the median body cell's) is the unit of gaps. A row
// is a geometry row when
//   - a cell of it (any row but the first) lies outside its column's x-range and inside a
//     neighbouring column's (shifted);
//   - a body cell covers its column's range and a neighbour's while its row has another
//     filled cell, or it ends in a number, or it is wider than its characters by a column
//     gap (two cells merged; a section label alone in its row may run over);
//   - a body cell lies level with most cells of the row above or below and with few of its
//     own (a column moved down one row);
// and the table has a geometry finding when
//   - a column's x-range lies right of the next one's (two columns swapped, whatever types);
//   - text boxes only (not "ruled", whose boxes are the ruled slots): a column whose one-line,
//     several-word body cells are mostly wider than their characters by over 0.8 of a line
//     (two columns merged), or two neighbouring columns mostly 0 to 0.35 of a line apart (a
//     word space: one column split).
// Score: the share of geometry rows among body rows, plus 1 for a geometry finding, plus the
// grid's score, weighted a quarter when the boxes are the words' own (a shift would show in
// them) and in full for a ruled table. Cells without a box (all zero) are left out; a table
// with fewer than half of its filled cells boxed scores as its grid alone.
ShiftReport DetectColumnShift(const PageTable& t);

// Tables scoring above this are flagged (table.column_shift_suspects counts them); chosen on
// the corrupted test set (bench/table_shift_bench.py, docs/tables.md).
inline constexpr double kShiftThreshold = 0.05;

}  // namespace assay
