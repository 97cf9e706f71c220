#include "core/ipc.h"

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

}  // namespace
}  // namespace assay
