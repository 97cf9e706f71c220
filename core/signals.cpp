#include "core/signals.h"

#include <atomic>
#include <csignal>

namespace assay {
namespace {

std::atomic<int> g_stops{0};
static_assert(std::atomic<int>::is_always_lock_free);  // safe in a signal handler
void OnSignal(int) { g_stops.fetch_add(1); }

}  // namespace

void InstallStopHandlers() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

bool StopRequested() { return g_stops.load() >= 1; }

bool StopNowRequested() { return g_stops.load() >= 2; }

}  // namespace assay
