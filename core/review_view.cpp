#include "core/review_view.h"

#include "core/queue.h"
#include "core/store_views.h"

namespace assay {
namespace {

Json PageJson(const Page& p) {
  Json words = Json::array(), blocks = Json::array(), tables = Json::array(),
       figures = Json::array();
  for (const Block& b : p.blocks) {
    blocks.push_back({{"type", b.type}, {"bbox", BoxJson(b.bbox)}, {"text", b.Text()}});
    for (const Line& l : b.lines) {
      for (const Word& w : l.words) words.push_back(Json(BoxJson(w.bbox)));
    }
  }
  for (const PageTable& t : p.tables) {
    tables.push_back({{"bbox", BoxJson(t.bbox)},
                      {"n_rows", t.n_rows},
                      {"n_cols", t.n_cols},
                      {"method", t.method},
                      {"rows", t.Rows()}});
  }
  for (const Figure& f : p.figures) {
    figures.push_back({{"bbox", BoxJson(f.bbox)}, {"caption", f.caption}});
  }
  return {{"page", p.number},
          {"width", RoundCoord(p.width)},
          {"height", RoundCoord(p.height)},
          {"unit", p.unit},
          {"text_source", p.text_source},
          {"words", std::move(words)},
          {"blocks", std::move(blocks)},
          {"tables", std::move(tables)},
          {"figures", std::move(figures)}};
}

}  // namespace

Result<Json> ReviewItemView(Store& store, int64_t item_id) {
  Queue queue(store.db());
  const std::optional<QueueItem> item = queue.Get(item_id);
  if (!item) return Error{"usage", "no queue item " + std::to_string(item_id)};
  Json events = Json::array();
  for (const QueueEvent& e : queue.Events(item_id)) events.push_back(e.ToJson());

  Json document = {{"doc_id", item->doc_id}, {"modality", item->modality}};
  Json pages = Json::array();
  std::string text;
  if (auto content = store.DocumentContent(item->doc_id)) {
    const Document doc = Document::FromContentJson(*content);
    document["container"] = doc.container;
    for (const Page& p : doc.pages) pages.push_back(PageJson(p));
    text = doc.Text();
    if (doc.video.is_object()) document["video"] = ExportVideoJson(store, item->doc_id, doc.video);
    if (doc.transcript) document["transcript"] = ExportTranscriptJson(*doc.transcript);
  }
  document["pages"] = std::move(pages);
  document["text"] = std::move(text);

  Result<Json> lineage = LineageView(store, item->doc_id);
  return Json{{"item", item->ToJson()},
              {"events", std::move(events)},
              {"rules", item->reasons},
              {"document", std::move(document)},
              {"lineage", lineage.ok() ? lineage.value() : Json()}};
}

}  // namespace assay
