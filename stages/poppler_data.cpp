// Resource `poppler_data`: the encoding data Poppler reads at start (CMaps, cidToUnicode,
// nameToUnicode, unicodeMap; Debian's poppler-data). Without it, CJK text in PDFs whose fonts
// rely on predefined CMaps is silently dropped, so the same PDF reads differently on a machine
// with and without the package: the data is part of pdf_text's and rasterize's identity.
// Found at $ASSAY_POPPLER_DATA, else /usr/share/poppler; an absent folder is a valid (empty)
// resource with its own hash. Identity: the content of every file under the folder.
#include <cstdlib>
#include <filesystem>

#include "core/resource.h"
#include "stages/pdf_support.h"

namespace assay {
namespace {

class PopplerData : public LoadedResource {
 public:
  explicit PopplerData(const std::string& dir) { InstallPopplerGlobals(dir); }
  ~PopplerData() override { RemovePopplerGlobals(); }
};

Result<ResolvedResource> ResolvePopplerData(std::string_view name) {
  if (name != "default") {
    return Error{"resource",
                 "poppler_data has one instance, 'default', not '" + std::string(name) + "'"};
  }
  const char* env = std::getenv("ASSAY_POPPLER_DATA");
  const std::string dir = env != nullptr && *env != '\0' ? env : "/usr/share/poppler";
  return ResolvedResource{{"poppler_data", "default"}, HashTree(dir), dir};
}

Result<std::unique_ptr<LoadedResource>> LoadPopplerData(const ResolvedResource& r) {
  return std::unique_ptr<LoadedResource>(std::make_unique<PopplerData>(r.location));
}

}  // namespace

const ResourceKind& PopplerDataResource() {
  static const ResourceKind kKind{"poppler_data",
                                  "Poppler's encoding data (CMaps, cidToUnicode): "
                                  "$ASSAY_POPPLER_DATA or /usr/share/poppler",
                                  ResolvePopplerData, LoadPopplerData, /*process_wide=*/true};
  return kKind;
}

}  // namespace assay
