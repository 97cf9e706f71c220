// The supervisor's reading of a worker's answer. A worker runs hostile files through Poppler,
// Tesseract and OpenCV, so its answer is checked like any outside input: whatever bytes come
// back, decoding returns a result or a short reason, never throws, and a result that passes
// can be recorded (it is for the document asked, its stored outputs match their names, its
// figures are in range).
#pragma once

#include <string>

#include "core/result.h"
#include "core/work.h"

namespace assay {

// The result in `frame` (one IPC frame, core/ipc.h) for `request`, or an Error of stage
// "worker" whose message starts "worker sent a malformed result: " and says what is wrong.
Result<WorkResult> DecodeResultFrame(const std::string& frame, const WorkRequest& request);

// A printable excerpt of `bytes` (at most 40 characters, quoted), for messages and logs.
std::string FrameExcerpt(const std::string& bytes);

}  // namespace assay
