#include "core/queue.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string_view>
#include <utility>

#include "core/bounded_text.h"
#include "core/clock.h"
#include "core/names.h"

namespace assay {
namespace {

void AppendEvent(Database& db, int64_t item_id, const std::string& at, const std::string& actor,
                 const std::string& action, const std::optional<std::string>& from,
                 const std::string& to, const std::string& note) {
  Statement s(db.handle(),
              "INSERT INTO queue_events(item_id, at, actor, action, from_state, to_state, note) "
              "VALUES(?,?,?,?,?,?,?)");
  s.Bind(1, item_id).Bind(2, at).Bind(3, actor).Bind(4, action).Bind(5, from).Bind(6, to);
  s.Bind(7, BoundedText(note)).Run();
}

bool IsModelEvaluation(const Json& reason) {
  return reason.is_object() && reason.value("rule", std::string()) == kModelEvaluationRule;
}

// The reasons a model evaluation gave, among an item's stored reasons.
Json ModelEvaluationReasons(Database& db, int64_t item_id) {
  Statement q(db.handle(), "SELECT reasons FROM queue_items WHERE item_id=?");
  q.Bind(1, item_id);
  Json out = Json::array();
  if (!q.Step()) return out;
  const Json stored = Json::parse(q.Text(0), nullptr, /*allow_exceptions=*/false);
  if (!stored.is_array()) return out;
  for (const Json& r : stored) {
    if (IsModelEvaluation(r)) out.push_back(r);
  }
  return out;
}

}  // namespace

std::pair<int64_t, bool> RecordModelEvaluationFlag(Database& db, const std::string& doc_id,
                                                   const Json& reasons, int64_t run_id,
                                                   const std::string& actor,
                                                   const std::string& note,
                                                   const std::string& now) {
  Statement active(db.handle(),
                   "SELECT item_id, state, reasons FROM queue_items WHERE doc_id=? AND "
                   "state IN ('open','claimed')");
  active.Bind(1, doc_id);
  if (active.Step()) {
    const int64_t item_id = active.Int(0);
    const std::string state = active.Text(1);
    Json all = Json::parse(active.Text(2), nullptr, /*allow_exceptions=*/false);
    if (!all.is_array()) all = Json::array();
    for (const Json& r : reasons) all.push_back(r);
    Statement u(db.handle(), "UPDATE queue_items SET reasons=?, updated_at=? WHERE item_id=?");
    u.Bind(1, DumpJson(BoundedJson(all))).Bind(2, now).Bind(3, item_id).Run();
    AppendEvent(db, item_id, now, actor, "updated", state, state, note);
    return {item_id, false};
  }
  Statement i(db.handle(),
              "INSERT INTO queue_items(doc_id, kind, state, reasons, opened_at, updated_at, "
              "run_id) VALUES(?,?,'open',?,?,?,?)");
  i.Bind(1, doc_id).Bind(2, std::string(outcome::kRejected));
  i.Bind(3, DumpJson(BoundedJson(reasons))).Bind(4, now).Bind(5, now).Bind(6, run_id).Run();
  const int64_t item_id = db.LastInsertId();
  AppendEvent(db, item_id, now, actor, "opened", std::nullopt, "open", note);
  return {item_id, true};
}

void RecordQueueDecision(Database& db, const std::string& doc_id, const std::string& outcome,
                         const Json& reasons, int64_t run_id, const std::string& now,
                         std::optional<int64_t> reprocessed_item) {
  Statement active(db.handle(),
                   "SELECT item_id, state FROM queue_items WHERE doc_id=? AND "
                   "state IN ('open','claimed')");
  active.Bind(1, doc_id);
  std::optional<std::pair<int64_t, std::string>> item;
  if (active.Step()) item = {active.Int(0), active.Text(1)};
  const std::string via = reprocessed_item ? " after reprocess" : "";
  if (reprocessed_item && (!item || item->first != *reprocessed_item)) {
    // A reviewer closed the item while it was being reprocessed: their decision stands, the
    // trail says what the reprocess found.
    Statement st(db.handle(), "SELECT state FROM queue_items WHERE item_id=?");
    st.Bind(1, *reprocessed_item);
    if (st.Step()) {
      AppendEvent(db, *reprocessed_item, now, "assay", "reprocessed", st.Text(0), st.Text(0),
                  "reprocess finished after the item was closed: the document is " + outcome);
    }
    return;
  }

  // A model evaluation's flag outlives any contract decision: a person closes it.
  const Json flags = item ? ModelEvaluationReasons(db, item->first) : Json::array();
  if (outcome == outcome::kAccepted) {
    if (!item) return;
    if (!flags.empty()) {
      Statement u(db.handle(), "UPDATE queue_items SET reasons=?, updated_at=? WHERE item_id=?");
      u.Bind(1, DumpJson(flags)).Bind(2, now).Bind(3, item->first).Run();
      AppendEvent(db, item->first, now, "assay", "updated", item->second, item->second,
                  "the document passes its contract now" + via +
                      "; the model evaluation's flag stands");
      return;
    }
    Statement u(db.handle(),
                "UPDATE queue_items SET state='resolved', updated_at=? WHERE item_id=?");
    u.Bind(1, now).Bind(2, item->first).Run();
    AppendEvent(db, item->first, now, "assay", "resolved", item->second,
                std::string(queue_state::kResolved), "the document passes its contract now" + via);
    return;
  }
  const std::string kind(outcome == outcome::kError ? outcome::kError : outcome::kRejected);
  Json all = reasons;
  for (const Json& f : flags) all.push_back(f);
  const std::string reasons_text = DumpJson(BoundedJson(all));
  if (item) {
    Statement u(db.handle(),
                "UPDATE queue_items SET kind=?, reasons=?, updated_at=? WHERE item_id=?");
    u.Bind(1, kind).Bind(2, reasons_text).Bind(3, now).Bind(4, item->first).Run();
    AppendEvent(db, item->first, now, "assay", "updated", item->second, item->second,
                "still " + kind + via);
    return;
  }
  Statement i(db.handle(),
              "INSERT INTO queue_items(doc_id, kind, state, reasons, opened_at, updated_at, "
              "run_id) VALUES(?,?,'open',?,?,?,?)");
  i.Bind(1, doc_id).Bind(2, kind).Bind(3, reasons_text).Bind(4, now).Bind(5, now);
  i.Bind(6, run_id).Run();
  AppendEvent(db, db.LastInsertId(), now, "assay", "opened", std::nullopt, "open",
              kind + " in run " + std::to_string(run_id));
}

// ---------------------------------------------------------------------------------------------
// Reading and acting on the queue.

namespace {

constexpr const char* kItemColumns =
    "SELECT q.item_id, q.doc_id, d.path, COALESCE(d.modality, d.container), q.kind, q.state, "
    "q.reasons, q.assignee, q.opened_at, q.updated_at "
    "FROM queue_items q JOIN documents d ON d.doc_id = q.doc_id ";

QueueItem ReadItem(const Statement& s) {
  QueueItem it;
  it.item_id = s.Int(0);
  it.doc_id = s.Text(1);
  it.path = s.Text(2);
  it.modality = s.Text(3);
  it.kind = s.Text(4);
  it.state = s.Text(5);
  // reasons is written by RecordQueueDecision; a hand-edited row that is not JSON is shown
  // as text rather than breaking every listing.
  it.reasons = Json::parse(s.Text(6), nullptr, /*allow_exceptions=*/false);
  if (it.reasons.is_discarded()) it.reasons = Json::array({{{"message", s.Text(6)}}});
  if (!s.IsNull(7)) it.assignee = s.Text(7);
  it.opened_at = s.Text(8);
  it.updated_at = s.Text(9);
  return it;
}

std::optional<QueueItem> GetItem(Database& db, int64_t item_id) {
  Statement s(db.handle(), std::string(kItemColumns) + "WHERE q.item_id=?");
  s.Bind(1, item_id);
  if (!s.Step()) return std::nullopt;
  return ReadItem(s);
}

bool IsTerminal(const std::string& state) {
  return state == queue_state::kResolved || state == queue_state::kWaived ||
         state == queue_state::kRejected;
}

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string Item(int64_t id) { return "item " + std::to_string(id); }

// One reviewer action: the states it may start from and where it leads.
enum class Action { kClaim, kRelease, kResolve, kWaive, kReject, kReprocess };

struct ActionSpec {
  const char* verb;  // as in "a note is required to <verb> item 3"
  const char* event;
  const char* to_state;
  bool note_required;
};

ActionSpec Spec(Action a) {
  switch (a) {
    case Action::kClaim:
      return {"claim", "claimed", "claimed", false};
    case Action::kRelease:
      return {"release", "released", "open", false};
    case Action::kResolve:
      return {"resolve", "resolved", "resolved", true};
    case Action::kWaive:
      return {"waive", "waived", "waived", true};
    case Action::kReject:
      return {"reject", "rejected", "rejected", true};
    case Action::kReprocess:
      return {"reprocess", "reprocessed", nullptr, false};  // the state stays
  }
  return {"", "", "", false};
}

// Why `actor` may not do `a` on `item` as it is now. Called after the conditional UPDATE
// changed nothing, inside the same transaction, so it describes the state that refused it.
std::string Refusal(const QueueItem& item, Action a, const std::string& actor) {
  const std::string who = item.assignee.value_or("?");
  if (IsTerminal(item.state))
    return Item(item.item_id) + " is " + item.state + ": no further action";
  switch (a) {
    case Action::kClaim:
      return Item(item.item_id) + " is already claimed by " + who;
    case Action::kRelease:
      if (item.state == queue_state::kOpen) return Item(item.item_id) + " is not claimed";
      return Item(item.item_id) + " is claimed by " + who + ", not " + actor +
             ": only the assignee can release it";
    default:
      return Item(item.item_id) + " is claimed by " + who;
  }
}

std::variant<QueueItem, QueueError> Act(Database& db, int64_t item_id, Action a,
                                        const std::string& actor, const std::string& note,
                                        const std::function<void()>& also = nullptr) {
  const ActionSpec spec = Spec(a);
  if (Blank(actor)) return QueueError{"an actor name is required to " + std::string(spec.verb)};
  if (spec.note_required && Blank(note)) {
    return QueueError{"a note is required to " + std::string(spec.verb) + " " + Item(item_id)};
  }
  Transaction tx(db);
  std::optional<QueueItem> before = GetItem(db, item_id);
  if (!before) return QueueError{"no queue " + Item(item_id)};
  const std::string now = NowRfc3339();

  // The WHERE clause is the state machine; the IMMEDIATE transaction already serialises
  // writers, the condition keeps the rule in one place should that ever change.
  std::string sql;
  switch (a) {
    case Action::kClaim:
      sql =
          "UPDATE queue_items SET state='claimed', assignee=?1, updated_at=?2 "
          "WHERE item_id=?3 AND state='open'";
      break;
    case Action::kRelease:
      sql =
          "UPDATE queue_items SET state='open', assignee=NULL, updated_at=?2 "
          "WHERE item_id=?3 AND state='claimed' AND assignee=?1";
      break;
    case Action::kReprocess:
      sql =
          "UPDATE queue_items SET updated_at=?2 "
          "WHERE item_id=?3 AND (state='open' OR (state='claimed' AND assignee=?1))";
      break;
    default:
      sql =
          "UPDATE queue_items SET state=?4, assignee=?1, updated_at=?2 "
          "WHERE item_id=?3 AND (state='open' OR (state='claimed' AND assignee=?1))";
      break;
  }
  Statement u(db.handle(), sql);
  u.Bind(1, actor).Bind(2, now).Bind(3, item_id);
  const std::string to_state = spec.to_state != nullptr ? spec.to_state : before->state;
  if (a != Action::kClaim && a != Action::kRelease && a != Action::kReprocess) {
    u.Bind(4, to_state);
  }
  u.Run();
  if (sqlite3_changes(db.handle()) != 1) {
    return QueueError{Refusal(*GetItem(db, item_id), a, actor)};
  }
  AppendEvent(db, item_id, now, actor, spec.event, before->state, to_state, note);
  if (also) also();
  if (a == Action::kWaive) {
    // Accepted despite the failure; the error or rule results stay recorded beside it, and
    // the waive event says who decided and why.
    Statement d(db.handle(), "UPDATE documents SET outcome='accepted' WHERE doc_id=?");
    d.Bind(1, before->doc_id).Run();
  }
  tx.Commit();
  return *GetItem(db, item_id);
}

}  // namespace

Json QueueItem::ToJson() const {
  return {{"item_id", item_id},     {"doc_id", doc_id},
          {"path", path},           {"modality", modality},
          {"kind", kind},           {"state", state},
          {"reasons", reasons},     {"assignee", assignee ? Json(*assignee) : Json()},
          {"opened_at", opened_at}, {"updated_at", updated_at}};
}

Json QueueEvent::ToJson() const {
  return {{"event_id", event_id},
          {"at", at},
          {"actor", actor},
          {"action", action},
          {"from_state", from_state ? Json(*from_state) : Json()},
          {"to_state", to_state},
          {"note", note}};
}

namespace {

// How a rule filter meets queue_item_rules: as a list of the rule's items (for a count over
// many items) or as a probe per item (for a walk of a few items along another index).
enum class RuleMatch { kList, kProbe };

// The WHERE clause of `filter` over queue_items q, with numbered parameters ?1..?5 bound by
// BindFilter. Request text never becomes SQL: only these fixed fragments. Rule and modality
// read migration 016's derived columns and table, so no filter parses JSON or joins documents.
std::string FilterSql(const QueueFilter& filter, bool with_state = true,
                      RuleMatch rule_match = RuleMatch::kList) {
  std::string sql = " WHERE 1";
  if (with_state) {
    if (!filter.state || *filter.state == "active") {
      sql += " AND q.state IN ('open','claimed')";
    } else if (*filter.state != "all") {
      sql += " AND q.state = ?1";
    }
  }
  if (filter.rule) {
    sql += rule_match == RuleMatch::kList
               ? " AND q.item_id IN (SELECT item_id FROM queue_item_rules WHERE rule = ?2)"
               : " AND EXISTS (SELECT 1 FROM queue_item_rules r WHERE r.rule = ?2 AND "
                 "r.item_id = q.item_id)";
  }
  if (filter.modality) sql += " AND q.modality = ?3";
  if (filter.run_id) sql += " AND q.run_id = ?4";
  if (filter.assignee) sql += " AND q.assignee = ?5";
  return sql;
}

void BindFilter(Statement& s, const QueueFilter& filter, bool with_state = true) {
  if (with_state && filter.state && *filter.state != "active" && *filter.state != "all") {
    s.Bind(1, *filter.state);
  }
  if (filter.rule) s.Bind(2, *filter.rule);
  if (filter.modality) s.Bind(3, *filter.modality);
  if (filter.run_id) s.Bind(4, *filter.run_id);
  if (filter.assignee) s.Bind(5, *filter.assignee);
}

// Rows of (key, count) as a JSON object in the statement's order.
Json CountObject(Statement& s) {
  Json out = Json::object();
  while (s.Step()) out[s.IsNull(0) ? std::string() : s.Text(0)] = s.Int(1);
  return out;
}

}  // namespace

std::vector<QueueItem> Queue::List(const QueueFilter& filter) {
  Statement s(db_.handle(), std::string(kItemColumns) + FilterSql(filter) + " ORDER BY q.item_id");
  BindFilter(s, filter);
  std::vector<QueueItem> items;
  while (s.Step()) items.push_back(ReadItem(s));
  return items;
}

QueuePage Queue::Page(const QueueFilter& filter, int64_t offset, int64_t limit) {
  // The order, as segments: one per group of active items (a first rule), largest group
  // first (then errors before rejections, then by rule), and last the decided items. Inside a segment: errors first, then
  // oldest. Each segment is read from migration 016's index (first_rule, error, item_id) with
  // LIMIT/OFFSET, so a page costs one count per segment and the rows it shows, not a sort of
  // the whole queue.
  struct Segment {
    std::optional<std::string> rule;  // nullopt: the decided items
    int64_t size = 0;                  // all active items of the rule: the ordering key
    int64_t hits = 0;                  // of those, the ones the filter matches
    bool errors = false;               // a group of errors goes before rejections of its size
  };
  QueuePage page;
  if (limit <= 0) {  // a count only (a bulk action's confirmation): no order to work out
    Statement c(db_.handle(), "SELECT COUNT(*) FROM queue_items q" + FilterSql(filter));
    BindFilter(c, filter);
    c.Step();
    page.total = c.Int(0);
    return page;
  }
  std::vector<Segment> segments;
  {
    std::map<std::string, std::pair<int64_t, bool>> size;
    Statement g(db_.handle(),
                "SELECT first_rule, COUNT(*), MAX(kind = 'error') FROM queue_items "
                "WHERE state IN ('open','claimed') GROUP BY 1");
    while (g.Step()) size[g.Text(0)] = {g.Int(1), g.Int(2) != 0};
    std::map<std::optional<std::string>, int64_t> hits;
    const bool active_only = !filter.state || *filter.state == "active";
    if (active_only && !filter.rule && !filter.modality && !filter.run_id && !filter.assignee) {
      // The default view: the groups are the segments (no second pass over the table).
      for (const auto& [rule, group] : size) hits[rule] = group.first;
    } else {
      Statement c(db_.handle(),
                  "SELECT CASE WHEN q.state IN ('open','claimed') THEN q.first_rule END, "
                  "COUNT(*) FROM queue_items q" +
                      FilterSql(filter) + " GROUP BY 1");
      BindFilter(c, filter);
      while (c.Step()) {
        hits[c.IsNull(0) ? std::nullopt : std::optional<std::string>(c.Text(0))] = c.Int(1);
      }
    }
    for (const auto& [rule, n] : hits) {
      const auto [group, errors] = rule ? size[*rule] : std::pair<int64_t, bool>{0, false};
      segments.push_back({rule, group, n, errors});
    }
  }
  std::stable_sort(segments.begin(), segments.end(), [](const Segment& a, const Segment& b) {
    if (a.rule.has_value() != b.rule.has_value()) return a.rule.has_value();
    if (a.size != b.size) return a.size > b.size;
    if (a.errors != b.errors) return a.errors;
    return a.rule < b.rule;
  });
  for (const Segment& seg : segments) page.total += seg.hits;
  limit = std::min<int64_t>(limit, 500);
  offset = std::max<int64_t>(offset, 0);

  std::vector<int64_t> ids;
  for (const Segment& seg : segments) {
    if (static_cast<int64_t>(ids.size()) >= limit) break;
    if (offset >= seg.hits) {
      offset -= seg.hits;
      continue;
    }
    Statement s(db_.handle(),
                "SELECT q.item_id FROM queue_items q" +
                    FilterSql(filter, true, seg.rule ? RuleMatch::kProbe : RuleMatch::kList) +
                    (seg.rule ? " AND q.state IN ('open','claimed') AND q.first_rule = ?8"
                              : " AND q.state NOT IN ('open','claimed')") +
                    " ORDER BY q.kind = 'error' DESC, q.item_id LIMIT ?6 OFFSET ?7");
    BindFilter(s, filter);
    s.Bind(6, limit - static_cast<int64_t>(ids.size())).Bind(7, offset);
    if (seg.rule) s.Bind(8, *seg.rule);
    while (s.Step()) ids.push_back(s.Int(0));
    offset = 0;
  }
  if (ids.empty()) return page;
  // Only the page's rows are joined with their documents.
  std::map<int64_t, QueueItem> rows;
  Statement r(db_.handle(), std::string(kItemColumns) +
                                "WHERE q.item_id IN (SELECT value FROM json_each(?1))");
  r.Bind(1, Json(ids).dump());
  while (r.Step()) {
    QueueItem it = ReadItem(r);
    rows.emplace(it.item_id, std::move(it));
  }
  for (const int64_t id : ids) page.items.push_back(std::move(rows.at(id)));
  return page;
}

Json Queue::Counts(const QueueFilter& filter) {
  // Active items by state, by first failed rule (as the page orders them: one count per item;
  // every reason of an item is still matched by the rule filter) and by modality.
  Json out = Json::object();
  for (auto [key, column] : {std::pair{"state", "q.state"}, std::pair{"rule", "q.first_rule"},
                             std::pair{"modality", "q.modality"}}) {
    const bool by_state = std::string_view(key) == "state";
    Statement s(db_.handle(), std::string("SELECT ") + column + ", COUNT(*) FROM queue_items q" +
                                  FilterSql(filter, /*with_state=*/!by_state) +
                                  " GROUP BY 1 ORDER BY 2 DESC, 1");
    BindFilter(s, filter, !by_state);
    out[key] = CountObject(s);
  }
  return out;
}

std::optional<QueueItem> Queue::Get(int64_t item_id) { return GetItem(db_, item_id); }

std::vector<QueueEvent> Queue::Events(int64_t item_id) {
  Statement s(db_.handle(),
              "SELECT event_id, at, actor, action, from_state, to_state, note FROM queue_events "
              "WHERE item_id=? ORDER BY event_id");
  s.Bind(1, item_id);
  std::vector<QueueEvent> events;
  while (s.Step()) {
    QueueEvent e;
    e.event_id = s.Int(0);
    e.at = s.Text(1);
    e.actor = s.Text(2);
    e.action = s.Text(3);
    if (!s.IsNull(4)) e.from_state = s.Text(4);
    e.to_state = s.Text(5);
    e.note = s.Text(6);
    events.push_back(std::move(e));
  }
  return events;
}

std::variant<QueueItem, QueueError> Queue::Claim(int64_t item_id, const std::string& actor) {
  return Act(db_, item_id, Action::kClaim, actor, "");
}

std::variant<QueueItem, QueueError> Queue::Release(int64_t item_id, const std::string& actor,
                                                   const std::string& note) {
  return Act(db_, item_id, Action::kRelease, actor, note);
}

std::variant<QueueItem, QueueError> Queue::Resolve(int64_t item_id, const std::string& actor,
                                                   const std::string& note) {
  return Act(db_, item_id, Action::kResolve, actor, note);
}

std::variant<QueueItem, QueueError> Queue::Waive(int64_t item_id, const std::string& actor,
                                                 const std::string& note) {
  return Act(db_, item_id, Action::kWaive, actor, note);
}

std::variant<QueueItem, QueueError> Queue::Reject(int64_t item_id, const std::string& actor,
                                                  const std::string& note) {
  return Act(db_, item_id, Action::kReject, actor, note);
}

std::variant<Queue::BulkOutcome, QueueError> Queue::Bulk(const QueueFilter& filter,
                                                         const std::string& action,
                                                         const std::string& actor,
                                                         const std::string& note) {
  if (action != "waive" && action != "reject") {
    return QueueError{"bulk actions are waive and reject, not " + action};
  }
  if (!filter.rule || filter.rule->empty()) return QueueError{"a bulk action needs a rule"};
  if (Blank(note)) return QueueError{"a note is required to " + action + " items in bulk"};
  QueueFilter active = filter;
  active.state = std::nullopt;  // open and claimed: decided items are never touched again
  BulkOutcome out;
  for (const QueueItem& it : List(active)) {
    auto r = action == "waive" ? Waive(it.item_id, actor, note) : Reject(it.item_id, actor, note);
    if (auto* e = std::get_if<QueueError>(&r)) {
      out.refused.push_back(*e);
    } else {
      out.acted.push_back(it.item_id);
    }
  }
  return out;
}

std::variant<QueueItem, QueueError> Queue::RequestReprocess(int64_t item_id,
                                                            const std::string& actor,
                                                            const std::string& note,
                                                            const std::function<void()>& also) {
  return Act(db_, item_id, Action::kReprocess, actor, note, also);
}

}  // namespace assay
