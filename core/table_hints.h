// Table hints: where a document's tables are, when whoever listed it in the manifest knows.
// A manifest entry may give `pages` (1-based page numbers: only those are searched) and
// `table_areas` ([[x0, y0, x1, y1], ...] in the page's unit, PDF points for a PDF, origin top
// left as everywhere in assay: on each searched page only those areas are searched, and each
// gives at most one table). They travel as one canonical JSON text, which is part of the
// document's identity and of the tables stage's key (docs/tables.md).
#pragma once

#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"

namespace assay {

struct TableHints {
  std::vector<int> pages;  // sorted, unique; empty: every page
  std::vector<Box> areas;  // in the order given; empty: the whole page
  bool Searches(int page) const;
};

// Most areas one entry may give: a hint, not a second document.
inline constexpr size_t kMaxTableAreas = 1000;

// The canonical text of a manifest entry's `pages` and `table_areas`, or why they are wrong.
Result<std::string> TableHintsFromManifest(const nlohmann::json& entry);

// The hints back from their canonical text (as TableHintsFromManifest wrote it).
Result<TableHints> ParseTableHints(const std::string& canonical);

}  // namespace assay
