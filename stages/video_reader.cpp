#include "stages/video_reader.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "stages/libav_text.h"

namespace assay {
namespace {

// Streams the demuxer is allowed to create while a header is read: a stream costs little, and
// up to here a file over VideoLimits::max_streams is refused with its count.
constexpr int kMaxStreamsOpened = 1000;

// The header's dimensions against the limits: "" when within them, else why not.
std::string OverVideoLimits(int width, int height, const VideoLimits& limits) {
  if (width <= 0 || height <= 0) return "";  // unknown until decoded: checked again then
  const double mp = double(width) * double(height) / 1e6;
  if (width > limits.max_side || height > limits.max_side || mp > limits.max_megapixels) {
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  "frames of %dx%d pixels (%.1f megapixels) exceed the limit (%d px a side, "
                  "%.0f megapixels)",
                  width, height, mp, limits.max_side, limits.max_megapixels);
    return buf;
  }
  return "";
}

// A scaler from `f` to `dst` (w x h), reused while the frame format stays. The JPEG pixel
// formats (MJPEG's yuvj*) are their plain twins with full-range levels: swscale wants them
// said that way (else it warns on every frame) and converts them alike.
SwsContext* FrameScaler(SwsContext* cached, const AVFrame* f, int w, int h, AVPixelFormat dst,
                        int flags) {
  AVPixelFormat src = static_cast<AVPixelFormat>(f->format);
  bool full_range = f->color_range == AVCOL_RANGE_JPEG;
  switch (src) {
    case AV_PIX_FMT_YUVJ420P:
      src = AV_PIX_FMT_YUV420P;
      full_range = true;
      break;
    case AV_PIX_FMT_YUVJ422P:
      src = AV_PIX_FMT_YUV422P;
      full_range = true;
      break;
    case AV_PIX_FMT_YUVJ444P:
      src = AV_PIX_FMT_YUV444P;
      full_range = true;
      break;
    case AV_PIX_FMT_YUVJ440P:
      src = AV_PIX_FMT_YUV440P;
      full_range = true;
      break;
    default:
      break;
  }
  SwsContext* ctx = sws_getCachedContext(cached, f->width, f->height, src, w, h, dst, flags,
                                         nullptr, nullptr, nullptr);
  if (ctx != nullptr && ctx != cached) {  // a new scaler: its ranges (tables built once)
    const int* coefficients = sws_getCoefficients(SWS_CS_DEFAULT);
    sws_setColorspaceDetails(ctx, coefficients, full_range ? 1 : 0, coefficients, 1, 0, 1 << 16,
                             1 << 16);
  }
  return ctx;
}

}  // namespace

std::string VideoLibraryVersions() {
  return "avformat " + AvVersionText(avformat_version()) + ", avcodec " +
         AvVersionText(avcodec_version()) + ", swscale " + AvVersionText(swscale_version());
}

struct VideoReader::Impl {
  VideoLimits limits;
  VideoInfo info;
  AVFormatContext* fmt = nullptr;
  AVCodecContext* codec = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  SwsContext* gray_sws = nullptr;
  SwsContext* bgr_sws = nullptr;
  int stream = -1;
  int64_t start_pts = AV_NOPTS_VALUE;
  int64_t decoded = 0;
  double time = 0;
  bool keyframe = false;
  bool draining = false;
  bool done = false;

  ~Impl() {
    sws_freeContext(gray_sws);
    sws_freeContext(bgr_sws);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    avformat_close_input(&fmt);
  }

  // The frame just received: its time and the checks a decoded size needs.
  Result<bool> Accept() {
    if (const std::string over = OverVideoLimits(frame->width, frame->height, limits);
        !over.empty()) {
      return Error{"video", "decoded " + over};
    }
    if (++decoded > limits.max_decoded_frames) {
      return Error{"video", "more than " + std::to_string(limits.max_decoded_frames) +
                                " frames (video.max_decoded_frames)"};
    }
    const AVStream* s = fmt->streams[stream];
    const int64_t pts = frame->best_effort_timestamp;
    if (pts != AV_NOPTS_VALUE) {
      if (start_pts == AV_NOPTS_VALUE) {
        start_pts = s->start_time != AV_NOPTS_VALUE ? std::min(s->start_time, pts) : pts;
      }
      time = double(pts - start_pts) * av_q2d(s->time_base);
    } else {
      // No timestamps: the frame count at the stated rate.
      time = info.fps > 0 ? double(decoded - 1) / info.fps : 0;
    }
    keyframe = frame->key_frame != 0;
    return true;
  }

  Result<bool> Next() {
    while (!done) {
      const int got = avcodec_receive_frame(codec, frame);
      if (got == 0) return Accept();
      if (got == AVERROR_EOF) {
        done = true;
        break;
      }
      if (got != AVERROR(EAGAIN)) {
        return Error{"video", "the decoder failed: " + AvErrorText(got)};
      }
      if (draining) {
        done = true;
        break;
      }
      const int read = av_read_frame(fmt, packet);
      if (read == AVERROR_EOF) {
        draining = true;
        avcodec_send_packet(codec, nullptr);
        continue;
      }
      if (read < 0)
        return Error{"video", "the container cannot be read further: " + AvErrorText(read)};
      if (packet->stream_index == stream) {
        const int sent = avcodec_send_packet(codec, packet);
        // Damaged packets are the decoder's to conceal; only a refusal of the stream itself
        // (not invalid data in one packet) ends the document.
        if (sent < 0 && sent != AVERROR_INVALIDDATA && sent != AVERROR(EAGAIN)) {
          av_packet_unref(packet);
          return Error{"video", "the decoder refused a packet: " + AvErrorText(sent)};
        }
      }
      av_packet_unref(packet);
    }
    return false;
  }
};

VideoReader::VideoReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoReader::~VideoReader() = default;

Result<std::unique_ptr<VideoReader>> VideoReader::Open(const std::string& path,
                                                       const VideoLimits& limits) {
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  impl->fmt = avformat_alloc_context();
  if (impl->fmt == nullptr) return Error{"video", "out of memory"};
  // The demuxer makes at most this many streams (a header announcing more is refused as it is
  // read); above the limit but below this, the file opens far enough to say how many it has.
  impl->fmt->max_streams = std::max(limits.max_streams + 1, kMaxStreamsOpened);
  // Bounded probing: a few MB and seconds of stream are enough to find a video's parameters.
  impl->fmt->probesize = 8 << 20;
  impl->fmt->max_analyze_duration = 10 * int64_t{AV_TIME_BASE};
  if (int r = avformat_open_input(&impl->fmt, path.c_str(), nullptr, nullptr); r < 0) {
    // avformat_open_input frees the context on failure.
    impl->fmt = nullptr;
    return Error{"video", "the container cannot be read (" + AvErrorText(r) +
                              "; truncated or damaged, or more than " +
                              std::to_string(kMaxStreamsOpened) + " streams)"};
  }
  VideoInfo& info = impl->info;
  info.streams = static_cast<int>(impl->fmt->nb_streams);
  if (info.streams > limits.max_streams) {
    return Error{"video", "the container has " + std::to_string(info.streams) +
                              " streams, above the limit of " + std::to_string(limits.max_streams) +
                              " (video.max_streams)"};
  }
  // Dimensions as the header states them, checked before any frame is decoded (stream-info
  // probing below decodes a few).
  for (unsigned i = 0; i < impl->fmt->nb_streams; ++i) {
    const AVCodecParameters* par = impl->fmt->streams[i]->codecpar;
    if (par->codec_type != AVMEDIA_TYPE_VIDEO) continue;
    if (const std::string over = OverVideoLimits(par->width, par->height, limits); !over.empty()) {
      return Error{"video", "the header states " + over};
    }
  }
  if (int r = avformat_find_stream_info(impl->fmt, nullptr); r < 0) {
    return Error{"video", "the streams cannot be read (" + AvErrorText(r) + ")"};
  }
  const AVCodec* decoder = nullptr;
  impl->stream = av_find_best_stream(impl->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  if (impl->stream < 0) {
    return Error{"video", impl->stream == AVERROR_DECODER_NOT_FOUND
                              ? "no decoder for the video stream's codec"
                              : "the file has no video stream"};
  }
  AVStream* st = impl->fmt->streams[impl->stream];
  info.width = st->codecpar->width;
  info.height = st->codecpar->height;
  info.codec = avcodec_get_name(st->codecpar->codec_id);
  if (const std::string over = OverVideoLimits(info.width, info.height, limits); !over.empty()) {
    return Error{"video", "the header states " + over};
  }
  const AVRational rate = st->avg_frame_rate.num > 0 ? st->avg_frame_rate : st->r_frame_rate;
  info.fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
  if (st->duration != AV_NOPTS_VALUE && st->duration > 0) {
    info.duration_s = double(st->duration) * av_q2d(st->time_base);
  } else if (impl->fmt->duration != AV_NOPTS_VALUE && impl->fmt->duration > 0) {
    info.duration_s = double(impl->fmt->duration) / AV_TIME_BASE;
  }
  if (info.duration_s > limits.max_duration_s) {
    return Error{"video", "the header states a duration of " +
                              std::to_string(static_cast<int64_t>(info.duration_s)) +
                              " s, above the limit (video.max_duration_s)"};
  }
  impl->codec = avcodec_alloc_context3(decoder);
  if (impl->codec == nullptr) return Error{"video", "out of memory"};
  if (avcodec_parameters_to_context(impl->codec, st->codecpar) < 0) {
    return Error{"video", "the stream's codec parameters are invalid"};
  }
  impl->codec->thread_count = 1;  // a worker is one core; and one frame of memory
  if (int r = avcodec_open2(impl->codec, decoder, nullptr); r < 0) {
    return Error{"video", "the decoder cannot be opened: " + AvErrorText(r)};
  }
  impl->packet = av_packet_alloc();
  impl->frame = av_frame_alloc();
  if (impl->packet == nullptr || impl->frame == nullptr) return Error{"video", "out of memory"};
  return std::unique_ptr<VideoReader>(new VideoReader(std::move(impl)));
}

const VideoInfo& VideoReader::info() const { return impl_->info; }
Result<bool> VideoReader::Next() { return impl_->Next(); }
int64_t VideoReader::index() const { return impl_->decoded - 1; }
double VideoReader::time() const { return impl_->time; }
bool VideoReader::keyframe() const { return impl_->keyframe; }

cv::Mat VideoReader::Gray(int width) {
  const AVFrame* f = impl_->frame;
  const int w = std::max(1, std::min(width, f->width));
  const int h = std::max(1, static_cast<int>(std::lround(double(f->height) * w / f->width)));
  impl_->gray_sws = FrameScaler(impl_->gray_sws, f, w, h, AV_PIX_FMT_GRAY8, SWS_AREA);
  cv::Mat out(h, w, CV_8UC1);
  if (impl_->gray_sws == nullptr) return cv::Mat();
  uint8_t* dst[4] = {out.data, nullptr, nullptr, nullptr};
  int stride[4] = {static_cast<int>(out.step), 0, 0, 0};
  sws_scale(impl_->gray_sws, f->data, f->linesize, 0, f->height, dst, stride);
  return out;
}

cv::Mat VideoReader::Bgr() {
  const AVFrame* f = impl_->frame;
  impl_->bgr_sws =
      FrameScaler(impl_->bgr_sws, f, f->width, f->height, AV_PIX_FMT_BGR24, SWS_BILINEAR);
  if (impl_->bgr_sws == nullptr) return cv::Mat();
  cv::Mat out(f->height, f->width, CV_8UC3);
  uint8_t* dst[4] = {out.data, nullptr, nullptr, nullptr};
  int stride[4] = {static_cast<int>(out.step), 0, 0, 0};
  sws_scale(impl_->bgr_sws, f->data, f->linesize, 0, f->height, dst, stride);
  return out;
}

}  // namespace assay
