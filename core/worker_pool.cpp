#include "core/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "core/clock.h"
#include "core/ipc.h"
#include "core/result_frame.h"
#include "core/path_text.h"

namespace assay {

// A slot of the pool. No process (pid < 0): the slot is dropped. A process that has not said
// hello yet is starting; a ready one is idle or has a task.
struct WorkerPool::Worker {
  int index = 0;
  pid_t pid = -1;
  int to_fd = -1;    // worker's stdin
  int from_fd = -1;  // worker's protocol channel, non-blocking
  FrameReader reader;
  bool ready = false;
  double hello_due = 0;  // while starting
  std::optional<WorkRequest> task;
  double started = 0;
};

namespace {

constexpr int kPollMs = 100;  // how often limits are checked while nothing happens

int64_t ResidentBytes(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  int64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return std::string("worker crashed with signal SIG") + (name ? name : std::to_string(sig));
  }
  if (WIFEXITED(status)) {
    return "worker exited unexpectedly with code " + std::to_string(WEXITSTATUS(status));
  }
  return "worker ended unexpectedly";
}

// Options are fractions of a second in tests and minutes in production: print both plainly.
std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

WorkResult FailedInWorker(const WorkRequest& req, const std::string& reason) {
  return ErrorResult(req.doc_id, FirstInputSha256(req), {"worker", reason});
}

}  // namespace

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(std::move(options)) {
  std::signal(SIGPIPE, SIG_IGN);  // a dead worker must not kill the supervisor
  workers_.resize(std::max(1, options_.jobs));
  for (size_t i = 0; i < workers_.size(); ++i) workers_[i].index = static_cast<int>(i);
}

WorkerPool::~WorkerPool() {
  for (Worker& w : workers_) Kill(w);
}

std::string WorkerPool::LogPath(const Worker& w) const {
  return (options_.log_dir / ("worker-" + std::to_string(w.index) + ".log")).string();
}

void WorkerPool::Log(const std::string& line) const {
  std::ofstream log(options_.log_dir / "supervisor.log", std::ios::app);
  log << NowRfc3339() << " " << line << std::endl;
}

int WorkerPool::Kill(Worker& w) {
  if (w.to_fd >= 0) ::close(w.to_fd);
  if (w.from_fd >= 0) ::close(w.from_fd);
  w.to_fd = w.from_fd = -1;
  int status = 0;
  if (w.pid > 0) {
    // Also when the worker closed its channel itself: it may not have exited. A worker that
    // already died keeps its own status, SIGKILL does not change it.
    ::kill(w.pid, SIGKILL);
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  w.pid = -1;
  w.ready = false;
  w.reader.Reset();
  return status;
}

Status WorkerPool::Spawn(Worker& w) {
  if (options_.worker_argv.empty()) return Error{"supervisor", "no worker command"};
  int to[2], from[2];
  if (::pipe2(to, O_CLOEXEC) != 0) {
    return Error{"supervisor", std::string("pipe: ") + std::strerror(errno)};
  }
  if (::pipe2(from, O_CLOEXEC) != 0) {
    const int err = errno;
    ::close(to[0]);
    ::close(to[1]);
    return Error{"supervisor", std::string("pipe: ") + std::strerror(err)};
  }
  const std::string log = LogPath(w);
  std::vector<char*> argv;
  for (const std::string& a : options_.worker_argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    for (int fd : {to[0], to[1], from[0], from[1]}) ::close(fd);
    return Error{"supervisor", std::string("fork: ") + std::strerror(err)};
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed supervisor takes its workers with it
    if (::getppid() != parent) ::_exit(1);
    ::dup2(to[0], STDIN_FILENO);
    ::dup2(from[1], STDOUT_FILENO);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd >= 0) ::dup2(log_fd, STDERR_FILENO);
    // Address-space cap as a backstop to the supervisor's RSS watch: generous, because
    // Tesseract and OpenMP reserve far more address space than they touch.
    const rlim_t cap = static_cast<rlim_t>(options_.max_memory_bytes) * 2 + (rlim_t{1} << 30);
    struct rlimit limit = {cap, cap};
    ::setrlimit(RLIMIT_AS, &limit);
    // OpenMP reads this when the runtime loads: it must be set before exec, not in main().
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to[0]);
  ::close(from[1]);
  // The pool watches all workers from one thread: a read must never wait for one of them.
  ::fcntl(from[0], F_SETFL, ::fcntl(from[0], F_GETFL) | O_NONBLOCK);
  w.pid = pid;
  w.to_fd = to[1];
  w.from_fd = from[0];
  w.reader.Reset();
  w.ready = false;
  w.hello_due = MonotonicSeconds() + options_.start_timeout_seconds;
  w.task.reset();
  return Status();
}

// Returns true once `w` said hello, false while it may still say it, and an Error (with the
// worker killed) when it will not: it exited, sent something else, or its time is up.
Result<bool> WorkerPool::AwaitHello(Worker& w, bool readable, Json* hello) {
  const std::string who = "worker " + std::to_string(w.index);
  const std::string see = "; see " + LogPath(w);
  std::string frame;
  switch (readable ? w.reader.Read(w.from_fd, &frame) : FrameReader::State::kPending) {
    case FrameReader::State::kFrame: {
      const Json j = Json::parse(frame, nullptr, /*allow_exceptions=*/false);
      std::string malformed;
      if (j.is_discarded()) {
        malformed = "not JSON: " + FrameExcerpt(frame);
      } else if (j.is_object() && j.contains("hello")) {
        if (hello != nullptr) *hello = j["hello"];
        w.ready = true;
        return true;
      } else if (j.is_object() && j.contains("fatal")) {
        Kill(w);
        // The worker's own message is meant for the user (e.g. which package to install).
        return Error{"worker", j["fatal"].is_string() ? j["fatal"].get<std::string>()
                                                      : who + " failed: " + j["fatal"].dump()};
      } else {
        malformed = "neither hello nor fatal";
      }
      Kill(w);
      return Error{"worker", who + " sent a malformed hello: " + malformed + see};
    }
    case FrameReader::State::kClosed: {
      const std::string exit = DescribeExit(Kill(w));
      return Error{"worker", who + " failed to start (" + exit + ")" + see};
    }
    case FrameReader::State::kBroken: {
      const std::string problem = w.reader.problem();
      Kill(w);
      return Error{"worker", who + " sent a malformed hello: " + problem + see};
    }
    case FrameReader::State::kPending:
      break;
  }
  if (MonotonicSeconds() > w.hello_due) {
    Kill(w);
    return Error{"worker", who + " did not say hello within " +
                               Seconds(options_.start_timeout_seconds) + see};
  }
  return false;
}

Status WorkerPool::Start(Json* hello) {
  // A pool that failed to start has no workers: nothing is left running behind the error.
  auto failed = [&](const Error& e) {
    for (Worker& w : workers_) Kill(w);
    return Status(e);
  };
  for (Worker& w : workers_) {
    if (Status s = Spawn(w); !s.ok()) return failed(s.error());
  }
  // All workers load their models at once; the first one that cannot start decides.
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Worker*> starting;
    for (Worker& w : workers_) {
      if (w.ready) continue;
      fds.push_back({w.from_fd, POLLIN, 0});
      starting.push_back(&w);
    }
    if (starting.empty()) return Status();
    ::poll(fds.data(), fds.size(), kPollMs);
    for (size_t i = 0; i < starting.size(); ++i) {
      Worker& w = *starting[i];
      Result<bool> said = AwaitHello(w, fds[i].revents != 0, w.index == 0 ? hello : nullptr);
      if (!said.ok()) return failed(said.error());
    }
  }
}

void WorkerPool::Process(std::deque<WorkRequest> todo,
                         const std::function<void(const WorkResult&)>& on_result,
                         const std::function<bool()>& stop) {
  Process(
      [&]() -> std::optional<WorkRequest> {
        if (todo.empty()) return std::nullopt;
        WorkRequest req = std::move(todo.front());
        todo.pop_front();
        return req;
      },
      on_result, stop);
}

void WorkerPool::Process(const std::function<std::optional<WorkRequest>()>& next,
                         const std::function<void(const WorkResult&)>& on_result,
                         const std::function<bool()>& stop) {
  std::map<std::string, int> crashes;  // doc_id -> worker deaths it caused in this run
  // Documents to retry go first; then the source is asked, one document ahead at most.
  std::deque<WorkRequest> todo;
  bool source_done = false;
  auto has_work = [&] {
    if (todo.empty() && !source_done) {
      if (auto req = next()) {
        todo.push_back(std::move(*req));
      } else {
        source_done = true;
      }
    }
    return !todo.empty();
  };

  // Kills `w` and starts its replacement, whose hello the loop below awaits like a result:
  // the other workers go on meanwhile.
  auto replace = [&](Worker& w) {
    Kill(w);
    if (Status s = Spawn(w); !s.ok()) {
      Log("worker " + std::to_string(w.index) + " cannot be restarted: " + s.error().message +
          "; its slot is dropped");
    }
  };
  auto fail = [&](Worker& w, const std::string& reason, bool retry) {
    WorkRequest req = std::move(*w.task);
    w.task.reset();
    replace(w);
    // A crash may be bad luck (e.g. memory pressure): retry once, then record it.
    const bool again = retry && ++crashes[req.doc_id] < 2;
    Log("worker " + std::to_string(w.index) + " on " + PathToText(req.path) + " (" + req.doc_id +
        "): " + reason + (again ? "; retrying in a fresh worker" : "; recorded as error"));
    if (again) {
      todo.push_front(std::move(req));
    } else {
      on_result(FailedInWorker(req, reason));
    }
  };

  double stop_since = -1;  // when `stop` first said stop
  for (;;) {
    const bool stopping = stop();
    if (stopping && stop_since < 0) stop_since = MonotonicSeconds();
    if (stopping && (MonotonicSeconds() - stop_since > options_.stop_grace_seconds ||
                     (options_.stop_now && options_.stop_now()))) {
      // Abandoned, not failed: the documents did nothing wrong, a later run does them.
      for (Worker& w : workers_) {
        if (!w.task) continue;
        Log("worker " + std::to_string(w.index) + " on " + w.task->path + " (" + w.task->doc_id +
            "): stopped by the interruption; left for the next run");
        w.task.reset();
        Kill(w);
      }
      return;
    }
    for (Worker& w : workers_) {
      if (stopping || !w.ready || w.task || !has_work()) continue;
      w.task = std::move(todo.front());
      todo.pop_front();
      w.started = MonotonicSeconds();
      if (!WriteFrame(w.to_fd, DumpJson(w.task->ToJson()))) {
        fail(w, "worker died before taking the document", true);
      }
    }
    // Watched: busy workers (for their result) and starting ones (for their hello).
    std::vector<pollfd> fds;
    std::vector<Worker*> watched;
    bool busy = false;
    for (Worker& w : workers_) {
      if (w.pid < 0 || (w.ready && !w.task)) continue;
      busy = busy || w.task.has_value();
      fds.push_back({w.from_fd, POLLIN, 0});
      watched.push_back(&w);
    }
    if (!busy) {
      if (stopping || !has_work()) return;
      // Documents wait, yet no worker is idle, busy or starting: every slot was dropped.
      if (watched.empty()) {
        while (has_work()) {
          on_result(FailedInWorker(todo.front(), "no worker could start"));
          todo.pop_front();
        }
        return;
      }
    }
    ::poll(fds.data(), fds.size(), kPollMs);
    for (size_t i = 0; i < watched.size(); ++i) {
      Worker& w = *watched[i];
      const bool readable = fds[i].revents != 0;
      if (!w.ready) {
        Result<bool> said = AwaitHello(w, readable, nullptr);
        if (!said.ok()) {
          Log("restart of worker " + std::to_string(w.index) + " failed: " + said.error().message +
              "; its slot is dropped");
        }
        continue;
      }
      if (readable) {
        std::string frame;
        const FrameReader::State state = w.reader.Read(w.from_fd, &frame);
        if (state == FrameReader::State::kFrame) {
          Result<WorkResult> result = DecodeResultFrame(frame, *w.task);
          if (result.ok()) {
            w.task.reset();
            on_result(result.value());
          } else {
            fail(w, result.error().message, false);
          }
          continue;
        }
        if (state == FrameReader::State::kClosed) {
          const bool mid_frame = w.reader.mid_frame();
          const std::string exit = DescribeExit(Kill(w));
          fail(w, exit + (mid_frame ? " in the middle of a frame" : ""), true);
          continue;
        }
        if (state == FrameReader::State::kBroken) {
          fail(w, "worker sent a malformed result: " + w.reader.problem(), false);
          continue;
        }
      }
      const double elapsed = MonotonicSeconds() - w.started;
      // The document's reason names the limit only: the measured figure depends on timing
      // and would make the record differ from run to run. The log has the figure.
      if (elapsed > options_.timeout_seconds) {
        char limit[64];
        std::snprintf(limit, sizeof limit, "%.0f s", options_.timeout_seconds);
        Log("worker " + std::to_string(w.index) + " ran " + std::to_string(elapsed) + " s on " +
            PathToText(w.task->path));
        fail(w, std::string("timeout: still running at the limit of ") + limit, false);
        continue;
      }
      const int64_t rss = ResidentBytes(w.pid);
      if (rss > options_.max_memory_bytes) {
        Log("worker " + std::to_string(w.index) + " used " +
            std::to_string((rss + (1 << 20) - 1) >> 20) + " MiB on " + PathToText(w.task->path));
        fail(w,
             "memory limit: the worker went over " +
                 std::to_string(options_.max_memory_bytes >> 20) + " MiB",
             false);
      }
    }
  }
}

}  // namespace assay
