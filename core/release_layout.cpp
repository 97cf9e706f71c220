#include "core/release_layout.h"

#include <algorithm>

#include "core/sha256.h"

namespace assay::release_layout {
namespace {
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
}  // namespace

std::string KindOf(std::string_view path) {
  if (path == kDocuments) return "documents";
  if (path == kDuplicates) return "duplicates";
  if (path == "datasheet.md" || path == "datasheet.html" || path == "datasheet.json") return "datasheet";
  if (StartsWith(path, "tables/") && EndsWith(path, ".csv")) return "table";
  if (StartsWith(path, "images/") && EndsWith(path, ".tar")) return "image_shard";
  if (StartsWith(path, "markdown/") && EndsWith(path, ".md")) return "markdown";
  return "";
}

bool IsData(std::string_view kind) { return kind != "datasheet"; }

std::string ContentSha256(std::vector<std::pair<std::string, std::string>> files) {
  std::sort(files.begin(), files.end());
  Sha256 h;
  for (const auto& [path, sha] : files) {
    h.Update(path);
    h.Update("\t");
    h.Update(sha);
    h.Update("\n");
  }
  return h.Hex();
}

}  // namespace assay::release_layout
