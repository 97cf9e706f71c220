// Table scoring for `assay eval` (docs/tables.md): ground truth as per-table CSV grids
// <stem>.page-<p>.table-<n>[.<variant>].csv (variants: alternative truths of one table; a
// prediction is scored against the variant that suits it best), and optionally ICDAR 2013
// region files <stem>-reg.xml (table regions, PDF points, origin bottom-left), which make
// the truth exhaustive for detection.
//
// Per document: detection (predicted table boxes against regions at IoU >= 0.5), tables
// matched one to one on the same page by cell-text F1, ICDAR 2013 cell-adjacency relations
// (each non-empty cell with its nearest non-empty neighbour to the right and below, as text
// pairs), cell-text F1 (multisets of whitespace-normalised non-empty cell texts) and grid shape.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/document.h"

namespace assay {

using TextGrid = std::vector<std::vector<std::string>>;

// RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and line breaks).
TextGrid ParseCsvGrid(const std::string& text);

// Cell-adjacency relations of a grid: "a\x1fb\x1fH" / "a\x1fb\x1fV" strings, one per
// non-empty cell and its nearest non-empty neighbour to the right / below.
std::vector<std::string> AdjacencyRelations(const TextGrid& grid);

// F1 of two multisets of strings; `tp` receives the size of their intersection.
double MultisetF1(std::vector<std::string> a, std::vector<std::string> b, int* tp = nullptr);

// The non-empty, whitespace-normalised cell texts of a grid.
std::vector<std::string> CellTexts(const TextGrid& grid);

// Table scores of one export record against the truth for `stem` in `dir`; nullopt when the
// folder holds no table truth for it. Sums for the summary are in the "counts" member.
std::optional<Json> ScoreTables(const Json& record, const std::filesystem::path& dir,
                                const std::string& stem);

// The summary over the documents' ScoreTables results.
Json SummarizeTables(const std::vector<Json>& scored);

}  // namespace assay
