// `assay export --format frames --to DIR`: the sampled frames of every decided video document
// as PNG files, at the names the JSONL export's video.frames[].file gives
// (core/store_views.h VideoFrameFile). The frames are decoded again from the source file,
// which must still hold the bytes that were processed.
#pragma once

#include <ostream>
#include <string>

#include "core/store.h"

namespace assay {

// Writes the frames; returns an exit code (core/exit_codes.h): kExitOk, or kExitInternal when
// a file cannot be written or a video's source is gone or changed (that video is skipped,
// with a line on `errors`, and the others are written).
int ExportVideoFrames(Store& store, const std::string& dir, std::ostream* errors);

}  // namespace assay
