// table_shift: the shift detector over tables given on stdin, for the corrupted-table test set
// behind kShiftThreshold (bench/table_shift_bench.py, docs/tables.md). Reads one JSON object
// per line: {"id": ..., "rows": [[cell, ...], ...]} (a grid, no boxes) or {"id": ..., "table":
// {"n_rows", "n_cols", "method" (optional), "cells": [{"row", "col", "rowspan", "colspan",
// "text", "bbox": [x0, y0, x1, y1]}, ...]}} (a table as the stage has it, y pointing down).
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
      const CanonicalJson& tj = in.at("table");
      PageTable t;
      t.n_rows = tj.at("n_rows");
      t.n_cols = tj.at("n_cols");
      t.method = tj.value("method", std::string("aligned"));
      for (const CanonicalJson& cj : tj.at("cells")) {
        const CanonicalJson& b = cj.at("bbox");
        t.cells.push_back(TableCell{cj.at("row"), cj.at("col"), cj.at("rowspan"), cj.at("colspan"),
                                    cj.at("text"), Box{b[0], b[1], b[2], b[3]}});
      }
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
