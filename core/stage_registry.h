// The one table of stages and the plans that order them per container type.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/stage.h"

namespace assay {

// One row of the stage table.
struct StageInfo {
  std::string_view id;
  std::string_view summary;
  // Builds the stage from its default parameters overlaid with `overrides` (a JSON object;
  // an unknown key is an Error).
  Result<std::unique_ptr<Stage>> (*make)(const nlohmann::json& overrides);
};

// Every stage assay knows, in a fixed order.
const std::vector<StageInfo>& StageTable();

// The stage ids run, in order, for a container type ("pdf" or "image"); empty if unknown.
std::vector<std::string> PlanFor(std::string_view container);

// Builds the stages of a plan with parameter overrides keyed by stage id
// ({"ocr": {"psm": 6}}). Fails on an unknown stage or parameter.
Result<std::vector<std::unique_ptr<Stage>>> BuildPlan(const std::vector<std::string>& ids,
                                                      const nlohmann::json& overrides);

// Merges `overrides` into `defaults`, refusing keys the defaults do not have and values of
// another JSON type. Shared by every stage's factory.
Result<nlohmann::json> MergeParams(std::string_view stage, nlohmann::json defaults,
                                   const nlohmann::json& overrides);

}  // namespace assay
