// How many worker processes a run starts. More workers than cores only share the cores (OCR is
// CPU-bound) and each may grow to its memory limit, so the count is capped by both: asking for
// `-j 1000` must not promise 1000 x --max-memory of resident memory.
#pragma once

#include <cstdint>
#include <string>

namespace assay {

struct WorkerCount {
  int count = 1;
  std::string capped;  // why `count` is below what was asked for; empty when it is not
};

// `requested` 0 means one per core. The count is at most `cores` and at most
// `available_bytes / per_worker_bytes` (when `available_bytes` is known, i.e. > 0), and at
// least 1: one worker always runs, its own limit still watched. `capped` says which cap applied,
// with the figures, e.g. "2 workers, not 16: the machine has 2 cores".
WorkerCount ChooseWorkerCount(int requested, int64_t per_worker_bytes, int cores,
                              int64_t available_bytes);

// This machine's online cores (at least 1) and available memory in bytes (MemAvailable of
// /proc/meminfo; 0 when unknown).
int OnlineCores();
int64_t AvailableMemoryBytes();

}  // namespace assay
