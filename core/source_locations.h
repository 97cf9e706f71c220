// Where a document's source file may be found now: every path the store saw it at, relative
// ones resolved against the working directory of the run that saw them (runs.cwd), and the
// real path when the input was a link. For readers that need the bytes again (release image
// shards, `release validate --reproduce`); they check the SHA-256 before trusting a file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/store.h"

namespace assay {

// Candidate paths (bytes, ready to open), most likely first, without repeats.
std::vector<std::string> SourceLocations(Store& store, const std::string& doc_id);

// The bytes of the first candidate whose SHA-256 is `source_id`; nullopt when none is.
std::optional<std::string> ReadSource(Store& store, const std::string& doc_id, const std::string& source_id,
                                      std::string* found_at = nullptr);

// The first candidate path whose SHA-256 is `source_id`, hashed as a stream (a video is not
// read into memory); nullopt when none is.
std::optional<std::string> FindSource(Store& store, const std::string& doc_id, const std::string& source_id);

}  // namespace assay
