#include "core/table_hints.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace assay {
namespace {

Error Wrong(const std::string& what) { return Error{"manifest", what}; }

// A finite, non-negative coordinate, or nullopt.
std::optional<double> Coordinate(const nlohmann::json& v) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < 0) return std::nullopt;
  return d;
}

}  // namespace

bool TableHints::Searches(int page) const {
  return pages.empty() || std::binary_search(pages.begin(), pages.end(), page);
}

Result<std::string> TableHintsFromManifest(const nlohmann::json& entry) {
  CanonicalJson out = CanonicalJson::object();
  if (entry.contains("pages")) {
    const nlohmann::json& p = entry["pages"];
    if (!p.is_array() || p.empty()) return Wrong("\"pages\" must be a non-empty list of page numbers");
    std::vector<int> pages;
    for (const auto& v : p) {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 ||
          v.get<int64_t>() > std::numeric_limits<int>::max()) {
        return Wrong("\"pages\" holds " + v.dump() + ": page numbers are whole numbers from 1");
      }
      pages.push_back(static_cast<int>(v.get<int64_t>()));
    }
    std::sort(pages.begin(), pages.end());
    pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
    out["pages"] = pages;
  }
  if (entry.contains("table_areas")) {
    const nlohmann::json& a = entry["table_areas"];
    if (!a.is_array() || a.empty()) {
      return Wrong("\"table_areas\" must be a non-empty list of [x0, y0, x1, y1]");
    }
    if (a.size() > kMaxTableAreas) {
      return Wrong("\"table_areas\" lists " + std::to_string(a.size()) + " areas; at most " +
                   std::to_string(kMaxTableAreas));
    }
    CanonicalJson areas = CanonicalJson::array();
    for (const auto& box : a) {
      std::optional<double> c[4];
      if (box.is_array() && box.size() == 4) {
        for (size_t i = 0; i < 4; ++i) c[i] = Coordinate(box[i]);
      }
      if (!c[0] || !c[1] || !c[2] || !c[3] || *c[2] <= *c[0] || *c[3] <= *c[1]) {
        return Wrong("\"table_areas\" holds " + box.dump().substr(0, 80) +
                     ": an area is [x0, y0, x1, y1] with 0 <= x0 < x1 and 0 <= y0 < y1 "
                     "(top-left origin)");
      }
      areas.push_back({*c[0], *c[1], *c[2], *c[3]});
    }
    out["table_areas"] = areas;
  }
  return out.dump();
}

Result<TableHints> ParseTableHints(const std::string& canonical) {
  const CanonicalJson j = CanonicalJson::parse(canonical, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Error{"tables", "the table hints are not a JSON object"};
  // The text was made by TableHintsFromManifest: read it back through the same checks.
  Result<std::string> again = TableHintsFromManifest(j);
  if (!again.ok()) return Error{"tables", again.error().message};
  TableHints h;
  if (j.contains("pages")) h.pages = j["pages"].get<std::vector<int>>();
  if (j.contains("table_areas")) {
    for (const auto& b : j["table_areas"]) {
      h.areas.push_back(Box{b[0].get<double>(), b[1].get<double>(), b[2].get<double>(),
                            b[3].get<double>()});
    }
  }
  return h;
}

}  // namespace assay
