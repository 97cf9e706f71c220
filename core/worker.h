// The worker process: holds one initialised Tesseract and runs the stages of one document at
// a time for the supervisor. Started by the supervisor as `assay __worker` (exec'd with
// OMP_THREAD_LIMIT=1 already in its environment); never run by hand.
//
// Protocol on stdin/stdout, one frame each (core/ipc.h):
//   worker -> {"hello": {...library versions...}} or {"fatal": "message"} once at start;
//   supervisor -> WorkRequest JSON; worker -> WorkResult JSON; repeated until stdin closes.
#pragma once

#include <string>

#include "core/document.h"

namespace assay {

struct WorkerOptions {
  Json overrides = Json::object();  // stage parameter overrides, as given to `run --set`
  // Fault injection for tests: a document whose path contains this marker makes the worker
  // crash ("crash"), hang ("hang") or allocate without bound ("balloon") instead of working.
  bool allow_fault_injection = false;
};

// Runs the worker loop. Returns the process exit code.
int WorkerMain(const WorkerOptions& options);

}  // namespace assay
