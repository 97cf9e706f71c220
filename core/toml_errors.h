// Reading the project's TOML files (contracts, pipeline configurations) with errors that name
// their position: "PATH:LINE:COLUMN: ...".
#pragma once

#include <toml++/toml.h>

#include <string>

#include "core/result.h"

namespace assay {

inline std::string TomlWhere(const std::string& path, const toml::source_region& src) {
  return path + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

// An error of `stage` ("contracts", "config") positioned at `node` or `key`.
inline Error TomlErrorAt(const char* stage, const std::string& path, const toml::node& node,
                         const std::string& message) {
  return Error{stage, TomlWhere(path, node.source()) + ": " + message};
}
inline Error TomlErrorAt(const char* stage, const std::string& path, const toml::key& key,
                         const std::string& message) {
  return Error{stage, TomlWhere(path, key.source()) + ": " + message};
}

// Parses `text`; a syntax error reads "PATH:LINE:COLUMN: what" and belongs to `stage`.
inline Result<toml::table> ParseToml(const char* stage, const std::string& text,
                                     const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Error{stage, TomlWhere(path, e.source()) + ": " + std::string(e.description())};
  }
}

}  // namespace assay
