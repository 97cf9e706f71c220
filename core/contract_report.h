// `assay contracts check|show`: validate a contract set, print one contract.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "core/stage_catalog.h"

namespace assay {

// Loads every contract of `dir` strictly; prints each file's verdict. Exit code 0 or 2.
int CheckContracts(const std::filesystem::path& dir, const StageCatalog& catalog, bool json,
                   std::ostream& out);

// Prints the contract of `modality` from `dir` (empty: the shipped ones) with its version,
// SHA-256 and source, then its text. Exit code 0, or 2 for an unknown modality or bad set.
int ShowContract(const std::filesystem::path& dir, const StageCatalog& catalog,
                 const std::string& modality, bool json, std::ostream& out);

}  // namespace assay
