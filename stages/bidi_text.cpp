#include "stages/bidi_text.h"

#include <fribidi.h>

#include <algorithm>
#include <numeric>

namespace assay {
namespace {

std::vector<FriBidiChar> BidiUtf32(const std::string& utf8) {
  std::vector<FriBidiChar> out(utf8.size() + 1);
  const FriBidiStrIndex n = fribidi_charset_to_unicode(
      FRIBIDI_CHAR_SET_UTF8, utf8.data(), static_cast<FriBidiStrIndex>(utf8.size()), out.data());
  out.resize(static_cast<size_t>(std::max<FriBidiStrIndex>(n, 0)));
  return out;
}

std::string BidiUtf8(const std::vector<FriBidiChar>& chars) {
  std::string out(chars.size() * 4 + 1, '\0');
  const FriBidiStrIndex n = fribidi_unicode_to_charset(
      FRIBIDI_CHAR_SET_UTF8, chars.data(), static_cast<FriBidiStrIndex>(chars.size()), out.data());
  out.resize(static_cast<size_t>(std::max<FriBidiStrIndex>(n, 0)));
  return out;
}

}  // namespace

BidiLine DrawnToReadingOrder(const std::vector<std::string>& drawn) {
  BidiLine out{drawn, std::vector<size_t>(drawn.size())};
  std::iota(out.order.begin(), out.order.end(), size_t{0});
  // Right-to-left letters are all outside ASCII.
  const bool ascii = std::all_of(drawn.begin(), drawn.end(), [](const std::string& w) {
    return std::all_of(w.begin(), w.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  });
  if (ascii) return out;
  // The line as one string, words joined by a space; owner[i]: the word of character i.
  std::vector<FriBidiChar> line;
  std::vector<int> owner;
  for (size_t w = 0; w < drawn.size(); ++w) {
    if (w > 0) {
      line.push_back(0x20);
      owner.push_back(-1);
    }
    for (FriBidiChar c : BidiUtf32(drawn[w])) {
      line.push_back(c);
      owner.push_back(static_cast<int>(w));
    }
  }
  const auto len = static_cast<FriBidiStrIndex>(line.size());
  if (len == 0) return out;
  std::vector<FriBidiCharType> types(line.size());
  fribidi_get_bidi_types(line.data(), len, types.data());
  int rtl = 0, ltr = 0;
  for (FriBidiCharType t : types) {
    if ((t & FRIBIDI_MASK_LETTER) == 0) continue;
    ((t & FRIBIDI_MASK_RTL) != 0 ? rtl : ltr) += 1;
  }
  if (rtl == 0) return out;
  std::vector<FriBidiBracketType> brackets(line.size());
  fribidi_get_bracket_types(line.data(), len, types.data(), brackets.data());
  FriBidiParType base = rtl > ltr ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
  std::vector<FriBidiLevel> levels(line.size());
  if (fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), len, &base, levels.data()) == 0)
    return out;
  std::vector<FriBidiStrIndex> map(line.size());
  std::iota(map.begin(), map.end(), FriBidiStrIndex{0});
  // No flags: no mirroring, and combining marks stay where the drawn order puts them (after
  // their base once the run is reversed).
  if (fribidi_reorder_line(0, types.data(), len, 0, base, levels.data(), nullptr, map.data()) == 0)
    return out;
  // map[p] is the character at reading position p; each word's characters in that order, the
  // words in the order of their first character.
  std::vector<std::vector<FriBidiChar>> chars(drawn.size());
  std::vector<size_t> first(drawn.size(), line.size());
  for (size_t p = 0; p < map.size(); ++p) {
    const int w = owner[static_cast<size_t>(map[p])];
    if (w < 0) continue;
    chars[static_cast<size_t>(w)].push_back(line[static_cast<size_t>(map[p])]);
    first[static_cast<size_t>(w)] = std::min(first[static_cast<size_t>(w)], p);
  }
  for (size_t w = 0; w < drawn.size(); ++w) out.texts[w] = BidiUtf8(chars[w]);
  std::stable_sort(out.order.begin(), out.order.end(),
                   [&](size_t a, size_t b) { return first[a] < first[b]; });
  return out;
}

}  // namespace assay
