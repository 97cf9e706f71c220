#include "core/table_csv.h"

namespace assay {

std::string TableCsv(const Json& rows) {
  std::string out;
  for (const Json& row : rows) {
    bool first = true;
    for (const Json& cell : row) {
      if (!first) out += ',';
      first = false;
      const std::string t = cell.is_string() ? cell.get<std::string>() : "";
      if (t.find_first_of(",\"\r\n") == std::string::npos) {
        out += t;
      } else {
        out += '"';
        for (char c : t) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        out += '"';
      }
    }
    out += "\r\n";
  }
  return out;
}

std::string TableCsvName(const std::string& doc_id, int page, int n) {
  return doc_id + ".p" + std::to_string(page) + ".t" + std::to_string(n) + ".csv";
}

}  // namespace assay
