// Resource `hunspell`: a Hunspell dictionary ("en_US") from Debian's /usr/share/hunspell.
#pragma once

#include <hunspell/hunspell.hxx>
#include <memory>

#include "core/resource.h"

namespace assay {

class HunspellDictionary : public LoadedResource {
 public:
  std::unique_ptr<Hunspell> hunspell;
};

}  // namespace assay
