// What the supervisor asks of a worker and what the worker answers, with their wire form.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/document.h"
#include "core/result.h"
#include "core/stage.h"

namespace assay {

// One document to process: who it is, and the plan to run on it (core/plan.h) from stage
// `start_at` on. When start_at > 0 the stages before it were reused from the store, and
// `state` is the document's content after them.
struct WorkRequest {
  std::string doc_id;
  std::string source_sha256;
  std::string path;       // raw bytes (path text on the wire)
  std::string container;  // "pdf" | "image"
  std::optional<std::string> alt_text;
  std::optional<std::string> caption;     // the manifest's (core/image_role.h for roles)
  std::optional<std::string> image_role;
  std::optional<std::string> table_hints;  // canonical JSON (core/table_hints.h)
  std::optional<std::string> ground_truth;         // path of the ground-truth text
  std::optional<std::string> ground_truth_sha256;  // its hash, part of the first input
  // A transcript's media file, its hash (part of the key of a stage that reads it) and the
  // language the manifest declares.
  std::optional<std::string> media;
  std::optional<std::string> media_sha256;
  std::optional<std::string> language;
  // Opens an encrypted PDF. Never part of any hash, record, log or message.
  std::optional<std::string> password;
  // A folder of the run's where the document's workers may keep page rasters between stages
  // (core/raster_spill.h); none: rebuilt when asked for. Never part of any hash or record.
  std::optional<std::string> spill_dir;
  CanonicalJson plan;  // Plan::ToJson()
  int start_at = 0;
  std::optional<CanonicalJson> state;  // content after stage start_at - 1
  std::string state_sha256;            // its identity (the input hash of stage start_at)

  Json ToJson() const;
  // Throws nlohmann::json::exception on a malformed request.
  static WorkRequest FromJson(const CanonicalJson& j);
};

// One stage applied to one document, as lineage records it.
struct TransformationRecord {
  int seq = 0;
  std::string stage;
  int stage_version = 0;
  CanonicalJson params = CanonicalJson::object();
  CanonicalJson resources = CanonicalJson::object();  // PlannedStage::ResourcesJson()
  std::string resources_sha256;
  std::string input_sha256;
  // Identity of the document's state after the stage (core/delta.h: the input's identity
  // chained with the delta's hash). Empty when the stage failed.
  std::string output_sha256;
  // SHA-256 of what the stage changed (a JSON Patch against its input's content), stored in
  // `outputs`. Empty when the stage failed.
  std::string delta_sha256;
  std::string started_at;  // RFC 3339
  double duration_ms = 0;
  std::string outcome;  // ok | skipped | error
  std::string note;
  // Set when this run copied the transformation from an earlier one instead of running it.
  std::optional<int64_t> reused_from;
};

// A range of a document's pages that a page task (core/page_task.h) ran through the plan's
// page-major block [block_first, block_end): lineage only, never part of a hash or an output.
struct PageTaskNote {
  int block_first = 0, block_end = 0;
  int first_page = 0, last_page = 0;
  std::string helper;  // the worker that ran it, as the supervisor names it
  // How the range was done: "used" (every page from the helper), "partly" (the helper's
  // answer came while the document's worker was running the range from its last page back:
  // pages first_page..first_page+helper_pages-1 are the helper's), "withdrawn" (the document's
  // worker ran every page before the helper answered) or "failed" (the helper failed).
  std::string outcome;
  int helper_pages = 0;
};

// Everything learned about one document. `error` set = the document is an error.
struct WorkResult {
  std::string doc_id;
  std::string modality;
  std::optional<Error> error;
  std::vector<TransformationRecord> transformations;
  std::map<std::string, std::string> outputs;  // delta sha256 -> canonical JSON Patch text
  std::map<std::string, double> metrics;
  std::map<std::string, std::map<std::string, double>> part_metrics;  // "page:N" -> metrics
  int page_count = 0;
  std::string output_sha256;  // state after the last stage that ran
  std::vector<std::string> image_hashes;  // Document::image_hashes (empty when none)
  // A video's sampled frames (index, perceptual hash in hex), from Document::video
  // (FrameHashesOf); empty for anything else.
  std::vector<std::pair<int64_t, std::string>> frame_hashes;
  // The plan position the worker's transformations start at (a request's start_at, or 0 when
  // it had to run the whole plan again); -1 when no stage ran (a crash, a refused request).
  int ran_from = -1;
  std::vector<PageTaskNote> page_tasks;  // page tasks that took pages of this document

  Json ToJson() const;
  // Throws nlohmann::json::exception on a malformed result.
  static WorkResult FromJson(const Json& j);
};

// A video document's sampled frames as WorkResult::frame_hashes (index, hash): from its
// `video` facts (stages/video.cpp); empty when it has none.
std::vector<std::pair<int64_t, std::string>> FrameHashesOf(const Document& doc);

// The identity of a document before any stage: the source's SHA-256, marked when the manifest
// gives alt-text (which makes an image a photo). The alt-text itself is not part of it, so one
// photo under two alt-texts shares its stage outputs.
std::string FirstInputSha256(const WorkRequest& req);

// What the manifest says about an image, as a stage that judges it reads it: alt-text,
// caption, role and the file's name (an alt-text repeating it is a finding).
// Its SHA-256 is part of the key of a stage that reads it (StageSpec::reads_description);
// nullopt when the manifest gives none of them (then such a stage has nothing to read, and
// documents keep the keys they had before it existed).
std::optional<std::string> DescriptionSha256(const WorkRequest& req);

// The input a stage is keyed by: the state's identity, combined with the hash of each
// manifest fact the stage reads (StageSpec::reads_ground_truth, reads_description,
// reads_table_hints, reads_media) when the request has it. The same page with and without ground truth
// shares every stage that does not measure against it; one photo under two alt-texts shares
// every stage that does not read them; a PDF listed with table hints shares all but tables.
std::string StageInputSha256(const std::string& state_sha256, const StageSpec& stage,
                             const WorkRequest& req);

// A failure outside any stage's own report (unsupported type at ingest, a worker crash,
// timeout or memory kill...), with one transformation named after `error.stage` so lineage
// says what happened to the document.
WorkResult ErrorResult(const std::string& doc_id, const std::string& input_sha256, Error error);

}  // namespace assay
