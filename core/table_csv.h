// One table as CSV (RFC 4180), and the file name a table's CSV gets in `assay export --format
// csv` and in a release: <doc_id>.p<page>.t<n>.csv, n counting the page's tables from 1 in
// reading order.
#pragma once

#include <string>

#include "core/document.h"

namespace assay {

// `rows`: a JSON array of arrays of strings (an export record's tables[].rows). Fields with a
// comma, quote, CR or LF are quoted, quotes doubled; lines end with CRLF.
std::string TableCsv(const Json& rows);

std::string TableCsvName(const std::string& doc_id, int page, int n);

}  // namespace assay
