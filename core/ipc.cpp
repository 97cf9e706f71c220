#include "core/ipc.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace assay {
namespace {

constexpr uint32_t kMaxFrame = 1u << 30;  // 1 GiB: beyond it the peer is broken

uint32_t DecodeLength(const unsigned char header[4]) {
  return header[0] | (header[1] << 8) | (header[2] << 16) |
         (static_cast<uint32_t>(header[3]) << 24);
}

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

bool WriteFrame(int fd, const std::string& payload) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  const unsigned char header[4] = {
      static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
      static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
  return WriteAll(fd, reinterpret_cast<const char*>(header), 4) &&
         WriteAll(fd, payload.data(), payload.size());
}

std::optional<std::string> ReadFrame(int fd) {
  unsigned char header[4];
  if (!ReadAll(fd, reinterpret_cast<char*>(header), 4)) return std::nullopt;
  const uint32_t n = DecodeLength(header);
  if (n > kMaxFrame) return std::nullopt;
  std::string payload(n, '\0');
  if (!ReadAll(fd, payload.data(), n)) return std::nullopt;
  return payload;
}

FrameReader::State FrameReader::Read(int fd, std::string* frame) {
  // Frames already buffered go first, even after the end of file: a peer may send its last
  // frame and exit at once.
  if (TakeFrame(frame)) return State::kFrame;
  if (!problem_.empty()) return State::kBroken;
  if (closed_) return State::kClosed;
  char chunk[64 << 10];
  for (;;) {
    const ssize_t r = ::read(fd, chunk, sizeof chunk);
    if (r > 0) {
      buffer_.append(chunk, static_cast<size_t>(r));
      // Stop at a whole frame, so a peer that writes without pause cannot keep us here.
      if (TakeFrame(frame)) return State::kFrame;
      if (!problem_.empty()) return State::kBroken;
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return State::kPending;
    if (r < 0) {
      problem_ = std::string("read error: ") + std::strerror(errno);
      return State::kBroken;
    }
    closed_ = true;
    return State::kClosed;
  }
}

bool FrameReader::TakeFrame(std::string* frame) {
  if (buffer_.size() < 4 || !problem_.empty()) return false;
  const uint32_t n = DecodeLength(reinterpret_cast<const unsigned char*>(buffer_.data()));
  if (n > kMaxFrame) {
    problem_ = "a frame of " + std::to_string(n) + " bytes, over the 1 GiB limit";
    return false;
  }
  if (buffer_.size() - 4 < n) return false;
  frame->assign(buffer_, 4, n);
  buffer_.erase(0, size_t{4} + n);
  return true;
}

void FrameReader::Reset() {
  buffer_.clear();
  problem_.clear();
  closed_ = false;
}

}  // namespace assay
