// Annotation routing: which accepted documents (and which of their parts) go to which annotator
// pool, with which question, how many independent votes and what agreement. Declared in a TOML
// file (shipped default contracts/routing.toml, `--routing FILE` replaces it), loaded as strictly
// as contracts: an unknown key, metric, modality, pool or task type is an error naming
// file:line:column. Rules use the contracts' metric conditions (contracts/condition.h), so a
// metric a new stage declares is usable here without a code change. Routing is pure: facts in,
// tasks out; core/annotation_store.h records them.
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

struct AnnotatorPool {
  std::string name;
  std::vector<std::string> expertise;
  int capacity = 0;  // open tasks the pool can hold; `annotate status` shows the load against it
};

struct TaskType {
  std::string name;
  std::string question;
  std::vector<std::string> labels;     // the label set; a vote outside it is refused
  std::string level = "nominal";       // nominal | interval (labels are numbers)
  std::vector<std::string> expertise;  // expertise the task's pool must have
  std::string adjudication_pool;       // where tasks below their agreement go
};

// One term of the complexity score. The score of a task is the weighted mean of its terms'
// values in [0, 1]: a metric term ramps linearly from `from` (0) to `to` (1) and is 0 when the
// metric is missing; a tags or modality term is 1 when the document has one of them.
struct ComplexityTerm {
  std::vector<std::string> metrics;  // metric term (preference list, like conditions)
  double from = 0, to = 1;
  std::vector<std::string> tags, modalities;
  double weight = 1;
  std::string description;  // "ocr.cer_estimate from 0 to 0.05", "tag circuit|diagram"
  std::string Describe() const;
};

struct RoutingRule {
  std::string id;
  std::string description;
  // When: every listed kind must hold (modality is one of, a tag is one of, each condition).
  std::vector<std::string> modalities, tags;
  std::vector<MetricCondition> when;
  std::string scope = "document";  // document | page: one task per matching page ("page:N")
  std::optional<double> complexity_min, complexity_max;
  // Then.
  std::string task, pool;
  int votes = 1;
  double agreement = 1.0;              // share of votes behind the consensus label required
  std::string consensus = "majority";  // majority | unanimity | weighted
  double sample = 1.0;                 // share of matching units that get a task
  int line = 0;
};

struct RoutingConfig {
  int version = 0;
  std::string description;
  std::string adjudication_pool;
  std::vector<AnnotatorPool> pools;
  std::vector<TaskType> task_types;
  std::vector<ComplexityTerm> complexity;
  std::vector<RoutingRule> rules;
  std::string path;    // file it came from, or builtin:routing.toml
  std::string text;    // exact text, stored in the store with its hash
  std::string sha256;  // of `text`: the routing version every task records

  const AnnotatorPool* FindPool(const std::string& name) const;
  const TaskType* FindTaskType(const std::string& name) const;
};

// Parses a routing file. Errors read "PATH:LINE:COLUMN: message" (stage "routing").
Result<RoutingConfig> ParseRouting(const std::string& text, const std::string& path,
                                   const StageCatalog& catalog);
// `file` when given, else the shipped contracts/routing.toml (compiled in).
Result<RoutingConfig> LoadRouting(const std::filesystem::path& file, const StageCatalog& catalog);

// What routing reads of one accepted document.
struct RoutingUnit {
  std::string doc_id;
  std::string modality;
  std::vector<std::string> tags;
  std::map<std::string, double> metrics;
  std::map<std::string, std::map<std::string, double>> part_metrics;  // "page:1" -> metrics
};

struct RoutedTask {
  std::string region;  // "" = the whole document, "page:3"
  std::string task_type, pool, consensus, rule;
  int votes = 1;
  double agreement = 1;
  double complexity = 0;
  bool sampled = true;  // false: matched, but left out by the rule's sampling rate
  Json reason;          // rule, what matched with values, complexity terms, sampling draw
};

// Routes one document: for each task type and region, the first rule (in file order) that
// matches decides. Deterministic: sampling draws from SHA-256 of (routing hash, doc id, region,
// task type), never from a random generator.
std::vector<RoutedTask> Route(const RoutingConfig& config, const RoutingUnit& unit);

// The sampling draw in [0, 1) of one unit: a task is sampled when draw < rate.
double SampleDraw(const std::string& routing_sha256, const std::string& doc_id,
                  const std::string& region, const std::string& task_type);

}  // namespace assay
