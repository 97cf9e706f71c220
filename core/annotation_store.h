// Annotation tasks, votes, consensus and adjudication in the store. Routing itself is pure
// (core/routing.h); this file records its result and reacts to votes. Task states:
//
//   (routed) --> open | unsampled
//   open --votes reach votes_required--> complete (consensus at the required agreement)
//                                       | adjudication (no consensus, or below the agreement)
//   adjudication --`annotate adjudicate`--> adjudicated
//   any --(document no longer accepted, or the routing no longer routes it)--> withdrawn
//
// Every change appends an annotation_events row in the same transaction (the audit trail);
// votes are append-only rows of `annotations`, one per annotator and task.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"
#include "core/routing.h"
#include "core/store.h"

namespace assay {

// Stores the routing file's text under its hash (once). Call inside a transaction or alone.
void RegisterRouting(Database& db, const RoutingConfig& routing, const std::string& now);

// Records the routing of one decided document, inside the transaction that records its
// decision: an accepted document gets `tasks` (a task of the same document, region and type is
// updated, not duplicated; one the routing no longer produces is withdrawn unless a person
// already decided it); a document that is not accepted has its undecided tasks withdrawn.
// `run_id` is the run that routed it (nullopt for `annotate route`).
void RecordRouting(Database& db, const std::string& doc_id, const std::string& outcome,
                   const RoutingConfig& routing, const std::vector<RoutedTask>& tasks,
                   std::optional<int64_t> run_id, const std::string& now);

struct RouteSummary {
  int documents = 0;                  // accepted documents routed
  std::map<std::string, int> states;  // tasks by state after routing
  double seconds = 0;
};
// Routes every accepted document of the store again with `routing`, in one transaction.
RouteSummary RouteStore(Store& store, const RoutingConfig& routing, const std::string& now);

// The facts routing reads of a stored document (its modality, tags and metrics).
std::optional<RoutingUnit> StoredRoutingUnit(Store& store, const std::string& doc_id);

// One vote read from an import file; `where` locates it for errors ("FILE: task 3 (record 2)").
struct ImportedVote {
  int64_t task_id = 0;
  std::string annotator, label, annotated_at, source_ref, where;
};

struct ImportSummary {
  int64_t import_id = 0;
  int votes_added = 0;
  int already_imported = 0;  // the same vote (task, annotator, label, reference) seen before
  std::map<std::string, int> states;  // states of the tasks the import touched, after it
};

// Imports votes, all or nothing: an unknown task, a task not open to votes, a label outside the
// task's label set, two votes of one annotator on one task (in the file, or against a stored
// different vote) make it import nothing and return every problem found (one per line).
// Touched tasks reach consensus or adjudication as their votes allow.
Result<ImportSummary> ImportVotes(Store& store, const std::string& path, const std::string& format,
                                  const std::string& file_sha256,
                                  const std::vector<ImportedVote>& votes, const std::string& now);

// A specialist decides a task in adjudication. Errors: no such task, the task is not in
// adjudication (message names its state), a label outside the set.
Status Adjudicate(Store& store, int64_t task_id, const std::string& label, const std::string& actor,
                  const std::string& note, const std::string& now);

// The page a task's region names ("page:N"); nullopt for a whole-document task (or a region
// that names no page).
std::optional<int> RegionPage(const std::string& region);

// A task as exported for annotators.
struct TaskForExport {
  int64_t task_id = 0;
  std::string doc_id, region, task_type, question, level, pool, state, path, container, modality;
  std::vector<std::string> labels;
  std::optional<std::string> alt_text;
  std::string text;  // the region's text (the page's, or the document's)
  std::string routing_sha256;
  double complexity = 0;
  double agreement_required = 0;
  std::optional<double> agreement;  // share behind the leading label, once voted
  std::vector<std::pair<std::string, std::string>> votes;  // (annotator, label) so far
};
// The tasks waiting for `pool`: open tasks routed to it (state "open"), or with
// `adjudication`, the tasks in adjudication whose adjudication pool it is. Ordered by task id;
// `limit` tasks (all when negative) after the first `offset`.
std::vector<TaskForExport> TasksForPool(Store& store, const std::string& pool, bool adjudication,
                                        int64_t limit = -1, int64_t offset = 0);

// `annotate status`: tasks by pool, type and state, load against capacity (from the routing
// file that last routed), the adjudication queue.
Json AnnotationStatus(Store& store, const StageCatalog& catalog);
// `annotate agreement`: per task type Cohen's kappa (per annotator pair), Fleiss' kappa,
// Krippendorff's alpha (nominal; interval for numeric label sets), and per annotator their
// agreement with consensus.
Json AgreementReport(Store& store);
// The export's `annotations` object of one document.
Json DocumentAnnotations(Store& store, const std::string& doc_id, bool stable);
// The audit trail of one task (lineage).
Json TaskEvents(Store& store, int64_t task_id);

}  // namespace assay
