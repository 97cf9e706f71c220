#include "core/language.h"

#include <cld2/public/compact_lang_det.h>

namespace assay {

std::string DetectLanguage(std::string_view text) {
  // CLD2 wants valid UTF-8; a cut inside a character would make it refuse the whole text.
  // 8 KiB is plenty to tell a language and keeps a 100k-document release fast.
  size_t n = std::min<size_t>(text.size(), 8 * 1024);
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  bool reliable = false;
  const CLD2::Language lang = CLD2::DetectLanguage(text.data(), static_cast<int>(n),
                                                   /*is_plain_text=*/true, &reliable);
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE) return "un";
  return CLD2::LanguageCode(lang);
}

}  // namespace assay
