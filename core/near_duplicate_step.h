// The supervisor's near-duplicate step: after a run's documents are decided, groups every
// image of the store by perceptual hash (core/near_duplicates.h), records the groups in
// `near_duplicates`, and sets each image's `image.near_duplicate` metric (1 for a member that
// is not kept). A document whose metric changes gets its contract decision again (queue and
// annotation routing follow), recorded under the step's run. Workers never read the store:
// only the supervisor sees the whole corpus.
#pragma once

#include <cstdint>
#include <string>

#include "contracts/contract.h"
#include "core/routing.h"
#include "core/store.h"

namespace assay {

inline constexpr std::string_view kNearDuplicateMetric = "image.near_duplicate";
// A video's sampled frames that are near-copies of an image document or of another video's
// frame (FindFrameNearDuplicates), set by the same step; `frame_near_duplicates` has them.
inline constexpr std::string_view kFrameNearDuplicateMetric = "video.corpus_near_duplicate_frames";

struct NearDuplicateSummary {
  int images = 0;      // decided images with a hash
  int groups = 0;      // groups of two or more
  int duplicates = 0;  // members not kept
  int redecided = 0;   // documents whose metric changed, decided again
  int frames = 0;       // sampled frames of decided videos with a hash
  int frame_copies = 0; // of them, near-copies of an image or of another video's frame
};

// The images considered: decided (accepted or rejected) documents with a hash; an error has
// none. Then the sampled frames of decided videos against those images and one another
// (their own rows, their video's kFrameNearDuplicateMetric); the images' groups are made
// without the frames, as before. One transaction.
NearDuplicateSummary DecideNearDuplicates(Store& store, int64_t run_id,
                                          const ContractSet& contracts,
                                          const RoutingConfig& routing, const std::string& now);

// The metric the last step gave `doc_id`: 1 when it is a member not kept, 0 when kept or in no
// group. A worker sees one file and always reports 0; committing a document again (a
// reprocess, a re-run) carries this value instead, so a copy stays a copy until the next step
// says otherwise rather than being accepted in between.
double StoredNearDuplicateMetric(Store& store, const std::string& doc_id);

// The same for a video's kFrameNearDuplicateMetric: its rows in frame_near_duplicates.
double StoredFrameNearDuplicateMetric(Store& store, const std::string& doc_id);

}  // namespace assay
