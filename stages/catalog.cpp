#include "stages/catalog.h"

#include <fribidi.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <leptonica/allheaders.h>
#include <poppler/poppler-config.h>
#include <tesseract/baseapi.h>

#include <opencv2/core/version.hpp>

#include "stages/media_duration.h"
#include "stages/video_reader.h"

namespace assay {

#define ASSAY_STAGE(name) const StageSpec& name##StageSpec();
#include "stages/stage_list.inc"
#undef ASSAY_STAGE
#define ASSAY_RESOURCE(name) const ResourceKind& name##Resource();
#include "stages/resource_list.inc"
#undef ASSAY_RESOURCE

nlohmann::json LibraryVersions() {
  char* lept = getLeptonicaVersion();
  // The image codecs (libjpeg, libpng, libtiff, zlib, libwebp, openjpeg) decode scans in image
  // files and in PDFs alike; Leptonica reports the versions it runs with.
  char* codecs = getImagelibVersions();
  FT_Int major = 0, minor = 0, patch = 0;
  if (FT_Library ft = nullptr; FT_Init_FreeType(&ft) == 0) {
    FT_Library_Version(ft, &major, &minor, &patch);
    FT_Done_FreeType(ft);
  }
  nlohmann::json j = {{"fribidi", FRIBIDI_VERSION},
                      {"freetype", std::to_string(major) + "." + std::to_string(minor) + "." +
                                       std::to_string(patch)},
                      {"hunspell", ASSAY_HUNSPELL_VERSION},
                      {"image_codecs", codecs != nullptr ? codecs : "unknown"},
                      {"leptonica", lept != nullptr ? lept : "unknown"},
                      {"libavformat", AvformatVersion()},
                      {"libav", VideoLibraryVersions()},
                      {"libphonenumber", ASSAY_PHONENUMBER_VERSION},
                      {"opencv", CV_VERSION},
                      {"poppler", POPPLER_VERSION},
                      {"tesseract", tesseract::TessBaseAPI::Version()}};
  lept_free(lept);
  lept_free(codecs);
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
