// The worker process: runs one document at a time for the supervisor with one DocumentRunner
// (which keeps the loaded models and built stages for later documents). Started by the
// supervisor as `assay __worker` (exec'd with OMP_THREAD_LIMIT=1 already in its environment);
// never run by hand.
//
// Protocol on stdin/stdout, one frame each (core/ipc.h):
//   worker -> {"hello": {"pid": N}} once at start;
//   supervisor -> WorkRequest JSON; worker -> WorkResult JSON; repeated until stdin closes.
// Everything a document needs is in its request (its plan names stages, parameters and
// resources); the worker has no configuration of its own.
#pragma once

#include "core/stage_catalog.h"

namespace assay {

struct WorkerOptions {
  // Fault injection for tests: a document whose path contains this marker makes the worker
  // crash ("crash"), hang ("hang") or allocate without bound ("balloon") instead of working.
  bool allow_fault_injection = false;
};

// Runs the worker loop. Returns the process exit code.
int WorkerMain(const StageCatalog& catalog, const WorkerOptions& options);

}  // namespace assay
