// The layout of a release folder (docs/releases.md), declared once for `release create`,
// `validate` and `diff`. Every file but manifest.json and lineage.jsonl is listed in the
// manifest with its kind, SHA-256 and size. A new per-document rendering (Markdown from the
// layout stage, ...) is a new folder and kind: validators check every listed file by hash
// whatever its kind, so adding one is not a format change.
//
//   manifest.json            what is in the release; content_sha256
//   lineage.jsonl            volatile facts (times, runs, hosts); not hashed
//   documents.jsonl          the stable export records, sorted by doc_id        kind "documents"
//   duplicates.jsonl         text duplicates left out, with the member kept     kind "duplicates"
//   tables/<doc_id>.p<page>.t<n>.csv   one CSV (RFC 4180) per table            kind "table"
//   images/<split>-NNNNNN.tar          WebDataset shards: <doc_id>.<ext> + .json kind "image_shard"
//                                      and a video's frames: <doc_id>/<frame>.png + .json
//   markdown/<doc_id>.md               the record as Markdown (layout's blocks)  kind "markdown"
//   datasheet.md|.html|.json           the datasheet                           kind "datasheet"
#pragma once

#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assay::release_layout {

inline constexpr int kFormatVersion = 1;

// Figures in release reports (datasheet, diff) carry 4 decimals: stable across platforms' last bits.
inline double Round4(double v) { return std::round(v * 1e4) / 1e4; }
inline constexpr std::string_view kManifest = "manifest.json";
inline constexpr std::string_view kLineage = "lineage.jsonl";
inline constexpr std::string_view kDocuments = "documents.jsonl";
inline constexpr std::string_view kDuplicates = "duplicates.jsonl";
inline constexpr std::string_view kTablesDir = "tables";
inline constexpr std::string_view kImagesDir = "images";
inline constexpr std::string_view kMarkdownDir = "markdown";

// The kind of a release file from its path ("" for one the layout does not know).
std::string KindOf(std::string_view path);

// Whether a kind is data, i.e. part of content_sha256. The datasheet is not: it describes the
// store at release time (queue state, agreement), which changes while the data does not; a
// second `create` of unchanged data must stay a no-op. The manifest still hashes it.
bool IsData(std::string_view kind);

// content_sha256: SHA-256 over "<path>\t<sha256>\n" of every data file, sorted by path.
std::string ContentSha256(std::vector<std::pair<std::string, std::string>> path_and_sha256);

}  // namespace assay::release_layout
