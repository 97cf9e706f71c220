// Wall-clock helpers. Times are lineage (volatile), never content.
#pragma once

#include <string>

namespace assay {

// Now, as RFC 3339 UTC with milliseconds: 2026-11-25T12:49:47.123Z.
std::string NowRfc3339();

// Seconds on a monotonic clock, for durations.
double MonotonicSeconds();

}  // namespace assay
