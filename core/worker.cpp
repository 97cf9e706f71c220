#include "core/worker.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "core/document_runner.h"
#include "core/ipc.h"
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

}  // namespace

int WorkerMain(const StageCatalog& catalog, const WorkerOptions& options) {
  // A Ctrl-C reaches the whole process group: the supervisor decides what stops (it lets the
  // documents in progress finish), so the worker must not die of it. A worker ends when its
  // stdin closes, or with its supervisor (PR_SET_PDEATHSIG).
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
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
    try {
      const WorkRequest req = WorkRequest::FromJson(j);
      if (options.allow_fault_injection) InjectFault(req.path);
      result = runner.Run(req);
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
