// Length-prefixed frames over pipes between the supervisor and its workers.
#pragma once

#include <optional>
#include <string>

namespace assay {

// Writes a 4-byte little-endian length then the bytes. False if the peer is gone.
bool WriteFrame(int fd, const std::string& payload);

// Reads one whole frame, blocking. nullopt on end of file, error or an absurd length.
std::optional<std::string> ReadFrame(int fd);

// Reassembles frames from a non-blocking file descriptor, for a reader that watches several
// peers: a peer that stops in the middle of a frame leaves the bytes here and never blocks
// the reader. One reader per peer connection.
class FrameReader {
 public:
  enum class State {
    kFrame,    // a whole frame was taken; more may be buffered, so call again
    kPending,  // no whole frame yet: poll the descriptor and call again
    kClosed,   // end of file (see mid_frame() for a frame cut short)
    kBroken,   // a read error or an absurd length: problem() says which
  };

  // Reads what `fd` (opened O_NONBLOCK) has now, without waiting. On kFrame, `*frame` holds
  // the next frame. kClosed and kBroken are final until Reset().
  State Read(int fd, std::string* frame);

  // True when bytes of an unfinished frame are buffered (e.g. the peer died while sending).
  bool mid_frame() const { return !buffer_.empty(); }
  const std::string& problem() const { return problem_; }

  // Forgets everything, for a new connection.
  void Reset();

 private:
  bool TakeFrame(std::string* frame);

  std::string buffer_;
  std::string problem_;
  bool closed_ = false;
};

}  // namespace assay
