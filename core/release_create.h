// `assay release create`: a frozen, reproducible selection of accepted documents written as
// files (layout in core/release_layout.h, docs/releases.md) and recorded in the store.
#pragma once

#include <ostream>
#include <string>

#include "core/release_options.h"
#include "core/result.h"
#include "core/store.h"

namespace assay {

struct ReleaseCreated {
  enum class Kind {
    kCreated,    // written to options.to and recorded
    kUnchanged,  // the name exists with the same content: nothing written (a no-op)
    kRefused,    // the name exists with other content: nothing written
  };
  Kind kind = Kind::kCreated;
  std::string content_sha256;
  std::string existing_sha256;  // kUnchanged / kRefused: what the store holds under the name
  std::string existing_path;
  int documents = 0;
  Json counts = Json::object();
};

// Selects the store's accepted documents (waived ones flagged; errors never) that pass the
// filters, drops text duplicates (one kept per group: not waived first, then the most words,
// then the smallest doc_id), assigns splits, and writes the release into a temporary folder
// beside options.to; then compares its content_sha256 with the store's release of that name:
// new names are moved into place and recorded (releases, release_items), the rest reported.
// Error (stage "usage") when options.to exists and is not empty, or the name is invalid;
// Error (stage "release") when a file cannot be written. Each excluded document is counted
// with its reason in the datasheet; an image document whose source file is gone or changed is
// excluded (reason "image source unavailable"), never a failure of the whole release.
Result<ReleaseCreated> CreateRelease(Store& store, const ReleaseOptions& options,
                                     std::ostream* progress = nullptr);

}  // namespace assay
