#include "core/release_splits.h"

#include <numeric>
#include <unordered_map>

#include "core/sha256.h"

namespace assay {

std::vector<std::string> LeakageKeys(const Json& record) {
  std::vector<std::string> keys;
  const Json& source = record.value("source", Json::object());
  const std::string sha = source.value("sha256", Json()).is_string() ? source["sha256"].get<std::string>() : "";
  if (!sha.empty()) keys.push_back("source:" + sha);
  const std::string modality = record.value("modality", "");
  bool image_doc = modality == "page_image" || modality == "photo";
  for (const Json& image : record.value("images", Json::array())) {
    // A near-duplicate group goes to one split whole (copies across splits leak).
    if (image.contains("near_duplicate_group") && image["near_duplicate_group"].is_object()) {
      keys.push_back("image-group:" + image["near_duplicate_group"].value("group_id", ""));
    }
    if (image.contains("phash") && image["phash"].is_string()) {
      keys.push_back("image:" + image["phash"].get<std::string>());
      image_doc = false;  // the perceptual hash names the image better than the file's bytes
    }
  }
  if (image_doc && !sha.empty()) keys.push_back("image:" + sha);
  return keys;
}

std::vector<size_t> GroupByKeys(const std::vector<std::vector<std::string>>& keys) {
  std::vector<size_t> parent(keys.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::unordered_map<std::string, size_t> first;
  for (size_t i = 0; i < keys.size(); ++i) {
    for (const std::string& k : keys[i]) {
      auto [it, fresh] = first.emplace(k, i);
      if (fresh) continue;
      size_t a = find(it->second), b = find(i);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  std::vector<size_t> out(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) out[i] = find(i);
  return out;
}

std::vector<std::string> AssignSplits(const std::string& release_name,
                                      const std::vector<std::string>& ids,
                                      const std::vector<size_t>& group_of,
                                      const std::vector<SplitPart>& parts) {
  std::vector<std::string> out(ids.size());
  if (parts.empty()) return out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (group_of[i] != i) {
      out[i] = out[group_of[i]];  // the group's smallest member came first and was drawn
      continue;
    }
    const std::string h = Sha256Hex(release_name + "\n" + ids[i]);
    const double u = static_cast<double>(std::stoull(h.substr(0, 13), nullptr, 16)) /
                     static_cast<double>(1ull << 52);
    double cumulative = 0;
    out[i] = parts.back().name;
    for (const SplitPart& p : parts) {
      cumulative += p.share;
      if (u < cumulative) {
        out[i] = p.name;
        break;
      }
    }
  }
  return out;
}

}  // namespace assay
