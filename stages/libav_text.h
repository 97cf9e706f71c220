// Texts of FFmpeg's libraries, shared by the stages that read media with them (the transcript
// stage's media duration, the video stage's decoder).
#pragma once

#include <string>

namespace assay {

// av_strerror's message for a libav* error code.
std::string AvErrorText(int code);
// A libav* version number (e.g. avformat_version()) as "59.27.100".
std::string AvVersionText(unsigned version);

}  // namespace assay
