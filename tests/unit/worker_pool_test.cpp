// The real WorkerPool against a scripted fake worker (tests/tools/fake_worker.cpp): each way a
// worker can fail costs at most the document involved, never the run or the other workers.
#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "core/clock.h"
#include "tests/unit/test_paths.h"

namespace assay {
namespace {

class WorkerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir(); }

  // Small limits, so every case runs in about a second.
  WorkerPoolOptions Options(std::vector<std::string> args, int jobs = 2) {
    WorkerPoolOptions o;
    o.jobs = jobs;
    o.timeout_seconds = 5;
    o.start_timeout_seconds = 5;
    o.max_memory_bytes = int64_t{512} << 20;
    o.worker_argv = {ASSAY_FAKE_WORKER};
    o.worker_argv.insert(o.worker_argv.end(), args.begin(), args.end());
    o.log_dir = dir_;
    return o;
  }

  // Runs documents named `names` (the fake worker misbehaves on names containing "bad")
  // through a started pool; returns the results in the order they arrived.
  static std::vector<WorkResult> ProcessAll(WorkerPool& pool,
                                            const std::vector<std::string>& names) {
    std::deque<WorkRequest> todo;
    for (const std::string& name : names) {
      WorkRequest req;
      req.doc_id = name;
      req.path = "/fake/" + name + ".pdf";
      todo.push_back(req);
    }
    std::vector<WorkResult> results;
    pool.Process(
        todo, [&](const WorkResult& r) { results.push_back(r); }, [] { return false; });
    return results;
  }

  static std::map<std::string, WorkResult> ById(const std::vector<WorkResult>& results) {
    std::map<std::string, WorkResult> by_id;
    for (const WorkResult& r : results) by_id.emplace(r.doc_id, r);
    return by_id;
  }

  // Every document of `results` named in `good` was processed by a worker.
  static void ExpectProcessed(const std::map<std::string, WorkResult>& results,
                              const std::vector<std::string>& good) {
    for (const std::string& name : good) {
      ASSERT_TRUE(results.contains(name)) << name;
      const WorkResult& r = results.at(name);
      EXPECT_FALSE(r.error.has_value()) << name << ": " << r.error->message;
      EXPECT_EQ(r.modality, "fake") << name;
    }
  }

  static void ExpectWorkerError(const std::map<std::string, WorkResult>& results,
                                const std::string& name, const std::string& message) {
    ASSERT_TRUE(results.contains(name)) << name;
    const WorkResult& r = results.at(name);
    ASSERT_TRUE(r.error.has_value()) << name << " was processed";
    EXPECT_EQ(r.error->stage, "worker");
    EXPECT_EQ(r.error->message, message);
  }

  std::string WorkerLog(int index) const {
    return (dir_ / ("worker-" + std::to_string(index) + ".log")).string();
  }

  std::string SupervisorLog() const {
    std::ifstream in(dir_ / "supervisor.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
};

TEST_F(WorkerPoolTest, HealthyWorkersProcessEveryDocument) {
  WorkerPool pool(Options({"normal"}));
  Json hello;
  ASSERT_TRUE(pool.Start(&hello).ok());
  EXPECT_EQ(hello, Json({{"fake", true}}));
  const auto results = ProcessAll(pool, {"a", "b", "c", "d", "e"});
  EXPECT_EQ(results.size(), 5u);
  ExpectProcessed(ById(results), {"a", "b", "c", "d", "e"});
}

// --- Start ---

TEST_F(WorkerPoolTest, FatalAtStartFailsTheRunWithTheWorkersMessage) {
  WorkerPool pool(Options({"fatal", "Tesseract cannot load language 'xx'"}));
  Json hello;
  const Status s = pool.Start(&hello);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().stage, "worker");
  EXPECT_EQ(s.error().message, "Tesseract cannot load language 'xx'");
}

TEST_F(WorkerPoolTest, WorkerThatCannotRunFailsTheStart) {
  WorkerPoolOptions options = Options({});
  options.worker_argv = {(dir_ / "no-such-worker").string()};
  options.jobs = 1;
  WorkerPool pool(options);
  const Status s = pool.Start(nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.error().message,
      "worker 0 failed to start (worker exited unexpectedly with code 127); see " + WorkerLog(0));
}

TEST_F(WorkerPoolTest, SlowHelloWithinTheStartTimeoutStarts) {
  WorkerPool pool(Options({"slow-hello", "0.3"}));
  Json hello;
  ASSERT_TRUE(pool.Start(&hello).ok());
  EXPECT_EQ(hello, Json({{"fake", true}}));
  ExpectProcessed(ById(ProcessAll(pool, {"a", "b"})), {"a", "b"});
}

TEST_F(WorkerPoolTest, SlowHelloBeyondTheStartTimeoutFailsTheStart) {
  WorkerPoolOptions options = Options({"slow-hello", "30"});
  options.start_timeout_seconds = 0.3;
  WorkerPool pool(options);
  const double t0 = MonotonicSeconds();
  const Status s = pool.Start(nullptr);
  EXPECT_LT(MonotonicSeconds() - t0, 3);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().stage, "worker");
  EXPECT_EQ(s.error().message, "worker 0 did not say hello within 0.3 s; see " + WorkerLog(0));
}

TEST_F(WorkerPoolTest, WorkerThatNeverSaysHelloFailsTheStart) {
  WorkerPoolOptions options = Options({"hang-at-start"});
  options.start_timeout_seconds = 0.3;
  WorkerPool pool(options);
  const double t0 = MonotonicSeconds();
  const Status s = pool.Start(nullptr);
  EXPECT_LT(MonotonicSeconds() - t0, 3);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "worker 0 did not say hello within 0.3 s; see " + WorkerLog(0));
}

// --- Process ---

struct GarbageCase {
  std::string kind;
  std::string message;  // empty: only the prefix is checked (the text is nlohmann's)
};

TEST_F(WorkerPoolTest, MalformedResultCostsOnlyItsDocument) {
  const std::string malformed = "worker sent a malformed result: ";
  const std::vector<GarbageCase> cases = {
      {"not-json", malformed + "not JSON: \"this is not JSON\""},
      {"not-object", malformed + "a JSON array, not an object"},
      {"not-a-result", ""},
      {"other-doc", malformed + "it is for document \"someone-else\", not bad"},
      // Parseable, yet not to be recorded: the supervisor checks, the store is never asked.
      {"wrong-hash", malformed + "an output that does not match its hash"},
      {"not-a-patch", malformed + "an output that is not a JSON Patch"},
      {"bad-outcome", malformed + "unknown transformation outcome \"splendid\""},
      {"seq-twice", malformed + "transformation positions out of order"},
  };
  for (const GarbageCase& c : cases) {
    SCOPED_TRACE(c.kind);
    // One worker: the documents after the bad one need its replacement.
    WorkerPool pool(Options({"garbage", c.kind}, /*jobs=*/1));
    ASSERT_TRUE(pool.Start(nullptr).ok());
    const auto results = ById(ProcessAll(pool, {"a", "bad", "b", "c"}));
    EXPECT_EQ(results.size(), 4u);
    ExpectProcessed(results, {"a", "b", "c"});
    if (c.message.empty()) {
      ASSERT_TRUE(results.at("bad").error.has_value());
      EXPECT_EQ(results.at("bad").error->stage, "worker");
      EXPECT_TRUE(results.at("bad").error->message.starts_with(malformed + "not a result ("))
          << results.at("bad").error->message;
    } else {
      ExpectWorkerError(results, "bad", c.message);
    }
  }
}

TEST_F(WorkerPoolTest, CrashOnceIsRetriedInAFreshWorkerAndSucceeds) {
  WorkerPool pool(Options({"crash-once", dir_.string()}, /*jobs=*/1));
  ASSERT_TRUE(pool.Start(nullptr).ok());
  const auto results = ById(ProcessAll(pool, {"bad", "a", "b"}));
  EXPECT_EQ(results.size(), 3u);
  ExpectProcessed(results, {"bad", "a", "b"});
  EXPECT_NE(SupervisorLog().find("worker 0 on /fake/bad.pdf (bad): worker crashed with signal "
                                 "SIGSEGV; retrying in a fresh worker"),
            std::string::npos)
      << SupervisorLog();
}

TEST_F(WorkerPoolTest, CrashTwiceIsRecordedWithTheSignal) {
  WorkerPool pool(Options({"crash"}));
  ASSERT_TRUE(pool.Start(nullptr).ok());
  const auto results = ById(ProcessAll(pool, {"bad", "a", "b", "c"}));
  EXPECT_EQ(results.size(), 4u);
  ExpectProcessed(results, {"a", "b", "c"});
  ExpectWorkerError(results, "bad", "worker crashed with signal SIGABRT");
}

TEST_F(WorkerPoolTest, HangingDocumentTimesOutWhileTheOtherWorkerGoesOn) {
  WorkerPoolOptions options = Options({"hang"});
  options.timeout_seconds = 1;
  WorkerPool pool(options);
  ASSERT_TRUE(pool.Start(nullptr).ok());
  const auto results = ProcessAll(pool, {"bad", "a", "b", "c", "d", "e"});
  ASSERT_EQ(results.size(), 6u);
  // Worker 0 took the bad document first; worker 1 finished all the others before the timeout.
  EXPECT_EQ(results.back().doc_id, "bad");
  ExpectProcessed(ById(results), {"a", "b", "c", "d", "e"});
  ExpectWorkerError(ById(results), "bad", "timeout: still running at the limit of 1 s");
}

TEST_F(WorkerPoolTest, ExitInTheMiddleOfAFrameIsAWorkerDeath) {
  WorkerPool pool(Options({"exit-mid-frame"}, /*jobs=*/1));
  ASSERT_TRUE(pool.Start(nullptr).ok());
  const auto results = ById(ProcessAll(pool, {"a", "bad", "b"}));
  EXPECT_EQ(results.size(), 3u);
  ExpectProcessed(results, {"a", "b"});
  ExpectWorkerError(results, "bad",
                    "worker exited unexpectedly with code 3 in the middle of a frame");
  EXPECT_NE(SupervisorLog().find("retrying in a fresh worker"), std::string::npos);
}

TEST_F(WorkerPoolTest, RestartThatNeverSaysHelloCostsOnlyItsSlot) {
  // Worker 0 crashes on "bad"; its replacement hangs before hello. Worker 1 takes the retry
  // and the rest meanwhile: nobody waits for the replacement's 5 s start timeout.
  WorkerPool pool(Options({"hang-at-restart", dir_.string()}));
  ASSERT_TRUE(pool.Start(nullptr).ok());
  const double t0 = MonotonicSeconds();
  const auto results = ById(ProcessAll(pool, {"bad", "a", "b", "c", "d"}));
  EXPECT_LT(MonotonicSeconds() - t0, 3);
  EXPECT_EQ(results.size(), 5u);
  ExpectProcessed(results, {"bad", "a", "b", "c", "d"});
}

TEST_F(WorkerPoolTest, TimeLimitsHoldWhileARestartedWorkerIsStarting) {
  // Worker 0 crashes on "bad" and its replacement never says hello (3 s start timeout);
  // worker 1 hangs on "hang". The hang must time out at its 1 s limit, not wait for the
  // replacement's start timeout.
  WorkerPoolOptions options = Options({"hang-at-restart", dir_.string()});
  options.timeout_seconds = 1;
  options.start_timeout_seconds = 3;
  WorkerPool pool(options);
  ASSERT_TRUE(pool.Start(nullptr).ok());
  std::deque<WorkRequest> todo;
  for (const char* name : {"bad", "hang"}) {
    WorkRequest req;
    req.doc_id = name;
    req.path = std::string("/fake/") + name + ".pdf";
    todo.push_back(req);
  }
  const double t0 = MonotonicSeconds();
  std::map<std::string, double> arrived;
  std::map<std::string, WorkResult> results;
  pool.Process(
      todo,
      [&](const WorkResult& r) {
        arrived[r.doc_id] = MonotonicSeconds() - t0;
        results.emplace(r.doc_id, r);
      },
      [] { return false; });
  ExpectWorkerError(results, "hang", "timeout: still running at the limit of 1 s");
  EXPECT_LT(arrived.at("hang"), 2.5);
  // Then no worker is left (the hang's replacement hangs at start too): "bad" fails.
  ExpectWorkerError(results, "bad", "no worker could start");
}

// A run stopping (Ctrl-C) lets documents in flight finish within the grace; one still running
// after it is abandoned: its worker is killed, nothing is reported, a later run does it.
TEST_F(WorkerPoolTest, StopAbandonsAHangingDocumentAfterTheGrace) {
  WorkerPoolOptions options = Options({"normal"});
  options.timeout_seconds = 60;
  options.stop_grace_seconds = 0.5;
  WorkerPool pool(options);
  ASSERT_TRUE(pool.Start(nullptr).ok());
  std::deque<WorkRequest> todo;
  for (const char* name : {"hang", "a", "b", "c"}) {
    WorkRequest req;
    req.doc_id = name;
    req.path = std::string("/fake/") + name + ".pdf";
    todo.push_back(req);
  }
  std::vector<std::string> reported;
  bool stop = false;
  const double t0 = MonotonicSeconds();
  pool.Process(
      todo,
      [&](const WorkResult& r) {
        reported.push_back(r.doc_id);
        stop = true;  // the signal arrives as the first document finishes
      },
      [&] { return stop; });
  EXPECT_LT(MonotonicSeconds() - t0, 3);
  EXPECT_EQ(reported, std::vector<std::string>{"a"});  // neither started after it nor failed
  EXPECT_NE(SupervisorLog().find("(hang): stopped by the interruption; left for the next run"),
            std::string::npos)
      << SupervisorLog();
}

TEST_F(WorkerPoolTest, ASecondStopAbandonsRunningDocumentsAtOnce) {
  WorkerPoolOptions options = Options({"normal"}, /*jobs=*/1);
  options.timeout_seconds = 60;
  options.stop_grace_seconds = 60;
  const double t0 = MonotonicSeconds();
  options.stop_now = [&] { return MonotonicSeconds() - t0 > 0.5; };
  WorkerPool pool(options);
  ASSERT_TRUE(pool.Start(nullptr).ok());
  WorkRequest req;
  req.doc_id = "hang";
  req.path = "/fake/hang.pdf";
  std::vector<std::string> reported;
  pool.Process(
      {req}, [&](const WorkResult& r) { reported.push_back(r.doc_id); },
      [&] { return MonotonicSeconds() - t0 > 0.2; });
  EXPECT_LT(MonotonicSeconds() - t0, 2);
  EXPECT_TRUE(reported.empty());
}

TEST_F(WorkerPoolTest, WhenNoWorkerIsLeftTheRemainingDocumentsFail) {
  WorkerPoolOptions options = Options({"hang-at-restart", dir_.string()}, /*jobs=*/1);
  // The restart hangs for good, so the limit only has to let the first start through: a
  // worker binary of the unity build takes ~0.5 s to start on a loaded 2-core machine.
  options.start_timeout_seconds = 3;
  WorkerPool pool(options);
  ASSERT_TRUE(pool.Start(nullptr).ok());
  const auto results = ById(ProcessAll(pool, {"bad", "a", "b"}));
  EXPECT_EQ(results.size(), 3u);
  for (const char* name : {"bad", "a", "b"}) {
    ExpectWorkerError(results, name, "no worker could start");
  }
  EXPECT_NE(SupervisorLog().find("restart of worker 0 failed: worker 0 did not say hello within "
                                 "3 s; see " +
                                 WorkerLog(0) + "; its slot is dropped"),
            std::string::npos)
      << SupervisorLog();
}

}  // namespace
}  // namespace assay
