#include "core/stage_registry.h"

#include "stages/image_load.h"
#include "stages/ocr.h"
#include "stages/pdf_text.h"
#include "stages/quality.h"
#include "stages/rasterize.h"

namespace assay {

const std::vector<StageInfo>& StageTable() {
  // One line per stage. Explicit on purpose: no static self-registration.
  static const std::vector<StageInfo> kTable = {
      {"pdf_text", "PDF text layer: words with boxes, fonts and sizes, per page", MakePdfTextStage},
      {"rasterize", "render PDF pages without a text layer to 8-bit gray", MakeRasterizeStage},
      {"image_load", "decode a page image or photo; size, resolution, page or photo",
       MakeImageLoadStage},
      {"ocr", "Tesseract OCR of rasters: words, lines, blocks, confidences", MakeOcrStage},
      {"quality", "text quality signals, CER estimate, CER and heading recall vs ground truth",
       MakeQualityStage},
  };
  return kTable;
}

std::vector<std::string> PlanFor(std::string_view container) {
  if (container == "pdf") return {"pdf_text", "rasterize", "ocr", "quality"};
  if (container == "image") return {"image_load", "ocr", "quality"};
  return {};
}

Result<std::vector<std::unique_ptr<Stage>>> BuildPlan(const std::vector<std::string>& ids,
                                                      const nlohmann::json& overrides) {
  for (const auto& [key, value] : overrides.items()) {
    bool known = false;
    for (const StageInfo& info : StageTable()) known = known || info.id == key;
    if (!known) return Error{"config", "unknown stage '" + key + "'"};
  }
  std::vector<std::unique_ptr<Stage>> stages;
  for (const std::string& id : ids) {
    const StageInfo* info = nullptr;
    for (const StageInfo& row : StageTable()) {
      if (row.id == id) info = &row;
    }
    if (info == nullptr) return Error{"config", "unknown stage '" + id + "'"};
    auto stage = info->make(overrides.value(id, nlohmann::json::object()));
    if (!stage.ok()) return stage.error();
    stages.push_back(std::move(stage.value()));
  }
  return stages;
}

Result<nlohmann::json> MergeParams(std::string_view stage, nlohmann::json defaults,
                                   const nlohmann::json& overrides) {
  for (const auto& [key, value] : overrides.items()) {
    if (!defaults.contains(key)) {
      return Error{std::string(stage), "unknown parameter '" + key + "'"};
    }
    const bool both_numbers = defaults[key].is_number() && value.is_number();
    if (defaults[key].type() != value.type() && !both_numbers) {
      return Error{std::string(stage), "parameter '" + key + "' has the wrong type"};
    }
    defaults[key] = value;
  }
  return defaults;
}

}  // namespace assay
