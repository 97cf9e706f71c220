// The language of a text, detected with CLD2 (Debian's libcld2): for the datasheet's
// composition. Deterministic (CLD2 has no randomness, and only the first 8 KiB are read).
#pragma once

#include <string>
#include <string_view>

namespace assay {

// An ISO 639-1 code ("en", "de", ...) or "un" when CLD2 is not reliable about the text (too
// short, mixed or unknown).
std::string DetectLanguage(std::string_view text);

}  // namespace assay
