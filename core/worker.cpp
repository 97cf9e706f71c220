#include "core/worker.h"

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <thread>

#include "core/document_runner.h"
#include "core/ipc.h"
#include "core/page_heap.h"
#include "core/page_task.h"
#include "core/work.h"

namespace assay {
namespace {

// Deliberate failures, so tests can prove a crashing, hanging or ballooning document costs
// only itself. Enabled only by the hidden --fault-injection flag of the worker.
void InjectFault(const std::string& path) {
  if (path.find("__assay_fault_crash__") != std::string::npos) std::raise(SIGSEGV);
  if (path.find("__assay_fault_hang__") != std::string::npos) {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (path.find("__assay_fault_balloon__") != std::string::npos) {
    for (;;) {
      char* p = new char[64 << 20];
      std::memset(p, 1, 64 << 20);
    }
  }
}

// The frames of page tasks (docs/page_tasks.md) besides requests and results.
bool IsPageFrame(const CanonicalJson& j) {
  return j.is_object() && (j.contains("page_split") || j.contains("page_task_result") ||
                           j.contains("page_task_failed"));
}

// The document's worker's side of page tasks, over its own pipes: the supervisor's notice
// ("page_split": a worker is idle) is looked for between pages without waiting; it is
// answered with an offer of the second half of the pages still ahead (or none), and the
// helper's outcomes (or its failure) come back as frames on stdin.
class PipeHelpers : public PageHelpers {
 public:
  PipeHelpers(int in, int out, std::string doc_id)
      : in_(in), out_(out), doc_id_(std::move(doc_id)) {}

  std::optional<PageRange> Offer(int block_first, int block_end, int next_page,
                                 int last_page) override {
    pollfd p{in_, POLLIN, 0};
    while (!closed_ && ::poll(&p, 1, 0) > 0) {
      if (!Take()) break;
    }
    if (!asked_) return std::nullopt;
    asked_ = false;
    const int ahead = last_page - next_page + 1;
    if (ahead < 2) {
      WriteFrame(out_, Json{{"page_offer", {{"doc_id", doc_id_}}}}.dump());
      return std::nullopt;
    }
    // The helper starts cold (it runs the plan's prefix first): it takes the smaller half.
    const PageRange range{next_page + (ahead + 1) / 2, last_page};
    WriteFrame(out_, Json{{"page_offer",
                           {{"doc_id", doc_id_},
                            {"block_first", block_first},
                            {"block_end", block_end},
                            {"first_page", range.first_page},
                            {"last_page", range.last_page}}}}
                         .dump());
    return range;
  }

  Answer Poll(const PageRange& range) override {
    pollfd p{in_, POLLIN, 0};
    while (!answers_.contains(range.first_page) && !closed_ && ::poll(&p, 1, 0) > 0) {
      if (!Take()) break;
    }
    auto it = answers_.find(range.first_page);
    // The supervisor gone: no answer will come, the pages are run here.
    if (it == answers_.end()) return Answer{closed_, std::nullopt};
    Answer answer{true, std::move(it->second)};
    answers_.erase(it);
    return answer;
  }

  void Withdraw(const PageRange& range) override {
    WriteFrame(out_, Json{{"page_withdraw", {{"doc_id", doc_id_}, {"first_page", range.first_page}}}}
                         .dump());
  }

 private:
  // Reads one frame (blocking) and files it. False when stdin is closed or unreadable.
  bool Take() {
    auto frame = ReadFrame(in_);
    if (!frame) {
      closed_ = true;
      return false;
    }
    const CanonicalJson j = CanonicalJson::parse(*frame, nullptr, /*allow_exceptions=*/false);
    try {
      if (j.is_object() && j.contains("page_split")) {
        asked_ = true;
      } else if (j.is_object() && j.contains("page_task_result")) {
        PageTaskResult r = PageTaskResult::FromJson(j);
        if (r.doc_id == doc_id_) answers_[r.first_page] = std::move(r);
      } else if (j.is_object() && j.contains("page_task_failed")) {
        answers_[j["page_task_failed"].at("first_page").get<int>()] = std::nullopt;
      }
    } catch (const std::exception&) {
      // A malformed answer: the pages are computed here (Poll finds no answer for them only
      // if none ever comes, which the supervisor prevents).
    }
    return true;
  }

  int in_, out_;
  std::string doc_id_;
  bool asked_ = false, closed_ = false;
  std::map<int, std::optional<PageTaskResult>> answers_;  // by first page
};

}  // namespace

int WorkerMain(const StageCatalog& catalog, const WorkerOptions& options) {
  // A Ctrl-C reaches the whole process group: the supervisor decides what stops (it lets the
  // documents in progress finish), so the worker must not die of it. A worker ends when its
  // stdin closes, or with its supervisor (PR_SET_PDEATHSIG).
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  ServePageBuffersFromHeap();
  // Keep the protocol channel private: anything a library prints goes to stderr (the log).
  const int out = ::dup(STDOUT_FILENO);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  const int in = STDIN_FILENO;
  if (!WriteFrame(out, Json{{"hello", {{"pid", ::getpid()}}}}.dump())) return 0;

  DocumentRunner runner(catalog);
  while (auto frame = ReadFrame(in)) {
    WorkResult result;
    const CanonicalJson j = CanonicalJson::parse(*frame, nullptr, /*allow_exceptions=*/false);
    const std::string doc_id = j.is_object() && j.contains("doc_id") && j["doc_id"].is_string()
                                   ? j["doc_id"].get<std::string>()
                                   : "";
    // A notice or answer about pages of a document that is done: nothing to do.
    if (IsPageFrame(j)) continue;
    if (j.is_object() && j.contains("page_task")) {
      PageTaskResult task_result;
      try {
        const PageTaskRequest task = PageTaskRequest::FromJson(j);
        if (options.allow_fault_injection) {
          InjectFault(task.work.path);
          // A fault of page tasks only: the document's own worker runs it fine.
          if (task.work.path.find("__assay_fault_pagetask_crash__") != std::string::npos) {
            std::raise(SIGSEGV);
          }
        }
        task_result = runner.RunPages(task);
      } catch (const std::exception& e) {
        task_result.error = Error{"worker", std::string("malformed page task: ") + e.what()};
      }
      if (!WriteFrame(out, DumpCanonical(task_result.ToJson()))) break;
      continue;
    }
    try {
      const WorkRequest req = WorkRequest::FromJson(j);
      if (options.allow_fault_injection) InjectFault(req.path);
      PipeHelpers helpers(in, out, req.doc_id);
      result = runner.Run(req, &helpers);
    } catch (const std::exception& e) {
      // A request this worker cannot read: answer, so the supervisor records why.
      result = ErrorResult(doc_id, "", {"worker", std::string("malformed request: ") + e.what()});
    }
    if (!WriteFrame(out, DumpJson(result.ToJson()))) {
      break;
    }
  }
  return 0;
}

}  // namespace assay
