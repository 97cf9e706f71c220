// Resource `hunspell`. Identity: the .aff and .dic files' content.
#include "stages/hunspell_dictionary.h"

#include <filesystem>
#include <regex>

#include "core/sha256.h"

namespace assay {
namespace {

constexpr const char* kDir = "/usr/share/hunspell";

Result<ResolvedResource> ResolveHunspell(std::string_view name) {
  static const std::regex kName("[A-Za-z][A-Za-z_-]*");
  if (!std::regex_match(std::string(name), kName)) {
    return Error{"resource", "'" + std::string(name) + "' is not a dictionary name"};
  }
  const std::string base = std::string(kDir) + "/" + std::string(name);
  const auto aff = Sha256File(base + ".aff");
  const auto dic = Sha256File(base + ".dic");
  if (!aff || !dic) {
    return Error{"resource", "no hunspell dictionary " + base +
                                 ".dic (install the Debian package hunspell-" + std::string(name) +
                                 " or the matching hunspell-* package)"};
  }
  return ResolvedResource{{"hunspell", std::string(name)}, Sha256Hex(*aff + "\n" + *dic), kDir};
}

Result<std::unique_ptr<LoadedResource>> LoadHunspell(const ResolvedResource& r) {
  const std::string base = r.location + "/" + r.ref.name;
  auto dict = std::make_unique<HunspellDictionary>();
  dict->hunspell = std::make_unique<Hunspell>((base + ".aff").c_str(), (base + ".dic").c_str());
  // Words are passed as UTF-8; a dictionary in another encoding would know none of them.
  if (dict->hunspell->get_dict_encoding() != "UTF-8") {
    return Error{"resource", "hunspell dictionary " + base + " is in " +
                                 dict->hunspell->get_dict_encoding() + ", not UTF-8"};
  }
  return std::unique_ptr<LoadedResource>(std::move(dict));
}

}  // namespace

const ResourceKind& HunspellDictionaryResource() {
  static const ResourceKind kKind{"hunspell", "Hunspell dictionary from /usr/share/hunspell",
                                  ResolveHunspell, LoadHunspell, /*process_wide=*/false};
  return kKind;
}

}  // namespace assay
