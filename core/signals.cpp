#include "core/signals.h"

#include <atomic>
#include <csignal>

namespace assay {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

}  // namespace

void InstallStopHandlers() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

bool StopRequested() { return g_stop.load(); }

}  // namespace assay
