// `assay release validate`: re-checks a release folder as CI would before it is used. Each
// check is one named case with every problem found, each naming the file and the record (line
// and doc_id), so a report says what to look at; JUnit XML makes CI systems list them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/document.h"

namespace assay {

struct ValidationCheck {
  std::string name;
  std::vector<std::string> failures;  // empty: passed
  bool skipped = false;               // e.g. reproduce without --reproduce
  std::string note;                   // what was checked, for the report
};

struct ValidationReport {
  std::string release;  // the manifest's name, or the folder
  std::vector<ValidationCheck> checks;
  bool ok() const;
  Json ToJson() const;
  // JUnit XML: one <testcase> per check that passed, one failed <testcase> per problem.
  std::string JUnitXml() const;
};

struct ValidateOptions {
  std::filesystem::path dir;
  int reproduce = 0;                          // documents to re-process (needs store_dir)
  std::optional<std::filesystem::path> store_dir;
  std::filesystem::path assay_binary;         // the `assay` to re-process with
};

// The checks, in order: manifest, files (hash and size), extra_files, content_sha256,
// records.schema (schemas/export.schema.json), records.outcome (accepted, or waived with its
// contract's failures; never error or rejected), records.unique (and sorted), splits.leakage
// (no source, image or near-duplicate text group in two splits), counts (manifest counts and
// the files), reproduce (N sampled documents re-processed from their sources into a
// temporary store compare equal, field by field, to their records).
ValidationReport ValidateRelease(const ValidateOptions& options);

}  // namespace assay
