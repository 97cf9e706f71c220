// Opening an output folder's store for the subcommands that read or act on it.
#pragma once

#include <filesystem>
#include <iostream>
#include <string>

#include "cli/format.h"
#include "core/exit_codes.h"
#include "core/path_text.h"
#include "core/store.h"

namespace assay::cli {

// Runs `body(Store&)` on the store of `out_dir` and returns its exit code; a missing store is
// bad usage (kExitUsage) and an unreadable one a run-level failure (kExitInternal), each with a
// clear message on stderr. `for_writing` refuses a damaged store (kExitInternal, with how to
// recover). The store is never created here.
template <typename F>
int OpenStoreAnd(const std::string& out_dir, bool for_writing, F body) {
  const std::filesystem::path db = std::filesystem::path(out_dir) / "assay.db";
  if (!std::filesystem::exists(db)) {
    std::cerr << "assay: no store at " << ForTerminal(PathToText(db.string()))
              << " (run `assay run ... --out " << ForTerminal(PathToText(out_dir)) << "` first)\n";
    return kExitUsage;
  }
  try {
    Store store(db, /*create=*/false, for_writing);
    return body(store);
  } catch (const StoreError& e) {
    std::cerr << "assay: " << ForTerminal(e.what()) << "\n";
    return kExitInternal;
  }
}

// For commands that may write to the store (a damaged store is refused).
template <typename F>
int WithStore(const std::string& out_dir, F body) {
  return OpenStoreAnd(out_dir, /*for_writing=*/true, body);
}

// For commands that only read: they read what they can of a damaged store.
template <typename F>
int WithStoreForReading(const std::string& out_dir, F body) {
  return OpenStoreAnd(out_dir, /*for_writing=*/false, body);
}

}  // namespace assay::cli
