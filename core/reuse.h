// Reuse of earlier work, decided in the supervisor (workers never read the store).
//
// A stage's transformation is reused when an earlier one has the same reuse key: stage,
// version, parameters, resources and library versions (PlannedStage::resources_sha256), and
// input state. Reuse is by prefix: walking a document's plan from the start, every stage whose
// key is found is copied; the first one not found, and everything after it, runs. The state
// the running part starts from is rebuilt from the stored deltas.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/store.h"
#include "core/work.h"

namespace assay {

struct FinishedPrefix {
  // The reused stages, as this run's transformations (reused_from set, seq from 0).
  std::vector<TransformationRecord> records;
  CanonicalJson state;       // the content after them (InitialContent when none)
  std::string state_sha256;  // its identity: the input of the first stage still to run
  bool Complete(const Plan& plan) const { return records.size() == plan.stages.size(); }
};

// The longest finished prefix of `plan` for the document `req` asks for, whose first input
// hash is `first_input` (the manifest facts each stage reads join its key: StageInputSha256).
// Stops early, rather than reusing, at anything that does not rebuild exactly.
FinishedPrefix FindFinishedPrefix(Store& store, const Plan& plan, const std::string& first_input,
                                  const WorkRequest& req);

// The document's whole result from a prefix that covers its whole plan.
WorkResult ResultFromPrefix(const std::string& doc_id, FinishedPrefix prefix);

// A worker's result for the rest of the plan, with the reused prefix put in front.
WorkResult WithPrefix(const FinishedPrefix& prefix, WorkResult rest);

}  // namespace assay
