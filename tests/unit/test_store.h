// A run record for tests that need one in a fresh store.
#pragma once

#include "core/store.h"

namespace assay::testing {

inline int64_t AddRun(Store& store) {
  return store.BeginRun({.started_at = "t0",
                         .tool_version = "v",
                         .git_commit = "g",
                         .config_hash = "h",
                         .config = "{}",
                         .libraries = "{}",
                         .tessdata_sha256 = "s",
                         .host = "h",
                         .argv = "[]"});
}

}  // namespace assay::testing
