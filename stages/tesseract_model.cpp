// Resource `tesseract`. The folder is $TESSDATA_PREFIX when set (Tesseract's own convention:
// the folder holding the .traineddata files), else the first of Debian's tessdata folders
// that exists. Identity: each language's traineddata content. The worker initialises Tesseract
// from that very folder, so the model lineage names is the model that ran.
#include "stages/tesseract_model.h"

#include <cstdlib>
#include <filesystem>
#include <map>
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

// Script (Tesseract OSD's names) -> model, for lang=auto. Each model is a Debian package
// tesseract-ocr-<model>; build.sh installs ara, hin, frk (and the Latin-script languages).
const std::map<std::string, std::string>& ScriptModels() {
  static const std::map<std::string, std::string> kModels{
      {"Arabic", "ara"},     {"Armenian", "hye"}, {"Bengali", "ben"},   {"Cyrillic", "rus"},
      {"Devanagari", "hin"}, {"Ethiopic", "amh"}, {"Fraktur", "frk"},   {"Georgian", "kat"},
      {"Greek", "ell"},      {"Gujarati", "guj"}, {"Gurmukhi", "pan"},  {"Han", "chi_sim"},
      {"Hangul", "kor"},     {"Hebrew", "heb"},   {"Japanese", "jpn"},  {"Kannada", "kan"},
      {"Khmer", "khm"},      {"Lao", "lao"},      {"Malayalam", "mal"}, {"Myanmar", "mya"},
      {"Oriya", "ori"},      {"Sinhala", "sin"},  {"Tamil", "tam"},     {"Telugu", "tel"},
      {"Thai", "tha"},       {"Tibetan", "bod"}};
  return kModels;
}

// "auto:LATIN": the OSD model, LATIN's models (which must be installed: the run-wide choice),
// and every script model that is installed, each hashed. A script model that is missing is
// not an error: its pages get a recorded reason.
Result<ResolvedResource> ResolveAuto(std::string_view name) {
  const std::string latin(name.substr(5));
  const std::string dir = TessdataDir();
  Sha256 all;
  std::vector<std::string> needed = Languages(latin);
  needed.push_back("osd");
  for (const std::string& lang : needed) {
    const auto sha = Sha256File(fs::path(dir) / (lang + ".traineddata"));
    if (!sha) {
      return Error{"resource", "no Tesseract language data for '" + lang + "' in " + dir +
                                   " (install the Debian package tesseract-ocr-" + lang +
                                   ", or set TESSDATA_PREFIX)"};
    }
    all.Update(lang + " " + *sha + "\n");
  }
  for (const auto& [script, model] : ScriptModels()) {
    if (const auto sha = Sha256File(fs::path(dir) / (model + ".traineddata"))) {
      all.Update(model + " " + *sha + "\n");
    }
  }
  return ResolvedResource{{"tesseract", std::string(name)}, all.Hex(), dir};
}

Result<ResolvedResource> ResolveTesseractModel(std::string_view name) {
  if (name.starts_with("auto:")) return ResolveAuto(name);
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

Result<std::unique_ptr<LoadedResource>> LoadTesseractModel(const ResolvedResource& r) {
  auto engine = std::make_unique<TesseractEngine>();
  engine->datapath = r.location;
  std::string langs = r.ref.name;
  if (langs.starts_with("auto:")) {
    engine->latin = langs.substr(5);
    for (const auto& [script, model] : ScriptModels()) {
      std::error_code ec;
      if (fs::exists(fs::path(r.location) / (model + ".traineddata"), ec)) {
        engine->installed.push_back(model);
      }
    }
    langs = "osd";
  }
  if (engine->api.Init(r.location.c_str(), langs.c_str(), tesseract::OEM_DEFAULT) != 0) {
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

tesseract::TessBaseAPI* TesseractEngine::ForLanguages(const std::string& langs) {
  auto& slot = by_langs_[langs];
  if (!slot) {
    auto api = std::make_unique<tesseract::TessBaseAPI>();
    if (api->Init(datapath.c_str(), langs.c_str(), tesseract::OEM_DEFAULT) != 0) return nullptr;
    slot = std::move(api);
  }
  return slot.get();
}

std::string AutoLanguageResource(const std::string& latin) { return "auto:" + latin; }

std::string ModelsForScript(const std::string& script, const std::string& latin) {
  if (script == "Latin") return latin;
  const auto it = ScriptModels().find(script);
  return it == ScriptModels().end() ? "" : it->second;
}

const ResourceKind& TesseractModelResource() {
  static const ResourceKind kKind{
      "tesseract", "Tesseract engine for a language set: $TESSDATA_PREFIX or Debian's tessdata",
      ResolveTesseractModel, LoadTesseractModel, /*process_wide=*/false};
  return kKind;
}

}  // namespace assay
