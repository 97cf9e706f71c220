// Shards: one slice of a corpus processed by one task of a job array (Slurm, Kubernetes), in
// its own store; `assay merge` (core/merge.h) combines the stores. DESIGN.md, "Scale past one
// machine"; docs/scale.md tells a user how to run one.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"

namespace assay {

// Shard `index` of `count` (index from 0, like SLURM_ARRAY_TASK_ID of --array=0-(count-1)).
struct ShardSpec {
  int index = 0;
  int count = 1;
  std::string Text() const;  // "K/N", as runs.shard records it
  // The completion marker's file name: "shard-K-of-N.done".
  std::string MarkerName() const;
};

// Most shards a run may be split into (a Slurm array is at most MaxArraySize, 1001 by default;
// far above any real array, low enough that a typo is caught).
inline constexpr int kMaxShards = 1000000;

// Parses "K/N" (0 <= K < N <= kMaxShards, plain decimal). Bad usage otherwise, with why.
Result<ShardSpec> ParseShard(const std::string& text);

// The shard of a run. `--shard K/N` wins. Otherwise K comes from the environment
// (`getenv`): SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX (Kubernetes indexed Jobs); and N
// from `shards` (--shards N, or ASSAY_SHARDS), else, for Slurm only, SLURM_ARRAY_TASK_COUNT when
// the array is exactly 0..COUNT-1 (SLURM_ARRAY_TASK_MIN = 0, MAX = COUNT-1, step 1): a
// re-submission of some tasks (`--array=2,5`) has another COUNT, so it needs --shards N.
// nullopt: not sharded (no option, no array variable). Bad usage: a variable that is not a
// whole number, K out of range, N missing or not derivable.
Result<std::optional<ShardSpec>> ResolveShard(
    const std::string& shard_option, std::optional<int> shards,
    const std::function<const char*(const char*)>& getenv);

// True when the input whose path relative to its input root is `relative_path` (raw bytes)
// belongs to `shard`: the first 8 bytes of its SHA-256, big-endian, modulo N. Stable across
// machines, runs and the order inputs are listed in.
bool ShardOwns(const ShardSpec& shard, const std::string& relative_path);

// Writes `content` to OUT/shard-K-of-N.done atomically (a temporary file, fsync, rename, fsync
// of the folder): a marker is whole or absent. Error with the reason on failure.
Status WriteCompletionMarker(const std::filesystem::path& out_dir, const ShardSpec& shard,
                             const std::string& content);

// Removes every completion marker (shard-*-of-*.done) in `out_dir`: a run about to change the
// store voids them until it has finished again.
void RemoveCompletionMarkers(const std::filesystem::path& out_dir);

// Parses a marker file name "shard-K-of-N.done"; nullopt for any other name.
std::optional<ShardSpec> ShardOfMarkerName(const std::string& file_name);

}  // namespace assay
