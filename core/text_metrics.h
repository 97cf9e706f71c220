// Text accuracy measures against ground truth.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace assay {

// Unicode code points of UTF-8 text; an invalid or truncated byte becomes one code point of
// its own value, so nothing is dropped.
std::vector<uint32_t> DecodeUtf8(std::string_view s);

// Collapses every run of ASCII whitespace to one space and trims the ends,
// so layout whitespace does not count as error.
std::string NormalizeWhitespace(std::string_view text);

// Character error rate: Levenshtein distance over Unicode code points between `hypothesis`
// and `reference`, divided by the reference length (1.0 for an empty reference with a
// non-empty hypothesis, 0.0 when both are empty). Invalid UTF-8 bytes count as one code
// point each. Neither text is normalised here.
double CharacterErrorRate(std::string_view hypothesis, std::string_view reference);

}  // namespace assay
