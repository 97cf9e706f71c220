#include "core/page_task.h"

namespace assay {

CanonicalJson PageRun::ToJson() const {
  CanonicalJson outs = CanonicalJson::array();
  for (const PageOutcome& o : outcomes) outs.push_back(o.ToJson());
  CanonicalJson j = {{"page", page}, {"outcomes", std::move(outs)}};
  if (error_stage >= 0) {
    j["error_stage"] = error_stage;
    j["error"] = error;
  }
  return j;
}

PageRun PageRun::FromJson(const CanonicalJson& j) {
  PageRun r;
  r.page = j.at("page").get<int>();
  for (const CanonicalJson& o : j.at("outcomes")) r.outcomes.push_back(PageOutcome::FromJson(o));
  r.error_stage = j.value("error_stage", -1);
  r.error = j.value("error", "");
  return r;
}

Json PageTaskRequest::ToJson() const {
  return Json{{"page_task",
               {{"block_first", block_first},
                {"block_end", block_end},
                {"first_page", first_page},
                {"last_page", last_page},
                {"work", work.ToJson()}}}};
}

PageTaskRequest PageTaskRequest::FromJson(const CanonicalJson& j) {
  const CanonicalJson& t = j.at("page_task");
  PageTaskRequest r;
  r.block_first = t.at("block_first").get<int>();
  r.block_end = t.at("block_end").get<int>();
  r.first_page = t.at("first_page").get<int>();
  r.last_page = t.at("last_page").get<int>();
  r.work = WorkRequest::FromJson(t.at("work"));
  return r;
}

CanonicalJson PageTaskResult::ToJson() const {
  CanonicalJson pages_json = CanonicalJson::array();
  for (const PageRun& p : pages) pages_json.push_back(p.ToJson());
  CanonicalJson j = {{"doc_id", doc_id},         {"block_first", block_first},
            {"block_end", block_end},   {"first_page", first_page},
            {"last_page", last_page},   {"pages", std::move(pages_json)}};
  if (error) j["error"] = {{"stage", error->stage}, {"message", error->message}};
  if (!helper.empty()) j["helper"] = helper;
  return CanonicalJson{{"page_task_result", std::move(j)}};
}

PageTaskResult PageTaskResult::FromJson(const CanonicalJson& outer) {
  const CanonicalJson& j = outer.at("page_task_result");
  PageTaskResult r;
  r.doc_id = j.at("doc_id").get<std::string>();
  r.block_first = j.at("block_first").get<int>();
  r.block_end = j.at("block_end").get<int>();
  r.first_page = j.at("first_page").get<int>();
  r.last_page = j.at("last_page").get<int>();
  for (const CanonicalJson& p : j.at("pages")) r.pages.push_back(PageRun::FromJson(p));
  if (j.contains("error")) r.error = Error{j["error"].at("stage"), j["error"].at("message")};
  r.helper = j.value("helper", "");
  return r;
}

}  // namespace assay
