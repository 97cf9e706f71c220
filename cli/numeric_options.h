// Numeric command-line options, checked in one place. A number must be written plainly
// (decimal digits; no nan, inf or hex), be finite and lie in its range; otherwise the command
// is bad usage (exit 2) with a short message naming the option, the range with its unit and a
// short excerpt of what was given, e.g.
//   --timeout: must be a number of seconds from 0.1 to 604800, got "nan"
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace assay::cli {

// A whole number from `min` to `max` (inclusive); `unit` is plural ("workers", "MiB") or empty.
CLI::Validator WholeNumber(int64_t min, int64_t max, const std::string& unit);

// A finite decimal number from `min` to `max` (inclusive).
CLI::Validator RealNumber(double min, double max, const std::string& unit);

// The ranges of the options that more than one command has.
inline constexpr double kMaxTimeoutSeconds = 7 * 24 * 3600;  // a week per document
inline constexpr int64_t kMinMemoryMiB = 64;                 // below it no worker starts
inline constexpr int64_t kMaxMemoryMiB = int64_t{1} << 20;   // 1 TiB
inline constexpr int64_t kMaxJobs = 1024;

}  // namespace assay::cli
