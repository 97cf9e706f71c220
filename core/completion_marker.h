// The completion marker of a shard, OUT/shard-K-of-N.done: written by `assay run --shard K/N`
// after the last commit of a run that decided every one of the shard's inputs, read by
// `assay merge`, which refuses a shard without one. Whole or absent (written by rename).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/shard.h"
#include "core/store.h"

namespace assay {

// What a marker says (JSON, one object; docs/scale.md lists the fields).
struct CompletionMarker {
  ShardSpec shard;
  std::string store_id;     // the store's identity (schemas/009_shards.sql)
  int64_t run_id = 0;       // the run that finished the shard
  std::string finished_at;  // RFC 3339
  std::string tool_version;
  // SHA-256 of what makes the processing version besides the contracts: the tool version, the
  // pipelines and run-wide parameters, the libraries and resources (models, dictionaries).
  std::string processing_identity;
  std::string contracts_sha256;  // the contract set's hash
  int inputs = 0;                // inputs of the shard (after the split)
  int documents = 0;             // its documents, all decided
  std::map<std::string, int> outcomes;
  int pages = 0;  // pages this run processed (not those decided before)

  std::string ToJson() const;
  static Result<CompletionMarker> FromJson(const std::string& text);
};

// The processing identity and contract set hash of a run recorded in `store`.
struct RunIdentity {
  std::string tool_version, processing_identity, contracts_sha256;
};
std::optional<RunIdentity> IdentityOfRun(Store& store, int64_t run_id);

// This store's identity (schemas/009_shards.sql).
std::string StoreIdOf(Store& store);

}  // namespace assay
