// A run record, and a document, for tests that need them in a fresh store.
#pragma once

#include <string>

#include "core/sqlite.h"
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

// One source file (10 bytes of `media_type` at `path`) and its document, as ingestion
// registers them in `run`.
inline void AddDocument(Store& store, int64_t run, const std::string& doc_id,
                        const std::string& source_id, const std::string& path,
                        const std::string& media_type, const std::string& container) {
  Transaction tx(store.db());
  store.RegisterSource({source_id, 10, media_type, path}, run, "t1");
  store.RegisterDocument({.doc_id = doc_id, .source_id = source_id, .path = path,
                          .container = container, .alt_text = {}, .ground_truth = {}},
                         "t1");
  tx.Commit();
}

}  // namespace assay::testing
