// Work requests as the supervisor makes them, for unit tests that run a DocumentRunner
// in-process: the default pipeline's plan for the container, the file's hash as its id.
#pragma once

#include <string>

#include "core/pipeline_config.h"
#include "core/plan.h"
#include "core/sha256.h"
#include "core/work.h"
#include "stages/catalog.h"

namespace assay::testing {

inline WorkRequest PlannedRequest(const std::string& path, const std::string& container) {
  auto config = DefaultPipelineConfig(BuiltinCatalog());
  Planner planner(BuiltinCatalog(), config.value(), ParamLayer::object());
  WorkRequest req;
  req.path = path;
  req.source_sha256 = Sha256File(req.path).value();
  req.doc_id = req.source_sha256;
  req.container = container;
  req.plan = planner.For(container).value().ToJson();
  return req;
}

}  // namespace assay::testing
