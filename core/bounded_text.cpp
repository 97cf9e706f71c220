#include "core/bounded_text.h"

namespace assay {

std::string BoundedText(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t cut = limit;
  // Step back over continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + " \u2026 [truncated, " + std::to_string(text.size()) +
         " bytes]";
}

Json BoundedJson(const Json& j, size_t limit) {
  if (j.is_string()) return BoundedText(j.get_ref<const std::string&>(), limit);
  if (j.is_array()) {
    Json out = Json::array();
    for (const Json& v : j) out.push_back(BoundedJson(v, limit));
    return out;
  }
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[BoundedText(k, limit)] = BoundedJson(v, limit);
    return out;
  }
  return j;
}

}  // namespace assay
