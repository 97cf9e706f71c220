// Read-only views of a store for people and CI: status, lineage, export.
// Each returns an exit code and prints to the given stream.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "core/document.h"
#include "core/store.h"

namespace assay {

// Counts by outcome and modality, the last runs, and the documents in error with reasons.
int PrintStatus(Store& store, bool json, std::ostream& out);

// Everything recorded about one document (DOC may be a unique prefix of the doc_id).
int PrintLineage(Store& store, const std::string& doc, bool json, std::ostream& out);

// One JSON object per processed document, sorted by doc_id, in DESIGN.md's record format.
// `stable` leaves out every volatile fact (times, durations, run, transformation-reuse and
// queue item numbers) and names the source by its first path relative to its input root, so
// the output is byte-identical across runs from scratch, worker counts and machines.
int ExportJsonl(Store& store, std::ostream& out, bool stable = false);

// The export record of one document (used by ExportJsonl and tests).
Json ExportRecord(Store& store, const std::string& doc_id, bool stable = false);

}  // namespace assay
