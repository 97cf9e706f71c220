// Train/val/test splits that do not leak: documents that share a source, an image (perceptual
// hash when the record has one, else the image's SHA-256) or a near-duplicate text group are
// one group, and a group goes to one split. The split of a group is drawn from SHA-256(release
// name, the group's smallest doc_id): deterministic, independent of order and worker count,
// and a different release name gives a different draw. Shares hold per group, so a split's
// share of documents is close to, not exactly, the share asked for.
#pragma once

#include <string>
#include <vector>

#include "core/document.h"
#include "core/release_options.h"

namespace assay {

// The keys of a release record that must not straddle splits: "source:<sha256>" and, for each
// image, "image:<phash>" or, for image documents without one, "image:<source sha256>".
std::vector<std::string> LeakageKeys(const Json& record);

// Groups items that share a key (transitively). Returns, per item, the index of its group's
// smallest member (items must be sorted by id, so that member has the smallest id).
std::vector<size_t> GroupByKeys(const std::vector<std::vector<std::string>>& keys);

// The split of each item: `group_of` as GroupByKeys returns it, `ids` the items' doc_ids.
std::vector<std::string> AssignSplits(const std::string& release_name,
                                      const std::vector<std::string>& ids,
                                      const std::vector<size_t>& group_of,
                                      const std::vector<SplitPart>& parts);

}  // namespace assay
