// SIGINT and SIGTERM ask a run to stop: no new document is started, finished ones are kept,
// the run is recorded as interrupted and a later run resumes.
#pragma once

namespace assay {

// Installs the handlers (idempotent).
void InstallStopHandlers();

// True once SIGINT or SIGTERM arrived.
bool StopRequested();

}  // namespace assay
