#include "core/worker_count.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

namespace assay {

WorkerCount ChooseWorkerCount(int requested, int64_t per_worker_bytes, int cores,
                              int64_t available_bytes) {
  cores = std::max(1, cores);
  const int wanted = requested > 0 ? requested : cores;
  const auto workers = [](int64_t n) {
    return std::to_string(n) + (n == 1 ? " worker" : " workers");
  };
  const std::string asked = requested > 0 ? "-j " + std::to_string(requested) : "one per core";
  WorkerCount out;
  out.count = wanted;
  if (out.count > cores) {
    out.count = cores;
    out.capped = workers(out.count) + ", not " + asked + ": the machine has " +
                 std::to_string(cores) + (cores == 1 ? " core" : " cores");
  }
  if (available_bytes > 0 && per_worker_bytes > 0) {
    const int64_t fit = std::max<int64_t>(1, available_bytes / per_worker_bytes);
    if (fit < out.count) {
      out.count = static_cast<int>(fit);
      out.capped = workers(out.count) + ", not " + asked + ": " +
                   std::to_string(available_bytes >> 20) + " MiB of memory available, " +
                   std::to_string(per_worker_bytes >> 20) + " MiB per worker (--max-memory)";
    }
  }
  return out;
}

int OnlineCores() { return static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN))); }

int64_t AvailableMemoryBytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    // "MemAvailable:   23075372 kB"
    if (line.starts_with("MemAvailable:")) return std::atoll(line.c_str() + 13) * 1024;
  }
  return 0;
}

}  // namespace assay
