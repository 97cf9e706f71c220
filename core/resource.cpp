#include "core/resource.h"

#include <algorithm>
#include <filesystem>

#include "core/sha256.h"

namespace fs = std::filesystem;

namespace assay {

nlohmann::json ResolvedResource::ToJson() const {
  return {{"kind", ref.kind}, {"name", ref.name}, {"sha256", sha256}, {"location", location}};
}

ResolvedResource ResolvedResource::FromJson(const nlohmann::json& j) {
  return ResolvedResource{{j.at("kind"), j.at("name")}, j.at("sha256"), j.value("location", "")};
}

std::string HashTree(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  Sha256 all;
  for (const fs::path& f : files) {
    uint64_t size = 0;
    const auto sha = Sha256File(f, &size);
    all.Update(f.lexically_relative(dir).string() + "\n" + std::to_string(size) + "\n" +
               sha.value_or("unreadable") + "\n");
  }
  return all.Hex();
}

}  // namespace assay
