// Model-evaluation feedback (`assay feedback import|list`): results a model team computed on
// a dataset, keyed by doc_id (or by release and key), with a score, an optional flag and note,
// stored in `model_feedback`. A flagged document gets a remediation queue item with the reason
// "model evaluation" (core/queue.h), so the evaluation loop reaches the data team.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"
#include "core/store.h"

namespace assay {

struct FeedbackImport {
  std::string file;               // as path text
  std::string sha256;             // of the file's bytes: the import's identity
  std::string format;             // jsonl | csv
  bool already_imported = false;  // this file was imported before: nothing was done
  int lines = 0;                  // result lines read (a CSV's header not counted)
  int imported = 0;               // rows stored
  int flagged = 0;                // of which flagged
  int queue_opened = 0;           // queue items opened
  int queue_updated = 0;          // active items that got the reason added
  // Lines not imported, each "FILE:LINE: why" (unknown doc_id, bad value...). The others are
  // imported all the same.
  std::vector<std::string> problems;
  Json ToJson() const;
};

// Imports `file` into `store`: JSONL (one object per line) when it ends in .jsonl or .json or
// starts with '{', else CSV with a header row. Fields: `doc_id` (a full doc_id of the store)
// or `release` + `key`; `score` (a finite number); optional `flagged` (true/false, 1/0,
// yes/no) and `note`; any other field is a problem of its line. Everything is written in one
// transaction; queue events name `actor`. A file whose SHA-256 was imported before is not
// imported again (already_imported). Error (stage "usage") when the file cannot be read or a
// CSV has no usable header.
Result<FeedbackImport> ImportFeedback(Store& store, const std::filesystem::path& file,
                                      const std::string& actor);

// The stored feedback, newest import first, then by id: every row, or those of one document
// (`doc` a unique doc_id prefix) and/or only flagged ones. Error (stage "usage") for an
// unknown or ambiguous doc.
Result<Json> ListFeedback(Store& store, const std::optional<std::string>& doc, bool flagged_only);

}  // namespace assay
