// `assay export --format frames --to DIR`: the sampled frames of every decided video document
// as PNG files, at the names the JSONL export's video.frames[].file gives
// (core/store_views.h VideoFrameFile). The frames are decoded again from the source file,
// which must still hold the bytes that were processed.
#pragma once

#include <cstdint>
#include <functional>
#include <opencv2/core.hpp>
#include <ostream>
#include <set>
#include <string>

#include "core/result.h"
#include "core/store.h"

namespace assay {

// A sampled frame as PNG bytes with fixed settings (zlib level 6, default strategy), so the
// same pixels give the same bytes: the release's shards (core/release_create.h) and the files
// of `export --format frames` are these bytes.
std::string VideoFramePng(const cv::Mat& bgr);

// Decodes the video at `path` up to the last of `indices` and calls `each(index, bgr)` for
// each of them, in order; stops at the first Error `each` returns. Error when the video cannot
// be read or has fewer frames than the last index.
Status ForEachVideoFrame(const std::string& path, const std::set<int64_t>& indices,
                         const std::function<Status(int64_t, const cv::Mat&)>& each);

// Writes the frames; returns an exit code (core/exit_codes.h): kExitOk, or kExitInternal when
// a file cannot be written or a video's source is gone or changed (that video is skipped,
// with a line on `errors`, and the others are written).
int ExportVideoFrames(Store& store, const std::string& dir, std::ostream* errors);

}  // namespace assay
