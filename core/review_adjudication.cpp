#include "core/review_adjudication.h"

#include <algorithm>

#include "core/annotation_store.h"
#include "core/sqlite.h"

namespace assay {
namespace {

// Long page texts are cut for the list: the adjudicator reads the page image beside them.
constexpr size_t kTaskTextChars = 4000;

Json AdjudicationTaskJson(const TaskForExport& t) {
  Json votes = Json::array();
  Json tally = Json::object();
  for (const std::string& label : t.labels) tally[label] = 0;
  for (const auto& [annotator, label] : t.votes) {
    votes.push_back({{"annotator", annotator}, {"label", label}});
    tally[label] = tally.value(label, 0) + 1;
  }
  std::string text = t.text;
  if (text.size() > kTaskTextChars) {
    size_t cut = kTaskTextChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  return {{"task_id", t.task_id},
          {"task_type", t.task_type},
          {"doc_id", t.doc_id},
          {"path", t.path},
          {"modality", t.modality.empty() ? t.container : t.modality},
          {"region", t.region},
          {"page", RegionPage(t.region).value_or(1)},
          {"question", t.question},
          {"level", t.level},
          {"labels", t.labels},
          {"votes", std::move(votes)},
          {"tally", std::move(tally)},
          {"agreement", t.agreement ? Json(*t.agreement) : Json()},
          {"agreement_required", t.agreement_required},
          {"text", std::move(text)},
          {"alt_text", t.alt_text ? Json(*t.alt_text) : Json()}};
}

}  // namespace

Json ReviewAdjudicationView(Store& store, const std::optional<std::string>& pool, int64_t offset,
                            int64_t limit) {
  Json pools = Json::object();
  std::string shown;
  int64_t total = 0;
  {
    // Fullest pool first, so the default is where most is waiting.
    Statement s(store.db().handle(),
                "SELECT adjudication_pool, COUNT(*) FROM annotation_tasks "
                "WHERE state='adjudication' GROUP BY 1 ORDER BY 2 DESC, 1");
    while (s.Step()) {
      pools[s.Text(0)] = s.Int(1);
      if (shown.empty() && !pool) shown = s.Text(0), total = s.Int(1);
      if (pool && *pool == s.Text(0)) shown = s.Text(0), total = s.Int(1);
    }
  }
  if (pool && shown.empty()) shown = *pool;  // a pool with nothing waiting: an empty list
  Json tasks = Json::array();
  if (total > 0) {
    for (const TaskForExport& t : TasksForPool(store, shown, /*adjudication=*/true, limit, offset)) {
      tasks.push_back(AdjudicationTaskJson(t));
    }
  }
  return {{"pools", std::move(pools)},
          {"pool", shown},
          {"total", total},
          {"tasks", std::move(tasks)}};
}

std::optional<TaskPage> AdjudicationTaskPage(Store& store, int64_t task_id) {
  Statement s(store.db().handle(), "SELECT doc_id, region FROM annotation_tasks WHERE task_id=?");
  s.Bind(1, task_id);
  if (!s.Step()) return std::nullopt;
  return TaskPage{s.Text(0), RegionPage(s.Text(1)).value_or(1)};
}

}  // namespace assay
