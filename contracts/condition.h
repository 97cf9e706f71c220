// A comparison of one metric with thresholds: the rule form shared by quality contracts
// (contracts/contract.h) and annotation routing (core/routing.h). One parser, one comparison:
// a metric name is valid when the stage catalog declares it, so a metric added by a new stage
// is usable in both files without a code change.
#pragma once

#include <toml++/toml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"
#include "core/stage_catalog.h"

namespace assay {

struct MetricCondition {
  // Metrics in order of preference: the first one present is compared (e.g.
  // ["ocr.cer", "ocr.cer_estimate"]: measured where ground truth exists, else estimated).
  std::vector<std::string> metrics;
  std::optional<double> min, max, equals;
  std::vector<double> in;
  bool missing_passes = false;  // if_missing = "pass": a unit without the metric passes

  std::string Operator() const;  // "min", "max", "range", "equals" or "in"
  Json Threshold() const;        // a number, [min, max] for range, an array for in
  bool Passes(double value) const;
  // The first listed metric present in `values` (name and value), or the first listed name
  // with nullopt when none is.
  std::pair<std::string, std::optional<double>> Lookup(
      const std::map<std::string, double>& values) const;
};

// The keys a MetricCondition reads from a rule's table.
inline constexpr const char* kConditionKeys = "metric, min, max, equals, in, if_missing";

// When `key` is one of the condition's keys, parses `node` into `c` and returns true (or the
// error, positioned "PATH:LINE:COLUMN", under `stage`); returns false for any other key, which
// the caller then handles. An unknown metric (not in `catalog`) is an error.
Result<bool> ParseConditionKey(const std::string& key, const toml::node& node,
                               const std::string& path, const char* stage,
                               const StageCatalog& catalog, MetricCondition* c);

// A condition read from a table must name a metric and exactly one kind of threshold
// (min/max, equals or in). `where` is "PATH:LINE" of the table, `what` names it for the message
// ("rule 'cer'").
Status CheckCondition(const MetricCondition& c, const std::string& where, const char* stage,
                      const std::string& what);

// A TOML value that must be a list of strings (`what` names it for the message).
Result<std::vector<std::string>> ParseStringList(const toml::node& node, const std::string& path,
                                                 const char* stage, const std::string& what);

}  // namespace assay
