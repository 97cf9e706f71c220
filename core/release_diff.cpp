#include "core/release_diff.h"

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/ks_test.h"
#include "core/release_layout.h"

namespace assay {
namespace {

using release_layout::Round4;

namespace fs = std::filesystem;

Result<Json> ReadJson(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return Error{"usage", p.string() + ": missing (not a release folder?)"};
  try {
    return Json::parse(in);
  } catch (const std::exception& e) {
    return Error{"usage", p.string() + ": not JSON: " + e.what()};
  }
}

// Reads documents.jsonl one record at a time (sorted by doc_id, as written).
class Records {
 public:
  explicit Records(const fs::path& dir) : in_(dir / release_layout::kDocuments, std::ios::binary) { Next(); }
  bool done() const { return done_; }
  const Json& record() const { return rec_; }
  const std::string& id() const { return id_; }
  void Next() {
    std::string line;
    done_ = !std::getline(in_, line);
    if (done_) return;
    rec_ = Json::parse(line);
    id_ = rec_["doc_id"].get<std::string>();
  }

 private:
  std::ifstream in_;
  Json rec_;
  std::string id_;
  bool done_ = false;
};

// What differs between two records of one document: the stages whose transformation differs
// (version, parameters, resources, input or output), then the other parts.
Json Changes(const Json& a, const Json& b) {
  std::map<std::string, std::string> ta, tb;
  for (const Json& t : a["lineage"]["transformations"]) ta[t["stage"].get<std::string>()] = DumpJson(t);
  for (const Json& t : b["lineage"]["transformations"]) tb[t["stage"].get<std::string>()] = DumpJson(t);
  Json stages = Json::array();
  std::set<std::string> names;
  for (const auto& [k, v] : ta) names.insert(k);
  for (const auto& [k, v] : tb) names.insert(k);
  // Plan order of A (then stages only B has), so "the first stage that changed" reads first.
  std::vector<std::string> order;
  for (const Json& t : a["lineage"]["transformations"]) order.push_back(t["stage"].get<std::string>());
  for (const Json& t : b["lineage"]["transformations"]) {
    if (!ta.count(t["stage"].get<std::string>())) order.push_back(t["stage"].get<std::string>());
  }
  for (const std::string& s : order) {
    if (ta[s] != tb[s]) stages.push_back(s);
  }
  Json parts = Json::array();
  for (const char* k : {"text", "pages", "tables", "images", "metrics", "contract", "annotations", "source",
                        "waived", "split", "license", "source_url"}) {
    if (a.value(k, Json()) != b.value(k, Json())) parts.push_back(k);
  }
  if (a["lineage"]["processing_version"] != b["lineage"]["processing_version"]) parts.push_back("processing_version");
  return {{"stages", stages}, {"parts", parts}};
}

}  // namespace

Result<Json> DiffReleases(const fs::path& a_dir, const fs::path& b_dir) {
  auto ma = ReadJson(a_dir / release_layout::kManifest);
  if (!ma.ok()) return ma.error();
  auto mb = ReadJson(b_dir / release_layout::kManifest);
  if (!mb.ok()) return mb.error();
  Json added = Json::array(), removed = Json::array(), changed = Json::array();
  std::map<std::string, std::vector<double>> va, vb;
  int unchanged = 0;
  auto collect = [](const Json& r, std::map<std::string, std::vector<double>>& into) {
    for (const auto& [k, v] : r["metrics"].items()) into[k].push_back(v.get<double>());
  };
  auto brief = [](const Json& r) {
    return Json{{"doc_id", r["doc_id"]}, {"path", r["source"]["path"]}, {"modality", r["modality"]}};
  };
  try {
    Records a(a_dir), b(b_dir);
    while (!a.done() || !b.done()) {
      if (b.done() || (!a.done() && a.id() < b.id())) {
        removed.push_back(brief(a.record()));
        collect(a.record(), va);
        a.Next();
      } else if (a.done() || b.id() < a.id()) {
        added.push_back(brief(b.record()));
        collect(b.record(), vb);
        b.Next();
      } else {
        collect(a.record(), va);
        collect(b.record(), vb);
        if (DumpJson(a.record()) != DumpJson(b.record())) {
          Json c = brief(b.record());
          const Json changes = Changes(a.record(), b.record());
          for (const auto& [k, v] : changes.items()) c[k] = v;
          changed.push_back(std::move(c));
        } else {
          ++unchanged;
        }
        a.Next();
        b.Next();
      }
    }
  } catch (const std::exception& e) {
    return Error{"usage", std::string("documents.jsonl cannot be read: ") + e.what()};
  }

  Json shifts = Json::array();
  std::set<std::string> metric_names;
  for (const auto& [k, v] : va) metric_names.insert(k);
  for (const auto& [k, v] : vb) metric_names.insert(k);
  for (const std::string& m : metric_names) {
    auto mean = [](const std::vector<double>& v) {
      double s = 0;
      for (double x : v) s += x;
      return v.empty() ? Json() : Json(Round4(s / v.size()));
    };
    const KsResult ks = KolmogorovSmirnov(va[m], vb[m]);
    shifts.push_back({{"metric", m}, {"n_a", ks.n}, {"n_b", ks.m}, {"mean_a", mean(va[m])}, {"mean_b", mean(vb[m])},
                      {"ks_d", Round4(ks.d)}, {"p_value", Round4(ks.p_value)},
                      {"shifted", ks.n > 0 && ks.m > 0 && ks.p_value < 0.01}});
  }

  // Pass rates per rule: the datasheets' store-wide figures at each release's time.
  Json pass_rates = Json::array();
  {
    auto rates = [](const fs::path& dir) {
      std::map<std::string, Json> out;
      auto sheet = ReadJson(dir / "datasheet.json");
      if (!sheet.ok()) return out;
      for (const Json& r : sheet.value().value("contract_rules", Json::array())) {
        out[r["modality"].get<std::string>() + "/" + r["rule"].get<std::string>() + "/" + r["severity"].get<std::string>()] = r;
      }
      return out;
    };
    auto ra = rates(a_dir), rb = rates(b_dir);
    std::set<std::string> keys;
    for (const auto& [k, v] : ra) keys.insert(k);
    for (const auto& [k, v] : rb) keys.insert(k);
    for (const std::string& k : keys) {
      const Json pa = ra.count(k) ? ra[k]["pass_rate"] : Json(), pb = rb.count(k) ? rb[k]["pass_rate"] : Json();
      if (pa == pb) continue;
      pass_rates.push_back({{"rule", k}, {"a", pa}, {"b", pb}});
    }
  }
  auto keyset = [](const Json& o) {
    std::set<std::string> s;
    for (const auto& [k, v] : o.items()) s.insert(k);
    return s;
  };
  const auto pa = keyset(ma.value().value("processing_versions", Json::object()));
  const auto pb = keyset(mb.value().value("processing_versions", Json::object()));
  Json pv_only_a = Json::array(), pv_only_b = Json::array();
  for (const auto& p : pa) if (!pb.count(p)) pv_only_a.push_back(p);
  for (const auto& p : pb) if (!pa.count(p)) pv_only_b.push_back(p);
  return Json{{"a", {{"name", ma.value()["name"]}, {"content_sha256", ma.value()["content_sha256"]}}},
              {"b", {{"name", mb.value()["name"]}, {"content_sha256", mb.value()["content_sha256"]}}},
              {"summary", {{"added", added.size()}, {"removed", removed.size()}, {"changed", changed.size()},
                           {"unchanged", unchanged}}},
              {"added", added},
              {"removed", removed},
              {"changed", changed},
              {"metric_shifts", shifts},
              {"pass_rates", pass_rates},
              {"processing_versions", {{"only_a", pv_only_a}, {"only_b", pv_only_b}}},
              {"contracts", {{"a", ma.value().value("contracts", Json())}, {"b", mb.value().value("contracts", Json())}}},
              {"software_changed", ma.value().value("software", Json()) != mb.value().value("software", Json())}};
}

std::string DiffText(const Json& d) {
  std::ostringstream o;
  const Json& s = d["summary"];
  o << d["a"]["name"].get<std::string>() << " -> " << d["b"]["name"].get<std::string>() << ": " << s["added"]
    << " added, " << s["removed"] << " removed, " << s["changed"] << " changed, " << s["unchanged"] << " unchanged\n";
  for (const Json& r : d["added"]) o << "+ " << r["doc_id"].get<std::string>() << "  " << r["path"].get<std::string>() << "\n";
  for (const Json& r : d["removed"]) o << "- " << r["doc_id"].get<std::string>() << "  " << r["path"].get<std::string>() << "\n";
  for (const Json& r : d["changed"]) {
    o << "~ " << r["doc_id"].get<std::string>() << "  " << r["path"].get<std::string>() << "  stages: ";
    std::string sep;
    for (const Json& st : r["stages"]) o << sep << st.get<std::string>(), sep = ",";
    if (r["stages"].empty()) o << "(none)";
    o << "  parts: ";
    sep.clear();
    for (const Json& p : r["parts"]) o << sep << p.get<std::string>(), sep = ",";
    o << "\n";
  }
  o << "metric shifts (two-sample Kolmogorov-Smirnov, p < 0.01 marked *):\n";
  for (const Json& m : d["metric_shifts"]) {
    o << "  " << (m["shifted"].get<bool>() ? "* " : "  ") << m["metric"].get<std::string>() << "  mean "
      << m["mean_a"].dump() << " -> " << m["mean_b"].dump() << "  D=" << m["ks_d"] << " p=" << m["p_value"] << "\n";
  }
  if (!d["pass_rates"].empty()) o << "pass rates (whole store, at each release):\n";
  for (const Json& p : d["pass_rates"]) o << "  " << p["rule"].get<std::string>() << ": " << p["a"].dump() << " -> " << p["b"].dump() << "\n";
  for (const Json& p : d["processing_versions"]["only_a"]) o << "processing_version only in A: " << p.get<std::string>() << "\n";
  for (const Json& p : d["processing_versions"]["only_b"]) o << "processing_version only in B: " << p.get<std::string>() << "\n";
  return o.str();
}

}  // namespace assay
