// Quality contracts: per modality, rules over metrics with thresholds and severities, loaded
// strictly from TOML (an unknown key, metric, operator or a missing threshold is an error with
// file:line), evaluated over a document's metrics and over each of its parts (pages; tables
// and images when they have metrics).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contracts/condition.h"
#include "core/document.h"
#include "core/result.h"
#include "core/stage_catalog.h"

namespace assay {

// A contract rule: a metric condition (contracts/condition.h) with a severity and where it
// applies.
struct Rule : MetricCondition {
  std::string id;
  std::string severity;            // reject | warn
  std::string scope = "document";  // document | page
  std::vector<std::string> tags;   // non-empty: applies only to documents with one of them
  std::string description;
  int line = 0;
};

struct Contract {
  std::string modality;
  int version = 0;
  std::string description;
  std::vector<Rule> rules;
  std::string path;    // file it came from, or builtin:<name>.toml
  std::string text;    // exact text, stored in the store with its hash
  std::string sha256;  // of `text`
};

struct ContractSet {
  std::map<std::string, Contract> by_modality;
  std::string sha256;  // of the sorted (modality, contract sha256) pairs
  const Contract* For(const std::string& modality) const;
};

// Contracts may name only what the stages of `catalog` declare: its metrics (scope "page" only
// for metrics measured per page) and its modalities. The engine has no list of its own.

// Parses one contract. Errors read "PATH:LINE:COLUMN: message".
Result<Contract> ParseContract(const std::string& text, const std::string& path,
                               const StageCatalog& catalog);

// Loads every *.toml of `dir`; fails on the first bad file, on two contracts for one modality
// and on a modality of the catalog without a contract.
Result<ContractSet> LoadContracts(const std::filesystem::path& dir, const StageCatalog& catalog);

// The contracts shipped in contracts/*.toml, compiled into the binary.
Result<ContractSet> BuiltinContracts(const StageCatalog& catalog);

// `dir` when given, else the shipped contracts.
Result<ContractSet> LoadContractSet(const std::filesystem::path& dir, const StageCatalog& catalog);

// One rule applied to one part of a document.
struct RuleResult {
  std::string scope;  // "" for the whole document, "page:3" for a page
  const Rule* rule = nullptr;
  std::string metric;           // the metric compared (the first present of rule->metrics)
  std::optional<double> value;  // nullopt when the document lacks every listed metric
  std::string outcome;          // pass | fail | not_applicable
};

struct Decision {
  std::string outcome;  // accepted | rejected
  std::vector<RuleResult> results;
  // {rule, metric, value, threshold, severity[, scope]} for each failed rule of `severity`.
  Json Failures(const std::string& severity) const;
};

// Metrics of the document's parts, keyed by scope ("page:1" -> {name -> value}).
using PartMetrics = std::map<std::string, std::map<std::string, double>>;

Decision Evaluate(const Contract& contract, const std::map<std::string, double>& metrics,
                  const PartMetrics& parts, const std::vector<std::string>& tags);

}  // namespace assay
