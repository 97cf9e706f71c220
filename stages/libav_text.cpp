#include "stages/libav_text.h"

extern "C" {
#include <libavutil/error.h>
#include <libavutil/version.h>
}

namespace assay {

std::string AvErrorText(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

std::string AvVersionText(unsigned v) {
  return std::to_string(AV_VERSION_MAJOR(v)) + "." + std::to_string(AV_VERSION_MINOR(v)) + "." +
         std::to_string(AV_VERSION_MICRO(v));
}

}  // namespace assay
