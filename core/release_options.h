// What `assay release create` selects and how it cuts the selection: fixed filters (no
// expression language), split shares, shard size. Parsed from the command line here, so the
// CLI only wires options, and written into the manifest as canonical JSON.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"

namespace assay {

struct MetricRange {
  std::string name;
  double min = 0, max = 0;  // inclusive
};

// Every filter given must hold (AND); repeated values of one filter are alternatives (OR),
// except --metric, where every range must hold.
struct ReleaseFilter {
  std::vector<std::string> modalities;    // --modality
  std::vector<std::string> tags;          // --tag: the document has one of them
  std::vector<std::string> source_globs;  // --source: fnmatch over any path or relative path
  std::vector<std::string> licenses;      // --license: the record's `license` field
  std::vector<MetricRange> metrics;       // --metric NAME:MIN:MAX
  std::optional<int64_t> run_id;          // --run: decided by that run
  Json ToJson() const;
};

struct SplitPart {
  std::string name;
  double share = 0;
};

struct ReleaseOptions {
  std::string name;
  std::filesystem::path to;
  ReleaseFilter filter;
  std::vector<SplitPart> splits;  // empty: no splits
  uint64_t shard_bytes = 64ull << 20;
  int jobs = 1;                   // threads that build records (the output does not depend on it)
  std::string argv_json = "[]";   // lineage only
};

// "train=0.8,val=0.1,test=0.1": names [a-z0-9_-]+, distinct, shares > 0 summing to 1 (+-1e-6).
Result<std::vector<SplitPart>> ParseSplits(const std::string& text);
// "NAME:MIN:MAX" with finite numbers, MIN <= MAX (either may be empty: unbounded).
Result<MetricRange> ParseMetricRange(const std::string& text);
// A release name: 1 to 128 of [A-Za-z0-9._-], not starting with '.' or '-'.
Status CheckReleaseName(const std::string& name);

Json SplitsJson(const std::vector<SplitPart>& splits);

}  // namespace assay
