#include "core/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include "core/clock.h"
#include "core/ipc.h"

namespace assay {

struct WorkerPool::Worker {
  int index = 0;
  pid_t pid = -1;
  int to_fd = -1;    // worker's stdin
  int from_fd = -1;  // worker's protocol channel
  std::optional<WorkRequest> task;
  double started = 0;
  int64_t peak_rss = 0;
};

namespace {

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

void WorkerPool::Kill(Worker& w) {
  if (w.to_fd >= 0) ::close(w.to_fd);
  if (w.from_fd >= 0) ::close(w.from_fd);
  w.to_fd = w.from_fd = -1;
  if (w.pid > 0) {
    ::kill(w.pid, SIGKILL);
    ::waitpid(w.pid, nullptr, 0);
  }
  w.pid = -1;
}

Status WorkerPool::Spawn(Worker& w) {
  int to[2], from[2];
  if (::pipe2(to, O_CLOEXEC) != 0 || ::pipe2(from, O_CLOEXEC) != 0) {
    return Error{"supervisor", std::string("pipe: ") + std::strerror(errno)};
  }
  const std::string log = (options_.log_dir / ("worker-" + std::to_string(w.index) + ".log"));
  std::vector<char*> argv;
  for (const std::string& a : options_.worker_argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return Error{"supervisor", std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a killed supervisor takes its workers with it
    if (::getppid() != parent) ::_exit(1);
    ::dup2(to[0], STDIN_FILENO);
    ::dup2(from[1], STDOUT_FILENO);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
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
  w.pid = pid;
  w.to_fd = to[1];
  w.from_fd = from[0];
  w.task.reset();
  return Status();
}

Status WorkerPool::Start(Json* hello) {
  for (Worker& w : workers_) {
    Status s = Spawn(w);
    if (!s.ok()) return s;
  }
  for (Worker& w : workers_) {
    auto frame = ReadFrame(w.from_fd);
    if (!frame) {
      int status = 0;
      ::waitpid(w.pid, &status, 0);
      w.pid = -1;
      return Error{"worker", "a worker failed to start (" + DescribeExit(status) + "); see " +
                                 (options_.log_dir / "worker-0.log").string()};
    }
    Json j = Json::parse(*frame);
    if (j.contains("fatal")) return Error{"worker", j["fatal"].get<std::string>()};
    if (hello != nullptr && hello->is_null()) *hello = j["hello"];
  }
  return Status();
}

void WorkerPool::Process(std::deque<WorkRequest> todo,
                         const std::function<void(const WorkResult&)>& on_result,
                         const std::function<bool()>& stop) {
  std::map<std::string, int> crashes;  // doc_id -> worker deaths it caused in this run

  // Replaces a dead or killed worker; a worker that cannot be restarted leaves the pool.
  auto restart = [&](Worker& w) {
    Kill(w);
    if (!Spawn(w).ok()) return;
    if (auto frame = ReadFrame(w.from_fd); !frame || !Json::parse(*frame).contains("hello")) {
      Kill(w);
    }
  };
  std::ofstream log(options_.log_dir / "supervisor.log", std::ios::app);
  auto fail = [&](Worker& w, const std::string& reason, bool retry) {
    WorkRequest req = *w.task;
    w.task.reset();
    restart(w);
    // A crash may be bad luck (e.g. memory pressure): retry once, then record it.
    const bool again = retry && ++crashes[req.doc_id] < 2;
    log << NowRfc3339() << " worker " << w.index << " on " << req.path << " (" << req.doc_id
        << "): " << reason << (again ? "; retrying in a fresh worker" : "; recorded as error")
        << std::endl;
    if (again) {
      todo.push_front(std::move(req));
    } else {
      on_result(FailedInWorker(req, reason));
    }
  };

  for (;;) {
    const bool stopping = stop();
    for (Worker& w : workers_) {
      if (stopping || w.task || w.pid < 0 || todo.empty()) continue;
      w.task = std::move(todo.front());
      todo.pop_front();
      w.started = MonotonicSeconds();
      w.peak_rss = 0;
      if (!WriteFrame(w.to_fd,
                      w.task->ToJson().dump(-1, ' ', false, Json::error_handler_t::replace))) {
        fail(w, "worker died before taking the document", true);
      }
    }
    std::vector<pollfd> fds;
    std::vector<Worker*> busy;
    for (Worker& w : workers_) {
      if (!w.task) continue;
      fds.push_back({w.from_fd, POLLIN, 0});
      busy.push_back(&w);
    }
    if (busy.empty()) {
      const bool any_alive =
          std::any_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.pid > 0; });
      if (stopping || todo.empty() || !any_alive) {
        for (WorkRequest& req : todo) {
          if (!any_alive) on_result(FailedInWorker(req, "no worker could start"));
        }
        return;
      }
      continue;
    }
    ::poll(fds.data(), fds.size(), 100);
    for (size_t i = 0; i < busy.size(); ++i) {
      Worker& w = *busy[i];
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        auto frame = ReadFrame(w.from_fd);
        if (frame) {
          WorkResult r = WorkResult::FromJson(Json::parse(*frame));
          w.task.reset();
          on_result(r);
          continue;
        }
        int status = 0;
        ::waitpid(w.pid, &status, 0);
        w.pid = -1;
        fail(w, DescribeExit(status), true);
        continue;
      }
      const double elapsed = MonotonicSeconds() - w.started;
      if (elapsed > options_.timeout_seconds) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "timeout: still running after %.0f s (limit %.0f s)",
                      elapsed, options_.timeout_seconds);
        fail(w, buf, false);
        continue;
      }
      const int64_t rss = ResidentBytes(w.pid);
      if (rss > options_.max_memory_bytes) {
        fail(w,
             "memory limit: worker used " + std::to_string((rss + (1 << 20) - 1) >> 20) +
                 " MiB (limit " + std::to_string(options_.max_memory_bytes >> 20) + " MiB)",
             false);
      }
    }
  }
}

}  // namespace assay
