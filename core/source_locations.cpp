#include "core/source_locations.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/path_text.h"
#include "core/sha256.h"

namespace assay {

std::vector<std::string> SourceLocations(Store& store, const std::string& doc_id) {
  Statement q(store.db().handle(),
              "SELECT d.path, r.cwd FROM documents d LEFT JOIN runs r ON r.run_id = d.run_id "
              "WHERE d.doc_id = ?1 "
              "UNION ALL SELECT p.path, r.cwd FROM source_paths p JOIN documents d ON "
              "d.source_id = p.source_id LEFT JOIN runs r ON r.run_id = p.last_run_id WHERE d.doc_id = ?1 "
              "UNION ALL SELECT p.resolved_path, NULL FROM source_paths p JOIN documents d ON "
              "d.source_id = p.source_id WHERE d.doc_id = ?1 AND p.resolved_path IS NOT NULL");
  q.Bind(1, doc_id);
  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  while (q.Step()) {
    const std::string path = PathFromText(q.Text(0));
    if (!path.empty() && path[0] != '/' && !q.IsNull(1)) {
      add((std::filesystem::path(PathFromText(q.Text(1))) / path).lexically_normal().string());
    }
    add(path);
  }
  return out;
}

std::optional<std::string> ReadSource(Store& store, const std::string& doc_id, const std::string& source_id,
                                      std::string* found_at) {
  for (const std::string& p : SourceLocations(store, doc_id)) {
    std::ifstream in(p, std::ios::binary);
    if (!in) continue;
    std::ostringstream s;
    s << in.rdbuf();
    std::string bytes = s.str();
    if (Sha256Hex(bytes) != source_id) continue;
    if (found_at != nullptr) *found_at = p;
    return bytes;
  }
  return std::nullopt;
}

std::optional<std::string> FindSource(Store& store, const std::string& doc_id, const std::string& source_id) {
  for (const std::string& p : SourceLocations(store, doc_id)) {
    if (Sha256File(p) == std::optional<std::string>(source_id)) return p;
  }
  return std::nullopt;
}

}  // namespace assay
