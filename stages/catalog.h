// The catalog of the stages and resources built into assay (stages/stage_list.inc,
// stages/resource_list.inc), with the versions of the libraries they call.
#pragma once

#include "core/stage_catalog.h"

namespace assay {

const StageCatalog& BuiltinCatalog();

// The declarations BuiltinCatalog() is made of, in table order (tests extend them).
std::vector<const StageSpec*> BuiltinStageSpecs();
std::vector<const ResourceKind*> BuiltinResourceKinds();

// Versions of the libraries stages call, as their reuse keys and lineage record them:
// {"freetype", "hunspell", "image_codecs", "leptonica", "opencv", "poppler", "tesseract"}.
// Tesseract, Leptonica, the codecs and FreeType as loaded; Poppler and OpenCV as compiled
// against (their C++ APIs report no run-time version); Hunspell as packaged.
nlohmann::json LibraryVersions();

}  // namespace assay
