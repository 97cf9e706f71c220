// The bound on free text that enters the store from input or from what input made happen
// (error messages, notes, queue reasons): a hostile 50 MB manifest line must not become 50 MB
// in three columns and in every `status`. One helper, used wherever such text is written.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/document.h"

namespace assay {

inline constexpr size_t kStoredTextMaxBytes = 4096;

// `text` itself when it is at most `limit` bytes; otherwise its first bytes, cut at a UTF-8
// character boundary at or below `limit`, followed by " … [truncated, N bytes]" with the
// original length N.
std::string BoundedText(std::string_view text, size_t limit = kStoredTextMaxBytes);

// `j` with every string in it (keys included) bounded by BoundedText.
Json BoundedJson(const Json& j, size_t limit = kStoredTextMaxBytes);

}  // namespace assay
