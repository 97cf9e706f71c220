// File names are bytes on Linux; JSON, SQLite's text and terminals want UTF-8. "Path text" is
// assay's one lossless way to write a path as valid UTF-8, used in the store, in JSON (export,
// --json, the supervisor-worker protocol), in logs and in messages (docs/security.md#file-names):
//   - a byte that is part of a valid UTF-8 sequence is written as it is, except
//   - the backslash, written `\\`, and
//   - every byte that is not part of a valid UTF-8 sequence, written `\xHH` (lowercase hex).
// A name that is valid UTF-8 and has no backslash is its own path text, so ordinary names read
// the same everywhere.
#pragma once

#include <string>
#include <string_view>

namespace assay {

// True when `bytes` is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// The path text of `bytes` (always valid UTF-8).
std::string PathToText(std::string_view bytes);

// The bytes a path text stands for: `\\` -> `\`, `\xHH` -> that byte. Any other backslash,
// and any byte outside an escape, stands for itself (a text written before path texts existed
// decodes to what it was). PathFromText(PathToText(b)) == b for every b.
std::string PathFromText(std::string_view text);

// Each maximal run of bytes that is not valid UTF-8 written `\xHH`; everything else as it is.
// For free text (messages) that may quote a raw name: the result is valid UTF-8.
std::string Utf8Safe(std::string_view bytes);

}  // namespace assay
