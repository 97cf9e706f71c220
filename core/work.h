// What the supervisor asks of a worker and what the worker answers, with their wire form.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"

namespace assay {

// One document to process.
struct WorkRequest {
  std::string doc_id;
  std::string source_sha256;
  std::string path;
  std::string container;  // "pdf" | "image"
  std::optional<std::string> alt_text;
  std::optional<std::string> ground_truth;         // path of the ground-truth text
  std::optional<std::string> ground_truth_sha256;  // its hash, part of the first input
  Json overrides = Json::object();                 // this document's own stage parameters

  Json ToJson() const;
  static WorkRequest FromJson(const Json& j);
};

// One stage applied to one document, as lineage records it.
struct TransformationRecord {
  int seq = 0;
  std::string stage;
  int stage_version = 0;
  Json params = Json::object();
  std::string input_sha256;
  std::string output_sha256;  // empty when the stage failed
  std::string started_at;     // RFC 3339
  double duration_ms = 0;
  std::string outcome;  // ok | skipped | error
  std::string note;
};

// Everything the worker learned about one document. `error` set = the document is an error.
struct WorkResult {
  std::string doc_id;
  std::string modality;
  std::optional<Error> error;
  std::vector<TransformationRecord> transformations;
  std::map<std::string, std::string> outputs;  // sha256 -> canonical JSON content
  std::map<std::string, double> metrics;
  std::map<std::string, std::map<std::string, double>> part_metrics;  // "page:N" -> metrics
  int page_count = 0;
  std::string output_sha256;  // content after the last stage that ran

  Json ToJson() const;
  static WorkResult FromJson(const Json& j);
};

// The input hash of a document's first stage: the source's SHA-256, marked when the manifest
// gives alt-text (which makes an image a photo) and combined with the ground truth's hash
// (which the quality stage measures against). The alt-text itself is not part of it, so one
// photo under two alt-texts shares its stage outputs.
std::string FirstInputSha256(const WorkRequest& req);

// A failure outside any stage's own report (unsupported type at ingest, a worker crash,
// timeout or memory kill...), with one transformation named after `error.stage` so lineage
// says what happened to the document.
WorkResult ErrorResult(const std::string& doc_id, const std::string& input_sha256, Error error);

}  // namespace assay
