#include "core/annotation_store.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "core/agreement.h"
#include "core/clock.h"
#include "core/names.h"

namespace assay {
namespace {

using agreement::ConsensusRule;

ConsensusRule RuleOf(const std::string& name) {
  if (name == "unanimity") return ConsensusRule::kUnanimity;
  if (name == "weighted") return ConsensusRule::kWeighted;
  return ConsensusRule::kMajority;
}

std::string Fixed(double v, int digits = 3) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(digits);
  o << v;
  return o.str();
}

// The statement that appends events, prepared once per connection use (routing 100k documents
// appends 100k events: preparing each would cost more than writing it).
class EventLog {
 public:
  explicit EventLog(Database& db)
      : s_(db.handle(),
           "INSERT INTO annotation_events(task_id, at, actor, action, from_state, to_state, "
           "note) VALUES(?,?,?,?,?,?,?)") {}
  void Add(int64_t task_id, const std::string& now, const std::string& actor,
           const std::string& action, const std::optional<std::string>& from, const std::string& to,
           const std::string& note) {
    s_.Bind(1, task_id).Bind(2, now).Bind(3, actor).Bind(4, action).Bind(5, from).Bind(6, to);
    s_.Bind(7, note).Run();
  }

 private:
  Statement s_;
};

void AddEvent(Database& db, int64_t task_id, const std::string& now, const std::string& actor,
              const std::string& action, const std::optional<std::string>& from,
              const std::string& to, const std::string& note) {
  EventLog(db).Add(task_id, now, actor, action, from, to, note);
}

// Reliability of each annotator of `task_type` against the decided labels of its other tasks.
std::map<std::string, double> Weights(Database& db, const std::string& task_type, int64_t task_id) {
  Statement q(db.handle(),
              "SELECT a.annotator, SUM(a.label = t.label), COUNT(*) FROM annotations a "
              "JOIN annotation_tasks t ON t.task_id = a.task_id WHERE t.task_type=? AND "
              "t.label IS NOT NULL AND t.task_id != ? GROUP BY a.annotator");
  q.Bind(1, task_type).Bind(2, task_id);
  std::map<std::string, double> w;
  while (q.Step()) {
    w[q.Text(0)] = agreement::Reliability(static_cast<int>(q.Int(1)), static_cast<int>(q.Int(2)));
  }
  return w;
}

std::vector<agreement::Vote> VotesOf(Database& db, int64_t task_id) {
  Statement q(db.handle(),
              "SELECT annotator, label FROM annotations WHERE task_id=? ORDER BY annotator");
  q.Bind(1, task_id);
  std::vector<agreement::Vote> votes;
  while (q.Step()) votes.push_back({q.Text(0), q.Text(1)});
  return votes;
}

// Brings a task's state, label and agreement in line with its votes. `sampled` (when routing)
// decides between open and unsampled for a task without votes. Returns the state.
std::string Reevaluate(Database& db, int64_t task_id, std::optional<bool> sampled,
                       const std::string& actor, const std::string& now) {
  Statement q(db.handle(),
              "SELECT state, votes_required, agreement_required, consensus_rule, task_type, "
              "label, agreement FROM annotation_tasks WHERE task_id=?");
  q.Bind(1, task_id);
  q.Step();
  const std::string state = q.Text(0);
  const int required = static_cast<int>(q.Int(1));
  const double agreement_required = q.Real(2);
  const std::string rule = q.Text(3), task_type = q.Text(4);
  if (state == task_state::kAdjudicated) return state;  // a person decided
  const std::vector<agreement::Vote> votes = VotesOf(db, task_id);
  std::string next = state;
  std::optional<std::string> label;
  std::optional<double> share;
  std::optional<std::string> decided_by;
  std::string note;
  if (votes.empty()) {
    if (sampled) next = *sampled ? task_state::kOpen : task_state::kUnsampled;
    if (next != task_state::kUnsampled) next = task_state::kOpen;
  } else {
    const agreement::Consensus c = agreement::Decide(
        votes, RuleOf(rule),
        rule == "weighted" ? Weights(db, task_type, task_id) : std::map<std::string, double>{});
    share = c.agreement;
    const std::string tally = std::to_string(votes.size()) + " of " + std::to_string(required) +
                              " votes, leading '" + c.leading + "' at " + Fixed(c.agreement) +
                              " (required " + Fixed(agreement_required) + ", " + rule + ")";
    if (static_cast<int>(votes.size()) < required) {
      next = task_state::kOpen;
      note = tally;
    } else if (c.label && c.agreement + 1e-9 >= agreement_required) {
      next = task_state::kComplete;
      label = c.label;
      decided_by = "consensus:" + rule;
      note = tally;
    } else {
      next = task_state::kAdjudication;
      note = tally + (c.label ? ": below the required agreement" : ": no consensus");
    }
  }
  Statement u(db.handle(),
              "UPDATE annotation_tasks SET state=?, label=?, agreement=?, decided_by=?, "
              "updated_at=? WHERE task_id=?");
  u.Bind(1, next).Bind(2, label);
  if (share) {
    u.Bind(3, *share);
  } else {
    u.BindNull(3);
  }
  u.Bind(4, decided_by).Bind(5, now).Bind(6, task_id).Run();
  if (next != state) {
    const std::string action = next == task_state::kComplete       ? "consensus"
                               : next == task_state::kAdjudication ? "adjudication"
                               : next == task_state::kUnsampled    ? "unsampled"
                                                                   : "reopened";
    AddEvent(db, task_id, now, actor, action, state, next, note);
  }
  return next;
}

std::string ReasonSummary(const RoutedTask& t) {
  std::string s = "rule " + t.rule + ": pool " + t.pool + ", " + std::to_string(t.votes) +
                  " votes, agreement " + Fixed(t.agreement, 2) + " (" + t.consensus +
                  "), complexity " + Fixed(t.complexity);
  const Json& sample = t.reason["sample"];
  if (sample["rate"].get<double>() < 1) {
    s += ", sample " + Fixed(sample["rate"].get<double>(), 2) + " (draw " +
         Fixed(sample["draw"].get<double>(), 4) + (t.sampled ? ": selected)" : ": left out)");
  }
  return s;
}

}  // namespace

void RegisterRouting(Database& db, const RoutingConfig& routing, const std::string& now) {
  Statement s(db.handle(),
              "INSERT OR IGNORE INTO routing_files(sha256, path, text, first_seen_at) "
              "VALUES(?,?,?,?)");
  s.Bind(1, routing.sha256).Bind(2, routing.path).Bind(3, routing.text).Bind(4, now).Run();
}

namespace {

// Records routings with its statements prepared once: `annotate route` records every accepted
// document of a store in one go.
class TaskRouter {
 public:
  explicit TaskRouter(Database& db)
      : db_(db),
        events_(db),
        find_(db.handle(),
              "SELECT task_id, state, pool, votes_required, agreement_required, consensus_rule, "
              "routing_sha256 FROM annotation_tasks WHERE doc_id=? AND region=? AND task_type=?"),
        insert_(db.handle(),
                "INSERT INTO annotation_tasks(doc_id, region, task_type, pool, votes_required, "
                "agreement_required, consensus_rule, complexity, rule, reason, labels, level, "
                "adjudication_pool, routing_sha256, state, created_at, updated_at, run_id, "
                "question) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        update_(db.handle(),
                "UPDATE annotation_tasks SET pool=?, votes_required=?, agreement_required=?, "
                "consensus_rule=?, complexity=?, rule=?, reason=?, labels=?, level=?, "
                "adjudication_pool=?, routing_sha256=?, updated_at=?, question=? "
                "WHERE task_id=?"),
        undecided_(db.handle(),
                   "SELECT task_id, state FROM annotation_tasks WHERE doc_id=? AND state IN "
                   "('open', 'unsampled', 'adjudication')"),
        withdraw_(db.handle(),
                  "UPDATE annotation_tasks SET state='withdrawn', updated_at=? WHERE task_id=?") {}

  void Record(const std::string& doc_id, const std::string& outcome, const RoutingConfig& routing,
              const std::vector<RoutedTask>& tasks, std::optional<int64_t> run_id,
              const std::string& now) {
    if (outcome != outcome::kAccepted) {
      Withdraw(doc_id, {}, "the document is " + outcome + " now", now);
      return;
    }
    std::set<int64_t> routed;
    for (const RoutedTask& t : tasks) routed.insert(Upsert(doc_id, routing, t, run_id, now));
    Withdraw(doc_id, routed, "routing " + routing.sha256.substr(0, 12) + " no longer routes it",
             now);
  }

 private:
  // Creates the task, or updates the one of the same document, region and type. Returns its id.
  int64_t Upsert(const std::string& doc_id, const RoutingConfig& routing, const RoutedTask& t,
                 std::optional<int64_t> run_id, const std::string& now) {
    const TaskType* tt = routing.FindTaskType(t.task_type);
    find_.Bind(1, doc_id).Bind(2, t.region).Bind(3, t.task_type);
    if (!find_.Step()) {
      find_.Reset();
      const std::string state(t.sampled ? task_state::kOpen : task_state::kUnsampled);
      insert_.Bind(1, doc_id).Bind(2, t.region).Bind(3, t.task_type).Bind(4, t.pool);
      insert_.Bind(5, t.votes).Bind(6, t.agreement).Bind(7, t.consensus).Bind(8, t.complexity);
      insert_.Bind(9, t.rule).Bind(10, DumpJson(t.reason)).Bind(11, Json(tt->labels).dump());
      insert_.Bind(12, tt->level).Bind(13, tt->adjudication_pool).Bind(14, routing.sha256);
      insert_.Bind(15, state).Bind(16, now).Bind(17, now);
      if (run_id) {
        insert_.Bind(18, *run_id);
      } else {
        insert_.BindNull(18);
      }
      insert_.Bind(19, tt->question).Run();
      const int64_t id = db_.LastInsertId();
      events_.Add(id, now, "assay", "created", std::nullopt, state, ReasonSummary(t));
      return id;
    }
    const int64_t id = find_.Int(0);
    const std::string state = find_.Text(1);
    const bool changed = find_.Text(2) != t.pool || find_.Int(3) != t.votes ||
                         find_.Real(4) != t.agreement || find_.Text(5) != t.consensus ||
                         find_.Text(6) != routing.sha256;
    find_.Reset();
    if (!changed && state != task_state::kWithdrawn) return id;  // same routing: nothing to do
    update_.Bind(1, t.pool).Bind(2, t.votes).Bind(3, t.agreement).Bind(4, t.consensus);
    update_.Bind(5, t.complexity).Bind(6, t.rule).Bind(7, DumpJson(t.reason));
    update_.Bind(8, Json(tt->labels).dump()).Bind(9, tt->level).Bind(10, tt->adjudication_pool);
    update_.Bind(11, routing.sha256).Bind(12, now).Bind(13, tt->question).Bind(14, id).Run();
    std::string to = state;
    if (state == task_state::kWithdrawn) {
      Statement reopen(db_.handle(), "UPDATE annotation_tasks SET state='open' WHERE task_id=?");
      reopen.Bind(1, id).Run();
      to = task_state::kOpen;
    }
    events_.Add(id, now, "assay", "rerouted", state, to, ReasonSummary(t));
    Reevaluate(db_, id, t.sampled, "assay", now);
    return id;
  }

  // Withdraws the document's undecided tasks not in `keep`.
  void Withdraw(const std::string& doc_id, const std::set<int64_t>& keep, const std::string& why,
                const std::string& now) {
    undecided_.Bind(1, doc_id);
    std::vector<std::pair<int64_t, std::string>> gone;
    while (undecided_.Step()) {
      if (!keep.count(undecided_.Int(0))) gone.emplace_back(undecided_.Int(0), undecided_.Text(1));
    }
    undecided_.Reset();
    for (const auto& [id, state] : gone) {
      withdraw_.Bind(1, now).Bind(2, id).Run();
      events_.Add(id, now, "assay", "withdrawn", state, "withdrawn", why);
    }
  }

  Database& db_;
  EventLog events_;
  Statement find_, insert_, update_, undecided_, withdraw_;
};

}  // namespace

void RecordRouting(Database& db, const std::string& doc_id, const std::string& outcome,
                   const RoutingConfig& routing, const std::vector<RoutedTask>& tasks,
                   std::optional<int64_t> run_id, const std::string& now) {
  TaskRouter(db).Record(doc_id, outcome, routing, tasks, run_id, now);
}

std::optional<RoutingUnit> StoredRoutingUnit(Store& store, const std::string& doc_id) {
  Statement d(store.db().handle(), "SELECT modality, tags FROM documents WHERE doc_id=?");
  d.Bind(1, doc_id);
  if (!d.Step()) return std::nullopt;
  RoutingUnit u;
  u.doc_id = doc_id;
  u.modality = d.IsNull(0) ? "" : d.Text(0);
  const Json tags = Json::parse(d.Text(1), nullptr, false);
  if (tags.is_array()) {
    for (const Json& t : tags) {
      if (t.is_string()) u.tags.push_back(t.get<std::string>());
    }
  }
  Statement m(store.db().handle(), "SELECT scope, name, value FROM metrics WHERE doc_id=?");
  m.Bind(1, doc_id);
  while (m.Step()) {
    if (m.Text(0).empty()) {
      u.metrics[m.Text(1)] = m.Real(2);
    } else {
      u.part_metrics[m.Text(0)][m.Text(1)] = m.Real(2);
    }
  }
  return u;
}

RouteSummary RouteStore(Store& store, const RoutingConfig& routing, const std::string& now) {
  const double t0 = MonotonicSeconds();
  Database& db = store.db();
  RouteSummary s;
  Transaction tx(db);
  RegisterRouting(db, routing, now);
  // Every accepted document with its facts, in two ordered scans (no query per document).
  std::map<std::string, RoutingUnit> units;
  {
    Statement d(db.handle(),
                "SELECT doc_id, modality, tags FROM documents WHERE outcome='accepted' "
                "ORDER BY doc_id");
    while (d.Step()) {
      RoutingUnit u;
      u.doc_id = d.Text(0);
      u.modality = d.IsNull(1) ? "" : d.Text(1);
      const Json tags = Json::parse(d.Text(2), nullptr, false);
      if (tags.is_array()) {
        for (const Json& t : tags) {
          if (t.is_string()) u.tags.push_back(t.get<std::string>());
        }
      }
      units.emplace(u.doc_id, std::move(u));
    }
    Statement m(db.handle(),
                "SELECT m.doc_id, m.scope, m.name, m.value FROM metrics m JOIN documents d ON "
                "d.doc_id = m.doc_id WHERE d.outcome='accepted'");
    while (m.Step()) {
      auto it = units.find(m.Text(0));
      if (it == units.end()) continue;
      if (m.Text(1).empty()) {
        it->second.metrics[m.Text(2)] = m.Real(3);
      } else {
        it->second.part_metrics[m.Text(1)][m.Text(2)] = m.Real(3);
      }
    }
  }
  TaskRouter router(db);
  for (const auto& [id, u] : units) {
    router.Record(id, std::string(outcome::kAccepted), routing, Route(routing, u), std::nullopt,
                  now);
    ++s.documents;
  }
  // Documents no longer accepted keep no undecided task.
  {
    Statement q(db.handle(),
                "SELECT DISTINCT t.doc_id, COALESCE(d.outcome, 'pending') FROM annotation_tasks t "
                "JOIN documents d ON d.doc_id = t.doc_id WHERE COALESCE(d.outcome, '') != "
                "'accepted' AND t.state IN ('open', 'unsampled', 'adjudication')");
    std::vector<std::pair<std::string, std::string>> stale;
    while (q.Step()) stale.emplace_back(q.Text(0), q.Text(1));
    for (const auto& [id, outcome] : stale)
      router.Record(id, outcome, routing, {}, std::nullopt, now);
  }
  Statement c(db.handle(), "SELECT state, COUNT(*) FROM annotation_tasks GROUP BY state");
  while (c.Step()) s.states[c.Text(0)] = static_cast<int>(c.Int(1));
  tx.Commit();
  s.seconds = MonotonicSeconds() - t0;
  return s;
}

Result<ImportSummary> ImportVotes(Store& store, const std::string& path, const std::string& format,
                                  const std::string& file_sha256,
                                  const std::vector<ImportedVote>& votes, const std::string& now) {
  Database& db = store.db();
  Transaction tx(db);
  std::vector<std::string> problems;
  auto problem = [&](const ImportedVote& v, const std::string& what) {
    problems.push_back(v.where + ": " + what);
  };
  Statement task(db.handle(), "SELECT state, labels FROM annotation_tasks WHERE task_id=?");
  Statement stored(db.handle(),
                   "SELECT label, source_ref, import_id FROM annotations WHERE task_id=? AND "
                   "annotator=?");
  std::map<std::pair<int64_t, std::string>, std::string> in_file;  // -> where
  std::vector<const ImportedVote*> fresh;
  int already = 0;
  for (const ImportedVote& v : votes) {
    task.Bind(1, v.task_id);
    if (!task.Step()) {
      task.Reset();
      problem(v, "unknown task " + std::to_string(v.task_id) +
                     " (not a task of this store: exported from another one?)");
      continue;
    }
    const std::string state = task.Text(0);
    const Json labels = Json::parse(task.Text(1));
    task.Reset();
    if (state == task_state::kUnsampled || state == task_state::kWithdrawn) {
      problem(v, "task " + std::to_string(v.task_id) + " is " + state +
                     ": it takes no votes (re-route first if the routing changed)");
      continue;
    }
    if (std::find(labels.begin(), labels.end(), v.label) == labels.end()) {
      problem(v, "label '" + v.label + "' is not in task " + std::to_string(v.task_id) +
                     "'s label set " + labels.dump());
      continue;
    }
    auto [it, first] = in_file.emplace(std::make_pair(v.task_id, v.annotator), v.where);
    if (!first) {
      problem(v, "a second vote of '" + v.annotator + "' on task " + std::to_string(v.task_id) +
                     " (the first is at " + it->second + ")");
      continue;
    }
    stored.Bind(1, v.task_id).Bind(2, v.annotator);
    if (stored.Step()) {
      const std::string label = stored.Text(0), ref = stored.Text(1);
      const int64_t import_id = stored.Int(2);
      stored.Reset();
      if (label == v.label && ref == v.source_ref) {
        ++already;  // the same export imported again: nothing new
      } else {
        problem(v, "'" + v.annotator + "' already voted '" + label + "' on task " +
                       std::to_string(v.task_id) + " (import " + std::to_string(import_id) +
                       "); a second vote is refused");
      }
      continue;
    }
    stored.Reset();
    fresh.push_back(&v);
  }
  if (!problems.empty()) {
    std::string msg = std::to_string(problems.size()) + " problem" +
                      (problems.size() == 1 ? "" : "s") + "; nothing was imported:";
    for (size_t i = 0; i < problems.size() && i < 50; ++i) msg += "\n  " + problems[i];
    if (problems.size() > 50) msg += "\n  ...";
    return Error{"annotate", msg};  // the transaction rolls back
  }
  Statement imp(db.handle(),
                "INSERT INTO annotation_imports(path, sha256, format, imported_at, votes) "
                "VALUES(?,?,?,?,?)");
  imp.Bind(1, path).Bind(2, file_sha256).Bind(3, format).Bind(4, now);
  imp.Bind(5, static_cast<int64_t>(fresh.size())).Run();
  ImportSummary s;
  s.import_id = db.LastInsertId();
  s.votes_added = static_cast<int>(fresh.size());
  s.already_imported = already;
  Statement ins(db.handle(),
                "INSERT INTO annotations(task_id, annotator, label, annotated_at, source_ref, "
                "import_id) VALUES(?,?,?,?,?,?)");
  std::map<int64_t, std::vector<const ImportedVote*>> by_task;
  for (const ImportedVote* v : fresh) {
    ins.Bind(1, v->task_id).Bind(2, v->annotator).Bind(3, v->label).Bind(4, v->annotated_at);
    ins.Bind(5, v->source_ref).Bind(6, s.import_id).Run();
    by_task[v->task_id].push_back(v);
  }
  // Tasks in id order, so weighted consensus reads the same history on every machine.
  const std::string actor = "import " + std::to_string(s.import_id);
  for (const auto& [id, vs] : by_task) {
    Statement st(db.handle(), "SELECT state FROM annotation_tasks WHERE task_id=?");
    st.Bind(1, id);
    st.Step();
    const std::string state = st.Text(0);
    std::string note;
    for (const ImportedVote* v : vs)
      note += (note.empty() ? "" : ", ") + v->annotator + ": " + v->label;
    AddEvent(db, id, now, actor, "voted", state, state, note);
    ++s.states[Reevaluate(db, id, std::nullopt, actor, now)];
  }
  tx.Commit();
  return s;
}

Status Adjudicate(Store& store, int64_t task_id, const std::string& label, const std::string& actor,
                  const std::string& note, const std::string& now) {
  Database& db = store.db();
  Transaction tx(db);
  Statement q(db.handle(), "SELECT state, labels FROM annotation_tasks WHERE task_id=?");
  q.Bind(1, task_id);
  if (!q.Step()) return Error{"annotate", "no task " + std::to_string(task_id)};
  const std::string state = q.Text(0);
  const Json labels = Json::parse(q.Text(1));
  if (state != task_state::kAdjudication) {
    return Error{"refused",
                 "task " + std::to_string(task_id) + " is " + state + ", not in adjudication"};
  }
  if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
    return Error{"annotate",
                 "label '" + label + "' is not in the task's label set " + labels.dump()};
  }
  Statement u(db.handle(),
              "UPDATE annotation_tasks SET state='adjudicated', label=?, decided_by=?, "
              "updated_at=? WHERE task_id=? AND state='adjudication'");
  u.Bind(1, label).Bind(2, actor).Bind(3, now).Bind(4, task_id).Run();
  AddEvent(db, task_id, now, actor, "adjudicated", state, "adjudicated",
           "label '" + label + "'" + (note.empty() ? "" : ": " + note));
  tx.Commit();
  return Status();
}

std::optional<int> RegionPage(const std::string& region) {
  if (!region.starts_with("page:")) return std::nullopt;
  const std::string digits = region.substr(5);
  if (digits.empty() || digits.size() > 6 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::stoi(digits);
}

std::vector<TaskForExport> TasksForPool(Store& store, const std::string& pool, bool adjudication,
                                        int64_t limit, int64_t offset) {
  Statement q(store.db().handle(),
              std::string("SELECT t.task_id, t.doc_id, t.region, t.task_type, t.pool, t.state, "
                          "d.path, d.container, COALESCE(d.modality, ''), d.alt_text, t.labels, "
                          "t.routing_sha256, t.complexity, t.question, t.level, t.agreement_required, "
                          "t.agreement FROM "
                          "annotation_tasks t JOIN documents "
                          "d ON d.doc_id = t.doc_id WHERE ") +
                  (adjudication ? "t.adjudication_pool=? AND t.state='adjudication'"
                                : "t.pool=? AND t.state='open'") +
                  " ORDER BY t.task_id LIMIT ?2 OFFSET ?3");
  q.Bind(1, pool).Bind(2, limit).Bind(3, std::max<int64_t>(offset, 0));
  std::vector<TaskForExport> out;
  std::map<std::string, Document> docs;
  while (q.Step()) {
    TaskForExport t;
    t.task_id = q.Int(0);
    t.doc_id = q.Text(1);
    t.region = q.Text(2);
    t.task_type = q.Text(3);
    t.pool = q.Text(4);
    t.state = q.Text(5);
    t.path = q.Text(6);
    t.container = q.Text(7);
    t.modality = q.Text(8);
    if (!q.IsNull(9)) t.alt_text = q.Text(9);
    for (const Json& l : Json::parse(q.Text(10))) t.labels.push_back(l.get<std::string>());
    t.routing_sha256 = q.Text(11);
    t.complexity = q.Real(12);
    t.question = q.Text(13);
    t.level = q.Text(14);
    t.agreement_required = q.Real(15);
    if (!q.IsNull(16)) t.agreement = q.Real(16);
    auto it = docs.find(t.doc_id);
    if (it == docs.end()) {
      Document doc;
      if (auto content = store.DocumentContent(t.doc_id)) doc = Document::FromContentJson(*content);
      it = docs.emplace(t.doc_id, std::move(doc)).first;
    }
    if (const std::optional<int> n = RegionPage(t.region)) {
      for (const Page& p : it->second.pages) {
        if (p.number == *n) t.text = p.Text();
      }
    } else {
      t.text = it->second.Text();
    }
    for (const auto& v : VotesOf(store.db(), t.task_id)) t.votes.emplace_back(v.annotator, v.label);
    out.push_back(std::move(t));
  }
  return out;
}

Json AnnotationStatus(Store& store, const StageCatalog& catalog) {
  Database& db = store.db();
  Json out = Json::object();
  // The routing that routed last, for its pools' capacities.
  std::optional<RoutingConfig> routing;
  {
    Statement r(db.handle(),
                "SELECT f.sha256, f.path, f.text FROM annotation_tasks t JOIN routing_files f ON "
                "f.sha256 = t.routing_sha256 ORDER BY t.updated_at DESC, t.task_id DESC LIMIT 1");
    if (r.Step()) {
      out["routing"] = {{"sha256", r.Text(0)}, {"path", r.Text(1)}};
      if (auto parsed = ParseRouting(r.Text(2), r.Text(1), catalog); parsed.ok()) {
        routing = std::move(parsed.value());
      }
    } else {
      out["routing"] = nullptr;
    }
  }
  Json pools = Json::object();
  if (routing) {
    for (const AnnotatorPool& p : routing->pools) {
      pools[p.name] = {{"capacity", p.capacity},
                       {"expertise", p.expertise},
                       {"open", 0},
                       {"adjudication", 0},
                       {"task_types", Json::object()}};
    }
  }
  Statement q(db.handle(),
              "SELECT pool, task_type, state, COUNT(*) FROM annotation_tasks GROUP BY pool, "
              "task_type, state ORDER BY pool, task_type, state");
  Json totals = Json::object();
  while (q.Step()) {
    const std::string pool = q.Text(0), type = q.Text(1), state = q.Text(2);
    const int64_t n = q.Int(3);
    Json& p = pools[pool];
    if (!p.contains("open")) {
      p = {{"capacity", nullptr},
           {"expertise", Json::array()},
           {"open", 0},
           {"adjudication", 0},
           {"task_types", Json::object()}};
    }
    p["task_types"][type][state] = n;
    if (state == task_state::kOpen) p["open"] = p["open"].get<int64_t>() + n;
    totals[state] = totals.value(state, int64_t{0}) + n;
  }
  Statement a(db.handle(),
              "SELECT adjudication_pool, COUNT(*) FROM annotation_tasks WHERE state='adjudication' "
              "GROUP BY adjudication_pool");
  while (a.Step()) {
    if (pools.contains(a.Text(0))) pools[a.Text(0)]["adjudication"] = a.Int(1);
  }
  for (auto& [name, p] : pools.items()) {
    const int64_t load = p["open"].get<int64_t>() + p["adjudication"].get<int64_t>();
    p["over_capacity"] = p["capacity"].is_number() && load > p["capacity"].get<int64_t>();
  }
  out["tasks"] = std::move(totals);
  out["pools"] = std::move(pools);
  Json queue = Json::array();
  Statement aq(db.handle(),
               "SELECT task_id, pool, task_type, doc_id, path, region, agreement, "
               "agreement_required, votes FROM adjudication_queue ORDER BY task_id");
  while (aq.Step()) {
    queue.push_back({{"task_id", aq.Int(0)},
                     {"pool", aq.Text(1)},
                     {"task_type", aq.Text(2)},
                     {"doc_id", aq.Text(3)},
                     {"path", aq.Text(4)},
                     {"region", aq.Text(5)},
                     {"agreement", aq.IsNull(6) ? Json() : Json(aq.Real(6))},
                     {"agreement_required", aq.Real(7)},
                     {"votes", Json::parse(aq.Text(8))}});
  }
  out["adjudication_queue"] = std::move(queue);
  return out;
}

Json AgreementReport(Store& store) {
  Database& db = store.db();
  Json types = Json::object();
  Statement tq(db.handle(),
               "SELECT DISTINCT task_type, labels, level FROM annotation_tasks ORDER BY task_type");
  std::vector<std::tuple<std::string, Json, std::string>> task_types;
  while (tq.Step()) task_types.emplace_back(tq.Text(0), Json::parse(tq.Text(1)), tq.Text(2));
  std::set<std::string> seen;
  for (const auto& [type, labels, level] : task_types) {
    if (!seen.insert(type).second) continue;  // label sets changed between routings: first wins
    // Votes of every task of this type, by task; and the decided label.
    std::map<int64_t, std::vector<agreement::Vote>> by_task;
    std::map<int64_t, std::optional<std::string>> decided;
    Statement v(db.handle(),
                "SELECT t.task_id, a.annotator, a.label, t.label FROM annotations a JOIN "
                "annotation_tasks t ON t.task_id = a.task_id WHERE t.task_type=? "
                "ORDER BY t.task_id, a.annotator");
    v.Bind(1, type);
    while (v.Step()) {
      by_task[v.Int(0)].push_back({v.Text(1), v.Text(2)});
      decided[v.Int(0)] = v.IsNull(3) ? std::nullopt : std::optional<std::string>(v.Text(3));
    }
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < labels.size(); ++i) index[labels[i].get<std::string>()] = i;
    // Krippendorff: every task with its values (missing votes are just absent).
    std::vector<std::vector<double>> units;
    std::map<size_t, int> by_count;
    for (const auto& [id, votes] : by_task) {
      std::vector<double> u;
      for (const auto& vote : votes) {
        u.push_back(level == "interval" ? std::stod(vote.label)
                                        : static_cast<double>(index[vote.label]));
      }
      units.push_back(std::move(u));
      if (votes.size() >= 2) ++by_count[votes.size()];
    }
    auto opt = [](std::optional<double> x) { return x ? Json(*x) : Json(); };
    Json t = {{"tasks_with_votes", by_task.size()},
              {"labels", labels},
              {"level", level},
              {"krippendorff_alpha_nominal",
               opt(agreement::KrippendorffAlpha(units, agreement::Level::kNominal))}};
    if (level == "interval") {
      t["krippendorff_alpha_interval"] =
          opt(agreement::KrippendorffAlpha(units, agreement::Level::kInterval));
    }
    // Fleiss over the tasks with the most common number of votes (it needs one n for all).
    size_t n = 0;
    int most = 0;
    for (const auto& [count, tasks] : by_count) {
      if (tasks > most) {
        most = tasks;
        n = count;
      }
    }
    if (n >= 2) {
      std::vector<std::vector<int>> counts;
      for (const auto& [id, votes] : by_task) {
        if (votes.size() != n) continue;
        std::vector<int> row(labels.size(), 0);
        for (const auto& vote : votes) ++row[index[vote.label]];
        counts.push_back(std::move(row));
      }
      t["fleiss_kappa"] = {{"value", opt(agreement::FleissKappa(counts))},
                           {"tasks", counts.size()},
                           {"votes_per_task", n}};
    } else {
      t["fleiss_kappa"] = nullptr;
    }
    // Cohen per pair of annotators over the tasks both rated.
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<std::string, std::string>>>
        pairs;
    for (const auto& [id, votes] : by_task) {
      for (size_t i = 0; i < votes.size(); ++i) {
        for (size_t j = i + 1; j < votes.size(); ++j) {
          pairs[{votes[i].annotator, votes[j].annotator}].emplace_back(votes[i].label,
                                                                       votes[j].label);
        }
      }
    }
    Json cohen = Json::array();
    for (const auto& [who, items] : pairs) {
      cohen.push_back({{"annotators", {who.first, who.second}},
                       {"tasks", items.size()},
                       {"kappa", opt(agreement::CohenKappa(items))}});
    }
    t["cohen_kappa"] = std::move(cohen);
    // Each annotator against the decided label.
    std::map<std::string, std::pair<int, int>> record;  // agreed, rated
    for (const auto& [id, votes] : by_task) {
      for (const auto& vote : votes) {
        auto& r = record[vote.annotator];
        if (!decided[id]) continue;
        ++r.second;
        if (vote.label == *decided[id]) ++r.first;
      }
    }
    Json annotators = Json::object();
    for (const auto& [who, r] : record) {
      annotators[who] = {
          {"rated", r.second},
          {"agreed_with_consensus", r.first},
          {"agreement", r.second ? Json(static_cast<double>(r.first) / r.second) : Json()},
          {"reliability", agreement::Reliability(r.first, r.second)}};
    }
    t["annotators"] = std::move(annotators);
    types[type] = std::move(t);
  }
  return {{"task_types", std::move(types)}};
}

Json DocumentAnnotations(Store& store, const std::string& doc_id, bool stable) {
  Statement q(store.db().handle(),
              "SELECT task_id, task_type, pool, region, state, label, agreement, votes_required, "
              "agreement_required, consensus_rule, complexity, rule, routing_sha256, decided_by, "
              "(SELECT COUNT(*) FROM annotations a WHERE a.task_id = t.task_id) "
              "FROM annotation_tasks t WHERE doc_id=? ORDER BY task_type, region");
  q.Bind(1, doc_id);
  Json tasks = Json::array();
  while (q.Step()) {
    Json t = Json::object();
    if (!stable) t["task_id"] = q.Int(0);
    t["type"] = q.Text(1);
    t["pool"] = q.Text(2);
    t["region"] = q.Text(3);
    t["state"] = q.Text(4);
    t["label"] = q.IsNull(5) ? Json() : Json(q.Text(5));
    t["agreement"] = q.IsNull(6) ? Json() : Json(q.Real(6));
    t["votes"] = q.Int(14);
    t["votes_required"] = q.Int(7);
    t["agreement_required"] = q.Real(8);
    t["consensus"] = q.Text(9);
    t["complexity"] = q.Real(10);
    t["rule"] = q.Text(11);
    t["routing_sha256"] = q.Text(12);
    t["decided_by"] = q.IsNull(13) ? Json() : Json(q.Text(13));
    tasks.push_back(std::move(t));
  }
  return {{"tasks", std::move(tasks)}};
}

Json TaskEvents(Store& store, int64_t task_id) {
  Statement q(store.db().handle(),
              "SELECT at, actor, action, from_state, to_state, note FROM annotation_events "
              "WHERE task_id=? ORDER BY event_id");
  q.Bind(1, task_id);
  Json out = Json::array();
  while (q.Step()) {
    out.push_back({{"at", q.Text(0)},
                   {"actor", q.Text(1)},
                   {"action", q.Text(2)},
                   {"from", q.IsNull(3) ? Json() : Json(q.Text(3))},
                   {"to", q.Text(4)},
                   {"note", q.Text(5)}});
  }
  return out;
}

}  // namespace assay
