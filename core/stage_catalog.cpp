#include "core/stage_catalog.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace assay {
namespace {

std::string_view TypeName(ParamType t) {
  switch (t) {
    case ParamType::kInt:
      return "int";
    case ParamType::kNumber:
      return "number";
    case ParamType::kString:
      return "string";
    case ParamType::kBool:
      return "bool";
  }
  return "?";
}

std::string_view PixelsName(Pixels p) {
  switch (p) {
    case Pixels::kNone:
      return "none";
    case Pixels::kReads:
      return "reads";
    case Pixels::kMakes:
      return "makes";
  }
  return "?";
}

// A bound as people write it: 36, not 36.0.
nlohmann::ordered_json Bound(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v))) return static_cast<int64_t>(v);
  return v;
}

std::vector<std::string> Strings(const std::vector<std::string_view>& v) {
  return {v.begin(), v.end()};
}

}  // namespace

StageCatalog::StageCatalog(std::vector<const StageSpec*> stages,
                           std::vector<const ResourceKind*> resources, nlohmann::json libraries)
    : stages_(std::move(stages)),
      resources_(std::move(resources)),
      libraries_(std::move(libraries)) {
  auto fail = [](const std::string& what) { throw std::logic_error("stage catalog: " + what); };
  std::set<std::string_view> ids, metrics, kinds;
  for (const ResourceKind* r : resources_) {
    if (!kinds.insert(r->kind).second) fail("resource kind '" + std::string(r->kind) + "' twice");
  }
  for (const StageSpec* s : stages_) {
    const std::string id(s->id);
    if (!ids.insert(s->id).second) fail("stage '" + id + "' twice");
    if (s->make == nullptr) fail("stage '" + id + "' has no factory");
    if (s->version < 1) fail("stage '" + id + "' has version < 1");
    for (const MetricSpec& m : s->metrics) {
      if (!metrics.insert(m.name).second) {
        fail("metric '" + std::string(m.name) + "' declared twice (again by " + id + ")");
      }
    }
    for (std::string_view lib : s->libraries) {
      if (!libraries_.contains(std::string(lib))) {
        fail("stage '" + id + "' names unknown library '" + std::string(lib) + "'");
      }
    }
    for (const ParamSpec& p : s->params) {
      auto v = ValidateParam(s->id, p, p.default_value);
      if (!v.ok()) fail("default of " + v.error().message);
      if (v.value() != p.default_value || v.value().dump() != p.default_value.dump()) {
        fail("default of " + id + "." + std::string(p.name) + " is not canonical");
      }
    }
  }
}

const StageSpec* StageCatalog::FindStage(std::string_view id) const {
  for (const StageSpec* s : stages_) {
    if (s->id == id) return s;
  }
  return nullptr;
}

const ResourceKind* StageCatalog::FindResource(std::string_view kind) const {
  for (const ResourceKind* r : resources_) {
    if (r->kind == kind) return r;
  }
  return nullptr;
}

MetricEntry StageCatalog::FindMetric(std::string_view name) const {
  for (const StageSpec* s : stages_) {
    if (const MetricSpec* m = s->FindMetric(name)) return {m, s};
  }
  return {};
}

std::vector<MetricEntry> StageCatalog::Metrics() const {
  std::vector<MetricEntry> out;
  for (const StageSpec* s : stages_) {
    for (const MetricSpec& m : s->metrics) out.push_back({&m, s});
  }
  std::sort(out.begin(), out.end(), [](const MetricEntry& a, const MetricEntry& b) {
    return a.metric->name < b.metric->name;
  });
  return out;
}

std::vector<std::string> StageCatalog::Modalities() const {
  std::set<std::string> all;
  for (const StageSpec* s : stages_) all.insert(s->establishes.begin(), s->establishes.end());
  return {all.begin(), all.end()};
}

nlohmann::ordered_json StageCatalog::StagesJson() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const StageSpec* s : stages_) {
    nlohmann::ordered_json params = nlohmann::ordered_json::array();
    for (const ParamSpec& p : s->params) {
      nlohmann::ordered_json j = {
          {"name", p.name}, {"type", TypeName(p.type)}, {"default", p.default_value}};
      if (p.type == ParamType::kInt || p.type == ParamType::kNumber) {
        j["min"] = Bound(p.min);
        j["max"] = Bound(p.max);
      }
      if (!p.choices.empty()) j["choices"] = Strings(p.choices);
      if (!p.pattern.empty()) j["pattern"] = p.pattern;
      j["meaning"] = p.meaning;
      params.push_back(std::move(j));
    }
    nlohmann::ordered_json metrics = nlohmann::ordered_json::array();
    for (const MetricSpec& m : s->metrics) {
      nlohmann::ordered_json mj = {{"name", m.name}, {"per_page", m.per_page}};
      if (m.per_cue) mj["per_cue"] = true;
      mj["meaning"] = m.meaning;
      metrics.push_back(std::move(mj));
    }
    out.push_back({{"id", s->id},
                   {"version", s->version},
                   {"summary", s->summary},
                   {"containers", Strings(s->containers)},
                   {"modalities", Strings(s->modalities)},
                   {"establishes", Strings(s->establishes)},
                   {"pixels", PixelsName(s->pixels)},
                   {"libraries", Strings(s->libraries)},
                   {"params", std::move(params)},
                   {"metrics", std::move(metrics)}});
  }
  return out;
}

nlohmann::ordered_json StageCatalog::MetricsJson() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const MetricEntry& e : Metrics()) {
    nlohmann::ordered_json mj = {
        {"name", e.metric->name}, {"stage", e.stage->id}, {"per_page", e.metric->per_page}};
    if (e.metric->per_cue) mj["per_cue"] = true;
    mj["meaning"] = e.metric->meaning;
    out.push_back(std::move(mj));
  }
  return out;
}

}  // namespace assay
