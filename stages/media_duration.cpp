#include "stages/media_duration.h"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
}

#include <cmath>

#include "stages/libav_text.h"

namespace assay {

Result<double> ReadMediaDuration(const std::string& path) {
  AVFormatContext* ctx = nullptr;
  AVDictionary* opts = nullptr;
  // A bounded probe: a hostile file cannot make it read or analyse without end.
  av_dict_set(&opts, "probesize", "5000000", 0);
  av_dict_set(&opts, "analyzeduration", "5000000", 0);
  const int opened = avformat_open_input(&ctx, path.c_str(), nullptr, &opts);
  av_dict_free(&opts);
  if (opened < 0) {
    return Error{"transcript", "the media cannot be opened: " + AvErrorText(opened)};
  }
  struct Closer {
    AVFormatContext** c;
    ~Closer() { avformat_close_input(c); }
  } closer{&ctx};
  if (ctx->nb_streams > 64) {
    return Error{"transcript", "the media has " + std::to_string(ctx->nb_streams) +
                                   " streams (limit 64)"};
  }
  if (const int found = avformat_find_stream_info(ctx, nullptr); found < 0) {
    return Error{"transcript", "the media's streams cannot be read: " + AvErrorText(found)};
  }
  double seconds = -1;
  if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0) {
    seconds = static_cast<double>(ctx->duration) / AV_TIME_BASE;
  } else {
    for (unsigned i = 0; i < ctx->nb_streams; ++i) {
      const AVStream* s = ctx->streams[i];
      if (s->duration == AV_NOPTS_VALUE || s->duration <= 0) continue;
      seconds = std::max(seconds, static_cast<double>(s->duration) * av_q2d(s->time_base));
    }
  }
  if (!(seconds > 0)) return Error{"transcript", "the media states no duration"};
  if (!std::isfinite(seconds) || seconds > 9999.0 * 3600) {
    return Error{"transcript", "the media's duration is out of range"};
  }
  return seconds;
}

std::string AvformatVersion() { return AvVersionText(avformat_version()); }

}  // namespace assay
