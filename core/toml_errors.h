// Error positions in TOML files (contracts, pipeline configurations): "PATH:LINE:COLUMN: ...".
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

}  // namespace assay
