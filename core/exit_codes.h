// Exit codes of the assay command. Stable: CI gates on them. Documented in README.md.
#pragma once

namespace assay {
inline constexpr int kExitOk = 0;             // every document accepted (or nothing to report)
inline constexpr int kExitRejected = 1;       // some documents were rejected by a contract
inline constexpr int kExitUsage = 2;          // bad usage: unknown flag, missing input...
inline constexpr int kExitInternal = 3;       // run-level failure: store, workers, language data
inline constexpr int kExitDocErrors = 4;      // some documents could not be processed (error)
inline constexpr int kExitRefused = 5;        // a queue action was refused (state, assignee)
inline constexpr int kExitInvalidRelease = 6; // `release validate` found a problem
inline constexpr int kExitInterrupted = 130;  // stopped by SIGINT/SIGTERM; re-run to resume
}  // namespace assay
