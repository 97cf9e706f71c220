#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/clock.h"

namespace assay {

bool ProgressWanted() {
  const char* ci = std::getenv("CI");
  return ::isatty(STDERR_FILENO) && (ci == nullptr || *ci == '\0');
}

Progress::Progress(int64_t total, bool enabled)
    : total_(total), enabled_(enabled && total > 0), start_(MonotonicSeconds()) {}

void Progress::Add(int pages) {
  ++done_;
  pages_ += pages;
  Draw(false);
}

void Progress::Draw(bool force) {
  if (!enabled_) return;
  const double now = MonotonicSeconds();
  if (!force && now - last_draw_ < 0.1) return;
  last_draw_ = now;
  const double elapsed = now - start_;
  const double pps = elapsed > 0 ? pages_ / elapsed : 0;
  const double eta = done_ > 0 ? elapsed / done_ * (total_ - done_) : 0;
  std::fprintf(stderr, "\r\033[K%lld/%lld documents  %.2f pages/s  ETA %.0fs",
               static_cast<long long>(done_), static_cast<long long>(total_), pps, eta);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!enabled_) return;
  Draw(true);
  std::fprintf(stderr, "\n");
}

}  // namespace assay
