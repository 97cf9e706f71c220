// libFuzzer target: the pipeline configuration loader (core/pipeline_config.h) against the
// built-in catalog, then what a run does with a configuration that loads: overlay it on the
// default, check it is complete, and read back its recorded form.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/pipeline_config.h"
#include "stages/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const assay::StageCatalog& catalog = assay::BuiltinCatalog();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = assay::ParsePipelineConfig(text, "fuzz.toml", catalog);
  if (!config.ok()) return 0;
  static const assay::PipelineConfig kDefault = assay::DefaultPipelineConfig(catalog).value();
  const assay::PipelineConfig effective = assay::Overlay(kDefault, config.value());
  if (!assay::CheckComplete(effective).ok()) return 0;
  // The run records the configuration; a recorded one must load again.
  if (!assay::PipelineConfig::FromJson(effective.ToJson(), catalog).ok()) std::abort();
  return 0;
}
