// The remediation queue: rejected and errored documents waiting for a person, with an
// append-only audit trail. State machine:
//
//   open --claim--> claimed --release--> open
//   open|claimed --resolve|waive|reject--> resolved | waived | rejected   (terminal)
//   open|claimed --(document passes after reprocess or a later run)--> resolved (actor "assay")
//
// Every action appends a queue_events row in the same transaction as the state change. Actions
// are safe under concurrent use: each is one IMMEDIATE transaction whose UPDATE is conditional
// on the state it expects, so of two reviewers claiming one item, one wins and the other gets
// a QueueError naming the winner.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <string>
#include <variant>
#include <vector>

#include "core/document.h"
#include "core/result.h"
#include "core/sqlite.h"

namespace assay {

// Called by the store inside the transaction that records a document's decision:
// `outcome` rejected|error opens an item (or updates the reasons of the active one);
// accepted resolves an active item ("document passes its contract now"), unless a model
// evaluation flagged it: then the item stays, with only the evaluation's reasons.
// `reasons` is the JSON array stored in queue_items.reasons.
void RecordQueueDecision(Database& db, const std::string& doc_id, const std::string& outcome,
                         const Json& reasons, int64_t run_id, const std::string& now,
                         std::optional<int64_t> reprocessed_item);

// The rule name of a queue reason that a model evaluation raised (`assay feedback import`):
// {"rule": "model_evaluation", "reason": "model evaluation", "score", "note", "source_file",
// "source_sha256"}. Such a reason is a person's business: a contract decision never clears it.
inline constexpr std::string_view kModelEvaluationRule = "model_evaluation";

// Records, inside the caller's transaction, that a model evaluation flagged `doc_id`: adds
// `reasons` to the document's active item, or opens one (kind "rejected", as the evaluation
// rejects the document for review; `run_id` the run that decided the document), with an
// audit event by `actor`. Returns the item id and whether it was opened (else updated).
std::pair<int64_t, bool> RecordModelEvaluationFlag(Database& db, const std::string& doc_id,
                                                   const Json& reasons, int64_t run_id,
                                                   const std::string& actor,
                                                   const std::string& note,
                                                   const std::string& now);

struct QueueItem {
  int64_t item_id = 0;
  std::string doc_id;
  std::string path;
  std::string modality;
  std::string kind;   // rejected | error
  std::string state;  // open | claimed | resolved | waived | rejected
  Json reasons = Json::array();
  std::optional<std::string> assignee;
  std::string opened_at;
  std::string updated_at;
  Json ToJson() const;
};

struct QueueEvent {
  int64_t event_id = 0;
  std::string at, actor, action, note;
  std::optional<std::string> from_state;
  std::string to_state;
  Json ToJson() const;
};

struct QueueFilter {
  std::optional<std::string> state;     // nullopt/"active": open+claimed; "all"; or one state
  std::optional<std::string> rule;      // items with a reason of this rule (errors: stage)
  std::optional<std::string> modality;  // COALESCE(modality, container), as in `status`
  std::optional<int64_t> run_id;        // items opened by this run
  std::optional<std::string> assignee;  // items claimed (or decided) by this reviewer
};

// One screen of the queue: `total` items match the filter, `items` are those at
// [offset, offset + limit) in release-impact order (Queue::Page).
struct QueuePage {
  int64_t total = 0;
  std::vector<QueueItem> items;
};

// Refused queue actions (unknown item, illegal transition, claimed by someone else).
struct QueueError {
  std::string message;
};

class Queue {
 public:
  explicit Queue(Database& db) : db_(db) {}

  // Every item matching `filter`, by item id.
  std::vector<QueueItem> List(const QueueFilter& filter);
  // A page of the items matching `filter`, ordered by what blocks a release most: active
  // items before decided ones, then by how many active items share the item's first failed
  // rule (or erroring stage), largest group first (deciding that group unblocks the most
  // documents; a group's items stay together: on equal sizes a group of errors first, then
  // by rule), then errors before rejections, then oldest first. `limit` is capped at 500.
  QueuePage Page(const QueueFilter& filter, int64_t offset, int64_t limit);
  // Items per state (among those matching `filter` without its state), and matching items
  // per first failed rule (or erroring stage; the group the page orders by) and per modality:
  // {"state": {..}, "rule": {..}, "modality": {..}}, each sorted by count, largest first.
  Json Counts(const QueueFilter& filter);
  std::optional<QueueItem> Get(int64_t item_id);
  std::vector<QueueEvent> Events(int64_t item_id);

  // Each returns the item after the action, or a QueueError saying why it was refused.
  std::variant<QueueItem, QueueError> Claim(int64_t item_id, const std::string& actor);
  std::variant<QueueItem, QueueError> Release(int64_t item_id, const std::string& actor,
                                              const std::string& note);
  std::variant<QueueItem, QueueError> Resolve(int64_t item_id, const std::string& actor,
                                              const std::string& note);
  std::variant<QueueItem, QueueError> Waive(int64_t item_id, const std::string& actor,
                                            const std::string& note);
  std::variant<QueueItem, QueueError> Reject(int64_t item_id, const std::string& actor,
                                             const std::string& note);
  // Records that `actor` asked for the item's document to be processed again (event
  // "reprocessed"; the state stays), under the rules of the other actions: the item is active
  // and not claimed by someone else. `also` runs in the same transaction after the checks (the
  // caller stores the document's new parameters there), so a reviewer cannot close the item
  // between the check and the record.
  // Applies waive or reject (`action`: "waive" | "reject") to every active item matching
  // `filter`, which must name a rule: one transaction and one audit event per item, exactly as
  // the single-item action. Items refused on the way (claimed by another reviewer, closed
  // meanwhile) are listed with why; the others go on. A bad action or a filter without a rule
  // is a QueueError before anything is done.
  struct BulkOutcome {
    std::vector<int64_t> acted;
    std::vector<QueueError> refused;
  };
  std::variant<BulkOutcome, QueueError> Bulk(const QueueFilter& filter, const std::string& action,
                                             const std::string& actor, const std::string& note);
  std::variant<QueueItem, QueueError> RequestReprocess(int64_t item_id, const std::string& actor,
                                                       const std::string& note,
                                                       const std::function<void()>& also);

 private:
  Database& db_;
};

}  // namespace assay
