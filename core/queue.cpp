#include "core/queue.h"

namespace assay {
namespace {

void AppendEvent(Database& db, int64_t item_id, const std::string& at, const std::string& actor,
                 const std::string& action, const std::optional<std::string>& from,
                 const std::string& to, const std::string& note) {
  Statement s(db.handle(),
              "INSERT INTO queue_events(item_id, at, actor, action, from_state, to_state, note) "
              "VALUES(?,?,?,?,?,?,?)");
  s.Bind(1, item_id).Bind(2, at).Bind(3, actor).Bind(4, action).Bind(5, from).Bind(6, to);
  s.Bind(7, note).Run();
}

}  // namespace

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

  if (outcome == "accepted") {
    if (!item) return;
    Statement u(db.handle(),
                "UPDATE queue_items SET state='resolved', updated_at=? WHERE item_id=?");
    u.Bind(1, now).Bind(2, item->first).Run();
    AppendEvent(db, item->first, now, "assay", "resolved", item->second, "resolved",
                "the document passes its contract now" + via);
    return;
  }
  const std::string kind = outcome == "error" ? "error" : "rejected";
  const std::string reasons_text = reasons.dump(-1, ' ', false, Json::error_handler_t::replace);
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

}  // namespace assay
