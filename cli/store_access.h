// Opening an output folder's store for the subcommands that read or act on it.
#pragma once

#include <filesystem>
#include <iostream>
#include <string>

#include "core/exit_codes.h"
#include "core/store.h"

namespace assay::cli {

enum class StoreUse { kWrite, kReadOnly };

// Runs `body(Store&)` on the store of `out_dir` and returns its exit code; a missing store is
// bad usage (kExitUsage) and an unreadable one a run-level failure (kExitInternal), each with a
// clear message on stderr. A command that may write refuses a damaged store (kExitInternal,
// with how to recover); a read-only one reads what it can. The store is never created here.
template <typename F>
int WithStore(const std::string& out_dir, F body, StoreUse use = StoreUse::kWrite) {
  const std::filesystem::path db = std::filesystem::path(out_dir) / "assay.db";
  if (!std::filesystem::exists(db)) {
    std::cerr << "assay: no store at " << db << " (run `assay run ... --out " << out_dir
              << "` first)\n";
    return kExitUsage;
  }
  try {
    Store store(db, /*create=*/false, /*for_writing=*/use == StoreUse::kWrite);
    return body(store);
  } catch (const StoreError& e) {
    std::cerr << "assay: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace assay::cli
