// SIGINT and SIGTERM ask a run to stop. The first: no new document is started, documents in
// progress may finish within a short grace (WorkerPoolOptions::stop_grace_seconds), finished
// ones are kept, the run is recorded as interrupted and a later run resumes. A second one
// ends the documents in progress at once (they stay pending, for the next run).
#pragma once

namespace assay {

// Installs the handlers (idempotent).
void InstallStopHandlers();

// True once SIGINT or SIGTERM arrived.
bool StopRequested();

// True once a second SIGINT or SIGTERM arrived.
bool StopNowRequested();

}  // namespace assay
