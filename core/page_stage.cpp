#include "core/page_stage.h"

#include <new>

#include "core/clock.h"

namespace assay {

CanonicalJson PageOutcome::ToJson() const {
  CanonicalJson j = {{"page", page}, {"content", content}, {"note", note}, {"tally", tally},
                     {"seconds", seconds}};
  if (has_metrics) j["metrics"] = metrics;
  return j;
}

PageOutcome PageOutcome::FromJson(const CanonicalJson& j) {
  PageOutcome o;
  o.page = j.at("page").get<int>();
  o.content = j.at("content");
  o.note = j.at("note").get<std::string>();
  o.tally = j.at("tally");
  o.seconds = j.at("seconds").get<double>();
  if (j.contains("metrics")) {
    o.has_metrics = true;
    o.metrics = j["metrics"].get<std::map<std::string, double>>();
  }
  return o;
}

Result<std::unique_ptr<PageStage::Session>> PageStage::Begin(const Document&,
                                                             StageContext&) const {
  return std::unique_ptr<Session>();
}

Result<PageOutcome> RunOnePage(const PageStage& stage, std::string_view stage_id,
                               const Document& doc, Page& page,
                               const std::map<std::string, double>* metrics,
                               PageStage::Session* session, StageContext& ctx, bool with_content) {
  const double t0 = MonotonicSeconds();
  PageOutcome out;
  out.page = page.number;
  if (metrics != nullptr) {
    out.metrics = *metrics;
    out.has_metrics = true;
  }
  Status s;
  try {
    s = stage.RunPage(doc, page, session, ctx, out);
  } catch (const std::bad_alloc&) {
    s = Error{std::string(stage_id), "out of memory"};
  } catch (const std::exception& e) {
    s = Error{std::string(stage_id), std::string("internal error: ") + e.what()};
  }
  if (!s.ok()) return s.error();
  out.has_metrics = out.has_metrics || !out.metrics.empty();
  if (with_content) out.content = PageContentJson(page);
  out.seconds = MonotonicSeconds() - t0;
  return out;
}

void ApplyPageOutcome(Document& doc, const PageOutcome& outcome) {
  for (Page& p : doc.pages) {
    if (p.number == outcome.page) p = PageFromContentJson(outcome.content);
  }
  if (outcome.has_metrics) doc.part_metrics["page:" + std::to_string(outcome.page)] = outcome.metrics;
}

Result<StageReport> PageStage::Run(Document& doc, StageContext& ctx) const {
  auto session = Begin(doc, ctx);
  if (!session.ok()) return session.error();
  std::vector<PageOutcome> outcomes;
  outcomes.reserve(doc.pages.size());
  for (Page& page : doc.pages) {
    const auto had = doc.part_metrics.find("page:" + std::to_string(page.number));
    auto out = RunOnePage(*this, "", doc, page,
                          had != doc.part_metrics.end() ? &had->second : nullptr,
                          session.value().get(), ctx, /*with_content=*/false);
    if (!out.ok()) return out.error();
    if (out.value().has_metrics) {
      doc.part_metrics["page:" + std::to_string(page.number)] = out.value().metrics;
    }
    outcomes.push_back(std::move(out.value()));
  }
  return Finish(doc, outcomes);
}

}  // namespace assay
