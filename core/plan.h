// A document's plan: the stages it goes through, in order, each with its version, complete
// canonical parameters, the resources it needs (located and hashed) and the versions of the
// libraries it calls. The supervisor resolves it once per document (Planner) and sends it with
// the document; the worker runs exactly that plan and derives nothing itself. The plan is also
// what the document's processing_version and each stage's reuse key are made of, so lineage
// cannot say one thing while a worker did another.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/pipeline_config.h"
#include "core/resource.h"
#include "core/result.h"
#include "core/stage_catalog.h"

namespace assay {

struct PlannedStage {
  const StageSpec* spec = nullptr;
  CanonicalJson params;                     // complete, canonical
  std::vector<ResolvedResource> resources;  // in the order the stage declared them
  CanonicalJson libraries;                  // {"poppler": "22.12.0"}: those the stage calls
  std::string params_sha256;                // of params' canonical dump
  // Of {"libraries", "resources": [{kind, name, sha256}]}: everything besides the input and
  // parameters that can change the stage's output. With (stage, version, params_sha256,
  // input) it is the reuse key.
  std::string resources_sha256;
  // What lineage records for the stage's resources: the object resources_sha256 hashes.
  CanonicalJson ResourcesJson() const;
};

struct Plan {
  std::string container;
  std::vector<PlannedStage> stages;

  // The wire form a worker receives: stages with ids, versions, params, resources (with
  // locations) and libraries.
  CanonicalJson ToJson() const;
  // Reads a plan back in a worker, checking every stage exists in `catalog` with the same
  // version (a worker of another build must not run a plan it does not implement).
  static Result<Plan> FromJson(const CanonicalJson& j, const StageCatalog& catalog);
  // The identity of the plan: stages, versions, params, resource hashes and library versions
  // (locations left out: the same model at another path is the same model).
  const std::string& IdentitySha256() const { return identity_sha256_; }

  // Computes what is derived from the stages: each stage's params_sha256 and
  // resources_sha256, and the plan's identity. Called once a plan is complete.
  void Seal();

 private:
  std::string identity_sha256_;
};

// Resolves plans from the pipeline configuration and parameter layers, caching resolved
// resources (each is located and hashed once per process) and plans.
class Planner {
 public:
  // `config` must be complete (CheckComplete); `run_params` are the run-wide `--set` values.
  Planner(const StageCatalog& catalog, PipelineConfig config, ParamLayer run_params);

  // The plan of a document of `container` with its own parameters. Fails for an unknown
  // container, invalid document parameters (stage "usage") or a resource that cannot be
  // resolved (stage: the stage that needs it; the message says how to install it).
  Result<Plan> For(const std::string& container,
                   const ParamLayer& doc_params = ParamLayer::object());

  const PipelineConfig& config() const { return config_; }
  const ParamLayer& run_params() const { return run_params_; }
  const StageCatalog& catalog() const { return catalog_; }

 private:
  Result<ResolvedResource> Resolve(const ResourceRef& ref);

  const StageCatalog& catalog_;
  PipelineConfig config_;
  ParamLayer run_params_;
  std::map<ResourceRef, Result<ResolvedResource>> resolved_;
  std::map<std::string, Result<Plan>> plans_;
};

}  // namespace assay
