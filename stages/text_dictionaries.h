// The Hunspell dictionaries the text checks read a text with. `dictionary` names one
// ("en_US"), or is "auto": every dictionary of `auto_dictionaries` ("en_US+de_DE+fr_FR") is a
// resource of the stage, and each text is checked with the one of the language CLD2 finds in it
// (core/language.h), so a good German page is not judged by an English word list. When CLD2 is
// not sure, or finds a language none of them is for, the first one is used, and the choice says
// so. Deterministic: CLD2 and the dictionaries' content (part of the stage's key) decide.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/resource.h"
#include "core/stage.h"
#include "stages/hunspell_dictionary.h"

namespace assay {

// The `dictionary` parameter's value that chooses by language.
inline constexpr const char* kDictionaryByLanguage = "auto";
// Debian's dictionaries for the languages of the OCR models build.sh installs with a Latin
// script (eng deu fra spa ita por; frk reads German): hunspell-en-us, -de-de, -fr, -es, -it,
// -pt-pt. Vietnamese has no Debian hunspell dictionary; ara and hin pages are not judged by one.
inline constexpr const char* kDefaultAutoDictionaries = "en_US+de_DE+fr_FR+es_ES+it_IT+pt_PT";
inline constexpr const char* kDictionaryPattern = "[A-Za-z][A-Za-z_-]*";
inline constexpr const char* kDictionaryListPattern =
    "[A-Za-z][A-Za-z_-]*(\\+[A-Za-z][A-Za-z_-]*)*";

// The dictionary resources a stage with these parameters declares.
std::vector<ResourceRef> DictionaryResources(const std::string& dictionary,
                                             const std::string& auto_dictionaries);

// The language a dictionary name is for: its part before '_' ("de_DE" -> "de", "fr" -> "fr").
std::string DictionaryLanguage(std::string_view name);

struct DictionaryChoice {
  HunspellDictionary* dictionary = nullptr;
  std::string name;      // "de_DE"
  std::string language;  // what CLD2 found in the text ("de", "un" when not sure)
  bool fallback = false;  // the first dictionary, as no other is for `language`
  std::string Describe() const;  // "de_DE (text in de)", "en_US (text in un: first)"
};

class TextDictionaries {
 public:
  // The loaded dictionaries of a stage declared with DictionaryResources(...); empty when none
  // was loaded (ok() is false then).
  TextDictionaries(const StageContext& ctx, const std::string& dictionary,
                   const std::string& auto_dictionaries);
  bool ok() const { return !loaded_.empty(); }
  // The dictionary to check `text` with. With one dictionary, that one, without asking CLD2.
  DictionaryChoice For(std::string_view text) const;

 private:
  std::vector<std::pair<std::string, HunspellDictionary*>> loaded_;  // in the declared order
};

}  // namespace assay
