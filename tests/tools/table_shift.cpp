// table_shift: the shift detector over tables given on stdin, for the corrupted-table test set
// behind kShiftThreshold (bench/table_shift_bench.py, docs/tables.md). Reads one JSON object
// per line: {"id": ..., "rows": [[cell, ...], ...]} (a grid, no boxes) or {"id": ..., "table":
// {...}} (a table as a page's content holds it, PageTableFromJson: "bbox", "n_rows", "n_cols",
// "method", "header_rows", "cells": [{"row", "col", "rowspan", "colspan", "text", "bbox":
// [x0, y0, x1, y1]}, ...]; y pointing down).
// Prints one object per line with the header rows the tables stage would decide and the
// detector's report, and the grid detector's score of the same table read without its boxes:
//   {"id": ..., "header_rows": 1, "score": 0.25, "suspect_rows": 2, "body_rows": 8, ...,
//    "grid_score": 0.125}
#include <iostream>
#include <string>

#include "core/document.h"
#include "stages/table_checks.h"

using namespace assay;

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    const CanonicalJson in = CanonicalJson::parse(line);
    ShiftReport r, grid;  // grid: the same table read without its boxes
    if (in.contains("table")) {
      const PageTable t = PageTableFromJson(in.at("table"));
      r = DetectColumnShift(t);
      grid = DetectColumnShift(SpanFilledRows(t));
    } else {
      r = grid = DetectColumnShift(in.at("rows").get<Grid>());
    }
    Json out;
    out["id"] = in.at("id");
    out["header_rows"] = r.header_rows;
    out["column_findings"] = r.column_findings;
    out["score"] = r.score;
    out["suspect_rows"] = r.suspect_rows;
    out["body_rows"] = r.body_rows;
    out["geometry_rows"] = r.geometry_rows;
    out["geometry_findings"] = r.geometry_findings;
    out["grid_score"] = grid.score;
    out["grid_suspect_rows"] = grid.suspect_rows;
    std::cout << DumpJson(out) << "\n";
  }
  return 0;
}
