// How many workers a run starts (core/worker_count.h): capped by cores and by memory, with the
// reason, and never below one.
#include "core/worker_count.h"

#include <gtest/gtest.h>

namespace assay {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

TEST(WorkerCountTest, CappedByCoresAndMemoryWithTheReason) {
  struct Case {
    int requested;
    int64_t per_worker, available;
    int cores;
    int count;
    std::string capped;
  };
  const Case cases[] = {
      {0, 2048 * kMiB, 0, 4, 4, ""},  // one per core; memory unknown
      {2, 2048 * kMiB, 16384 * kMiB, 4, 2, ""},
      {16, 2048 * kMiB, 16384 * kMiB, 2, 2, "2 workers, not -j 16: the machine has 2 cores"},
      {1000, 2048 * kMiB, 0, 1, 1, "1 worker, not -j 1000: the machine has 1 core"},
      {4, 2048 * kMiB, 5000 * kMiB, 8, 2,
       "2 workers, not -j 4: 5000 MiB of memory available, 2048 MiB per worker (--max-memory)"},
      {0, 2048 * kMiB, 5000 * kMiB, 8, 2,
       "2 workers, not one per core: 5000 MiB of memory available, 2048 MiB per worker "
       "(--max-memory)"},
      // Less memory than one worker's limit: one still runs, its own limit watched.
      {2, 1048576 * kMiB, 5000 * kMiB, 8, 1,
       "1 worker, not -j 2: 5000 MiB of memory available, 1048576 MiB per worker "
       "(--max-memory)"},
  };
  for (const Case& c : cases) {
    const WorkerCount w = ChooseWorkerCount(c.requested, c.per_worker, c.cores, c.available);
    EXPECT_EQ(w.count, c.count) << c.capped;
    EXPECT_EQ(w.capped, c.capped);
  }
}

}  // namespace
}  // namespace assay
