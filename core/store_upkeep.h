// Store upkeep: `assay store vacuum` and `assay store backup`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/result.h"
#include "core/store.h"

namespace assay {

struct VacuumReport {
  int64_t bytes_before = 0;  // the store file and its WAL
  int64_t bytes_after = 0;
  int64_t outputs_removed = 0;
  int64_t output_bytes_removed = 0;  // their content
};

// Removes the outputs no transformation or document references, then VACUUMs. Refused
// (Error stage "refused") while a run on the store is alive: VACUUM rewrites the whole file
// under an exclusive lock, which would hold that run's writes for as long. A run started
// meanwhile waits for the lock (kBusyTimeoutMs).
Result<VacuumReport> VacuumStore(Store& store);

struct BackupReport {
  int64_t pages = 0;
  int64_t bytes = 0;
  double seconds = 0;
  int steps = 0;
};

// Copies the store to `to` (which must not exist) with SQLite's online backup, in steps of
// 1 MiB over one read snapshot: in WAL mode a run keeps writing meanwhile, and the copy is the
// store as it was when the backup began. The copy is a single file (rollback journal mode),
// checked with `PRAGMA integrity_check` before it is renamed into place; a partial copy never
// appears at `to`. Errors: stage "usage" (`to` exists, or its folder does not), "refused"
// (`stop()` said so), "store" (the copy failed or does not pass integrity_check).
Result<BackupReport> BackupStore(Store& store, const std::filesystem::path& to,
                                 const std::function<bool()>& stop);

}  // namespace assay
