#include "core/ipc.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

namespace assay {
namespace {

TEST(IpcTest, FramesRoundTripIncludingLargeAndEmpty) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string big(3 << 20, 'x');  // larger than a pipe buffer: needs the reader running
  std::thread writer([&] {
    EXPECT_TRUE(WriteFrame(fds[1], "hello"));
    EXPECT_TRUE(WriteFrame(fds[1], ""));
    EXPECT_TRUE(WriteFrame(fds[1], big));
    ::close(fds[1]);
  });
  EXPECT_EQ(ReadFrame(fds[0]).value(), "hello");
  EXPECT_EQ(ReadFrame(fds[0]).value(), "");
  EXPECT_EQ(ReadFrame(fds[0]).value(), big);
  EXPECT_FALSE(ReadFrame(fds[0]).has_value());  // end of file
  writer.join();
  ::close(fds[0]);
}

TEST(IpcTest, TruncatedFrameIsNotAFrame) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const unsigned char header[4] = {10, 0, 0, 0};  // promises 10 bytes, delivers 3
  ASSERT_EQ(::write(fds[1], header, 4), 4);
  ASSERT_EQ(::write(fds[1], "abc", 3), 3);
  ::close(fds[1]);
  EXPECT_FALSE(ReadFrame(fds[0]).has_value());
  ::close(fds[0]);
}

TEST(IpcTest, AbsurdLengthIsRejected) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const unsigned char header[4] = {0xff, 0xff, 0xff, 0xff};
  ASSERT_EQ(::write(fds[1], header, 4), 4);
  ::close(fds[1]);
  EXPECT_FALSE(ReadFrame(fds[0]).has_value());
  ::close(fds[0]);
}

// A pipe whose read end never blocks, as the supervisor reads its workers.
struct NonBlockingPipe {
  NonBlockingPipe() {
    EXPECT_EQ(::pipe2(fds, O_NONBLOCK), 0);
    ::fcntl(fds[1], F_SETFL, 0);  // the writer blocks as usual
  }
  ~NonBlockingPipe() {
    ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }
  void CloseWriter() {
    ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2] = {-1, -1};
};

TEST(FrameReaderTest, ReassemblesAFrameSentInPieces) {
  NonBlockingPipe p;
  FrameReader reader;
  std::string frame;
  EXPECT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kPending);
  const unsigned char header[4] = {5, 0, 0, 0};
  ASSERT_EQ(::write(p.fds[1], header, 3), 3);
  EXPECT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kPending);
  ASSERT_EQ(::write(p.fds[1], header + 3, 1), 1);
  ASSERT_EQ(::write(p.fds[1], "hel", 3), 3);
  EXPECT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kPending);
  EXPECT_TRUE(reader.mid_frame());
  ASSERT_EQ(::write(p.fds[1], "lo", 2), 2);
  ASSERT_TRUE(WriteFrame(p.fds[1], "second"));
  p.CloseWriter();
  // Both frames come out before the end of file, even though it arrived with them.
  ASSERT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kFrame);
  EXPECT_EQ(frame, "hello");
  ASSERT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kFrame);
  EXPECT_EQ(frame, "second");
  EXPECT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kClosed);
  EXPECT_FALSE(reader.mid_frame());
}

TEST(FrameReaderTest, EndOfFileInTheMiddleOfAFrameIsClosedMidFrame) {
  NonBlockingPipe p;
  const unsigned char header[4] = {10, 0, 0, 0};
  ASSERT_EQ(::write(p.fds[1], header, 4), 4);
  ASSERT_EQ(::write(p.fds[1], "abc", 3), 3);
  p.CloseWriter();
  FrameReader reader;
  std::string frame;
  EXPECT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kClosed);
  EXPECT_TRUE(reader.mid_frame());
}

TEST(FrameReaderTest, AbsurdLengthIsBroken) {
  NonBlockingPipe p;
  const unsigned char header[4] = {0xff, 0xff, 0xff, 0xff};
  ASSERT_EQ(::write(p.fds[1], header, 4), 4);
  FrameReader reader;
  std::string frame;
  EXPECT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kBroken);
  EXPECT_EQ(reader.problem(), "a frame of 4294967295 bytes, over the 1 GiB limit");
  reader.Reset();
  EXPECT_EQ(reader.Read(p.fds[0], &frame), FrameReader::State::kPending);
}

}  // namespace
}  // namespace assay
