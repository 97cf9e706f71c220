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
#include "core/page_task.h"
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
  // Page tasks (docs/page_tasks.md). A document's worker: told that a worker is idle and not
  // answered yet; the ranges (first pages) helpers are running for it.
  bool split_asked = false;
  std::vector<int> lent;
  // A helper: the page task it runs, for which worker (slot and pid), and by when.
  std::optional<PageTaskRequest> page_task;
  int owner = -1;
  pid_t owner_pid = -1;
  double page_task_due = 0;
  bool busy() const { return task.has_value() || page_task.has_value(); }
};

namespace {

// How a lent page range was done, for the supervisor's log (lineage has it as a row).
std::string PageTaskOutcomeText(const PageTaskNote& t, int owner) {
  const std::string own = "its own worker " + std::to_string(owner);
  if (t.outcome == "used") return "done by " + t.helper;
  if (t.outcome == "partly") {
    return "done by " + t.helper + " (" + std::to_string(t.helper_pages) + " pages) and " + own;
  }
  if (t.outcome == "withdrawn") return "done by " + own + " before its page task answered";
  return "done by " + own + " after its page task failed";
}

// The key of a document's worker's page frame ("page_offer", "page_withdraw"), or null when
// `frame` is none (its result).
const char* PageFrameKey(const std::string& frame) {
  for (const char* key : {"page_offer", "page_withdraw"}) {
    if (frame.starts_with(std::string("{\"") + key + "\"")) return key;
  }
  return nullptr;
}

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

  // The document's worker that lent `range` to a helper, if it still runs that document.
  auto owner_of = [&](const Worker& helper) -> Worker* {
    if (helper.owner < 0 || helper.owner >= static_cast<int>(workers_.size())) return nullptr;
    Worker& o = workers_[helper.owner];
    if (o.pid != helper.owner_pid || !o.task || o.task->doc_id != helper.page_task->work.doc_id ||
        std::find(o.lent.begin(), o.lent.end(), helper.page_task->first_page) == o.lent.end()) {
      return nullptr;
    }
    return &o;
  };
  auto answer_owner = [&](Worker& owner, int first_page, const std::string& frame) {
    std::erase(owner.lent, first_page);
    WriteFrame(owner.to_fd, frame);  // a dead owner shows in its own channel
  };
  auto tell_failed = [&](Worker& owner, int first_page) {
    answer_owner(owner, first_page,
                 Json{{"page_task_failed", {{"first_page", first_page}}}}.dump());
  };
  // A helper that failed (died, ran too long or too big, answered garbage): replaced, and its
  // pages go back to the document's worker, which runs them itself. Never the document's error.
  auto fail_page_task = [&](Worker& w, const std::string& reason) {
    Worker* owner = owner_of(w);  // before the task moves out: it is looked up by the task
    const PageTaskRequest task = std::move(*w.page_task);
    w.page_task.reset();
    replace(w);
    Log("worker " + std::to_string(w.index) + " on pages " + std::to_string(task.first_page) +
        "-" + std::to_string(task.last_page) + " of " + PathToText(task.work.path) + " (" +
        task.work.doc_id + "): " + reason + "; its document's worker runs them");
    if (owner != nullptr) tell_failed(*owner, task.first_page);
  };
  // An offer of pages from a document's worker: to an idle worker as a page task, or declined.
  auto take_offer = [&](Worker& w, const Json& offer) {
    w.split_asked = false;
    if (!offer.contains("first_page")) return;  // nothing left to share
    const int first = offer.at("first_page").get<int>();
    Worker* helper = nullptr;
    for (Worker& h : workers_) {
      if (h.ready && !h.busy() && helper == nullptr) helper = &h;
    }
    w.lent.push_back(first);
    if (helper == nullptr || !w.task || offer.value("doc_id", "") != w.task->doc_id) {
      tell_failed(w, first);
      return;
    }
    PageTaskRequest task{*w.task, offer.at("block_first").get<int>(),
                         offer.at("block_end").get<int>(), first,
                         offer.at("last_page").get<int>()};
    helper->owner = w.index;
    helper->owner_pid = w.pid;
    helper->started = MonotonicSeconds();
    // The document's worker runs these pages itself if the helper fails, and must still have
    // time to: the helper has half of the document's time at most.
    helper->page_task_due = std::min(helper->started + options_.timeout_seconds,
                                     w.started + options_.timeout_seconds / 2);
    Log("worker " + std::to_string(helper->index) + " takes pages " + std::to_string(first) + "-" +
        std::to_string(task.last_page) + " of " + PathToText(w.task->path) + " (" +
        w.task->doc_id + ") from worker " + std::to_string(w.index));
    helper->page_task = std::move(task);
    if (!WriteFrame(helper->to_fd, DumpJson(helper->page_task->ToJson()))) {
      fail_page_task(*helper, "worker died before taking the pages");
    }
  };

  // The document's worker ran every page of a range it lent before the helper answered: the
  // helper's work is no longer wanted, so it is stopped (and replaced) rather than left to
  // compete for the cores with the document it was meant to speed up.
  auto withdraw = [&](Worker& owner, int first_page) {
    for (Worker& h : workers_) {
      if (!h.page_task || h.page_task->first_page != first_page || owner_of(h) != &owner) continue;
      Log("worker " + std::to_string(h.index) + " on pages " + std::to_string(first_page) + "-" +
          std::to_string(h.page_task->last_page) + " of " + h.page_task->work.doc_id +
          ": withdrawn, its document's worker ran them first");
      h.page_task.reset();
      replace(h);
    }
    std::erase(owner.lent, first_page);
  };
  // A helper's answer, death or limits. Its answer goes to the document's worker as it is.
  auto watch_page_task = [&](Worker& w, bool readable) {
    if (readable) {
      std::string frame;
      switch (w.reader.Read(w.from_fd, &frame)) {
        case FrameReader::State::kFrame: {
          PageTaskResult r;
          bool fits = false;
          try {
            r = PageTaskResult::FromJson(CanonicalJson::parse(frame));
            fits = r.doc_id == w.page_task->work.doc_id &&
                   r.first_page == w.page_task->first_page;
          } catch (const std::exception&) {
          }
          if (!fits) {
            fail_page_task(w, "worker sent a malformed page task result");
            return;
          }
          r.helper = "worker " + std::to_string(w.index) + " (pid " + std::to_string(w.pid) + ")";
          Worker* owner = owner_of(w);
          const PageTaskRequest task = std::move(*w.page_task);
          w.page_task.reset();
          Log("worker " + std::to_string(w.index) + " did pages " +
              std::to_string(task.first_page) + "-" + std::to_string(task.last_page) + " of " +
              task.work.doc_id + (r.error ? " without result: " + r.error->message : "") +
              (owner == nullptr ? "; its document's worker no longer waits for them" : ""));
          if (owner != nullptr) answer_owner(*owner, task.first_page, DumpCanonical(r.ToJson()));
          return;
        }
        case FrameReader::State::kClosed: {
          const bool mid_frame = w.reader.mid_frame();
          const std::string exit = DescribeExit(Kill(w));
          fail_page_task(w, exit + (mid_frame ? " in the middle of a frame" : ""));
          return;
        }
        case FrameReader::State::kBroken:
          fail_page_task(w, "worker sent a malformed result: " + w.reader.problem());
          return;
        case FrameReader::State::kPending:
          break;
      }
    }
    if (MonotonicSeconds() > w.page_task_due) {
      fail_page_task(w, "timeout: the page task ran out of its time");
      return;
    }
    if (ResidentBytes(w.pid) > options_.max_memory_bytes) {
      fail_page_task(w, "memory limit: the worker went over " +
                            std::to_string(options_.max_memory_bytes >> 20) + " MiB");
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
        if (w.page_task) {
          w.page_task.reset();
          Kill(w);
        }
        if (!w.task) continue;
        Log("worker " + std::to_string(w.index) + " on " + w.task->path + " (" + w.task->doc_id +
            "): stopped by the interruption; left for the next run");
        w.task.reset();
        Kill(w);
      }
      return;
    }
    for (Worker& w : workers_) {
      if (stopping || !w.ready || w.busy() || !has_work()) continue;
      w.task = std::move(todo.front());
      todo.pop_front();
      w.started = MonotonicSeconds();
      w.split_asked = false;
      w.lent.clear();
      if (!WriteFrame(w.to_fd, DumpJson(w.task->ToJson()))) {
        fail(w, "worker died before taking the document", true);
      }
    }
    // No document left to start and a worker idle: a busy one is told, so that it can offer
    // pages of its document (between two of its pages) to the idle one.
    if (!stopping && !has_work()) {
      int idle = 0;
      for (const Worker& w : workers_) idle += w.ready && !w.busy() ? 1 : 0;
      for (const Worker& w : workers_) idle -= w.split_asked ? 1 : 0;
      for (Worker& w : workers_) {
        if (idle <= 0 || !w.ready || !w.task || w.split_asked) continue;
        w.split_asked = true;
        --idle;
        WriteFrame(w.to_fd, Json{{"page_split", {{"doc_id", w.task->doc_id}}}}.dump());
      }
    }
    // Watched: busy workers (for their result) and starting ones (for their hello).
    std::vector<pollfd> fds;
    std::vector<Worker*> watched;
    bool busy = false;
    for (Worker& w : workers_) {
      if (w.pid < 0 || (w.ready && !w.busy())) continue;
      busy = busy || w.busy();
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
      if (w.page_task) {
        watch_page_task(w, readable);
        continue;
      }
      if (readable) {
        std::string frame;
        FrameReader::State state = w.reader.Read(w.from_fd, &frame);
        // Offers and withdrawals of pages come before the result, maybe in the same read:
        // take them all.
        const char* key = nullptr;
        while (state == FrameReader::State::kFrame && (key = PageFrameKey(frame)) != nullptr) {
          const Json j = Json::parse(frame, nullptr, /*allow_exceptions=*/false);
          const bool offer = key == std::string_view("page_offer");
          std::string bad;
          if (j.is_object() && j[key].is_object()) {
            try {
              if (offer) {
                take_offer(w, j[key]);
              } else {
                withdraw(w, j[key].at("first_page").get<int>());
              }
            } catch (const std::exception& e) {
              bad = e.what();
            }
          } else {
            bad = "not an object";
          }
          if (!bad.empty()) {
            fail(w, std::string("worker sent a malformed ") + key + ": " + bad, false);
            break;
          }
          state = w.reader.Read(w.from_fd, &frame);
        }
        if (!w.task) continue;
        if (state == FrameReader::State::kFrame) {
          Result<WorkResult> result = DecodeResultFrame(frame, *w.task);
          if (result.ok()) {
            // Lineage of page tasks: which worker did which pages of the document.
            for (const PageTaskNote& t : result.value().page_tasks) {
              Log("document " + result.value().doc_id + ": pages " +
                  std::to_string(t.first_page) + "-" + std::to_string(t.last_page) + " (plan " +
                  std::to_string(t.block_first) + ".." + std::to_string(t.block_end - 1) + ") " +
                  PageTaskOutcomeText(t, w.index));
            }
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
