// `assay merge`: combines the stores of a corpus's shards (core/shard.h) into one, without loss
// or duplication, so that the merged store is what one run over the whole corpus would have
// made: the same documents, outcomes, contract results, queue items and export. Rules per
// table: core/merge_tables.h. Work that needs the whole corpus (near-duplicates, annotation
// quotas, datasheets) runs on the merged store afterwards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace assay {

struct MergeOptions {
  std::vector<std::filesystem::path> shards;  // output folders of `assay run --shard K/N`
  std::filesystem::path into;                 // the merged store: INTO/assay.db (created)
  // Merge shards made with different processing versions or contract sets (refused otherwise).
  bool allow_mixed = false;
};

struct MergedShard {
  std::string path;   // as given (path text)
  std::string shard;  // "K/N"
  std::string store_id;
  bool already_merged = false;  // merged before: nothing new was copied
  int64_t runs = 0, documents = 0, shared_documents = 0, transformations = 0, folded = 0;
};

struct MergeReport {
  std::vector<MergedShard> shards;  // in merge order (shard index, then store id)
  int64_t documents = 0;            // in the merged store
  double seconds = 0;
};

// Why a merge did not happen; nothing was written then (each shard's copy is one transaction,
// and every check runs before the first).
struct MergeFailure {
  int exit_code;  // kExitUsage (no store), kExitRefused (marker, missing shard, mixed),
                  // kExitInternal
  std::string message;
};

// Merges `options.shards` into `options.into`. Refuses: a folder without its completion
// marker (naming the shard), a split that is not complete (every K of N given, or merged
// before), shards with different processing identities or contract sets (unless
// allow_mixed), a person's work on the same queue item or annotation task in two shards.
// Idempotent: a shard merged before adds only what it gained since (nothing, if unchanged).
std::variant<MergeReport, MergeFailure> MergeShards(const MergeOptions& options);

}  // namespace assay
