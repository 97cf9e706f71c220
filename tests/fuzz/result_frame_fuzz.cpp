// libFuzzer target: what the supervisor does with a worker's bytes. The input is the raw byte
// stream of the worker's channel: frames are reassembled (core/ipc.h FrameReader) and each is
// decoded as the result for a request (core/result_frame.h). Never a crash or an exception;
// every frame is a result for the document asked or a reason.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/ipc.h"
#include "core/result_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A file stands in for the pipe: reads return what was written, then end of file.
  const int fd = ::memfd_create("frames", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (size > 0 && ::write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
  ::lseek(fd, 0, SEEK_SET);
  assay::WorkRequest request;
  request.doc_id = "d";
  assay::FrameReader reader;
  std::string frame;
  for (int n = 0; n < 64; ++n) {
    if (reader.Read(fd, &frame) != assay::FrameReader::State::kFrame) break;
    auto result = assay::DecodeResultFrame(frame, request);
    if (result.ok() && result.value().doc_id != "d") std::abort();
    if (!result.ok() && result.error().stage != "worker") std::abort();
  }
  ::close(fd);
  return 0;
}
