#include "core/release_create.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/clock.h"
#include "core/datasheet.h"
#include "core/language.h"
#include "core/minhash.h"
#include "core/names.h"
#include "core/path_text.h"
#include "core/process_identity.h"
#include "core/release_layout.h"
#include "core/table_csv.h"
#include "core/release_splits.h"
#include "core/sha256.h"
#include "core/source_locations.h"
#include "core/store_views.h"
#include "core/markdown.h"
#include "core/tar_shards.h"
#include "core/version.h"
#include "stages/video_frames_export.h"

namespace assay {

const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinJsonSchemaTexts();

namespace {

namespace fs = std::filesystem;
namespace layout = release_layout;

// What pass 1 keeps of each candidate: enough for dedup and splits, never the record itself
// (that waits in the staging file), so memory stays small per document.
struct Candidate {
  std::string doc_id;
  std::vector<uint32_t> signature;  // empty: too short for dedup
  std::string text_hash;
  int words = 0;
  bool waived = false;
  bool image = false;
  bool video = false;  // a video with sampled frames: they go into the shards
  std::vector<std::string> keys;  // LeakageKeys
  std::string tags = "[]";
  std::string language;
  uint32_t root = 0;  // index into the interned input roots
};

Status WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Error{"release", "cannot write " + p.string()};
  return {};
}

std::string ImageExtension(const std::string& mime) {
  static const std::map<std::string, std::string> k = {
      {"image/png", "png"},  {"image/jpeg", "jpg"}, {"image/tiff", "tif"}, {"image/bmp", "bmp"},
      {"image/x-ms-bmp", "bmp"}, {"image/webp", "webp"}, {"image/x-portable-pixmap", "ppm"},
      {"image/x-portable-greymap", "pgm"}, {"image/x-portable-bitmap", "pbm"}};
  auto it = k.find(mime);
  return it == k.end() ? "bin" : it->second;
}

// A record with `key: value` inserted right after "outcome" (the release's own fields sit
// beside the outcome they qualify).
Json WithField(const Json& record, const std::string& key, const Json& value) {
  Json out = Json::object();
  for (const auto& [k, v] : record.items()) {
    if (k == key) continue;
    out[k] = v;
    if (k == "outcome") out[key] = value;
  }
  return out;
}

bool InputsMatch(const std::vector<std::pair<std::string, std::string>>& paths,
                 const std::vector<std::string>& globs) {
  for (const std::string& g : globs) {
    for (const auto& [path, rel] : paths) {
      if (fnmatch(g.c_str(), path.c_str(), 0) == 0 || fnmatch(g.c_str(), rel.c_str(), 0) == 0) {
        return true;
      }
    }
  }
  return false;
}

std::string SourceMime(Store& store, const std::string& source_id) {
  Statement q(store.db().handle(), "SELECT mime FROM sources WHERE source_id=?");
  q.Bind(1, source_id);
  return q.Step() ? q.Text(0) : "";
}

// The facts of the runs that decided the released documents: tools, libraries, models.
Json SoftwareJson(Store& store, const std::set<int64_t>& runs) {
  std::set<std::string> seen;
  Json out = Json::array();
  for (int64_t id : runs) {
    Statement q(store.db().handle(),
                "SELECT tool_version, git_commit, libraries, tessdata_sha256 FROM runs WHERE run_id=?");
    q.Bind(1, id);
    if (!q.Step()) continue;
    Json j = {{"tool_version", q.Text(0)},
              {"git_commit", q.Text(1)},
              {"libraries", Json::parse(q.Text(2))},
              {"tessdata_sha256", q.Text(3)}};
    if (seen.insert(DumpJson(j)).second) out.push_back(std::move(j));
  }
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) { return DumpJson(a) < DumpJson(b); });
  return out;
}

struct ShardSet {
  fs::path dir;
  uint64_t max_bytes;
  std::map<std::string, std::unique_ptr<ShardWriter>> writers;
  ShardWriter& For(const std::string& split) {
    auto& w = writers[split];
    if (!w) w = std::make_unique<ShardWriter>(dir, split, max_bytes);
    return *w;
  }
};

// Files under `dir` as paths relative to it ('/'-separated), sorted.
std::vector<std::string> ListFiles(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One row of `documents` that passed the cheap filters.
struct DocRow {
  std::string doc_id, modality, tags, source_id;
  int64_t run_id = -1;
};

// The heavy part of pass 1 for one document: its record and summary, or why it is excluded.
struct Prepared {
  std::string exclude;
  Candidate cand;
  std::string line;  // the record as written to staging
  std::string root;
  int64_t run_id = -1;
};

bool HasTag(const std::string& tags_json, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  for (const Json& t : Json::parse(tags_json)) {
    if (std::find(wanted.begin(), wanted.end(), t.get<std::string>()) != wanted.end()) return true;
  }
  return false;
}

Prepared Prepare(Store& store, DocRow row, const ReleaseOptions& options, const minhash::Params& mh) {
  Prepared out;
  out.run_id = row.run_id;
  std::vector<std::pair<std::string, std::string>> paths;
  {
    Statement p(store.db().handle(),
                "SELECT path, relative_path FROM source_paths WHERE source_id=? "
                "ORDER BY relative_path, path");
    p.Bind(1, row.source_id);
    while (p.Step()) paths.emplace_back(p.Text(0), p.Text(1));
  }
  if (!options.filter.source_globs.empty() && !InputsMatch(paths, options.filter.source_globs)) {
    out.exclude = "filter: source";
    return out;
  }
  Json record = ExportRecord(store, row.doc_id, /*stable=*/true);
  if (!options.filter.licenses.empty()) {
    const std::string license = record.value("license", Json()).is_string() ? record["license"].get<std::string>() : "";
    if (std::find(options.filter.licenses.begin(), options.filter.licenses.end(), license) ==
        options.filter.licenses.end()) {
      out.exclude = "filter: license";
      return out;
    }
  }
  for (const MetricRange& r : options.filter.metrics) {
    const Json& m = record["metrics"];
    if (!m.contains(r.name) || m[r.name].get<double>() < r.min || m[r.name].get<double>() > r.max) {
      out.exclude = "filter: metric " + r.name;
      return out;
    }
  }
  Candidate& c = out.cand;
  c.doc_id = row.doc_id;
  c.image = row.modality == "page_image" || row.modality == "photo";
  if (c.image && !ReadSource(store, row.doc_id, row.source_id)) {
    out.exclude = "image source unavailable";
    return out;
  }
  c.video = row.modality == "video" && record.contains("video") &&
            !record["video"]["frames"].empty();
  if (c.video && !FindSource(store, row.doc_id, row.source_id)) {
    out.exclude = "video source unavailable";
    return out;
  }
  const Json& contract = record["contract"];
  c.waived = contract.is_object() && contract.value("outcome", "") == outcome::kRejected;
  if (c.waived) record = WithField(record, "waived", true);
  const std::string& text = record["text"].get_ref<const std::string&>();
  const std::vector<std::string> words = minhash::NormalizedWords(text);
  c.words = static_cast<int>(words.size());
  if (c.words >= mh.min_words) {
    c.text_hash = minhash::NormalizedTextHash(words).substr(0, 16);
    c.signature = minhash::Signature(words, mh);
  }
  c.language = DetectLanguage(text);
  c.keys = LeakageKeys(record);
  c.tags = row.tags;
  if (!paths.empty()) {
    const std::string& p = paths.front().first;
    const std::string& rel = paths.front().second;
    out.root = p.size() >= rel.size() ? p.substr(0, p.size() - rel.size()) : p;
    while (out.root.size() > 1 && out.root.back() == '/') out.root.pop_back();
  }
  out.line = DumpJson(record);
  return out;
}

// Runs Prepare over batches of rows on worker threads (each with its own read-only Store) and
// hands the results to `consume` in the order the rows were added. At most a few batches are
// in flight, so memory does not grow with the store.
class PrepareQueue {
 public:
  PrepareQueue(std::string db_path, const ReleaseOptions& options, const minhash::Params& mh,
               std::function<void(Prepared&)> consume)
      : db_path_(std::move(db_path)), options_(options), mh_(mh), consume_(std::move(consume)),
        threads_(std::max(1, options.jobs)) {}

  void Add(DocRow row) {
    batch_.push_back(std::move(row));
    if (batch_.size() >= kBatch) Submit();
  }

  Status Finish() {
    if (!batch_.empty()) Submit();
    while (!inflight_.empty()) {
      if (Status st = ConsumeOldest(); !st.ok()) return st;
    }
    return error_;
  }

 private:
  static constexpr size_t kBatch = 256;

  void Submit() {
    while (inflight_.size() >= static_cast<size_t>(threads_) * 2) {
      Status st = ConsumeOldest();
      if (!st.ok()) error_ = st;
    }
    inflight_.push_back(std::async(std::launch::async, [this, rows = std::move(batch_)]() mutable {
      std::unique_ptr<Store> store = TakeStore();
      std::vector<Prepared> out;
      out.reserve(rows.size());
      for (DocRow& r : rows) out.push_back(Prepare(*store, std::move(r), options_, mh_));
      GiveBack(std::move(store));
      return out;
    }));
    batch_.clear();
  }

  Status ConsumeOldest() {
    auto f = std::move(inflight_.front());
    inflight_.pop_front();
    try {
      std::vector<Prepared> results = f.get();
      for (Prepared& p : results) consume_(p);
    } catch (const std::exception& e) {
      return Error{"release", std::string("cannot read a document's record: ") + e.what()};
    }
    return {};
  }

  std::unique_ptr<Store> TakeStore() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!stores_.empty()) {
        auto s = std::move(stores_.back());
        stores_.pop_back();
        return s;
      }
    }
    return std::make_unique<Store>(db_path_, /*create=*/false, /*for_writing=*/false);
  }
  void GiveBack(std::unique_ptr<Store> s) {
    std::lock_guard<std::mutex> lock(mu_);
    stores_.push_back(std::move(s));
  }

  std::string db_path_;
  const ReleaseOptions& options_;
  const minhash::Params& mh_;
  std::function<void(Prepared&)> consume_;
  int threads_;
  std::vector<DocRow> batch_;
  std::deque<std::future<std::vector<Prepared>>> inflight_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> stores_;
  Status error_;
};

// A video's sampled frames as WebDataset samples, one per frame: key `<doc_id>/<frame index,
// 6 digits>` (the name `export --format frames` gives the PNG), members `.png` (decoded again
// from the source, checked by SHA-256, encoded with fixed settings) and `.json` (the frame's
// facts from the record, with the document's doc_id, source and split). Returns the frames
// written.
Result<int> AddVideoFrames(Store& store, const Json& record, const std::string& split,
                           bool no_splits, ShardWriter& shard) {
  const std::string doc_id = record["doc_id"].get<std::string>();
  const std::string source_id = record["source"]["sha256"].get<std::string>();
  const auto path = FindSource(store, doc_id, source_id);
  if (!path) {
    return Error{"release", "the video of " + doc_id + " changed while the release was written"};
  }
  std::map<int64_t, const Json*> facts;
  std::set<int64_t> indices;
  for (const Json& f : record["video"]["frames"]) {
    const int64_t index = f["index"].get<int64_t>();
    facts[index] = &f;
    indices.insert(index);
  }
  int written = 0;
  Status st = ForEachVideoFrame(*path, indices, [&](int64_t index, const cv::Mat& bgr) -> Status {
    const std::string png = VideoFramePng(bgr);
    if (png.empty()) {
      return Error{"release", "cannot encode frame " + std::to_string(index) + " of " + doc_id};
    }
    const std::string name = VideoFrameFile(doc_id, index);
    const std::string key = name.substr(0, name.size() - 4);  // without ".png"
    Json meta = {{"doc_id", doc_id}, {"modality", "video"}, {"source", record["source"]}};
    if (!no_splits) meta["split"] = split;
    meta["frame"] = *facts[index];
    ++written;
    return shard.Add({{name, png}, {key + ".json", DumpJson(meta) + "\n"}});
  });
  if (!st.ok()) return Error{"release", "frames of " + doc_id + ": " + st.error().message};
  return written;
}

}  // namespace

Result<ReleaseCreated> CreateRelease(Store& store, const ReleaseOptions& options,
                                     std::ostream* progress) {
  if (Status st = CheckReleaseName(options.name); !st.ok()) return st.error();
  std::error_code ec;
  if (fs::exists(options.to) && !(fs::is_directory(options.to) && fs::is_empty(options.to, ec))) {
    return Error{"usage", PathToText(options.to.string()) + " exists and is not an empty folder"};
  }
  const fs::path parent = fs::absolute(options.to).parent_path();
  fs::create_directories(parent, ec);
  const fs::path work = parent / ("." + options.to.filename().string() + ".partial-" +
                                  std::to_string(::getpid()));
  fs::remove_all(work, ec);
  fs::create_directories(work / layout::kTablesDir);
  fs::create_directories(work / layout::kMarkdownDir);
  fs::create_directories(work / layout::kImagesDir);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      if (!p.empty()) fs::remove_all(p, e);
    }
  } cleanup{work};

  const minhash::Params mh;
  DatasheetBuilder sheet;
  sheet.LoadFeedback(store);
  std::vector<Candidate> cands;
  std::vector<std::string> roots;
  std::map<std::string, uint32_t> root_index;
  std::set<int64_t> runs;
  const fs::path staging_path = work / ".staging.jsonl";
  std::ofstream staging(staging_path, std::ios::binary);

  // Pass 1: every document of the store, in doc_id order. Cheap filters here; the record and
  // its summary are made by PrepareAll's threads, each with its own read connection, and
  // consumed here in order, so the result does not depend on the number of threads.
  {
    Statement q(store.db().handle(),
                "SELECT doc_id, COALESCE(outcome,'pending'), error_stage, COALESCE(modality, "
                "container), run_id, tags, source_id FROM documents ORDER BY doc_id");
    std::vector<DocRow> rows;
    int seen = 0;
    auto consume = [&](Prepared& p) {
      if (!p.exclude.empty()) {
        sheet.Exclude(p.exclude);
        return;
      }
      auto [it, fresh] = root_index.emplace(p.root, static_cast<uint32_t>(roots.size()));
      if (fresh) roots.push_back(p.root);
      p.cand.root = it->second;
      if (p.run_id >= 0) runs.insert(p.run_id);
      staging << p.line << "\n";
      cands.push_back(std::move(p.cand));
    };
    PrepareQueue prepare(store.db().path(), options, mh, consume);
    while (q.Step()) {
      if (progress != nullptr && ++seen % 20000 == 0) *progress << "  " << seen << " documents read\n";
      DocRow row{q.Text(0), q.Text(3), q.Text(5), q.IsNull(6) ? "" : q.Text(6), q.IsNull(4) ? -1 : q.Int(4)};
      const std::string outcome = q.Text(1);
      if (outcome != outcome::kAccepted) {
        sheet.Exclude(outcome);
      } else if (!q.IsNull(2)) {
        sheet.Exclude("waived error (no content)");
      } else if (!options.filter.modalities.empty() &&
                 std::find(options.filter.modalities.begin(), options.filter.modalities.end(),
                           row.modality) == options.filter.modalities.end()) {
        sheet.Exclude("filter: modality");
      } else if (options.filter.run_id && row.run_id != *options.filter.run_id) {
        sheet.Exclude("filter: run");
      } else if (!HasTag(row.tags, options.filter.tags)) {
        sheet.Exclude("filter: tag");
      } else {
        prepare.Add(std::move(row));
      }
    }
    if (Status st = prepare.Finish(); !st.ok()) return st.error();
  }
  staging.close();
  if (!staging) return Error{"release", "cannot write " + staging_path.string()};

  // Text duplicates: one kept per group, the others listed.
  std::vector<bool> keep(cands.size(), true);
  std::vector<Json> duplicates;
  {
    std::vector<std::vector<uint32_t>> sigs;
    sigs.reserve(cands.size());
    for (const Candidate& c : cands) sigs.push_back(c.signature);
    for (const auto& group : minhash::NearDuplicateGroups(sigs, mh)) {
      size_t best = group.front();
      for (size_t i : group) {
        const Candidate &a = cands[i], &b = cands[best];
        if (std::make_tuple(a.waived, -a.words, a.doc_id) < std::make_tuple(b.waived, -b.words, b.doc_id)) best = i;
      }
      for (size_t i : group) {
        if (i == best) continue;
        keep[i] = false;
        const bool exact = cands[i].text_hash == cands[best].text_hash;
        Json d = {{"doc_id", cands[i].doc_id},
                  {"kept", cands[best].doc_id},
                  {"kind", exact ? "exact" : "near"},
                  {"estimated_jaccard", exact ? 1.0 : std::round(minhash::EstimatedJaccard(sigs[i], sigs[best]) * 1e4) / 1e4}};
        sheet.Duplicate(d);
        duplicates.push_back(std::move(d));
      }
    }
    std::sort(duplicates.begin(), duplicates.end(),
              [](const Json& a, const Json& b) { return a["doc_id"] < b["doc_id"]; });
  }

  // Splits over the kept documents.
  std::vector<size_t> kept;
  for (size_t i = 0; i < cands.size(); ++i) {
    if (keep[i]) kept.push_back(i);
  }
  std::vector<std::string> split_of;
  {
    std::vector<std::vector<std::string>> keys;
    std::vector<std::string> ids;
    for (size_t i : kept) {
      keys.push_back(std::move(cands[i].keys));
      ids.push_back(cands[i].doc_id);
    }
    split_of = AssignSplits(options.name, ids, GroupByKeys(keys), options.splits);
  }

  // Pass 2: the kept records become the release's files.
  Json counts = {{"documents", 0}, {"waived", 0}, {"tables", 0}, {"images", 0}, {"markdown", 0},
                 {"video_frames", 0}};
  Json by_modality = Json::object(), by_split = Json::object();
  std::map<std::string, int> processing_versions;
  std::map<std::string, Json> contracts;
  std::set<std::string> routing;
  ShardSet shards{work / layout::kImagesDir, options.shard_bytes, {}};
  std::ofstream docs(work / layout::kDocuments, std::ios::binary);
  std::ofstream items(work / ".items.tsv", std::ios::binary);
  {
    std::ifstream in(staging_path, std::ios::binary);
    std::string line;
    size_t ci = 0, ki = 0;
    while (std::getline(in, line)) {
      const size_t i = ci++;
      if (!keep[i]) continue;
      const std::string split = split_of[ki++];
      Json record = Json::parse(line);
      if (!options.splits.empty()) record = WithField(record, "split", split);
      docs << DumpJson(record) << "\n";
      const Candidate& c = cands[i];
      const std::string modality = record["modality"].get<std::string>();
      const std::string pv = record["lineage"]["processing_version"].get<std::string>();
      counts["documents"] = counts["documents"].get<int>() + 1;
      if (c.waived) counts["waived"] = counts["waived"].get<int>() + 1;
      by_modality[modality] = by_modality.value(modality, 0) + 1;
      if (!options.splits.empty()) by_split[split] = by_split.value(split, 0) + 1;
      ++processing_versions[pv];
      if (record["contract"].is_object()) {
        const Json& k = record["contract"];
        contracts[k["sha256"].get<std::string>()] = {{"modality", k["modality"]}, {"version", k["version"]}, {"sha256", k["sha256"]}};
      }
      for (const Json& t : record["annotations"]["tasks"]) routing.insert(t["routing_sha256"].get<std::string>());
      std::map<int, int> per_page;
      for (const Json& table : record["tables"]) {
        const int page = table["page"].get<int>();
        const int n = ++per_page[page];
        const std::string name = TableCsvName(c.doc_id, page, n);
        if (Status st = WriteFile(work / layout::kTablesDir / name, TableCsv(table["rows"])); !st.ok()) return st.error();
        counts["tables"] = counts["tables"].get<int>() + 1;
      }
      // The record as Markdown, from the same renderer as `export --format markdown`; a
      // document with no text (a photo) has none.
      if (const std::string md = RenderMarkdown(record); !md.empty()) {
        if (Status st = WriteFile(work / layout::kMarkdownDir / (c.doc_id + ".md"), md); !st.ok()) return st.error();
        counts["markdown"] = counts["markdown"].get<int>() + 1;
      }
      if (c.image) {
        const std::string source_id = record["source"]["sha256"].get<std::string>();
        auto bytes = ReadSource(store, c.doc_id, source_id);
        if (!bytes) return Error{"release", "the image of " + c.doc_id + " changed while the release was written"};
        Json meta = {{"doc_id", c.doc_id}, {"modality", modality}, {"source", record["source"]}};
        if (!options.splits.empty()) meta["split"] = split;
        for (const Json& im : record["images"]) {
          if (im.contains("alt_text")) meta["alt_text"] = im["alt_text"];
          if (im.value("caption", Json()).is_string()) meta["caption"] = im["caption"];
        }
        meta["text"] = record["text"];
        Status st = shards.For(options.splits.empty() ? "all" : split)
                        .Add({{c.doc_id + "." + ImageExtension(SourceMime(store, source_id)), *bytes},
                              {c.doc_id + ".json", DumpJson(meta) + "\n"}});
        if (!st.ok()) return st.error();
        counts["images"] = counts["images"].get<int>() + 1;
      }
      if (c.video) {
        Result<int> written = AddVideoFrames(store, record, split, options.splits.empty(),
                                             shards.For(options.splits.empty() ? "all" : split));
        if (!written.ok()) return written.error();
        counts["video_frames"] = counts["video_frames"].get<int>() + written.value();
      }
      sheet.Add(record, c.language, roots[c.root], Json::parse(c.tags));
      items << c.doc_id << '\t' << split << '\t' << (c.waived ? 1 : 0) << '\t' << pv << '\n';
    }
  }
  docs.close();
  items.close();
  if (!docs || !items) return Error{"release", "cannot write " + (work / layout::kDocuments).string()};
  int shard_count = 0;
  for (auto& [split, w] : shards.writers) {
    auto closed = w->Close();
    if (!closed.ok()) return closed.error();
    shard_count += static_cast<int>(closed.value().size());
  }
  {
    std::string text;
    for (const Json& d : duplicates) text += DumpJson(d) + "\n";
    if (Status st = WriteFile(work / layout::kDuplicates, text); !st.ok()) return st.error();
  }
  counts["image_shards"] = shard_count;
  counts["duplicates_removed"] = duplicates.size();
  counts["by_modality"] = by_modality;
  if (!options.splits.empty()) counts["by_split"] = by_split;

  // Hash the data files, then the datasheet, then the manifest names them all.
  auto hash_files = [&](bool data) {
    Json files = Json::array();
    for (const std::string& rel : ListFiles(work)) {
      if (rel[0] == '.') continue;  // staging files
      const std::string kind = layout::KindOf(rel);
      if (kind.empty() || layout::IsData(kind) != data) continue;
      uint64_t size = 0;
      files.push_back({{"path", rel}, {"kind", kind}, {"sha256", Sha256File(work / rel, &size).value_or("")}, {"bytes", size}});
    }
    return files;
  };
  Json files = hash_files(true);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const Json& f : files) pairs.emplace_back(f["path"], f["sha256"]);
  const std::string content = layout::ContentSha256(pairs);

  Json contracts_json = Json::array();
  for (auto& [sha, c] : contracts) contracts_json.push_back(c);
  Json pv_json = Json::object();
  for (const auto& [pv, n] : processing_versions) pv_json[pv] = n;
  const std::string schema_text(BuiltinJsonSchemaTexts().front().second);
  Json manifest = {
      {"format", "assay-release"},
      {"format_version", layout::kFormatVersion},
      {"name", options.name},
      {"content_sha256", content},
      {"selection", {{"filters", options.filter.ToJson()}, {"splits", SplitsJson(options.splits)},
                     {"split_seed", "release name"}, {"shard_bytes", options.shard_bytes},
                     {"dedup", {{"shingle_words", mh.shingle_words}, {"num_hashes", mh.num_hashes},
                                {"bands", mh.bands}, {"threshold", mh.threshold}, {"min_words", mh.min_words},
                                {"keep", "not waived, then most words, then smallest doc_id"}}}}},
      {"counts", counts},
      {"processing_versions", pv_json},
      {"contracts", contracts_json},
      {"routing_sha256", Json(std::vector<std::string>(routing.begin(), routing.end()))},
      {"schemas", {{"export_schema_sha256", Sha256Hex(schema_text)}, {"store_schema_version", store.schema_version()}}},
      {"software", SoftwareJson(store, runs)},
      {"layout", {{"documents", layout::kDocuments}, {"duplicates", layout::kDuplicates},
                  {"renderings", {{"table", "tables/<doc_id>.p<page>.t<n>.csv"}, {"markdown", "markdown/<doc_id>.md"}}},
                  {"image_shards", "images/<split>-NNNNNN.tar (WebDataset: <doc_id>.<ext> + <doc_id>.json; "
                                   "a video's sampled frames <doc_id>/<frame, 6 digits>.png + .json)"}}}};

  const Json sheet_json = sheet.Build(store, manifest);
  if (Status st = WriteFile(work / "datasheet.json", DumpJson(sheet_json, 2) + "\n"); !st.ok()) return st.error();
  if (Status st = WriteFile(work / "datasheet.md", DatasheetMarkdown(sheet_json)); !st.ok()) return st.error();
  if (Status st = WriteFile(work / "datasheet.html", DatasheetHtml(sheet_json)); !st.ok()) return st.error();
  for (const Json& f : hash_files(false)) files.push_back(f);
  std::sort(files.begin(), files.end(), [](const Json& a, const Json& b) { return a["path"] < b["path"]; });
  manifest["files"] = files;
  const std::string manifest_text = DumpJson(manifest, 2) + "\n";
  if (Status st = WriteFile(work / layout::kManifest, manifest_text); !st.ok()) return st.error();

  ReleaseCreated result;
  result.content_sha256 = content;
  result.documents = counts["documents"].get<int>();
  result.counts = counts;
  {
    Statement q(store.db().handle(), "SELECT content_sha256, path FROM releases WHERE name=?");
    q.Bind(1, options.name);
    if (q.Step()) {
      result.existing_sha256 = q.Text(0);
      result.existing_path = q.Text(1);
      result.kind = result.existing_sha256 == content ? ReleaseCreated::Kind::kUnchanged
                                                       : ReleaseCreated::Kind::kRefused;
      return result;
    }
  }

  // Lineage: the volatile facts, kept out of every hashed file.
  {
    std::ofstream lin(work / layout::kLineage, std::ios::binary);
    const std::string now = NowRfc3339();
    lin << DumpJson(Json{{"release", options.name}, {"created_at", now}, {"host", HostName()},
                         {"argv", Json::parse(options.argv_json)}, {"tool_version", kToolVersion},
                         {"git_commit", kGitCommit}})
        << "\n";
    std::ifstream in(work / ".items.tsv");
    std::string line;
    Statement q(store.db().handle(),
                "SELECT d.ingested_at, d.processed_at, d.run_id, r.started_at, r.host FROM documents d "
                "LEFT JOIN runs r ON r.run_id = d.run_id WHERE d.doc_id=?");
    while (std::getline(in, line)) {
      const std::string id = line.substr(0, line.find('\t'));
      q.Reset();
      q.Bind(1, id);
      if (!q.Step()) continue;
      lin << DumpJson(Json{{"doc_id", id}, {"ingested_at", q.Text(0)}, {"processed_at", q.Text(1)},
                           {"run_id", q.IsNull(2) ? Json() : Json(q.Int(2))},
                           {"run_started_at", q.Text(3)}, {"host", q.Text(4)}})
          << "\n";
    }
    if (!lin) return Error{"release", "cannot write lineage.jsonl"};
  }

  // Record it, then move it into place. Both or neither: a failed rename rolls back.
  Transaction tx(store.db());
  {
    Statement r(store.db().handle(),
                "INSERT INTO releases(name, content_sha256, manifest_sha256, path, documents, filters, "
                "tool_version, created_at) VALUES (?,?,?,?,?,?,?,?)");
    r.Bind(1, options.name).Bind(2, content).Bind(3, Sha256Hex(manifest_text))
        .Bind(4, PathToText(fs::absolute(options.to).lexically_normal().string()))
        .Bind(5, result.documents).Bind(6, DumpJson(manifest["selection"])).Bind(7, std::string(kToolVersion))
        .Bind(8, NowRfc3339()).Run();
    Statement it(store.db().handle(),
                 "INSERT INTO release_items(release_name, doc_id, split, waived, processing_version) "
                 "VALUES (?,?,?,?,?)");
    std::ifstream in(work / ".items.tsv");
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      std::string part;
      while (std::getline(ss, part, '\t')) f.push_back(part);
      it.Reset();
      it.Bind(1, options.name).Bind(2, f[0]);
      if (f[1].empty()) it.BindNull(3); else it.Bind(3, f[1]);
      it.Bind(4, std::stoi(f[2])).Bind(5, f[3]).Run();
    }
  }
  fs::remove(work / ".staging.jsonl", ec);
  fs::remove(work / ".items.tsv", ec);
  if (fs::exists(options.to)) fs::remove(options.to, ec);  // an empty folder
  fs::rename(work, options.to, ec);
  if (ec) return Error{"release", "cannot move the release into " + options.to.string() + ": " + ec.message()};
  cleanup.p.clear();
  tx.Commit();
  return result;
}

}  // namespace assay
