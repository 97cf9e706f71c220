// The catalog: every stage and resource kind assay knows, with the versions of the libraries
// stages call. Built once from the declarations in stages/ (BuiltinCatalog() in
// stages/catalog.h) and handed to whatever needs it: the planner, the workers, the contract
// loader, `assay stages` and `assay metrics`. Tests build catalogs of their own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/resource.h"
#include "core/stage.h"

namespace assay {

// A metric with the stage that declares it.
struct MetricEntry {
  const MetricSpec* metric = nullptr;
  const StageSpec* stage = nullptr;
};

class StageCatalog {
 public:
  // Checks the declarations: unique stage ids, each metric declared once, resource kinds
  // unique, parameter defaults valid. Throws std::logic_error naming the first mistake (a
  // programming error, caught by the catalog's unit test).
  StageCatalog(std::vector<const StageSpec*> stages, std::vector<const ResourceKind*> resources,
               nlohmann::json libraries);

  const std::vector<const StageSpec*>& stages() const { return stages_; }
  const std::vector<const ResourceKind*>& resources() const { return resources_; }
  // {"poppler": "22.12.0", "tesseract": "5.3.0", ...}: what LibraryVersions() reported.
  const nlohmann::json& libraries() const { return libraries_; }

  const StageSpec* FindStage(std::string_view id) const;
  const ResourceKind* FindResource(std::string_view kind) const;
  // The metric named `name` and its stage; {nullptr, nullptr} when no stage declares it.
  MetricEntry FindMetric(std::string_view name) const;
  // Every metric, sorted by name.
  std::vector<MetricEntry> Metrics() const;
  // The modalities stages may assign, sorted: what a contract set must cover.
  std::vector<std::string> Modalities() const;

  // The catalog as `assay stages --json` prints it.
  nlohmann::ordered_json StagesJson() const;
  // The metrics as `assay metrics --json` prints them.
  nlohmann::ordered_json MetricsJson() const;

 private:
  std::vector<const StageSpec*> stages_;
  std::vector<const ResourceKind*> resources_;
  nlohmann::json libraries_;
};

}  // namespace assay
