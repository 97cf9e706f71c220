#include "core/release_validate.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "core/json_schema.h"
#include "core/markdown.h"
#include "core/minhash.h"
#include "core/path_text.h"
#include "core/release_layout.h"
#include "core/release_splits.h"
#include "core/sha256.h"
#include "core/source_locations.h"
#include "core/store.h"
#include "core/store_views.h"
#include "core/svg_plot.h"
#include "core/tar_shards.h"

namespace assay {

const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinJsonSchemaTexts();

namespace {

namespace fs = std::filesystem;
namespace layout = release_layout;

constexpr size_t kMaxFailuresPerCheck = 200;

void Fail(ValidationCheck& c, const std::string& what) {
  if (c.failures.size() < kMaxFailuresPerCheck) {
    c.failures.push_back(what);
  } else if (c.failures.size() == kMaxFailuresPerCheck) {
    c.failures.push_back("... more problems of this kind not listed");
  }
}

std::string RecordName(size_t line, const std::string& doc_id) {
  return std::string(layout::kDocuments) + " line " + std::to_string(line) +
         (doc_id.empty() ? "" : " (doc_id " + doc_id + ")");
}

// Runs `argv` with stdout and stderr to `log`; its exit code, or -1.
int Spawn(const std::vector<std::string>& argv, const fs::path& log) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    FILE* f = std::fopen(log.c_str(), "w");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The parts of a record that re-processing must give again byte for byte: everything the
// stages and the contract made (not the source's name, the annotations people made, or the
// release's own fields).
Json ReproducibleParts(const Json& r) {
  return {{"text", r["text"]}, {"pages", r["pages"]}, {"tables", r["tables"]}, {"images", r["images"]},
          {"metrics", r["metrics"]}, {"contract", r["contract"]},
          {"processing_version", r["lineage"]["processing_version"]},
          {"transformations", r["lineage"]["transformations"]}};
}

void Reproduce(const ValidateOptions& o, const std::vector<Json>& sample, ValidationCheck& check) {
  const fs::path db = *o.store_dir / "assay.db";
  if (!fs::exists(db)) return Fail(check, "--store " + o.store_dir->string() + ": no assay.db there");
  char tmpl[] = "/tmp/assay-reproduce-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Fail(check, "cannot make a temporary folder");
  const fs::path tmp = tmpl;
  Store store(db, /*create=*/false, /*for_writing=*/false);
  {
    std::ofstream m(tmp / "inputs.jsonl");
    for (const Json& r : sample) {
      auto doc = store.GetDocument(r["doc_id"].get<std::string>());
      if (!doc) {
        Fail(check, r["doc_id"].get<std::string>() + ": not in the store " + db.string());
        continue;
      }
      std::string found_at;
      if (!ReadSource(store, r["doc_id"].get<std::string>(), r["source"]["sha256"].get<std::string>(), &found_at)) {
        Fail(check, r["doc_id"].get<std::string>() + ": its source file is gone or changed");
        continue;
      }
      Json line = {{"path", PathToText(found_at)}, {"tags", Json::parse(doc->tags)}};
      if (doc->alt_text) line["alt_text"] = *doc->alt_text;
      if (doc->ground_truth) line["ground_truth"] = PathToText(*doc->ground_truth);
      m << DumpJson(line) << "\n";
    }
  }
  const int code = Spawn({o.assay_binary.string(), "run", (tmp / "inputs.jsonl").string(), "--out",
                          (tmp / "out").string(), "--allow-outside-inputs", "--json"},
                         tmp / "run.log");
  if (code != 0 && code != 1 && code != 4) {
    Fail(check, "re-processing failed (assay run exit " + std::to_string(code) + "; log " + (tmp / "run.log").string() + ")");
    return;
  }
  Store again(tmp / "out" / "assay.db", false, false);
  for (const Json& r : sample) {
    const std::string id = r["doc_id"].get<std::string>();
    if (!again.GetDocumentState(id)) {
      Fail(check, id + ": re-processing did not produce this document");
      continue;
    }
    const Json want = ReproducibleParts(r), got = ReproducibleParts(ExportRecord(again, id, true));
    for (const auto& [k, v] : want.items()) {
      if (DumpJson(v) != DumpJson(got[k])) Fail(check, id + ": " + k + " differs when re-processed from its source");
    }
  }
  std::error_code ec;
  if (check.failures.empty()) fs::remove_all(tmp, ec);
  check.note = std::to_string(sample.size()) + " documents re-processed";
}

}  // namespace

bool ValidationReport::ok() const {
  for (const auto& c : checks) {
    if (!c.failures.empty()) return false;
  }
  return true;
}

Json ValidationReport::ToJson() const {
  Json j = {{"release", release}, {"ok", ok()}, {"checks", Json::array()}};
  for (const auto& c : checks) {
    j["checks"].push_back({{"name", c.name}, {"ok", c.failures.empty()}, {"skipped", c.skipped},
                           {"note", c.note}, {"failures", c.failures}});
  }
  return j;
}

std::string ValidationReport::JUnitXml() const {
  size_t tests = 0, failures = 0, skipped = 0;
  std::ostringstream cases;
  for (const auto& c : checks) {
    if (c.failures.empty()) {
      ++tests;
      cases << "    <testcase classname=\"assay.release.validate\" name=\"" << svg::Escape(c.name) << "\"";
      if (c.skipped) {
        ++skipped;
        cases << "><skipped message=\"" << svg::Escape(c.note) << "\"/></testcase>\n";
      } else {
        cases << "/>\n";
      }
      continue;
    }
    for (const std::string& f : c.failures) {
      ++tests;
      ++failures;
      cases << "    <testcase classname=\"assay.release.validate\" name=\"" << svg::Escape(c.name + ": " + f.substr(0, 200))
            << "\"><failure message=\"" << svg::Escape(f) << "\"/></testcase>\n";
    }
  }
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"" << tests << "\" failures=\"" << failures
    << "\">\n  <testsuite name=\"assay release validate " << svg::Escape(release) << "\" tests=\"" << tests
    << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped << "\">\n"
    << cases.str() << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

ValidationReport ValidateRelease(const ValidateOptions& o) {
  ValidationReport report;
  report.checks.reserve(16);  // add() hands out references into it
  report.release = o.dir.string();
  auto add = [&](const std::string& name) -> ValidationCheck& {
    report.checks.push_back({name, {}, false, ""});
    return report.checks.back();
  };

  // manifest
  Json manifest;
  {
    ValidationCheck& c = add("manifest");
    std::ifstream in(o.dir / layout::kManifest);
    if (!in) {
      Fail(c, std::string(layout::kManifest) + ": missing");
      return report;
    }
    try {
      manifest = Json::parse(in);
    } catch (const std::exception& e) {
      Fail(c, std::string(layout::kManifest) + ": not JSON: " + e.what());
      return report;
    }
    if (manifest.value("format", "") != "assay-release" || !manifest.contains("files") ||
        !manifest["files"].is_array()) {
      Fail(c, std::string(layout::kManifest) + ": not an assay release manifest");
      return report;
    }
    if (manifest.value("format_version", 0) > layout::kFormatVersion) {
      Fail(c, std::string(layout::kManifest) + ": format_version " + manifest["format_version"].dump() +
                  " is newer than this assay reads (" + std::to_string(layout::kFormatVersion) + ")");
      return report;
    }
    report.release = manifest.value("name", report.release);
  }

  // files, extra_files, content_sha256
  std::set<std::string> listed;
  std::vector<std::pair<std::string, std::string>> data_files;
  {
    ValidationCheck& c = add("files");
    for (const Json& f : manifest["files"]) {
      const std::string path = f.value("path", "");
      listed.insert(path);
      if (path.empty() || path.find("..") != std::string::npos || path[0] == '/') {
        Fail(c, "manifest.json: unsafe file path \"" + path + "\"");
        continue;
      }
      uint64_t size = 0;
      auto sha = fs::is_regular_file(o.dir / path) ? Sha256File(o.dir / path, &size) : std::nullopt;
      if (!sha) {
        Fail(c, path + ": missing");
        continue;
      }
      if (size != f.value("bytes", uint64_t{0})) {
        Fail(c, path + ": " + std::to_string(size) + " bytes, the manifest says " + f["bytes"].dump());
      }
      if (*sha != f.value("sha256", "")) Fail(c, path + ": SHA-256 " + *sha + ", the manifest says " + f.value("sha256", ""));
      if (layout::IsData(layout::KindOf(path))) data_files.emplace_back(path, *sha);
    }
    c.note = std::to_string(listed.size()) + " files";
    ValidationCheck& x = add("extra_files");
    for (const auto& e : fs::recursive_directory_iterator(o.dir)) {
      if (!e.is_regular_file()) continue;
      const std::string rel = fs::relative(e.path(), o.dir).generic_string();
      if (rel == layout::kManifest || rel == layout::kLineage) continue;
      if (!listed.count(rel)) Fail(x, rel + ": not listed in manifest.json");
    }
    ValidationCheck& h = add("content_sha256");
    const std::string content = layout::ContentSha256(data_files);
    if (content != manifest.value("content_sha256", "")) {
      Fail(h, "manifest.json: content_sha256 is " + manifest.value("content_sha256", "") + ", the data files give " + content);
    }
  }

  // records
  ValidationCheck& schema = add("records.schema");
  ValidationCheck& outcome = add("records.outcome");
  ValidationCheck& unique = add("records.unique");
  ValidationCheck& leakage = add("splits.leakage");
  ValidationCheck& counts = add("counts");
  ValidationCheck& frames_check = add("frames");
  ValidationCheck& reproduce = add("reproduce");
  auto loaded = JsonSchema::Load(Json::parse(BuiltinJsonSchemaTexts().front().second));
  const Json& split_parts = manifest.value("selection", Json::object()).value("splits", Json::array());
  std::set<std::string> split_names;
  for (const Json& p : split_parts) split_names.insert(p.value("name", ""));
  std::set<std::string> ids;
  std::string previous;
  std::vector<std::string> split_of, rec_ids;
  std::vector<std::vector<std::string>> keys;
  std::vector<std::vector<uint32_t>> sigs;
  std::map<std::string, int> by_modality, by_split;
  std::map<std::string, std::set<std::pair<int, int>>> tables_of;  // doc -> (page, n)
  std::map<std::string, std::string> markdown_of;                  // doc -> SHA-256 of its Markdown
  std::map<std::string, std::set<int64_t>> frames_of;              // video doc -> sampled frames
  std::map<std::string, std::pair<int, int>> frame_size_of;        // video doc -> width, height
  int records = 0, waived = 0, tables = 0, images = 0;
  std::vector<Json> sample;
  const minhash::Params mh;
  {
    std::ifstream in(o.dir / layout::kDocuments, std::ios::binary);
    if (!in) Fail(counts, std::string(layout::kDocuments) + ": missing");
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      Json r;
      try {
        r = Json::parse(line);
      } catch (const std::exception& e) {
        Fail(schema, RecordName(n, "") + ": not JSON");
        continue;
      }
      const std::string id = r.is_object() && r.value("doc_id", Json()).is_string() ? r["doc_id"].get<std::string>() : "";
      if (loaded.ok()) {
        for (const std::string& e : loaded.value().Validate(r)) Fail(schema, RecordName(n, id) + ": " + e);
      }
      if (!r.is_object()) continue;
      ++records;
      // outcome
      const std::string oc = r.value("outcome", Json()).is_string() ? r["outcome"].get<std::string>() : "";
      const bool is_waived = r.value("waived", Json()).is_boolean() && r["waived"].get<bool>();
      const Json contract = r.value("contract", Json());
      const std::string contract_outcome = contract.is_object() && contract.value("outcome", Json()).is_string() ? contract["outcome"].get<std::string>() : "";
      if (oc != "accepted") {
        Fail(outcome, RecordName(n, id) + ": outcome is \"" + oc + "\"; a release holds accepted documents only");
      } else if (r.contains("error")) {
        Fail(outcome, RecordName(n, id) + ": an error document (error recorded at stage " + r["error"].value("stage", "?") + ")");
      } else if (contract_outcome != "accepted" && !(contract_outcome == "rejected" && is_waived)) {
        Fail(outcome, RecordName(n, id) + ": its contract outcome is \"" + contract_outcome + "\" and it is not waived");
      } else if (is_waived && contract_outcome != "rejected") {
        Fail(outcome, RecordName(n, id) + ": flagged waived but its contract accepted it");
      }
      waived += is_waived;
      // unique, sorted
      if (!ids.insert(id).second) Fail(unique, RecordName(n, id) + ": doc_id appears twice");
      else if (!previous.empty() && id < previous) Fail(unique, RecordName(n, id) + ": not sorted by doc_id");
      previous = std::max(previous, id);
      // splits
      const std::string split = r.value("split", Json()).is_string() ? r["split"].get<std::string>() : "";
      if (!split_names.empty() && !split_names.count(split)) {
        Fail(leakage, RecordName(n, id) + ": split \"" + split + "\" is not one of the manifest's splits");
      } else if (split_names.empty() && !split.empty()) {
        Fail(leakage, RecordName(n, id) + ": has split \"" + split + "\" but the release has no splits");
      }
      if (!split_names.empty()) {
        rec_ids.push_back(id);
        split_of.push_back(split);
        keys.push_back(LeakageKeys(r));
        const auto words = minhash::NormalizedWords(r.value("text", ""));
        sigs.push_back(static_cast<int>(words.size()) >= mh.min_words ? minhash::Signature(words, mh) : std::vector<uint32_t>{});
      }
      // counts
      if (r.value("modality", Json()).is_string()) ++by_modality[r["modality"].get<std::string>()];
      if (!split.empty()) ++by_split[split];
      std::map<int, int> per_page;
      for (const Json& t : r.value("tables", Json::array())) {
        const int page = t.value("page", 0);
        tables_of[id].insert({page, ++per_page[page]});
        ++tables;
      }
      try {  // a record that breaks the schema (reported above) may not render
        if (const std::string md = RenderMarkdown(r); !md.empty()) markdown_of[id] = Sha256Hex(md);
      } catch (const Json::exception&) {
        markdown_of[id] = "(the record does not render)";
      }
      const std::string modality = r.value("modality", "");
      images += modality == "page_image" || modality == "photo";
      if (modality == "video" && r.value("video", Json()).is_object() &&
          r["video"].value("frames", Json()).is_array()) {
        std::set<int64_t>& f = frames_of[id];
        for (const Json& frame : r["video"]["frames"]) {
          if (frame.value("index", Json()).is_number_integer()) f.insert(frame["index"].get<int64_t>());
        }
        const Json& m = r.value("metrics", Json::object());
        if (m.value("video.width", Json()).is_number() && m.value("video.height", Json()).is_number()) {
          frame_size_of[id] = {m["video.width"].get<int>(), m["video.height"].get<int>()};
        }
      }
      // a deterministic sample for reproduce: the smallest SHA-256(doc_id)s
      if (o.reproduce > 0) {
        sample.push_back(r);
        std::sort(sample.begin(), sample.end(), [](const Json& a, const Json& b) {
          return Sha256Hex(a["doc_id"].get<std::string>()) < Sha256Hex(b["doc_id"].get<std::string>());
        });
        if (sample.size() > static_cast<size_t>(o.reproduce)) sample.pop_back();
      }
    }
    schema.note = std::to_string(n) + " records";
  }

  // leakage: source, image and near-duplicate text groups that span two splits
  if (!split_names.empty()) {
    auto report_groups = [&](const std::vector<size_t>& group_of, const std::string& what) {
      std::map<size_t, std::set<std::string>> splits_of_group;
      for (size_t i = 0; i < group_of.size(); ++i) splits_of_group[group_of[i]].insert(split_of[i]);
      for (size_t i = 0; i < group_of.size(); ++i) {
        if (group_of[i] != i && splits_of_group[group_of[i]].size() > 1) {
          Fail(leakage, std::string(layout::kDocuments) + " (doc_id " + rec_ids[i] + "): " + what + " with " +
                            rec_ids[group_of[i]] + " but is in split " + split_of[i] + ", that one in " +
                            split_of[group_of[i]]);
        }
      }
    };
    report_groups(GroupByKeys(keys), "shares a source or image");
    std::vector<size_t> text_group(rec_ids.size());
    for (size_t i = 0; i < text_group.size(); ++i) text_group[i] = i;
    for (const auto& g : minhash::NearDuplicateGroups(sigs, mh)) {
      for (size_t i : g) text_group[i] = g.front();
    }
    report_groups(text_group, "is a near-duplicate text");
  } else {
    leakage.skipped = true;
    leakage.note = "the release has no splits";
  }

  // counts
  {
    const Json& mc = manifest.value("counts", Json::object());
    auto expect = [&](const std::string& what, const Json& want, int64_t got) {
      if (!want.is_number_integer() || want.get<int64_t>() != got) {
        Fail(counts, "manifest.json: counts." + what + " is " + want.dump() + ", the files hold " + std::to_string(got));
      }
    };
    expect("documents", mc.value("documents", Json()), records);
    expect("waived", mc.value("waived", Json()), waived);
    expect("tables", mc.value("tables", Json()), tables);
    expect("images", mc.value("images", Json()), images);
    for (const auto& [m, n] : by_modality) expect("by_modality." + m, mc.value("by_modality", Json::object()).value(m, Json()), n);
    const Json listed_modalities = mc.value("by_modality", Json::object());
    for (const auto& [m, n] : listed_modalities.items()) {
      if (!by_modality.count(m)) expect("by_modality." + m, n, 0);
    }
    for (const auto& [s, n] : by_split) expect("by_split." + s, mc.value("by_split", Json::object()).value(s, Json()), n);
    int dup_lines = 0, table_files = 0, shard_samples = 0, markdown_files = 0;
    // Video frame samples: <doc_id>/<index>.png + .json; which members each has.
    std::map<std::pair<std::string, int64_t>, int> frame_members;  // bit 1: png, bit 2: json
    {
      std::ifstream d(o.dir / layout::kDuplicates);
      std::string l;
      while (std::getline(d, l)) ++dup_lines;
    }
    expect("duplicates_removed", mc.value("duplicates_removed", Json()), dup_lines);
    for (const std::string& path : listed) {
      const std::string kind = layout::KindOf(path);
      if (kind == "table") {
        ++table_files;
        // tables/<doc_id>.p<page>.t<n>.csv must name a table of a released record
        const std::string name = path.substr(std::string(layout::kTablesDir).size() + 1);
        int page = 0, n = 0;
        const std::string doc = name.substr(0, name.find('.'));
        if (std::sscanf(name.c_str() + doc.size(), ".p%d.t%d.csv", &page, &n) != 2 || !tables_of[doc].count({page, n})) {
          Fail(counts, path + ": no such table in " + std::string(layout::kDocuments));
        }
      } else if (kind == "markdown") {
        // markdown/<doc_id>.md must be what the record renders to, byte for byte
        ++markdown_files;
        const std::string name = path.substr(std::string(layout::kMarkdownDir).size() + 1);
        const std::string doc = name.substr(0, name.size() - 3);
        auto it = markdown_of.find(doc);
        if (it == markdown_of.end()) {
          Fail(counts, path + ": no record with text for it in " + std::string(layout::kDocuments));
        } else if (fs::exists(o.dir / path) && Sha256File(o.dir / path).value_or("") != it->second) {
          Fail(counts, path + ": is not the Markdown of its record in " + std::string(layout::kDocuments));
        }
      } else if (kind == "image_shard" && fs::exists(o.dir / path)) {
        // A frame member: its key and frame index, or nullopt for an image sample's member.
        auto frame_of = [](const std::string& name) -> std::optional<std::pair<std::string, int64_t>> {
          const size_t slash = name.find('/'), dot = name.rfind('.');
          if (slash == std::string::npos || dot == std::string::npos || dot < slash) return std::nullopt;
          const std::string digits = name.substr(slash + 1, dot - slash - 1);
          if (digits.empty() || digits.size() > 12 ||
              digits.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
          }
          return std::pair<std::string, int64_t>{name.substr(0, slash), std::stoll(digits)};
        };
        Status read = ReadTarEntries(
            o.dir / path,
            [&](const std::string& name, int64_t) {
              if (name.find('/') != std::string::npos) return true;  // frames: read and decoded
              const std::string doc = name.substr(0, name.find('.'));
              if (name.size() > 5 && name.substr(name.size() - 5) == ".json") {
                ++shard_samples;
                if (!ids.count(doc)) Fail(counts, path + ": sample " + doc + " is not a record of " + std::string(layout::kDocuments));
              }
              return false;
            },
            [&](const std::string& name, const std::string& bytes) {
              const auto frame = frame_of(name);
              if (!frame) {
                return Fail(frames_check, path + ": " + name + " is not <doc_id>/<frame index>.png or .json");
              }
              const auto& [doc, index] = *frame;
              if (!frames_of.count(doc)) {
                return Fail(frames_check, path + ": frame " + name + " is not of a video record of " + std::string(layout::kDocuments));
              }
              if (name.ends_with(".png")) {
                frame_members[*frame] |= 1;
                const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
                const cv::Mat img = cv::imdecode(raw, cv::IMREAD_COLOR);
                auto size = frame_size_of.find(doc);
                if (img.empty()) {
                  Fail(frames_check, path + ": " + name + " does not decode as PNG");
                } else if (size != frame_size_of.end() && (img.cols != size->second.first || img.rows != size->second.second)) {
                  Fail(frames_check, path + ": " + name + " is " + std::to_string(img.cols) + "x" + std::to_string(img.rows) +
                                         ", the record's video is " + std::to_string(size->second.first) + "x" +
                                         std::to_string(size->second.second));
                }
              } else if (name.ends_with(".json")) {
                frame_members[*frame] |= 2;
                Json meta = Json::parse(bytes, nullptr, false);
                if (!meta.is_object() || meta.value("doc_id", Json()) != Json(doc) ||
                    !meta.value("frame", Json()).is_object() || meta["frame"].value("index", Json()) != Json(index)) {
                  Fail(frames_check, path + ": " + name + " does not name its document and frame");
                }
              } else {
                Fail(frames_check, path + ": " + name + ": a frame sample has a .png and a .json only");
              }
            });
        if (!read.ok()) Fail(counts, path + ": " + read.error().message);
      }
    }
    if (table_files != tables) Fail(counts, "tables/: " + std::to_string(table_files) + " files for " + std::to_string(tables) + " tables in the records");
    // Releases made before Markdown renderings have no counts.markdown and no markdown/ files.
    if (mc.contains("markdown")) {
      expect("markdown", mc["markdown"], markdown_files);
      if (markdown_files != static_cast<int>(markdown_of.size())) {
        Fail(counts, "markdown/: " + std::to_string(markdown_files) + " files for " +
                         std::to_string(markdown_of.size()) + " records with text");
      }
    }
    if (shard_samples != images) Fail(counts, "images/: " + std::to_string(shard_samples) + " samples for " + std::to_string(images) + " image records");

    // frames: every video record's sampled frames, each a PNG and a JSON, and nothing else.
    // Releases made before frames were in the shards have no counts.video_frames and no frames.
    if ((!mc.contains("video_frames") || frames_of.empty()) && frame_members.empty()) {
      frames_check.skipped = true;
      frames_check.note = frames_of.empty() ? "no video records"
                                            : "made before video frames were in the shards (no counts.video_frames)";
    } else {
      int64_t want_frames = 0;
      for (const auto& [doc, indices] : frames_of) {
        want_frames += static_cast<int64_t>(indices.size());
        size_t found = 0;
        for (int64_t i : indices) {
          const auto m = frame_members.find({doc, i});
          if (m == frame_members.end()) continue;
          ++found;
          if (m->second != 3) {
            Fail(frames_check, "images/: frame " + doc + "/" + std::to_string(i) + " lacks its " + (m->second == 1 ? ".json" : ".png"));
          }
        }
        if (found != indices.size()) {
          Fail(frames_check, "images/: " + std::to_string(found) + " of the " + std::to_string(indices.size()) +
                                 " sampled frames of " + doc + " are in the shards");
        }
      }
      for (const auto& [key, members] : frame_members) {
        if (frames_of.count(key.first) && !frames_of[key.first].count(key.second)) {
          Fail(frames_check, "images/: frame " + std::to_string(key.second) + " of " + key.first + " is not one its record sampled");
        }
      }
      expect("video_frames", mc.value("video_frames", Json()), static_cast<int64_t>(frame_members.size()));
      frames_check.note = std::to_string(frame_members.size()) + " frames of " + std::to_string(frames_of.size()) +
                          " videos (records: " + std::to_string(want_frames) + ")";
    }
  }

  if (o.reproduce > 0) {
    if (!o.store_dir) {
      Fail(reproduce, "--reproduce needs --store DIR (the store the release was made from)");
    } else {
      try {
        Reproduce(o, sample, reproduce);
      } catch (const std::exception& e) {
        Fail(reproduce, std::string("cannot re-process: ") + e.what());
      }
    }
  } else {
    reproduce.skipped = true;
    reproduce.note = "not asked (--reproduce N)";
  }
  if (!loaded.ok()) Fail(schema, "the export schema does not load: " + loaded.error().message);
  return report;
}

}  // namespace assay
