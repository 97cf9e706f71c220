// Reads the video stream of a video file frame by frame with libavformat/libavcodec, bounded
// before anything is decoded: the container's stream count, the stream's dimensions and pixel
// count and its stated duration are checked from the header, and the number of frames decoded
// is capped. Single-threaded decoding (a worker is one core), so memory stays one frame deep.
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "core/result.h"

namespace assay {

struct VideoLimits {
  int max_streams = 16;              // streams of any kind in the container
  int max_side = 8192;               // pixels, the longer side
  double max_megapixels = 36;        // width x height of a frame
  double max_duration_s = 4 * 3600;  // as the header states it
  int64_t max_decoded_frames = 500000;
};

// What the header says, checked against VideoLimits by VideoReader::Open.
struct VideoInfo {
  int width = 0, height = 0;
  double fps = 0;         // average frame rate (0 when the container states none)
  double duration_s = 0;  // 0 when unknown
  int streams = 0;        // all streams of the container
  std::string codec;      // libavcodec's short name ("h264", "vp9", ...)
};

// The libavformat/libavcodec versions this build runs with, as "avformat X.Y.Z, avcodec ...":
// part of the key of a stage that decodes video.
std::string VideoLibraryVersions();

class VideoReader {
 public:
  // Opens `path` and its best video stream. Errors (with a reason a person can act on): the
  // container cannot be read, no video stream, more streams than the limit, dimensions,
  // pixel count or duration above the limits, no decoder for the codec.
  static Result<std::unique_ptr<VideoReader>> Open(const std::string& path,
                                                   const VideoLimits& limits);
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  const VideoInfo& info() const;

  // Decodes the next frame: true when there is one, false at the end of the stream. An error
  // when the stream is damaged beyond the decoder's repair or the frame cap is reached.
  Result<bool> Next();
  // The current frame (after Next() returned true): its decode-order number from 0, its time
  // in seconds from the stream's start, and whether it was coded as a keyframe.
  int64_t index() const;
  double time() const;
  bool keyframe() const;
  // The current frame as 8-bit gray scaled to `width` pixels wide (height by the aspect, at
  // least 1), and as 8-bit BGR at its own size.
  cv::Mat Gray(int width);
  cv::Mat Bgr();

 private:
  struct Impl;
  explicit VideoReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace assay
