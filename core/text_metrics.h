// Text accuracy measures against ground truth.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace assay {

// Unicode code points of UTF-8 text; an invalid or truncated byte becomes one code point of
// its own value, so nothing is dropped.
std::vector<uint32_t> DecodeUtf8(std::string_view s);

// Characters of UTF-8 text, counted without decoding: every byte that is not a continuation
// byte (a length limit, a cue's reading rate, a cell's width per character).
inline size_t CodePointCount(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Collapses every run of ASCII whitespace to one space and trims the ends,
// so layout whitespace does not count as error.
std::string NormalizeWhitespace(std::string_view text);

// Levenshtein distance between two token sequences divided by the reference's length (1.0 for
// an empty reference with a non-empty hypothesis, 0.0 when both are empty): code points give
// the character error rate, words the word error rate.
template <typename Token>
double TokenErrorRate(const std::vector<Token>& h, const std::vector<Token>& r) {
  if (r.empty()) return h.empty() ? 0.0 : 1.0;
  std::vector<size_t> prev(h.size() + 1), cur(h.size() + 1);
  for (size_t j = 0; j <= h.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= r.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= h.size(); ++j) {
      const size_t sub = prev[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return static_cast<double>(prev[h.size()]) / static_cast<double>(r.size());
}

// Character error rate: Levenshtein distance over Unicode code points between `hypothesis`
// and `reference`, divided by the reference length (1.0 for an empty reference with a
// non-empty hypothesis, 0.0 when both are empty). Invalid UTF-8 bytes count as one code
// point each. Neither text is normalised here.
double CharacterErrorRate(std::string_view hypothesis, std::string_view reference);

}  // namespace assay
