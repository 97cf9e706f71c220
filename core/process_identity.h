// Who a process is, over time, on this host: its pid plus what tells it from a later process
// given the same pid (the boot, and the process's start time). Recorded with each run so a
// later process can tell whether the run's supervisor is still alive.
#pragma once

#include <cstdint>
#include <string>

namespace assay {

struct ProcessIdentity {
  int64_t pid = 0;
  std::string start;  // "BOOT_ID:START_TICKS"; empty when /proc cannot say
};

// This process.
ProcessIdentity SelfIdentity();

// This host's name, as runs.host records it.
std::string HostName();

enum class Liveness { kAlive, kGone, kUnknown };

// Whether the process recorded as (`host`, `who`) is still running. kUnknown when it cannot be
// told from here (another host, or nothing recorded); a zombie counts as gone.
Liveness ProcessLiveness(const std::string& host, const ProcessIdentity& who);

}  // namespace assay
