// The stable names assay writes into the store, exports and exit summaries: document outcomes,
// transformation outcomes, queue states and run statuses. Declared once here; SQL CHECK
// constraints and views in schemas/ use the same strings. Never renamed: they are lineage keys.
#pragma once

#include <string_view>

namespace assay {

// A document's outcome (documents.outcome; NULL in the store while pending).
namespace outcome {
inline constexpr std::string_view kAccepted = "accepted";
inline constexpr std::string_view kRejected = "rejected";  // a `reject` rule failed
inline constexpr std::string_view kError = "error";        // could not be processed
inline constexpr std::string_view kPending = "pending";    // not decided yet (reports only)
}  // namespace outcome

// A transformation's outcome (transformations.outcome).
namespace step {
inline constexpr std::string_view kOk = "ok";
inline constexpr std::string_view kSkipped = "skipped";  // the stage does not apply
inline constexpr std::string_view kError = "error";
}  // namespace step

// A remediation queue item's state (queue_items.state); see core/queue.h for the machine.
namespace queue_state {
inline constexpr std::string_view kOpen = "open";
inline constexpr std::string_view kClaimed = "claimed";
inline constexpr std::string_view kResolved = "resolved";
inline constexpr std::string_view kWaived = "waived";
inline constexpr std::string_view kRejected = "rejected";
}  // namespace queue_state

// A run's status (runs.status).
namespace run_status {
inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kFinished = "finished";
inline constexpr std::string_view kInterrupted = "interrupted";
// Found `running` after its supervisor was gone (SIGKILL, crash, reboot): set by the next
// process on the store that can tell (core/process_identity.h).
inline constexpr std::string_view kKilled = "killed";
}  // namespace run_status

// An annotation task's state (annotation_tasks.state); see core/annotation_store.h.
namespace task_state {
inline constexpr std::string_view kOpen = "open";                  // waiting for votes
inline constexpr std::string_view kUnsampled = "unsampled";        // matched, left out by sampling
inline constexpr std::string_view kComplete = "complete";          // consensus reached
inline constexpr std::string_view kAdjudication = "adjudication";  // below required agreement
inline constexpr std::string_view kAdjudicated = "adjudicated";    // a specialist decided
inline constexpr std::string_view kWithdrawn = "withdrawn";        // no longer routed
}  // namespace task_state

}  // namespace assay
