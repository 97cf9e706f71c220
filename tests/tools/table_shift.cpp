// table_shift: the shift detector over grids given on stdin, for the corrupted-table test set
// behind kShiftThreshold (bench/table_shift_bench.py, docs/tables.md). Reads one JSON object
// per line, {"id": ..., "rows": [[cell, ...], ...]}, and prints one per line with the header
// rows the tables stage would decide and the detector's report:
//   {"id": ..., "header_rows": 1, "score": 0.25, "suspect_rows": 2, "body_rows": 8}
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
    const Grid rows = in.at("rows").get<Grid>();
    const ShiftReport r = DetectColumnShift(rows);
    Json out;
    out["id"] = in.at("id");
    out["header_rows"] = r.header_rows;
    out["column_findings"] = r.column_findings;
    out["score"] = r.score;
    out["suspect_rows"] = r.suspect_rows;
    out["body_rows"] = r.body_rows;
    std::cout << DumpJson(out) << "\n";
  }
  return 0;
}
