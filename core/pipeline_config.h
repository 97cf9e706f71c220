// Pipeline configuration: per container, the stages in order, and stage parameters.
//
//   [pipeline.pdf]
//   stages = ["pdf_text", "rasterize", "ocr", "quality"]
//
//   [params.ocr]                  # for every container
//   psm = 3
//
//   [pipeline.image.params.ocr]   # for one container only (wins over [params])
//   psm = 6
//
// The compiled default is stages/pipelines.toml; `assay run --config FILE` overlays a file of
// the same shape (its pipelines replace the default's for the containers it names; its
// parameters win). Then `--set`, then a document's own parameters (manifest, `queue
// reprocess --set`). Parsing is strict: an unknown key, container, stage or parameter, a stage
// in a container it cannot handle, or an invalid value is an error naming file:line:column.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"
#include "core/stage_catalog.h"

namespace assay {

// Parameter values by stage then parameter, {"ocr": {"psm": 6}}, each value canonical.
using ParamLayer = CanonicalJson;

struct PipelineConfig {
  std::map<std::string, std::vector<std::string>> pipelines;  // container -> stage ids
  ParamLayer params = ParamLayer::object();                   // every container
  std::map<std::string, ParamLayer> container_params;         // one container each
  // Canonical form, for the run record and its hash.
  CanonicalJson ToJson() const;
  // Reads the canonical form back (a run's record), validating it against `catalog` as a
  // configuration file would be: a stage or parameter that no longer exists is an error.
  static Result<PipelineConfig> FromJson(const CanonicalJson& j, const StageCatalog& catalog);
};

// Parses one configuration text. `path` names it in errors ("builtin:pipelines.toml").
Result<PipelineConfig> ParsePipelineConfig(const std::string& text, const std::string& path,
                                           const StageCatalog& catalog);

// Reads and parses a configuration file.
Result<PipelineConfig> LoadPipelineConfig(const std::string& path, const StageCatalog& catalog);

// The compiled default configuration (stages/pipelines.toml).
Result<PipelineConfig> DefaultPipelineConfig(const StageCatalog& catalog);

// `over` on top of `base`: its pipelines replace base's for the containers it names, its
// parameters win key by key.
PipelineConfig Overlay(PipelineConfig base, const PipelineConfig& over);

// Checks that every container documents can have (KnownContainers()) has a pipeline.
Status CheckComplete(const PipelineConfig& config);

// What a run uses: the compiled default with the file at `path` (when not empty) overlaid,
// checked complete.
Result<PipelineConfig> EffectiveConfig(const std::string& path, const StageCatalog& catalog);

// `--set stage.param=value` options, validated against the catalog. A value is read as JSON
// when it parses as a JSON number, boolean or string ("1.5", "true", "\"6\""), else as text.
Result<ParamLayer> ParseSetOptions(const std::vector<std::string>& set,
                                   const StageCatalog& catalog);

// Validates a layer read back from the store (a document's own parameters): unknown stages or
// parameters and invalid values are errors; valid values come back canonical.
Result<ParamLayer> ValidateLayer(const CanonicalJson& layer, const StageCatalog& catalog);

// `over` merged into `base`, key by key.
ParamLayer MergeLayers(ParamLayer base, const ParamLayer& over);

}  // namespace assay
