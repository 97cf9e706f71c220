// The duration of an audio or video file, read with libavformat (FFmpeg): the container's
// own duration, else the longest stream's. Only headers and a bounded probe are read; no
// frame is decoded beyond what the probe needs.
#pragma once

#include <string>

#include "core/result.h"

namespace assay {

// Seconds, or an Error saying why the file gives none (unreadable, not a media file, no
// duration, a duration out of range).
Result<double> ReadMediaDuration(const std::string& path);

// libavformat's version ("59.27.100"), part of the transcript stage's key.
std::string AvformatVersion();

}  // namespace assay
