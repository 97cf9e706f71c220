#include "core/plan.h"

#include "core/sha256.h"

namespace assay {

CanonicalJson PlannedStage::ResourcesJson() const {
  CanonicalJson rs = CanonicalJson::array();
  for (const ResolvedResource& r : resources) {
    rs.push_back({{"kind", r.ref.kind}, {"name", r.ref.name}, {"sha256", r.sha256}});
  }
  return {{"libraries", libraries}, {"resources", std::move(rs)}};
}

CanonicalJson Plan::ToJson() const {
  CanonicalJson stages_json = CanonicalJson::array();
  for (const PlannedStage& s : stages) {
    CanonicalJson rs = CanonicalJson::array();
    for (const ResolvedResource& r : s.resources) rs.push_back(r.ToJson());
    stages_json.push_back({{"stage", s.spec->id},
                           {"version", s.spec->version},
                           {"params", s.params},
                           {"resources", std::move(rs)},
                           {"libraries", s.libraries}});
  }
  return {{"container", container}, {"stages", std::move(stages_json)}};
}

Result<Plan> Plan::FromJson(const CanonicalJson& j, const StageCatalog& catalog) {
  Plan plan;
  try {
    plan.container = j.at("container");
    for (const CanonicalJson& sj : j.at("stages")) {
      const std::string id = sj.at("stage");
      const int version = sj.at("version");
      PlannedStage s;
      s.spec = catalog.FindStage(id);
      if (s.spec == nullptr || s.spec->version != version) {
        return Error{"worker", "the plan names stage " + id + " v" + std::to_string(version) +
                                   ", which this worker does not implement"};
      }
      s.params = sj.at("params");
      for (const CanonicalJson& rj : sj.at("resources")) {
        s.resources.push_back(ResolvedResource::FromJson(rj));
      }
      s.libraries = sj.at("libraries");
      // A plan this worker would run otherwise than planned is refused: every declared
      // parameter present and valid, none other, and the libraries as this worker has them.
      if (!s.params.is_object() || s.params.size() != s.spec->params.size()) {
        return Error{"worker", "the plan's parameters of " + id + " are not its declared ones"};
      }
      for (const ParamSpec& p : s.spec->params) {
        const std::string name(p.name);
        if (!s.params.contains(name)) {
          return Error{"worker", "the plan lacks parameter " + id + "." + name};
        }
        auto valid = ValidateParam(s.spec->id, p, s.params[name]);
        if (!valid.ok()) return Error{"worker", valid.error().message};
      }
      for (std::string_view lib : s.spec->libraries) {
        const std::string name(lib);
        const CanonicalJson planned = s.libraries.value(name, CanonicalJson());
        const CanonicalJson mine = catalog.libraries().value(name, CanonicalJson());
        if (planned != mine) {
          return Error{"worker", "this worker has " + name + " " + mine.dump() +
                                     ", the plan was made for " + planned.dump()};
        }
      }
      plan.stages.push_back(std::move(s));
    }
  } catch (const std::exception& e) {
    return Error{"worker", std::string("malformed plan: ") + e.what()};
  }
  plan.Seal();
  return plan;
}

void Plan::Seal() {
  CanonicalJson stages_json = CanonicalJson::array();
  for (PlannedStage& s : stages) {
    const CanonicalJson resources = s.ResourcesJson();
    s.params_sha256 = Sha256Hex(DumpCanonical(s.params));
    s.resources_sha256 = Sha256Hex(DumpCanonical(resources));
    stages_json.push_back({{"stage", s.spec->id},
                           {"version", s.spec->version},
                           {"params", s.params},
                           {"resources", resources}});
  }
  identity_sha256_ =
      Sha256Hex(DumpCanonical({{"container", container}, {"stages", std::move(stages_json)}}));
}

Planner::Planner(const StageCatalog& catalog, PipelineConfig config, ParamLayer run_params)
    : catalog_(catalog), config_(std::move(config)), run_params_(std::move(run_params)) {}

Result<ResolvedResource> Planner::Resolve(const ResourceRef& ref) {
  auto it = resolved_.find(ref);
  if (it != resolved_.end()) return it->second;
  const ResourceKind* kind = catalog_.FindResource(ref.kind);
  Result<ResolvedResource> r =
      kind == nullptr
          ? Result<ResolvedResource>(Error{"resource", "unknown resource kind '" + ref.kind + "'"})
          : kind->resolve(ref.name);
  resolved_.emplace(ref, r);
  return r;
}

Result<Plan> Planner::For(const std::string& container, const ParamLayer& doc_params) {
  const std::string key = container + "\n" + DumpCanonical(doc_params);
  if (auto it = plans_.find(key); it != plans_.end()) return it->second;

  auto build = [&]() -> Result<Plan> {
    auto pipeline = config_.pipelines.find(container);
    if (pipeline == config_.pipelines.end()) {
      return Error{"config", "no pipeline for container '" + container + "'"};
    }
    auto own = ValidateLayer(doc_params, catalog_);
    if (!own.ok()) return own.error();
    const ParamLayer& per_container = config_.container_params.count(container)
                                          ? config_.container_params.at(container)
                                          : ParamLayer::object();
    // Lowest first: declared defaults, configuration, per-container configuration, --set,
    // the document's own parameters.
    ParamLayer layers = MergeLayers(config_.params, per_container);
    layers = MergeLayers(std::move(layers), run_params_);
    layers = MergeLayers(std::move(layers), own.value());

    Plan plan;
    plan.container = container;
    for (const std::string& id : pipeline->second) {
      PlannedStage s;
      s.spec = catalog_.FindStage(id);
      if (s.spec == nullptr) return Error{"config", "unknown stage '" + id + "'"};
      s.params = CanonicalJson::object();
      for (const ParamSpec& p : s.spec->params) s.params[std::string(p.name)] = p.default_value;
      if (layers.contains(id)) {
        for (const auto& [k, v] : layers[id].items()) s.params[k] = v;
      }
      if (s.spec->resources != nullptr) {
        for (const ResourceRef& ref : s.spec->resources(s.params)) {
          auto r = Resolve(ref);
          if (!r.ok()) return Error{id, r.error().message};
          s.resources.push_back(r.value());
        }
      }
      s.libraries = CanonicalJson::object();
      for (std::string_view lib : s.spec->libraries) {
        s.libraries[std::string(lib)] = catalog_.libraries().at(std::string(lib));
      }
      plan.stages.push_back(std::move(s));
    }
    plan.Seal();
    return plan;
  };
  return plans_.emplace(key, build()).first->second;
}

}  // namespace assay
