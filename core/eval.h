// `assay eval`: a store's outputs scored against ground truth in the corpora's formats.
//
// Documents are matched to ground truth by their source's SHA-256 through the ground-truth
// folder's manifest.csv (its `sha256` column and the file named in its first column), else by
// the source file's stem. For a stem S the folder may hold:
//   S.gt.txt       the text in reading order: CER and WER, ordered and order-free (the same
//                  measures over the words sorted, so a reading-order error costs nothing)
//   S.layout.json  regions: PubLayNet's `regions` (one page) or `pages[].regions`, each with
//                  `category` (text, title, list, table, figure) and `bbox_xywh`; optional
//                  `order` (reading order) and `headings` ([{text, level}], level 0: title)
// Region precision/recall/F1 per category at IoU >= 0.5 (block types map to categories:
// paragraph, caption, footnote -> text; title, heading -> title; list, table, figure as named;
// header and footer are not scored), reading-order correctness (share of consecutive ordered
// ground-truth regions whose matched blocks come in the same order), heading precision,
// recall and level accuracy.
//   S.page-P.table-N[.V].csv, S-reg.xml   tables (core/table_eval.h, docs/tables.md)
#pragma once

#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"
#include "core/store.h"

namespace assay {

// The evaluation as a report: {"documents": [...per document...], "summary": {...}}.
// Error (stage "usage") when `gt_dir` is not a folder.
Result<Json> EvaluateStore(Store& store, const std::string& gt_dir);

// The category PubLayNet scores a block type in, or "" for one it does not annotate.
std::string LayoutCategory(const std::string& block_type);

// The same over export records (the JSON of `assay export --stable`, e.g. another tool's
// output in that format, as bench/tables_bench.py scores baselines).
Result<Json> EvaluateRecords(const std::vector<Json>& records, const std::string& gt_dir);

// Intersection over union of two boxes (0 when either is empty).
double BoxIou(const Box& a, const Box& b);

// Word error rate: word-level Levenshtein distance over the reference's word count.
double WordErrorRate(const std::string& hypothesis, const std::string& reference);

// The words of `text` sorted and joined by single spaces: the order-free form of a text.
std::string SortedWords(const std::string& text);

}  // namespace assay
