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
  std::string trouble;
  if (fs::is_directory(dir, ec)) {
    // Symlinked folders are followed (font folders use them), to a bounded depth (a link loop
    // must not hang the run).
    const auto options = fs::directory_options::follow_directory_symlink |
                         fs::directory_options::skip_permission_denied;
    fs::recursive_directory_iterator it(dir, options, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it.depth() > 16) it.disable_recursion_pending();
      std::error_code fec;
      if (it->is_regular_file(fec)) files.push_back(it->path());
    }
    if (ec) trouble = ec.message();
  }
  std::sort(files.begin(), files.end());
  Sha256 all;
  // A walk that stopped early is not the folder's identity: say so in the hash.
  if (!trouble.empty()) all.Update("incomplete: " + trouble + "\n");
  for (const fs::path& f : files) {
    uint64_t size = 0;
    const auto sha = Sha256File(f, &size);
    all.Update(f.lexically_relative(dir).string() + "\n" + std::to_string(size) + "\n" +
               sha.value_or("unreadable") + "\n");
  }
  return all.Hex();
}

}  // namespace assay
