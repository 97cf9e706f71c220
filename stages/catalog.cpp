#include "stages/catalog.h"

#include <leptonica/allheaders.h>
#include <poppler/poppler-config.h>
#include <tesseract/baseapi.h>

#include <opencv2/core/version.hpp>

namespace assay {

#define ASSAY_STAGE(name) const StageSpec& name##StageSpec();
#include "stages/stage_list.inc"
#undef ASSAY_STAGE
#define ASSAY_RESOURCE(name) const ResourceKind& name##Resource();
#include "stages/resource_list.inc"
#undef ASSAY_RESOURCE

nlohmann::json LibraryVersions() {
  char* lept = getLeptonicaVersion();
  nlohmann::json j = {{"hunspell", ASSAY_HUNSPELL_VERSION},
                      {"leptonica", lept != nullptr ? lept : "unknown"},
                      {"opencv", CV_VERSION},
                      {"poppler", POPPLER_VERSION},
                      {"tesseract", tesseract::TessBaseAPI::Version()}};
  lept_free(lept);
  return j;
}

std::vector<const StageSpec*> BuiltinStageSpecs() {
  return {
#define ASSAY_STAGE(name) &name##StageSpec(),
#include "stages/stage_list.inc"
#undef ASSAY_STAGE
  };
}

std::vector<const ResourceKind*> BuiltinResourceKinds() {
  return {
#define ASSAY_RESOURCE(name) &name##Resource(),
#include "stages/resource_list.inc"
#undef ASSAY_RESOURCE
  };
}

const StageCatalog& BuiltinCatalog() {
  static const StageCatalog kCatalog(BuiltinStageSpecs(), BuiltinResourceKinds(),
                                     LibraryVersions());
  return kCatalog;
}

}  // namespace assay
