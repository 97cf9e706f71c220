// `assay contracts whatif`: what a changed contract set would decide on the metrics already
// stored, without a run. The decisions come from the contract engine (contracts/contract.h),
// the same Evaluate a run calls, on the same metrics, part metrics and tags.
#pragma once

#include <string>
#include <vector>

#include "contracts/contract.h"
#include "core/store.h"

namespace assay {

// A document whose outcome the contract set would change.
struct OutcomeFlip {
  std::string doc_id, path, modality;
  std::string from, to;  // accepted | rejected
  // The reject failures as stored ({rule, metric, value, threshold, operator, severity[,
  // scope]}), and those the new set finds: the rules that made the difference.
  Json failures_before = Json::array();
  Json failures_after = Json::array();
};

struct WhatIfReport {
  std::string contract_set_sha256;  // of the set evaluated
  int evaluated = 0;                // documents decided accepted or rejected
  int skipped_errors = 0;           // documents in error: no metrics to judge
  std::vector<OutcomeFlip> flips;   // sorted by doc_id
  Json ToJson() const;
};

// Evaluates `contracts` on every decided document of `store` (read only). Documents in error
// are counted, not judged: they never reached a contract.
WhatIfReport EvaluateWhatIf(Store& store, const ContractSet& contracts);

}  // namespace assay
