// A stand-in for `assay __worker` that misbehaves on demand, so the supervisor's pool can be
// tested against each way a worker fails (tests/unit/worker_pool_test.cpp). It speaks the
// protocol of core/worker.h over the same frames (core/ipc.h), reads requests with the real
// WorkRequest::FromJson and answers with the real WorkResult::ToJson, so it follows the
// format wherever it goes.
//
//   fake_worker MODE [ARG]
//
// Start-up modes; documents are then answered normally:
//   normal               hello at once
//   fatal MESSAGE        {"fatal": MESSAGE} instead of hello, then exit code 3
//   slow-hello SECONDS   hello after SECONDS
//   hang-at-start        never says hello
// Document modes, for documents whose path contains "bad" (others are answered normally):
//   garbage KIND         answer with a frame that is no result for it, KIND being one of
//                        not-json, not-object, not-a-result, other-doc, or a result that
//                        must not be recorded: wrong-hash (an output that does not match its
//                        name), not-a-patch (an output that is not a JSON Patch), bad-outcome
//                        (an unknown transformation outcome), seq-twice (two transformations
//                        at one position)
//   crash                abort() on each one
//   crash-once DIR       SIGSEGV on the first one that any process sees, normal afterwards
//                        (the file DIR/crashed remembers it across restarts)
//   hang-at-restart DIR  as crash-once, and every process started after that crash never
//                        says hello
//   hang                 sleep forever
//   exit-mid-frame       send half a result frame, then exit with code 3
// In every mode, a document whose path contains "hang" is never answered.
//
// A valid result has modality "fake"; the hello is {"fake": true}.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <thread>

#include "core/ipc.h"
#include "core/sha256.h"
#include "core/work.h"

namespace {

using assay::Json;

void SleepForever() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

void Send(const Json& j) { assay::WriteFrame(STDOUT_FILENO, j.dump()); }

Json GoodResult(const assay::WorkRequest& req) {
  assay::WorkResult r;
  r.doc_id = req.doc_id;
  r.modality = "fake";
  return r.ToJson();
}

// Answers one "bad" document as `mode` says.
void Misbehave(const std::string& mode, const std::string& arg, const assay::WorkRequest& req) {
  if (mode == "garbage") {
    if (arg == "not-json") assay::WriteFrame(STDOUT_FILENO, "this is not JSON");
    if (arg == "not-object") Send(Json::array({1, 2, 3}));
    if (arg == "not-a-result") Send(Json{{"doc_id", req.doc_id}, {"surprise", true}});
    if (arg == "wrong-hash" || arg == "not-a-patch") {
      Json r = GoodResult(req);
      const std::string content = arg == "wrong-hash" ? "[]" : "{\"op\": \"add\"}";
      r["outputs"] = {{assay::Sha256Hex(arg == "wrong-hash" ? "other" : content), content}};
      Send(r);
    }
    if (arg == "bad-outcome" || arg == "seq-twice") {
      assay::TransformationRecord t;
      t.stage = "fake";
      t.outcome = arg == "bad-outcome" ? "splendid" : "ok";
      assay::WorkResult r;
      r.doc_id = req.doc_id;
      r.modality = "fake";
      r.transformations = {t};
      if (arg == "seq-twice") r.transformations.push_back(t);
      Send(r.ToJson());
    }
    if (arg == "other-doc") {
      assay::WorkRequest other = req;
      other.doc_id = "someone-else";
      Send(GoodResult(other));
    }
    return;
  }
  if (mode == "crash") std::abort();
  if (mode == "crash-once" || mode == "hang-at-restart") {
    const std::filesystem::path marker = std::filesystem::path(arg) / "crashed";
    if (!std::filesystem::exists(marker)) {
      std::ofstream(marker) << "crashed on " << req.doc_id << "\n";
      std::raise(SIGSEGV);
    }
    Send(GoodResult(req));
    return;
  }
  if (mode == "hang") SleepForever();
  if (mode == "exit-mid-frame") {
    const std::string payload = GoodResult(req).dump();
    const uint32_t n = static_cast<uint32_t>(payload.size());
    const unsigned char header[4] = {
        static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
        static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
    (void)!::write(STDOUT_FILENO, header, 4);
    (void)!::write(STDOUT_FILENO, payload.data(), payload.size() / 2);
    std::_Exit(3);
  }
  Send(GoodResult(req));  // a start-up mode
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "normal";
  const std::string arg = argc > 2 ? argv[2] : "";
  static const std::set<std::string> kModes = {
      "normal", "fatal",      "slow-hello",      "hang-at-start", "garbage",
      "crash",  "crash-once", "hang-at-restart", "hang",          "exit-mid-frame"};
  if (!kModes.contains(mode)) {
    std::cerr << "fake_worker: unknown mode " << mode << "\n";
    return 2;
  }
  // Deliberate crashes leave no core files behind.
  const struct rlimit no_core = {0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);

  if (mode == "fatal") {
    Send(Json{{"fatal", arg}});
    return 3;
  }
  if (mode == "hang-at-start") SleepForever();
  if (mode == "hang-at-restart" &&
      std::filesystem::exists(std::filesystem::path(arg) / "crashed")) {
    SleepForever();
  }
  if (mode == "slow-hello") {
    std::this_thread::sleep_for(std::chrono::duration<double>(std::stod(arg)));
  }
  Send(Json{{"hello", {{"fake", true}}}});

  while (auto frame = assay::ReadFrame(STDIN_FILENO)) {
    const Json j = Json::parse(*frame);
    // A notice that a worker is idle (page tasks, docs/page_tasks.md): this worker never
    // offers pages, so it has nothing to answer.
    if (j.contains("page_split")) continue;
    const assay::WorkRequest req = assay::WorkRequest::FromJson(j);
    if (req.path.find("hang") != std::string::npos) SleepForever();
    if (req.path.find("bad") != std::string::npos) {
      Misbehave(mode, arg, req);
    } else {
      Send(GoodResult(req));
    }
  }
  return 0;
}
