#include "core/contract_whatif.h"

#include <map>

#include "core/names.h"
#include "core/path_text.h"

namespace assay {
namespace {

// The reject failures the store recorded for a document, in the export's form.
Json StoredFailures(Store& store, const std::string& doc_id) {
  Json out = Json::array();
  Statement r(store.db().handle(),
              "SELECT rule, metric, value, threshold, operator, severity, scope FROM "
              "contract_results WHERE doc_id=? AND outcome='fail' AND severity='reject' "
              "ORDER BY rule, scope");
  r.Bind(1, doc_id);
  while (r.Step()) {
    Json f = {{"rule", r.Text(0)},
              {"metric", r.Text(1)},
              {"value", r.IsNull(2) ? Json() : Json(r.Real(2))},
              {"threshold", Json::parse(r.Text(3), nullptr, false)},
              {"operator", r.Text(4)},
              {"severity", r.Text(5)}};
    if (!r.Text(6).empty()) f["scope"] = r.Text(6);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

WhatIfReport EvaluateWhatIf(Store& store, const ContractSet& contracts) {
  WhatIfReport report;
  report.contract_set_sha256 = contracts.sha256;
  struct Decided {
    std::string path, modality, outcome;
    std::vector<std::string> tags;
    std::map<std::string, double> metrics;
    PartMetrics parts;
  };
  std::map<std::string, Decided> docs;
  {
    Statement q(store.db().handle(),
                "SELECT doc_id, path, COALESCE(modality, container), outcome, tags FROM documents "
                "WHERE outcome IS NOT NULL");
    while (q.Step()) {
      if (q.Text(3) == outcome::kError) {
        ++report.skipped_errors;
        continue;
      }
      Decided& d = docs[q.Text(0)];
      d.path = q.Text(1);
      d.modality = q.Text(2);
      d.outcome = q.Text(3);
      Json tags = Json::parse(q.Text(4), nullptr, false);
      if (tags.is_array()) {
        for (const Json& t : tags) {
          if (t.is_string()) d.tags.push_back(t.get<std::string>());
        }
      }
    }
  }
  {
    Statement m(store.db().handle(), "SELECT doc_id, scope, name, value FROM metrics");
    while (m.Step()) {
      auto it = docs.find(m.Text(0));
      if (it == docs.end()) continue;
      const std::string scope = m.Text(1);
      (scope.empty() ? it->second.metrics : it->second.parts[scope])[m.Text(2)] = m.Real(3);
    }
  }
  for (const auto& [doc_id, d] : docs) {
    ++report.evaluated;
    const Contract* c = contracts.For(d.modality);
    if (c == nullptr) continue;  // a loaded set covers every modality; nothing to judge by
    const Decision decision = Evaluate(*c, d.metrics, d.parts, d.tags);
    if (decision.outcome == d.outcome) continue;
    OutcomeFlip flip{doc_id, d.path, d.modality, d.outcome, decision.outcome};
    flip.failures_before = StoredFailures(store, doc_id);
    flip.failures_after = decision.Failures("reject");
    report.flips.push_back(std::move(flip));
  }
  return report;
}

Json WhatIfReport::ToJson() const {
  Json flipped = Json::array();
  int to_rejected = 0;
  for (const OutcomeFlip& f : flips) {
    to_rejected += f.to == outcome::kRejected ? 1 : 0;
    flipped.push_back({{"doc_id", f.doc_id},
                       {"path", f.path},
                       {"modality", f.modality},
                       {"from", f.from},
                       {"to", f.to},
                       {"failures_before", f.failures_before},
                       {"failures_after", f.failures_after}});
  }
  return {{"contract_set_sha256", contract_set_sha256},
          {"evaluated", evaluated},
          {"skipped_errors", skipped_errors},
          {"would_reject", to_rejected},
          {"would_accept", static_cast<int>(flips.size()) - to_rejected},
          {"unchanged", evaluated - static_cast<int>(flips.size())},
          {"flips", std::move(flipped)}};
}

}  // namespace assay
