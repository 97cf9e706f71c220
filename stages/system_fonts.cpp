// Resource `fonts`: the fonts fontconfig offers, which Poppler substitutes for fonts a PDF
// does not embed (the base-14 fonts of most simple PDFs). Another font set renders another
// raster, so another OCR input: the fonts are part of rasterize's identity. Identity: the
// content of every file in fontconfig's font folders.
#include <fontconfig/fontconfig.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/resource.h"
#include "core/sha256.h"

namespace assay {
namespace {

class SystemFonts : public LoadedResource {};

Result<ResolvedResource> ResolveFonts(std::string_view name) {
  if (name != "system") {
    return Error{"resource", "fonts has one instance, 'system', not '" + std::string(name) + "'"};
  }
  std::vector<std::string> dirs;
  if (FcConfig* config = FcInitLoadConfig()) {
    if (FcStrList* list = FcConfigGetConfigDirs(config)) {
      while (FcChar8* dir = FcStrListNext(list)) dirs.emplace_back(reinterpret_cast<char*>(dir));
      FcStrListDone(list);
    }
    FcConfigDestroy(config);
  }
  std::sort(dirs.begin(), dirs.end());
  Sha256 all;
  std::string location;
  // Folders that do not exist (~/.fonts) or hold nothing add nothing; the folders' names are
  // left out, so the same fonts under another home folder are the same resource.
  const std::string nothing = HashTree("");
  for (const std::string& d : dirs) {
    const std::string h = HashTree(d);
    if (h == nothing) continue;
    all.Update(h + "\n");
    location += (location.empty() ? "" : ":") + d;
  }
  return ResolvedResource{{"fonts", "system"}, all.Hex(), location};
}

Result<std::unique_ptr<LoadedResource>> LoadFonts(const ResolvedResource&) {
  return std::unique_ptr<LoadedResource>(std::make_unique<SystemFonts>());
}

}  // namespace

const ResourceKind& SystemFontsResource() {
  static const ResourceKind kKind{"fonts", "the fonts fontconfig offers for substitution", ResolveFonts,
                                  LoadFonts, /*process_wide=*/false};
  return kKind;
}

}  // namespace assay
