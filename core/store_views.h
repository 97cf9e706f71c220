// Read-only views of a store as data: what `assay status`, `assay lineage` and `assay export`
// show. The formatting for people lives in cli/format.h.
#pragma once

#include <ostream>
#include <string>

#include "core/document.h"
#include "core/result.h"
#include "core/store.h"

namespace assay {

// {"outcomes", "modalities", "errors" (documents in error with reasons), "runs" (the last 5)}.
Json StatusView(Store& store);

// The full doc_id of the one document whose id starts with `prefix`; "" with *error set
// ("no document with id X", "the id prefix X is ambiguous") otherwise.
std::string ResolveDocId(Store& store, const std::string& prefix, std::string* error);

// Everything recorded about one document (`doc` may be a unique prefix of its doc_id): source,
// paths, versions, the run that decided it, transformations with resources, queue history.
// Error (stage "usage") for an unknown or ambiguous id.
Result<Json> LineageView(Store& store, const std::string& doc);

// One JSON object per processed document, sorted by doc_id, in DESIGN.md's record format.
// `stable` leaves out every volatile fact (times, durations, run, transformation-reuse and
// queue item numbers) and names the source by its first path relative to its input root, so
// the output is byte-identical across runs from scratch, worker counts and machines.
// A document whose record cannot be built (a damaged store) is skipped with a line on
// `errors`; the others are still written, each whole, and the result is then kExitInternal
// instead of kExitOk. No record is ever written in part.
int ExportJsonl(Store& store, std::ostream& out, bool stable = false,
                std::ostream* errors = nullptr);

// One Markdown file per processed document, `dir`/<doc_id>.md (core/markdown.h), the folder
// made if needed. A record that cannot be built is skipped as in ExportJsonl (kExitInternal);
// a file that cannot be written ends the export with kExitInternal and a line on `errors`.
int ExportMarkdown(Store& store, const std::string& dir, std::ostream* errors = nullptr);

// One CSV per table of every processed document, `dir`/<doc_id>.p<page>.t<n>.csv
// (core/table_csv.h), the folder made if needed; errors as ExportMarkdown.
int ExportTablesCsv(Store& store, const std::string& dir, std::ostream* errors = nullptr);

// Where `assay export --format frames` writes a video's sampled frame, relative to its
// folder: "<doc_id>/<index, 6 digits>.png". The export record's video.frames[].file.
std::string VideoFrameFile(const std::string& doc_id, int64_t index);

// The export record of one document (used by ExportJsonl and tests).
Json ExportRecord(Store& store, const std::string& doc_id, bool stable = false);

// A video's findings as the export writes them (schemas/export.schema.json `video`): the
// stage's facts, each sampled frame with the file `export --format frames` writes it to and
// the corpus near-duplicate step's finding.
Json ExportVideoJson(Store& store, const std::string& doc_id, const CanonicalJson& facts);

// A transcript as the export writes it (`transcript`): segments with times, speakers and
// words, and the findings per cue.
Json ExportTranscriptJson(const Transcript& t);

}  // namespace assay
