#include "stages/text_dictionaries.h"

#include "core/language.h"

namespace assay {
namespace {

std::vector<std::string> DictionaryNames(const std::string& dictionary,
                                         const std::string& auto_dictionaries) {
  if (dictionary != kDictionaryByLanguage) return {dictionary};
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= auto_dictionaries.size()) {
    const size_t plus = auto_dictionaries.find('+', start);
    const size_t end = plus == std::string::npos ? auto_dictionaries.size() : plus;
    if (end > start) names.push_back(auto_dictionaries.substr(start, end - start));
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return names;
}

}  // namespace

std::vector<ResourceRef> DictionaryResources(const std::string& dictionary,
                                             const std::string& auto_dictionaries) {
  std::vector<ResourceRef> refs;
  for (const std::string& name : DictionaryNames(dictionary, auto_dictionaries)) {
    refs.push_back({"hunspell", name});
  }
  return refs;
}

std::string DictionaryLanguage(std::string_view name) {
  return std::string(name.substr(0, name.find('_')));
}

std::string DictionaryChoice::Describe() const {
  return name + " (text in " + language + (fallback ? ": first" : "") + ")";
}

TextDictionaries::TextDictionaries(const StageContext& ctx, const std::string& dictionary,
                                   const std::string& auto_dictionaries) {
  for (const std::string& name : DictionaryNames(dictionary, auto_dictionaries)) {
    auto* loaded = ctx.Resource<HunspellDictionary>("hunspell", name);
    if (loaded == nullptr) {
      loaded_.clear();
      return;
    }
    loaded_.emplace_back(name, loaded);
  }
}

DictionaryChoice TextDictionaries::For(std::string_view text) const {
  DictionaryChoice c{loaded_.front().second, loaded_.front().first, "", false};
  if (loaded_.size() == 1) return c;
  c.language = DetectLanguage(text);
  for (const auto& [name, loaded] : loaded_) {
    if (DictionaryLanguage(name) == c.language) {
      c.dictionary = loaded;
      c.name = name;
      return c;
    }
  }
  c.fallback = true;
  return c;
}

}  // namespace assay
