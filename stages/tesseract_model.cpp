// Resource `tesseract`. The folder is $TESSDATA_PREFIX when set (Tesseract's own convention:
// the folder holding the .traineddata files), else the first of Debian's tessdata folders
// that exists. Identity: each language's traineddata content. The worker initialises Tesseract
// from that very folder, so the model lineage names is the model that ran.
#include "stages/tesseract_model.h"

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "core/sha256.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

std::string TessdataDir() {
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env != nullptr && *env != '\0') {
    return env;
  }
  for (const char* dir :
       {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata", "/usr/local/share/tessdata"}) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return dir;
  }
  return "/usr/share/tesseract-ocr/5/tessdata";
}

std::vector<std::string> Languages(std::string_view name) {
  std::vector<std::string> out;
  std::string part;
  for (char c : name) {
    if (c == '+') {
      out.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  out.push_back(part);
  return out;
}

Result<ResolvedResource> Resolve(std::string_view name) {
  static const std::regex kLang(
      "[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?(\\+[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?)*");
  if (!std::regex_match(std::string(name), kLang)) {
    return Error{"resource", "'" + std::string(name) + "' is not a Tesseract language list"};
  }
  const std::string dir = TessdataDir();
  Sha256 all;
  for (const std::string& lang : Languages(name)) {
    const fs::path file = fs::path(dir) / (lang + ".traineddata");
    const auto sha = Sha256File(file);
    if (!sha) {
      return Error{"resource", "no Tesseract language data for '" + lang + "' in " + dir +
                                   " (install the Debian package tesseract-ocr-" + lang +
                                   ", or set TESSDATA_PREFIX)"};
    }
    all.Update(lang + " " + *sha + "\n");
  }
  return ResolvedResource{{"tesseract", std::string(name)}, all.Hex(), dir};
}

Result<std::unique_ptr<LoadedResource>> Load(const ResolvedResource& r) {
  auto engine = std::make_unique<TesseractEngine>();
  if (engine->api.Init(r.location.c_str(), r.ref.name.c_str(), tesseract::OEM_DEFAULT) != 0) {
    return Error{"resource", "Tesseract cannot load '" + r.ref.name + "' from " + r.location};
  }
  // Tesseract may look elsewhere than it is told; make sure it read the planned folder.
  std::error_code ec;
  if (!fs::equivalent(engine->api.GetDatapath(), r.location, ec)) {
    return Error{"resource", "Tesseract loaded '" + r.ref.name + "' from " +
                                 engine->api.GetDatapath() + ", not the planned " + r.location};
  }
  return std::unique_ptr<LoadedResource>(std::move(engine));
}

}  // namespace

const ResourceKind& TesseractModelResource() {
  static const ResourceKind kKind{
      "tesseract", "Tesseract engine for a language set: $TESSDATA_PREFIX or Debian's tessdata",
      Resolve, Load, /*process_wide=*/false};
  return kKind;
}

}  // namespace assay
