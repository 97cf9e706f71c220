#include "core/queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <sstream>
#include <thread>
#include <tuple>

#include "cli/format.h"
#include "core/store.h"
#include "core/store_views.h"
#include "tests/unit/test_paths.h"
#include "tests/unit/test_store.h"

namespace assay {
namespace {

using Outcome = std::variant<QueueItem, QueueError>;

QueueFilter Filter(std::optional<std::string> state, std::optional<std::string> rule = {},
                   std::optional<std::string> modality = {}) {
  QueueFilter f;
  f.state = std::move(state);
  f.rule = std::move(rule);
  f.modality = std::move(modality);
  return f;
}

// A decided document: `outcome` as CommitResult would leave it.
void AddDocument(Store& store, int64_t run, const std::string& doc_id, const std::string& modality,
                 const std::string& outcome) {
  Transaction tx(store.db());
  store.RegisterSource({"src-" + doc_id, 10, "image/png", doc_id + ".png"}, run, "t1");
  store.RegisterDocument({.doc_id = doc_id,
                          .source_id = "src-" + doc_id,
                          .path = "in/" + doc_id + ".png",
                          .container = "image",
                          .alt_text = {},
                          .ground_truth = {}},
                         "t1");
  Statement u(store.db().handle(),
              "UPDATE documents SET modality=?, outcome=?, run_id=? WHERE doc_id=?");
  u.Bind(1, modality).Bind(2, outcome).Bind(3, run).Bind(4, doc_id).Run();
  tx.Commit();
}

const Json kCerFailure = Json::array({{{"rule", "cer"},
                                       {"metric", "ocr.cer_estimate"},
                                       {"value", 0.031},
                                       {"threshold", 0.02},
                                       {"severity", "reject"}}});
const Json kDpiFailure = Json::array({{{"rule", "resolution"},
                                       {"metric", "image.dpi"},
                                       {"value", 150},
                                       {"threshold", 200},
                                       {"severity", "reject"}}});
const Json kPdfError = Json::array({{{"stage", "pdf_text"}, {"message", "damaged xref"}}});

void Decide(Store& store, const std::string& doc_id, const std::string& outcome,
            const Json& reasons, int64_t run, std::optional<int64_t> reprocessed = {}) {
  Transaction tx(store.db());
  RecordQueueDecision(store.db(), doc_id, outcome, reasons, run, "t-" + outcome, reprocessed);
  tx.Commit();
}

QueueItem Ok(const Outcome& r) {
  if (const auto* e = std::get_if<QueueError>(&r)) ADD_FAILURE() << "refused: " << e->message;
  return std::holds_alternative<QueueItem>(r) ? std::get<QueueItem>(r) : QueueItem{};
}

std::string Refused(const Outcome& r) {
  if (const auto* e = std::get_if<QueueError>(&r)) return e->message;
  return "(not refused: " + std::get<QueueItem>(r).state + ")";
}

int64_t Count(Store& store, const std::string& sql) {
  Statement q(store.db().handle(), sql);
  q.Step();
  return q.Int(0);
}

TEST(QueueTest, ErrorOrRejectionOpensOneItemWithAnAuditTrail) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "rejected");
  AddDocument(store, run, "d2", "pdf_text", "error");
  AddDocument(store, run, "d3", "photo", "accepted");
  Decide(store, "d1", "rejected", kCerFailure, run);
  Decide(store, "d2", "error", kPdfError, run);
  Decide(store, "d3", "accepted", Json::array(), run);  // no item: nothing to review

  Queue q(store.db());
  const std::vector<QueueItem> items = q.List({});
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].doc_id, "d1");
  EXPECT_EQ(items[0].kind, "rejected");
  EXPECT_EQ(items[0].state, "open");
  EXPECT_EQ(items[0].reasons, kCerFailure);
  EXPECT_EQ(items[0].path, "in/d1.png");
  EXPECT_EQ(items[0].modality, "page_image");
  EXPECT_FALSE(items[0].assignee);
  EXPECT_EQ(items[1].kind, "error");
  EXPECT_EQ(items[1].reasons, kPdfError);

  const std::vector<QueueEvent> events = q.Events(items[0].item_id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "assay");
  EXPECT_EQ(events[0].action, "opened");
  EXPECT_FALSE(events[0].from_state);
  EXPECT_EQ(events[0].to_state, "open");
  EXPECT_EQ(events[0].note, "rejected in run " + std::to_string(run));
}

// The review page's order: active items by the size of their first rule's group (largest
// first, then by rule), errors first and oldest first inside a group, decided items last;
// pages cut across groups; rule and modality filters read the derived columns, which follow
// later changes (a document's modality, an item's reasons) through migration 016's triggers.
TEST(QueueTest, PagesOrderByWhatBlocksAReleaseMost) {
  Store store(testing::TempDir() / "q-page.db", true);
  const int64_t run = testing::AddRun(store);
  Json both = kCerFailure;
  both.push_back(kDpiFailure[0]);
  const std::vector<std::tuple<std::string, std::string, std::string, Json>> docs = {
      {"c1", "page_image", "rejected", kCerFailure}, {"c2", "page_image", "rejected", kCerFailure},
      {"c3", "page_image", "rejected", kCerFailure}, {"m1", "page_image", "rejected", both},
      {"r1", "photo", "rejected", kDpiFailure},      {"r2", "photo", "rejected", kDpiFailure},
      {"e1", "pdf_text", "error", kPdfError}};
  for (const auto& [doc, modality, outcome, reasons] : docs) {
    AddDocument(store, run, doc, modality, outcome);
    Decide(store, doc, outcome, reasons, run);
  }
  Queue q(store.db());
  auto docs_of = [&](const QueueFilter& f, int64_t offset = 0, int64_t limit = 50) {
    std::vector<std::string> out;
    for (const QueueItem& it : q.Page(f, offset, limit).items) out.push_back(it.doc_id);
    return out;
  };
  const int64_t c3 = q.List({})[2].item_id;
  Ok(q.Waive(c3, "ann", "fine as it is"));

  using V = std::vector<std::string>;
  EXPECT_EQ(docs_of(Filter("all")), (V{"c1", "c2", "m1", "r1", "r2", "e1", "c3"}));
  EXPECT_EQ(q.Page(Filter("all"), 0, 50).total, 7);
  EXPECT_EQ(docs_of(Filter("all"), 2, 3), (V{"m1", "r1", "r2"}));
  EXPECT_EQ(docs_of(Filter("all"), 6, 3), (V{"c3"}));
  EXPECT_EQ(docs_of(Filter("all"), 7, 3), V{});
  EXPECT_EQ(docs_of(Filter(std::nullopt)), (V{"c1", "c2", "m1", "r1", "r2", "e1"}));
  EXPECT_EQ(q.Page(Filter(std::nullopt), 0, 0).total, 6);
  EXPECT_TRUE(q.Page(Filter(std::nullopt), 0, 0).items.empty());
  // A rule matches every reason of an item, not only the first (m1 fails both rules).
  EXPECT_EQ(docs_of(Filter(std::nullopt, "resolution")), (V{"m1", "r1", "r2"}));
  EXPECT_EQ(docs_of(Filter(std::nullopt, "pdf_text")), (V{"e1"}));
  EXPECT_EQ(docs_of(Filter("all", "cer")), (V{"c1", "c2", "m1", "c3"}));
  EXPECT_EQ(docs_of(Filter("waived")), (V{"c3"}));
  EXPECT_EQ(docs_of(Filter(std::nullopt, std::nullopt, "photo")), (V{"r1", "r2"}));
  EXPECT_EQ(docs_of(Filter(std::nullopt, "' OR 1=1 --")), V{});

  // Derived columns follow the columns they come from.
  store.db().Exec("UPDATE documents SET modality='photo' WHERE doc_id='c1'");
  EXPECT_EQ(docs_of(Filter(std::nullopt, std::nullopt, "photo")), (V{"c1", "r1", "r2"}));
  Decide(store, "r2", "rejected", kCerFailure, run);  // r2 now fails the cer rule instead
  EXPECT_EQ(docs_of(Filter(std::nullopt, "resolution")), (V{"m1", "r1"}));
  // Groups of one: the error's first, then by rule.
  EXPECT_EQ(docs_of(Filter(std::nullopt)), (V{"c1", "c2", "m1", "r2", "e1", "r1"}));
  const Json counts = q.Counts({});
  EXPECT_EQ(counts["rule"], (Json{{"cer", 4}, {"pdf_text", 1}, {"resolution", 1}}));
  EXPECT_EQ(counts["modality"], (Json{{"photo", 3}, {"page_image", 2}, {"pdf_text", 1}}));
}

TEST(QueueTest, JsonFieldNamesAreStable) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "rejected");
  Decide(store, "d1", "rejected", kCerFailure, run);
  Queue q(store.db());
  const QueueItem it = Ok(q.Claim(1, "alice"));
  const Json j = it.ToJson();
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"item_id", "doc_id", "path", "modality", "kind", "state",
                                      "reasons", "assignee", "opened_at", "updated_at"}));
  EXPECT_EQ(it.ToJson()["assignee"], "alice");
  const Json e = q.Events(1).back().ToJson();
  keys.clear();
  for (const auto& [k, v] : e.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"event_id", "at", "actor", "action", "from_state",
                                            "to_state", "note"}));
  EXPECT_EQ(e["from_state"], "open");
  EXPECT_EQ(q.Events(1).front().ToJson()["from_state"], Json());  // "opened" has no from_state
}

// Every action from every state: the resulting state, or the exact reason it was refused.
TEST(QueueTest, StateMachineAllowsOnlyLegalTransitions) {
  enum Act { kClaim, kRelease, kResolve, kWaive, kReject };
  struct Case {
    std::string start;  // open | claimed (by alice) | resolved | waived | rejected
    Act act;
    std::string actor, note;
    std::string want_state;  // empty: refused with want_error
    std::optional<std::string> want_assignee;
    std::string want_error;
  };
  const std::string kNotYours =
      "item 1 is claimed by alice, not bob: only the assignee can release it";
  const std::vector<Case> cases = {
      // from open
      {"open", kClaim, "alice", "", "claimed", "alice", ""},
      {"open", kClaim, "", "", "", {}, "an actor name is required to claim"},
      {"open", kClaim, "  ", "", "", {}, "an actor name is required to claim"},
      {"open", kRelease, "alice", "", "", {}, "item 1 is not claimed"},
      {"open", kResolve, "bob", "fixed the scan", "resolved", "bob", ""},
      {"open", kWaive, "bob", "good enough", "waived", "bob", ""},
      {"open", kReject, "bob", "unusable", "rejected", "bob", ""},
      {"open", kResolve, "bob", "", "", {}, "a note is required to resolve item 1"},
      {"open", kWaive, "bob", " ", "", {}, "a note is required to waive item 1"},
      {"open", kReject, "bob", "", "", {}, "a note is required to reject item 1"},
      {"open", kResolve, "", "n", "", {}, "an actor name is required to resolve"},
      // from claimed (by alice)
      {"claimed", kClaim, "bob", "", "", {}, "item 1 is already claimed by alice"},
      {"claimed", kClaim, "alice", "", "", {}, "item 1 is already claimed by alice"},
      {"claimed", kRelease, "alice", "", "open", {}, ""},
      {"claimed", kRelease, "alice", "back to the pool", "open", {}, ""},
      {"claimed", kRelease, "bob", "", "", {}, kNotYours},
      {"claimed", kResolve, "alice", "fixed", "resolved", "alice", ""},
      {"claimed", kWaive, "alice", "fine", "waived", "alice", ""},
      {"claimed", kReject, "alice", "bad", "rejected", "alice", ""},
      {"claimed", kResolve, "bob", "fixed", "", {}, "item 1 is claimed by alice"},
      {"claimed", kWaive, "bob", "fine", "", {}, "item 1 is claimed by alice"},
      {"claimed", kReject, "bob", "bad", "", {}, "item 1 is claimed by alice"},
      {"claimed", kWaive, "alice", "", "", {}, "a note is required to waive item 1"},
  };
  std::vector<Case> all = cases;
  // Terminal states refuse everything.
  for (const std::string terminal : {"resolved", "waived", "rejected"}) {
    for (Act a : {kClaim, kRelease, kResolve, kWaive, kReject}) {
      for (const std::string actor : {"alice", "bob"}) {
        all.push_back(
            {terminal, a, actor, "note", "", {}, "item 1 is " + terminal + ": no further action"});
      }
    }
  }
  const auto dir = testing::TempDir();
  int n = 0;
  for (const Case& c : all) {
    SCOPED_TRACE("case " + std::to_string(n) + ": from " + c.start + " action " +
                 std::to_string(c.act) + " by '" + c.actor + "' note '" + c.note + "'");
    Store store(dir / ("sm" + std::to_string(n++) + ".db"), true);
    const int64_t run = testing::AddRun(store);
    AddDocument(store, run, "d1", "page_image", "rejected");
    Decide(store, "d1", "rejected", kCerFailure, run);
    Queue q(store.db());
    if (c.start != "open") Ok(q.Claim(1, "alice"));
    if (c.start == "resolved") Ok(q.Resolve(1, "alice", "done"));
    if (c.start == "waived") Ok(q.Waive(1, "alice", "done"));
    if (c.start == "rejected") Ok(q.Reject(1, "alice", "done"));
    const QueueItem before = *q.Get(1);
    ASSERT_EQ(before.state, c.start);
    const size_t events_before = q.Events(1).size();

    Outcome r;
    switch (c.act) {
      case kClaim:
        r = q.Claim(1, c.actor);
        break;
      case kRelease:
        r = q.Release(1, c.actor, c.note);
        break;
      case kResolve:
        r = q.Resolve(1, c.actor, c.note);
        break;
      case kWaive:
        r = q.Waive(1, c.actor, c.note);
        break;
      case kReject:
        r = q.Reject(1, c.actor, c.note);
        break;
    }
    const std::vector<QueueEvent> events = q.Events(1);
    if (c.want_state.empty()) {
      EXPECT_EQ(Refused(r), c.want_error);
      const QueueItem after = *q.Get(1);  // a refusal changes nothing
      EXPECT_EQ(after.state, before.state);
      EXPECT_EQ(after.assignee, before.assignee);
      EXPECT_EQ(after.updated_at, before.updated_at);
      EXPECT_EQ(events.size(), events_before);
      continue;
    }
    const QueueItem it = Ok(r);
    EXPECT_EQ(it.state, c.want_state);
    EXPECT_EQ(it.assignee, c.want_assignee);
    EXPECT_EQ(q.Get(1)->state, c.want_state);
    ASSERT_EQ(events.size(), events_before + 1);
    const QueueEvent& e = events.back();
    EXPECT_EQ(e.actor, c.actor);
    EXPECT_EQ(e.from_state, c.start);
    EXPECT_EQ(e.to_state, c.want_state);
    EXPECT_EQ(e.note, c.note);
    const char* actions[] = {"claimed", "released", "resolved", "waived", "rejected"};
    EXPECT_EQ(e.action, actions[c.act]);
  }
}

TEST(QueueTest, UnknownItemIsRefused) {
  Store store(testing::TempDir() / "q.db", true);
  Queue q(store.db());
  EXPECT_EQ(Refused(q.Claim(7, "alice")), "no queue item 7");
  EXPECT_EQ(Refused(q.Release(7, "alice", "")), "no queue item 7");
  EXPECT_EQ(Refused(q.Resolve(7, "alice", "n")), "no queue item 7");
  EXPECT_EQ(Refused(q.Waive(7, "alice", "n")), "no queue item 7");
  EXPECT_EQ(Refused(q.Reject(7, "alice", "n")), "no queue item 7");
  EXPECT_FALSE(q.Get(7));
  EXPECT_TRUE(q.Events(7).empty());
}

TEST(QueueTest, StillRejectedUpdatesTheReasonsOfTheActiveItem) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "rejected");
  Decide(store, "d1", "rejected", kCerFailure, run);
  Queue q(store.db());
  Ok(q.Claim(1, "alice"));
  Decide(store, "d1", "rejected", kDpiFailure, run, /*reprocessed=*/1);
  const std::vector<QueueItem> all = q.List(Filter("all"));
  ASSERT_EQ(all.size(), 1u) << "no second item while one is active";
  EXPECT_EQ(all[0].reasons, kDpiFailure);
  EXPECT_EQ(all[0].state, "claimed");  // the reviewer keeps it
  EXPECT_EQ(all[0].assignee, "alice");
  const QueueEvent e = q.Events(1).back();
  EXPECT_EQ(e.action, "updated");
  EXPECT_EQ(e.actor, "assay");
  EXPECT_EQ(e.note, "still rejected after reprocess");
  EXPECT_EQ(e.from_state, "claimed");
  EXPECT_EQ(e.to_state, "claimed");

  Decide(store, "d1", "error", kPdfError, run);
  EXPECT_EQ(q.Get(1)->kind, "error");
  EXPECT_EQ(q.Get(1)->reasons, kPdfError);
  EXPECT_EQ(q.Events(1).back().note, "still error");
}

TEST(QueueTest, AcceptedDocumentResolvesItsItem) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "rejected");
  Decide(store, "d1", "rejected", kCerFailure, run);
  Queue q(store.db());
  Ok(q.Claim(1, "alice"));
  Decide(store, "d1", "accepted", Json::array(), run, /*reprocessed=*/1);
  EXPECT_EQ(q.Get(1)->state, "resolved");
  const QueueEvent e = q.Events(1).back();
  EXPECT_EQ(e.action, "resolved");
  EXPECT_EQ(e.actor, "assay");
  EXPECT_EQ(e.from_state, "claimed");
  EXPECT_EQ(e.to_state, "resolved");
  EXPECT_EQ(e.note, "the document passes its contract now after reprocess");
  EXPECT_TRUE(q.List({}).empty());
  EXPECT_EQ(Refused(q.Resolve(1, "alice", "n")), "item 1 is resolved: no further action");

  // A later failure is a new problem: a new item, the old one keeps its history.
  Decide(store, "d1", "rejected", kDpiFailure, run);
  const std::vector<QueueItem> open = q.List({});
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].item_id, 2);
  EXPECT_EQ(q.List(Filter("all")).size(), 2u);
}

TEST(QueueTest, AModelEvaluationFlagOutlivesContractDecisions) {
  Store store(testing::TempDir() / "q-model.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "accepted");
  const Json flag = Json::array({{{"rule", std::string(kModelEvaluationRule)},
                                  {"reason", "model evaluation"},
                                  {"score", 0.1}}});
  {
    Transaction tx(store.db());
    const auto [item, opened] =
        RecordModelEvaluationFlag(store.db(), "d1", flag, run, "eval-bot", "flagged", "t0");
    EXPECT_TRUE(opened);
    EXPECT_GT(item, 0);
    tx.Commit();
  }
  Queue queue(store.db());
  // Rejected later: the contract's reasons join the flag.
  Decide(store, "d1", "rejected", kCerFailure, run);
  auto items = queue.List(Filter("active"));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].reasons.size(), 2u);
  // Accepted again: the contract's reasons go, the flag stays, the item stays open.
  Decide(store, "d1", "accepted", Json::array(), run);
  items = queue.List(Filter("active"));
  ASSERT_EQ(items.size(), 1u);
  ASSERT_EQ(items[0].reasons.size(), 1u);
  EXPECT_EQ(items[0].reasons[0]["rule"], "model_evaluation");
  EXPECT_EQ(queue.List(Filter("active", "model_evaluation")).size(), 1u);
  // A second flag adds to the active item.
  {
    Transaction tx(store.db());
    EXPECT_FALSE(
        RecordModelEvaluationFlag(store.db(), "d1", flag, run, "eval-bot", "again", "t1").second);
    tx.Commit();
  }
  EXPECT_EQ(queue.List(Filter("active"))[0].reasons.size(), 2u);
  // A person closes it.
  Ok(queue.Resolve(items[0].item_id, "ann", "retrained"));
  EXPECT_TRUE(queue.List(Filter("active")).empty());
}

TEST(QueueTest, WaiveAcceptsTheDocumentAndShowsInLineage) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "pdf_text", "error");
  Decide(store, "d1", "error", kPdfError, run);
  Queue q(store.db());
  Ok(q.Claim(1, "alice"));
  const QueueItem it = Ok(q.Waive(1, "alice", "readable in another viewer"));
  EXPECT_EQ(it.state, "waived");
  EXPECT_EQ(store.GetDocumentState("d1")->outcome, "accepted");
  const QueueEvent e = q.Events(1).back();
  EXPECT_EQ(e.action, "waived");
  EXPECT_EQ(e.actor, "alice");
  EXPECT_EQ(e.note, "readable in another viewer");

  auto view = LineageView(store, "d1");
  ASSERT_TRUE(view.ok());
  const Json lineage = view.value();
  EXPECT_EQ(lineage["outcome"], "accepted");
  ASSERT_EQ(lineage["queue"].size(), 1u);
  EXPECT_EQ(lineage["queue"][0]["state"], "waived");
  const Json& last = lineage["queue"][0]["events"].back();
  EXPECT_EQ(last["action"], "waived");
  EXPECT_EQ(last["actor"], "alice");
  EXPECT_EQ(last["note"], "readable in another viewer");

  std::ostringstream human;
  PrintLineage(lineage, human);
  EXPECT_NE(human.str().find("queue:"), std::string::npos) << human.str();
  EXPECT_NE(human.str().find("waived"), std::string::npos) << human.str();
  EXPECT_NE(human.str().find("readable in another viewer"), std::string::npos) << human.str();

  // A waived document is decided: nothing in the queue reopens it by itself.
  EXPECT_TRUE(q.List({}).empty());
  EXPECT_EQ(q.List(Filter("waived")).size(), 1u);
}

TEST(QueueTest, OtherActionsLeaveTheDocumentOutcomeAlone) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "rejected");
  AddDocument(store, run, "d2", "page_image", "rejected");
  Decide(store, "d1", "rejected", kCerFailure, run);
  Decide(store, "d2", "rejected", kCerFailure, run);
  Queue q(store.db());
  Ok(q.Reject(1, "bob", "unusable"));
  Ok(q.Resolve(2, "bob", "re-scanned separately"));
  EXPECT_EQ(store.GetDocumentState("d1")->outcome, "rejected");
  EXPECT_EQ(store.GetDocumentState("d2")->outcome, "rejected");
}

TEST(QueueTest, EventsAreAppendOnly) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "rejected");
  Decide(store, "d1", "rejected", kCerFailure, run);
  try {
    store.db().Exec("UPDATE queue_events SET actor='mallory'");
    FAIL() << "an event was updated";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("queue_events is append-only"), std::string::npos)
        << e.what();
  }
  try {
    store.db().Exec("DELETE FROM queue_events");
    FAIL() << "an event was deleted";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("queue_events is append-only"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(Count(store, "SELECT COUNT(*) FROM queue_events WHERE actor='assay'"), 1);
}

TEST(QueueTest, ListFiltersByStateRuleAndModality) {
  Store store(testing::TempDir() / "q.db", true);
  const int64_t run = testing::AddRun(store);
  AddDocument(store, run, "d1", "page_image", "rejected");
  AddDocument(store, run, "d2", "photo", "rejected");
  AddDocument(store, run, "d3", "pdf_text", "error");
  AddDocument(store, run, "d4", "page_image", "rejected");
  Json both = kCerFailure;
  both.push_back(kDpiFailure[0]);
  Decide(store, "d1", "rejected", both, run);
  Decide(store, "d2", "rejected", kDpiFailure, run);
  Decide(store, "d3", "error", kPdfError, run);
  Decide(store, "d4", "rejected", kCerFailure, run);
  Queue q(store.db());
  Ok(q.Claim(2, "alice"));
  Ok(q.Waive(4, "bob", "ok"));

  auto ids = [&](const QueueFilter& f) {
    std::vector<int64_t> out;
    for (const QueueItem& it : q.List(f)) out.push_back(it.item_id);
    return out;
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(ids({}), (V{1, 2, 3}));
  EXPECT_EQ(ids(Filter("active")), (V{1, 2, 3}));
  EXPECT_EQ(ids(Filter("all")), (V{1, 2, 3, 4}));
  EXPECT_EQ(ids(Filter("claimed")), (V{2}));
  EXPECT_EQ(ids(Filter("waived")), (V{4}));
  EXPECT_EQ(ids(Filter({}, "resolution")), (V{1, 2}));
  EXPECT_EQ(ids(Filter({}, "cer")), (V{1}));
  EXPECT_EQ(ids(Filter("all", "cer")), (V{1, 4}));
  EXPECT_EQ(ids(Filter({}, "pdf_text")), (V{3}));  // errors: by stage
  EXPECT_EQ(ids(Filter({}, "nope")), (V{}));
  EXPECT_EQ(ids(Filter({}, {}, "page_image")), (V{1}));
  EXPECT_EQ(ids(Filter({}, "resolution", "photo")), (V{2}));

  std::ostringstream out;
  PrintQueueList(q.List({}), out);
  const std::string text = out.str();
  // Grouped by rule, then stage; d1 is under both of its rules.
  const size_t cer = text.find("rule cer: 1 item\n");
  const size_t res = text.find("rule resolution: 2 items\n");
  const size_t pdf = text.find("stage pdf_text: 1 item\n");
  ASSERT_NE(cer, std::string::npos) << text;
  ASSERT_NE(res, std::string::npos) << text;
  ASSERT_NE(pdf, std::string::npos) << text;
  EXPECT_LT(cer, res);
  EXPECT_LT(res, pdf);
  EXPECT_NE(text.find("ocr.cer_estimate 0.031 > max 0.02"), std::string::npos) << text;
  EXPECT_NE(text.find("image.dpi 150 < min 200"), std::string::npos) << text;
  EXPECT_NE(text.find("pdf_text: damaged xref"), std::string::npos) << text;
  EXPECT_NE(text.find("alice"), std::string::npos) << text;
}

TEST(QueueTest, DescribeReason) {
  EXPECT_EQ(DescribeReason(kCerFailure[0]), "ocr.cer_estimate 0.031 > max 0.02");
  EXPECT_EQ(DescribeReason(kDpiFailure[0]), "image.dpi 150 < min 200");
  EXPECT_EQ(DescribeReason(kPdfError[0]), "pdf_text: damaged xref");
  EXPECT_EQ(DescribeReason({{"rule", "r"}, {"metric", "m"}, {"value", nullptr}, {"threshold", 1}}),
            "m missing (threshold 1)");
  EXPECT_EQ(DescribeReason({{"rule", "r"},
                            {"metric", "m"},
                            {"value", 5},
                            {"threshold", {1, 2}},
                            {"operator", "in"},
                            {"scope", "page:3"}}),
            "m 5 not in [1,2] (page:3)");
  EXPECT_EQ(DescribeReason({{"rule", "r"}, {"metric", "m"}, {"value", 1}, {"threshold", {0, 2}}}),
            "m 1 (threshold [0,2])");
  EXPECT_EQ(ReasonGroup(kCerFailure[0]), "rule cer");
  EXPECT_EQ(ReasonGroup(kPdfError[0]), "stage pdf_text");
}

// Two reviewers with their own connections claim the same items at the same moment: each item
// goes to exactly one of them, and the other is told who has it.
TEST(QueueTest, ConcurrentClaimsHaveExactlyOneWinner) {
  const auto path = testing::TempDir() / "q.db";
  constexpr int kItems = 60;
  {
    Store store(path, true);
    const int64_t run = testing::AddRun(store);
    for (int i = 0; i < kItems; ++i) {
      AddDocument(store, run, "d" + std::to_string(i), "page_image", "rejected");
      Decide(store, "d" + std::to_string(i), "rejected", kCerFailure, run);
    }
  }
  std::barrier sync(2);
  std::atomic<int> wins[2] = {0, 0};
  std::vector<std::string> losses[2];
  auto reviewer = [&](int who) {
    const std::string name = who == 0 ? "alice" : "bob";
    Store store(path, false);  // its own connection, like a second `assay queue claim`
    Queue q(store.db());
    for (int id = 1; id <= kItems; ++id) {
      sync.arrive_and_wait();
      Outcome r = q.Claim(id, name);
      if (std::holds_alternative<QueueItem>(r)) {
        ++wins[who];
      } else {
        losses[who].push_back(std::get<QueueError>(r).message);
      }
    }
  };
  std::thread a(reviewer, 0), b(reviewer, 1);
  a.join();
  b.join();
  EXPECT_EQ(wins[0] + wins[1], kItems);
  EXPECT_EQ(losses[0].size() + losses[1].size(), static_cast<size_t>(kItems));

  Store store(path, false);
  Queue q(store.db());
  for (int id = 1; id <= kItems; ++id) {
    const QueueItem it = *q.Get(id);
    ASSERT_EQ(it.state, "claimed");
    ASSERT_TRUE(it.assignee);
    const std::vector<QueueEvent> events = q.Events(id);
    EXPECT_EQ(std::count_if(events.begin(), events.end(),
                            [](const QueueEvent& e) { return e.action == "claimed"; }),
              1)
        << "item " << id;
  }
  for (int who = 0; who < 2; ++who) {
    const std::string other = who == 0 ? "bob" : "alice";
    for (const std::string& m : losses[who]) {
      EXPECT_NE(m.find(" is already claimed by " + other), std::string::npos) << m;
    }
  }
}

}  // namespace
}  // namespace assay

namespace assay {
namespace {

// The queue page of `assay serve`: release-impact order, paging, filters by run and assignee,
// counts, and bulk decisions with one event per item.
TEST(QueueTest, PageOrdersByTheSizeOfTheFirstRulesGroupAndPages) {
  Store store(testing::TempDir() / "qpage.db", true);
  const int64_t run = testing::AddRun(store);
  const int64_t run2 = testing::AddRun(store);
  // One cer failure (oldest), three resolution failures, one pdf_text error.
  AddDocument(store, run, "c1", "page_image", "rejected");
  Decide(store, "c1", "rejected", kCerFailure, run);
  for (const char* d : {"r1", "r2", "r3"}) {
    AddDocument(store, run2, d, "photo", "rejected");
    Decide(store, d, "rejected", kDpiFailure, run2);
  }
  AddDocument(store, run, "e1", "pdf_text", "error");
  Decide(store, "e1", "error", kPdfError, run);

  Queue q(store.db());
  const QueuePage all = q.Page({}, 0, 10);
  EXPECT_EQ(all.total, 5);
  std::vector<std::string> order;
  for (const QueueItem& it : all.items) order.push_back(it.doc_id);
  // The resolution group (3) unblocks most; then the single-item groups, the error first.
  EXPECT_EQ(order, (std::vector<std::string>{"r1", "r2", "r3", "e1", "c1"}));

  const QueuePage second = q.Page({}, 2, 2);
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_EQ(second.total, 5);
  EXPECT_EQ(second.items[0].doc_id, "r3");
  EXPECT_EQ(second.items[1].doc_id, "e1");

  QueueFilter by_run;
  by_run.run_id = run2;
  EXPECT_EQ(q.Page(by_run, 0, 10).total, 3);
  Ok(q.Claim(all.items[0].item_id, "alice"));
  QueueFilter by_assignee;
  by_assignee.assignee = "alice";
  ASSERT_EQ(q.Page(by_assignee, 0, 10).items.size(), 1u);
  EXPECT_EQ(q.Page(by_assignee, 0, 10).items[0].doc_id, "r1");
  // Request text never becomes SQL.
  QueueFilter injected;
  injected.rule = "' OR 1=1 --";
  EXPECT_EQ(q.Page(injected, 0, 10).total, 0);

  const Json counts = q.Counts({});
  EXPECT_EQ(counts["rule"], (Json{{"resolution", 3}, {"cer", 1}, {"pdf_text", 1}}));
  EXPECT_EQ(counts["state"], (Json{{"open", 4}, {"claimed", 1}}));
  EXPECT_EQ(counts["modality"]["photo"], 3);
}

TEST(QueueTest, BulkDecidesEachItemOfARuleWithItsOwnEvent) {
  Store store(testing::TempDir() / "qbulk.db", true);
  const int64_t run = testing::AddRun(store);
  for (const char* d : {"r1", "r2", "r3"}) {
    AddDocument(store, run, d, "photo", "rejected");
    Decide(store, d, "rejected", kDpiFailure, run);
  }
  AddDocument(store, run, "c1", "page_image", "rejected");
  Decide(store, "c1", "rejected", kCerFailure, run);
  Queue q(store.db());
  const std::vector<QueueItem> items = q.List({});
  Ok(q.Claim(items[1].item_id, "bob"));  // r2: someone else's

  QueueFilter no_rule;
  EXPECT_EQ(std::get<QueueError>(q.Bulk(no_rule, "waive", "alice", "n")).message,
            "a bulk action needs a rule");
  QueueFilter f;
  f.rule = "resolution";
  EXPECT_EQ(std::get<QueueError>(q.Bulk(f, "waive", "alice", " ")).message,
            "a note is required to waive items in bulk");
  EXPECT_EQ(std::get<QueueError>(q.Bulk(f, "resolve", "alice", "n")).message,
            "bulk actions are waive and reject, not resolve");

  auto r = q.Bulk(f, "waive", "alice", "dpi rule too strict");
  const auto& done = std::get<Queue::BulkOutcome>(r);
  EXPECT_EQ(done.acted, (std::vector<int64_t>{items[0].item_id, items[2].item_id}));
  ASSERT_EQ(done.refused.size(), 1u);
  EXPECT_EQ(done.refused[0].message,
            "item " + std::to_string(items[1].item_id) + " is claimed by bob");
  for (int i : {0, 2}) {
    const std::vector<QueueEvent> ev = q.Events(items[i].item_id);
    EXPECT_EQ(ev.back().action, "waived");
    EXPECT_EQ(ev.back().actor, "alice");
    EXPECT_EQ(ev.back().note, "dpi rule too strict");
    EXPECT_EQ(std::count_if(ev.begin(), ev.end(),
                            [](const QueueEvent& e) { return e.action == "waived"; }),
              1);
  }
  EXPECT_EQ(q.Get(items[3].item_id)->state, "open");  // another rule: untouched
}

}  // namespace
}  // namespace assay
