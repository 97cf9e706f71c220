// Resource `tesseract`: an initialised Tesseract engine for a language set ("eng",
// "eng+deu", "script/Latin"), from the traineddata files of one tessdata folder; or, for
// "auto:LATIN" (the ocr stage's `lang = "auto"`), the OSD engine plus, loaded on first use,
// an engine for each script's model (ModelsForScript) among those installed.
#pragma once

#include <tesseract/baseapi.h>

#include <map>
#include <memory>
#include <string>

#include "core/resource.h"

namespace assay {

class TesseractEngine : public LoadedResource {
 public:
  tesseract::TessBaseAPI api;  // the language set asked for; OSD for "auto:..."
  std::string datapath;
  std::string latin;                   // "auto:...": the models Latin-script pages are read with
  std::vector<std::string> installed;  // "auto:...": the models found when it was resolved
  // "auto:...": the engine for `langs` ("ara", "eng"), initialised on first use from the same
  // folder; null when Tesseract cannot load it.
  tesseract::TessBaseAPI* ForLanguages(const std::string& langs);

 private:
  std::map<std::string, std::unique_ptr<tesseract::TessBaseAPI>> by_langs_;
};

// The resource name of `lang = "auto"` with Latin-script pages read with `latin`.
std::string AutoLanguageResource(const std::string& latin);

// lang=auto: the Tesseract models for a script as Tesseract's OSD names it ("Latin" is the
// engine's `latin`; "Arabic" -> "ara", "Devanagari" -> "hin", "Fraktur" -> "frk", ...); empty
// for a script with no model in the table.
std::string ModelsForScript(const std::string& script, const std::string& latin);

}  // namespace assay
