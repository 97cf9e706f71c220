// Whitespace: trimming a string and splitting it into whitespace-separated words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace assay {

// `text` without leading and trailing ASCII whitespace.
std::string TrimWhitespace(std::string_view text);

// The runs of non-whitespace in `text`, in order.
std::vector<std::string> WhitespaceWords(std::string_view text);

}  // namespace assay
