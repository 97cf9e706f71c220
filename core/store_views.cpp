#include "core/store_views.h"

#include <cstdio>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "core/annotation_store.h"
#include "core/markdown.h"
#include "core/table_csv.h"
#include "core/exit_codes.h"
#include "core/feedback.h"
#include "core/names.h"
#include "core/path_text.h"
#include "core/queue.h"

namespace assay {
namespace {

// The transformations that made the document's current outcome, in plan order. Volatile
// facts (times, durations, run, reuse and queue item numbers) only when `with_volatile`.
Json Transformations(Store& store, const std::string& doc_id, bool with_volatile) {
  Statement q(store.db().handle(),
              "SELECT t.stage, t.stage_version, t.params, t.input_sha256, t.output_sha256, "
              "t.outcome, t.note, t.started_at, t.duration_ms, t.run_id, t.queue_item_id, "
              "t.resources, t.delta_sha256, t.reused_from, t.transformation_id "
              "FROM transformations t JOIN documents d ON d.doc_id=t.doc_id "
              "WHERE t.doc_id=? AND t.run_id=d.run_id AND "
              "t.processing_version=d.processing_version ORDER BY t.seq");
  q.Bind(1, doc_id);
  // Which worker ran which pages of the page-major block a stage begins.
  Statement p(store.db().handle(),
              "SELECT first_page, last_page, block_end_seq, helper, outcome, helper_pages "
              "FROM page_tasks WHERE transformation_id=? ORDER BY first_page");
  Json out = Json::array();
  while (q.Step()) {
    Json t = {{"stage", q.Text(0)},
              {"version", std::to_string(q.Int(1))},
              {"params", Json::parse(q.Text(2))},
              {"resources", Json::parse(q.Text(11))},
              {"input_sha256", q.Text(3)},
              {"output_sha256", q.IsNull(4) ? Json() : Json(q.Text(4))},
              {"delta_sha256", q.IsNull(12) ? Json() : Json(q.Text(12))},
              {"outcome", q.Text(5)}};
    if (!q.Text(6).empty()) t["note"] = q.Text(6);
    if (with_volatile) {
      if (!q.IsNull(10)) t["queue_item_id"] = q.Int(10);  // made by `queue reprocess`
      if (!q.IsNull(13)) t["reused_from"] = q.Int(13);    // copied from that transformation
      t["started_at"] = q.Text(7);
      t["duration_ms"] = std::round(q.Real(8) * 1000) / 1000;
      t["run_id"] = q.Int(9);
      p.Bind(1, q.Int(14));
      while (p.Step()) {
        t["page_tasks"].push_back({{"first_page", p.Int(0)},
                                   {"last_page", p.Int(1)},
                                   {"block_end_seq", p.Int(2)},
                                   {"helper", p.Text(3)},
                                   {"outcome", p.Text(4)},
                                   {"helper_pages", p.Int(5)}});
      }
      p.Reset();
    }
    out.push_back(std::move(t));
  }
  return out;
}

// The document's queue items, oldest first, each with its audit trail: who claimed, waived,
// resolved it, when and why.
std::vector<std::pair<QueueItem, std::vector<QueueEvent>>> QueueHistory(Store& store,
                                                                        const std::string& doc_id) {
  Statement q(store.db().handle(), "SELECT item_id FROM queue_items WHERE doc_id=? ORDER BY 1");
  q.Bind(1, doc_id);
  std::vector<int64_t> ids;
  while (q.Step()) ids.push_back(q.Int(0));
  Queue queue(store.db());
  std::vector<std::pair<QueueItem, std::vector<QueueEvent>>> out;
  for (int64_t id : ids) {
    if (auto item = queue.Get(id)) out.emplace_back(std::move(*item), queue.Events(id));
  }
  return out;
}

// Every decided document, in doc_id order: what the exports write.
std::vector<std::string> DecidedDocIds(Store& store) {
  Statement q(store.db().handle(),
              "SELECT doc_id FROM documents WHERE outcome IS NOT NULL ORDER BY doc_id");
  std::vector<std::string> ids;
  while (q.Step()) ids.push_back(q.Text(0));
  return ids;
}

}  // namespace

std::string ResolveDocId(Store& store, const std::string& prefix, std::string* error) {
  Statement q(store.db().handle(),
              "SELECT doc_id FROM documents WHERE substr(doc_id, 1, length(?1)) = ?1 LIMIT 2");
  q.Bind(1, prefix);
  std::vector<std::string> found;
  while (q.Step()) found.push_back(q.Text(0));
  if (found.size() == 1 && !prefix.empty()) return found[0];
  *error =
      found.empty() ? "no document with id " + prefix : "the id prefix " + prefix + " is ambiguous";
  return "";
}

Json StatusView(Store& store) {
  Json outcomes = Json::object(), modalities = Json::object(), errors = Json::array(),
       runs = Json::array();
  {
    Statement q(store.db().handle(),
                "SELECT outcome, COUNT(*) FROM document_status GROUP BY 1 ORDER BY 1");
    while (q.Step()) outcomes[q.Text(0)] = q.Int(1);
  }
  {
    Statement q(store.db().handle(),
                "SELECT COALESCE(modality, container), COUNT(*) FROM documents "
                "GROUP BY 1 ORDER BY 1");
    while (q.Step()) modalities[q.Text(0)] = q.Int(1);
  }
  {
    Statement q(store.db().handle(),
                "SELECT doc_id, path, error_stage, error_message FROM documents "
                "WHERE outcome='error' ORDER BY error_stage, error_message, path");
    while (q.Step()) {
      errors.push_back({{"doc_id", q.Text(0)},
                        {"path", q.Text(1)},
                        {"stage", q.Text(2)},
                        {"message", q.Text(3)}});
    }
  }
  {
    Statement q(store.db().handle(),
                "SELECT run_id, started_at, COALESCE(finished_at,''), status, tool_version, "
                "git_commit, workers, (SELECT COUNT(*) FROM documents d WHERE d.run_id=r.run_id) "
                "FROM runs r ORDER BY run_id DESC LIMIT 5");
    while (q.Step()) {
      runs.push_back({{"run_id", q.Int(0)},
                      {"started_at", q.Text(1)},
                      {"finished_at", q.Text(2)},
                      {"status", q.Text(3)},
                      {"tool_version", q.Text(4)},
                      {"git_commit", q.Text(5)},
                      {"workers", q.Int(6)},
                      {"documents_decided", q.Int(7)}});
    }
  }
  return {{"outcomes", outcomes}, {"modalities", modalities}, {"errors", errors}, {"runs", runs}};
}

Result<Json> LineageView(Store& store, const std::string& doc) {
  std::string error;
  const std::string doc_id = ResolveDocId(store, doc, &error);
  if (doc_id.empty()) return Error{"usage", error};
  Statement q(store.db().handle(),
              "SELECT d.source_id, d.container, COALESCE(d.modality,''), COALESCE(d.outcome,"
              "'pending'), d.ingested_at, COALESCE(d.processing_version,''), "
              "COALESCE(d.error_stage,''), COALESCE(d.error_message,''), d.run_id, "
              "COALESCE(d.alt_text,''), d.path, d.tags, COALESCE(d.ground_truth,''), "
              "d.license, d.source_url FROM documents d WHERE d.doc_id=?");
  q.Bind(1, doc_id);
  q.Step();
  Json j = {{"doc_id", doc_id},
            {"source_id", q.IsNull(0) ? Json() : Json(q.Text(0))},
            {"path", q.Text(10)},
            {"container", q.Text(1)},
            {"modality", q.Text(2)},
            {"outcome", q.Text(3)},
            {"ingested_at", q.Text(4)},
            {"processing_version", q.Text(5)},
            {"run_id", q.IsNull(8) ? Json() : Json(q.Int(8))},
            {"tags", Json::parse(q.Text(11))}};
  if (!q.Text(9).empty()) j["alt_text"] = q.Text(9);
  if (!q.Text(12).empty()) j["ground_truth"] = q.Text(12);
  if (!q.IsNull(13)) j["license"] = q.Text(13);
  if (!q.IsNull(14)) j["source_url"] = q.Text(14);
  if (!q.Text(6).empty()) j["error"] = {{"stage", q.Text(6)}, {"message", q.Text(7)}};
  Json paths = Json::array();
  if (!q.IsNull(0)) {
    Statement p(store.db().handle(),
                "SELECT path, first_seen_at, resolved_path FROM source_paths WHERE source_id=? "
                "ORDER BY path");
    p.Bind(1, q.Text(0));
    while (p.Step()) {
      paths.push_back({{"path", p.Text(0)}, {"first_seen_at", p.Text(1)}});
      if (!p.IsNull(2)) paths.back()["resolved_path"] = p.Text(2);
    }
  }
  j["paths_seen"] = paths;
  if (!j["run_id"].is_null()) {
    Statement r(store.db().handle(),
                "SELECT tool_version, git_commit, config_hash, libraries, tessdata_sha256, host "
                "FROM runs WHERE run_id=?");
    r.Bind(1, j["run_id"].get<int64_t>());
    if (r.Step()) {
      j["run"] = {{"tool_version", r.Text(0)},    {"git_commit", r.Text(1)},
                  {"config_hash", r.Text(2)},     {"libraries", Json::parse(r.Text(3))},
                  {"tessdata_sha256", r.Text(4)}, {"host", r.Text(5)}};
    }
  }
  j["transformations"] = Transformations(store, doc_id, /*with_volatile=*/true);
  // Every run that processed the document, with its shard: after `assay merge`, the same bytes
  // processed by two shards show both.
  j["processed_by"] = Json::array();
  {
    Statement p(store.db().handle(),
                "SELECT r.run_id, r.shard, r.host, COUNT(*) FROM transformations t "
                "JOIN runs r ON r.run_id = t.run_id WHERE t.doc_id=? GROUP BY r.run_id "
                "ORDER BY r.run_id");
    p.Bind(1, doc_id);
    while (p.Step()) {
      j["processed_by"].push_back({{"run_id", p.Int(0)},
                                   {"shard", p.Text(1)},
                                   {"host", p.Text(2)},
                                   {"transformations", p.Int(3)}});
    }
  }
  if (auto feedback = ListFeedback(store, doc_id, /*flagged_only=*/false); feedback.ok()) {
    j["model_feedback"] = std::move(feedback.value());
  }
  j["queue"] = Json::array();
  for (const auto& [item, events] : QueueHistory(store, doc_id)) {
    Json e = Json::array();
    for (const QueueEvent& ev : events) e.push_back(ev.ToJson());
    j["queue"].push_back(item.ToJson());
    j["queue"].back()["events"] = std::move(e);
  }
  return j;
}

// The export's `contract` object: which contract decided, and the rules that failed.
// null when no contract was evaluated (the document errored).
Json ContractJson(Store& store, const std::string& doc_id) {
  Statement c(store.db().handle(),
              "SELECT c.modality, c.version, c.sha256, d.outcome FROM documents d "
              "JOIN contracts c ON c.sha256 = d.contract_sha256 WHERE d.doc_id=?");
  c.Bind(1, doc_id);
  if (!c.Step()) return nullptr;
  Json failures = Json::array(), warnings = Json::array();
  Statement r(store.db().handle(),
              "SELECT rule, metric, value, threshold, severity, scope, operator FROM "
              "contract_results "
              "WHERE doc_id=? AND outcome='fail' ORDER BY rule, scope");
  r.Bind(1, doc_id);
  bool rejected = false;
  while (r.Step()) {
    Json f = {{"rule", r.Text(0)},
              {"metric", r.Text(1)},
              {"value", r.IsNull(2) ? Json() : Json(r.Real(2))},
              {"threshold", Json::parse(r.Text(3))},
              {"operator", r.Text(6)},
              {"severity", r.Text(4)}};
    if (!r.Text(5).empty()) f["scope"] = r.Text(5);
    rejected = rejected || r.Text(4) == "reject";
    (r.Text(4) == "reject" ? failures : warnings).push_back(std::move(f));
  }
  return {{"modality", c.Text(0)},
          {"version", c.Int(1)},
          {"sha256", c.Text(2)},
          {"outcome", rejected ? outcome::kRejected : outcome::kAccepted},
          {"failures", std::move(failures)},
          {"warnings", std::move(warnings)}};
}

namespace {

// The metrics whose names start with `prefix` (the findings of one stage).
Json MetricsWithPrefix(const Json& metrics, std::string_view prefix) {
  Json out = Json::object();
  for (const auto& [name, value] : metrics.items()) {
    if (name.starts_with(prefix)) out[name] = value;
  }
  return out;
}

// The entry of an image document's own picture: page 1, the first page's box.
Json WholeImage(const Document& doc, Json caption) {
  const Page& p = doc.pages.front();
  return {{"page", 1}, {"bbox", {0, 0, p.width, p.height}}, {"caption", std::move(caption)}};
}

// The whole-image entry of an image document gets `phash`, `checks` (the image_checks
// metrics) and `near_duplicate_of` (the kept member's doc_id, null when the image is kept or
// no copy), with `near_duplicate_group` when it is in a group; made when the manifest gave
// none. Documents without a stored hash (not images, or decided before hashes) are left as
// they are.
void AddImageFacts(Store& store, const std::string& doc_id, const Document& doc,
                   const Json& metrics, std::optional<Json>& whole) {
  Statement h(store.db().handle(), "SELECT phash FROM image_hashes WHERE doc_id=?");  // whole
  h.Bind(1, doc_id);
  if (!h.Step() || doc.pages.empty()) return;
  if (!whole) whole = WholeImage(doc, Json());
  Json* image = &*whole;
  (*image)["phash"] = h.Text(0);
  (*image)["checks"] = MetricsWithPrefix(metrics, "image.");
  Statement g(store.db().handle(),
              "SELECT group_id, kept_doc_id, kept, distance, reason FROM near_duplicates "
              "WHERE doc_id=?");
  g.Bind(1, doc_id);
  if (g.Step()) {
    (*image)["near_duplicate_of"] = g.Int(2) ? Json() : Json(g.Text(1));
    (*image)["near_duplicate_group"] = {{"group_id", g.Text(0)},
                                        {"kept_doc_id", g.Text(1)},
                                        {"distance", g.Int(3)},
                                        {"reason", g.Text(4)}};
  } else {
    (*image)["near_duplicate_of"] = nullptr;
  }
}

}  // namespace

std::string VideoFrameFile(const std::string& doc_id, int64_t index) {
  char name[32];
  std::snprintf(name, sizeof(name), "%06lld.png", static_cast<long long>(index));
  return doc_id + "/" + name;
}

Json ExportVideoJson(Store& store, const std::string& doc_id, const CanonicalJson& facts) {
  // The corpus step's findings per frame (frame_near_duplicates).
  std::map<int64_t, Json> corpus;
  Statement c(store.db().handle(),
              "SELECT frame, of_doc_id, of_frame, distance FROM frame_near_duplicates WHERE doc_id=?");
  c.Bind(1, doc_id);
  while (c.Step()) {
    corpus[c.Int(0)] = {{"doc_id", c.Text(1)},
                        {"frame", c.IsNull(2) ? Json() : Json(c.Int(2))},
                        {"distance", c.Int(3)}};
  }
  Json frames = Json::array();
  for (const CanonicalJson& f : facts.at("frames")) {
    auto found = corpus.find(f.at("index").get<int64_t>());
    frames.push_back({{"index", f.at("index")},
                      {"time", f.at("time")},
                      {"file", VideoFrameFile(doc_id, f.at("index").get<int64_t>())},
                      {"scene_start", f.at("scene_start")},
                      {"keyframe", f.at("keyframe")},
                      {"phash", f.at("phash")},
                      {"checks", Json(f.at("checks"))},
                      {"passes", f.at("passes")},
                      {"near_duplicate_of", f.at("near_duplicate_of")},
                      {"corpus_near_duplicate_of", found == corpus.end() ? Json() : found->second}});
  }
  Json stretches = Json::array();
  for (const CanonicalJson& s : facts.at("stretches")) {
    stretches.push_back({{"kind", s.at("kind")}, {"start", s.at("start")}, {"end", s.at("end")}});
  }
  return {{"codec", facts.at("codec")},
          {"frames", std::move(frames)},
          {"stretches", std::move(stretches)},
          {"scene_cuts", Json(facts.at("scene_cuts"))}};
}

Json ExportTranscriptJson(const Transcript& t) {
  return Json::parse(DumpCanonical(t.ToJson()));
}

Json ExportRecord(Store& store, const std::string& doc_id, bool stable) {
  Statement q(store.db().handle(),
              "SELECT d.source_id, d.path, COALESCE(d.modality, d.container), d.outcome, "
              "d.ingested_at, d.processing_version, d.alt_text, d.error_stage, "
              "d.error_message, d.run_id, d.license, d.source_url, d.caption, d.image_role "
              "FROM documents d WHERE d.doc_id=?");
  q.Bind(1, doc_id);
  q.Step();
  Document doc;
  if (auto content = store.DocumentContent(doc_id)) doc = Document::FromContentJson(*content);
  std::string path = q.Text(1);
  if (stable && !q.IsNull(0)) path = store.FirstRelativePath(q.Text(0)).value_or(path);

  Json pages = Json::array();
  for (const Page& p : doc.pages) {
    Json blocks = Json::array();
    for (const Block& b : p.blocks) {
      Json bj = {{"type", b.type}};
      if (b.level > 0) bj["level"] = b.level;
      bj["bbox"] = {RoundCoord(b.bbox.x0), RoundCoord(b.bbox.y0), RoundCoord(b.bbox.x1),
                    RoundCoord(b.bbox.y1)};
      bj["text"] = b.Text();
      if (b.type == "list") bj["items"] = b.Items();
      blocks.push_back(std::move(bj));
    }
    pages.push_back({{"page", p.number},
                     {"width", RoundCoord(p.width)},
                     {"height", RoundCoord(p.height)},
                     {"blocks", std::move(blocks)}});
  }
  Json tables = Json::array();
  for (const Page& p : doc.pages) {
    for (const PageTable& t : p.tables) {
      Json cells = Json::array();
      for (const TableCell& c : t.cells) {
        cells.push_back({{"row", c.row},
                         {"col", c.col},
                         {"rowspan", c.rowspan},
                         {"colspan", c.colspan},
                         {"text", c.text},
                         {"bbox",
                          {RoundCoord(c.bbox.x0), RoundCoord(c.bbox.y0), RoundCoord(c.bbox.x1),
                           RoundCoord(c.bbox.y1)}}});
      }
      tables.push_back({{"page", p.number},
                        {"bbox",
                         {RoundCoord(t.bbox.x0), RoundCoord(t.bbox.y0), RoundCoord(t.bbox.x1),
                          RoundCoord(t.bbox.y1)}},
                        {"n_rows", t.n_rows},
                        {"n_cols", t.n_cols},
                        {"rows", t.Rows()},
                        {"cells", std::move(cells)}});
    }
  }
  Json images = Json::array();
  for (const Page& p : doc.pages) {
    for (const Figure& f : p.figures) {
      images.push_back({{"page", p.number},
                        {"bbox",
                         {RoundCoord(f.bbox.x0), RoundCoord(f.bbox.y0), RoundCoord(f.bbox.x1),
                          RoundCoord(f.bbox.y1)}},
                        {"caption", f.caption.empty() ? Json() : Json(f.caption)},
                        {"source", f.source.empty() ? "layout" : f.source}});
    }
  }
  Json metrics = Json::object();
  {
    Statement m(store.db().handle(),
                "SELECT name, value FROM metrics WHERE doc_id=? AND scope='' ORDER BY name");
    m.Bind(1, doc_id);
    while (m.Step()) metrics[m.Text(0)] = m.Real(1);
  }
  // The image the manifest describes (alt-text, caption, role): the whole first page, with
  // what the alt_text stage found (its metrics, docs/alt_text.md).
  std::optional<Json> whole;
  if ((!q.IsNull(6) || !q.IsNull(12) || !q.IsNull(13)) && !doc.pages.empty()) {
    whole = WholeImage(doc, q.IsNull(12) ? Json() : Json(q.Text(12)));
    if (!q.IsNull(6)) (*whole)["alt_text"] = q.Text(6);
    (*whole)["role"] = q.IsNull(13) ? "informative" : q.Text(13);
    (*whole)["alt_text_checks"] = MetricsWithPrefix(metrics, "alt_text.");
  }
  // An image document's own picture: its perceptual hash, image checks and near-duplicate
  // group (core/near_duplicate_step.h), on the manifest's entry when it has one.
  AddImageFacts(store, doc_id, doc, metrics, whole);
  if (whole) images.push_back(std::move(*whole));
  Json rec = {{"doc_id", doc_id},
              {"source", {{"sha256", q.IsNull(0) ? Json() : Json(q.Text(0))}, {"path", path}}},
              {"modality", q.Text(2)},
              {"outcome", q.Text(3)},
              {"text", doc.Text()},
              {"pages", std::move(pages)},
              {"tables", std::move(tables)},
              {"images", std::move(images)}};
  // A transcript's cues with times and speakers, and what was found at which cue
  // (docs/transcripts.md); a video's sampled frames, stretches and cuts (docs/video.md).
  if (doc.transcript) rec["transcript"] = ExportTranscriptJson(*doc.transcript);
  if (!doc.video.is_null()) rec["video"] = ExportVideoJson(store, doc_id, doc.video);
  rec.update(Json{{"annotations", DocumentAnnotations(store, doc_id, stable)},
              {"metrics", std::move(metrics)},
              {"contract", ContractJson(store, doc_id)}});
  if (!q.IsNull(7)) rec["error"] = {{"stage", q.Text(7)}, {"message", q.Text(8)}};
  // Provenance: optional, and not volatile (a stable export and a release carry it).
  if (!q.IsNull(10)) rec["license"] = q.Text(10);
  if (!q.IsNull(11)) rec["source_url"] = q.Text(11);
  if (stable) {
    rec["lineage"] = {{"processing_version", q.Text(5)},
                      {"transformations", Transformations(store, doc_id, false)}};
  } else {
    rec["lineage"] = {{"ingested_at", q.Text(4)},
                      {"processing_version", q.Text(5)},
                      {"run_id", q.Int(9)},
                      {"transformations", Transformations(store, doc_id, true)}};
  }
  return rec;
}

int ExportJsonl(Store& store, std::ostream& out, bool stable, std::ostream* errors) {
  const std::vector<std::string> ids = DecidedDocIds(store);
  int skipped = 0;
  for (const std::string& id : ids) {
    // A record is built whole before a byte of it is written, and flushed whole: whatever
    // fails later, the output holds only complete records.
    std::string line;
    try {
      line = DumpJson(ExportRecord(store, id, stable)) + "\n";
    } catch (const std::exception& e) {
      ++skipped;
      if (errors != nullptr) {
        *errors << "assay export: document " << id << " skipped: " << Utf8Safe(e.what()) << "\n";
      }
      continue;
    }
    out << line << std::flush;
  }
  if (skipped > 0) {
    if (errors != nullptr) {
      *errors << "assay export: " << skipped << " of " << ids.size()
              << " documents skipped: the store is damaged (PRAGMA integrity_check; restore a "
                 "backup or run them again into a fresh --out)\n";
    }
    return kExitInternal;
  }
  return kExitOk;
}

namespace {

// Writes beside and renames: a reader never sees half a file.
bool WriteWhole(const std::filesystem::path& path, const std::string& text, std::ostream* errors) {
  const std::filesystem::path part = path.string() + ".part";
  {
    std::ofstream f(part, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f) {
      if (errors != nullptr) *errors << "assay export: cannot write " << part.string() << "\n";
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(part, path, ec);
  if (ec && errors != nullptr) *errors << "assay export: cannot write " << path.string() << "\n";
  return !ec;
}

}  // namespace

int ExportTablesCsv(Store& store, const std::string& dir, std::ostream* errors) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    if (errors != nullptr) *errors << "assay export: cannot make " << dir << ": " << ec.message() << "\n";
    return kExitInternal;
  }
  Statement q(store.db().handle(),
              "SELECT doc_id FROM documents WHERE outcome IS NOT NULL ORDER BY doc_id");
  std::vector<std::string> ids;
  while (q.Step()) ids.push_back(q.Text(0));
  int skipped = 0;
  for (const std::string& id : ids) {
    Json tables;
    try {
      tables = ExportRecord(store, id, true)["tables"];
    } catch (const std::exception& e) {
      ++skipped;
      if (errors != nullptr) {
        *errors << "assay export: document " << id << " skipped: " << Utf8Safe(e.what()) << "\n";
      }
      continue;
    }
    std::map<int, int> per_page;
    for (const Json& t : tables) {
      const int page = t["page"].get<int>();
      const std::string name = TableCsvName(id, page, ++per_page[page]);
      if (!WriteWhole(std::filesystem::path(dir) / name, TableCsv(t["rows"]), errors))
        return kExitInternal;
    }
  }
  return skipped > 0 ? kExitInternal : kExitOk;
}

int ExportMarkdown(Store& store, const std::string& dir, std::ostream* errors) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    if (errors != nullptr) *errors << "assay export: cannot make " << dir << ": " << ec.message() << "\n";
    return kExitInternal;
  }
  const std::vector<std::string> ids = DecidedDocIds(store);
  int skipped = 0;
  for (const std::string& id : ids) {
    std::string md;
    try {
      md = RenderMarkdown(ExportRecord(store, id, true));
    } catch (const std::exception& e) {
      ++skipped;
      if (errors != nullptr) {
        *errors << "assay export: document " << id << " skipped: " << Utf8Safe(e.what()) << "\n";
      }
      continue;
    }
    // Written beside and renamed: a reader never sees half a file.
    const std::filesystem::path path = std::filesystem::path(dir) / (id + ".md");
    const std::filesystem::path part = path.string() + ".part";
    {
      std::ofstream f(part, std::ios::binary | std::ios::trunc);
      f << md;
      f.flush();
      if (!f) {
        if (errors != nullptr) *errors << "assay export: cannot write " << part.string() << "\n";
        return kExitInternal;
      }
    }
    std::filesystem::rename(part, path, ec);
    if (ec) {
      if (errors != nullptr) *errors << "assay export: cannot write " << path.string() << "\n";
      return kExitInternal;
    }
  }
  return skipped > 0 ? kExitInternal : kExitOk;
}

}  // namespace assay
