#include "core/feedback.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/bounded_text.h"
#include "core/clock.h"
#include "core/path_text.h"
#include "core/queue.h"
#include "core/sha256.h"
#include "core/store_views.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

// One result line, whatever the file's format: field name -> value (JSON, so a JSONL line
// keeps its types; a CSV cell is a string).
using Fields = std::map<std::string, Json>;

// Splits CSV text (RFC 4180: quoted fields, "" inside quotes, line ends inside quotes) into
// records, each with the line number it starts on.
std::vector<std::pair<int, std::vector<std::string>>> ParseCsv(const std::string& text) {
  std::vector<std::pair<int, std::vector<std::string>>> records;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, start = 1;
  auto end_record = [&] {
    fields.push_back(std::move(field));
    field.clear();
    if (any || fields.size() > 1 || !fields[0].empty()) records.emplace_back(start, fields);
    fields.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      end_record();
      start = ++line;
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !fields.empty() || any) end_record();
  return records;
}

std::optional<bool> ParseFlag(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) {
    return v.get<int64_t>() == 1;
  }
  if (!v.is_string()) return std::nullopt;
  std::string s = v.get<std::string>();
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "" || s == "false" || s == "0" || s == "no") return false;
  if (s == "true" || s == "1" || s == "yes") return true;
  return std::nullopt;
}

std::optional<double> ParseScore(const Json& v) {
  double d = 0;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    const std::string s = v.get<std::string>();
    // Plain decimal numbers only: no hex, inf or nan spelled out.
    if (s.empty() || s.find_first_not_of("0123456789+-.eE") != std::string::npos) {
      return std::nullopt;
    }
    size_t used = 0;
    try {
      d = std::stod(s, &used);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (used != s.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

// The doc_id a release key names, through the releases tables when the store has them.
Result<std::string> DocOfReleaseKey(Store& store, const std::string& release,
                                    const std::string& key) {
  // A release's key is the WebDataset key of its items: the document's doc_id
  // (docs/releases.md). Resolving it through release_items also proves the document is in
  // that release, so feedback cannot be pinned on a release that never held it.
  Statement r(store.db().handle(), "SELECT 1 FROM releases WHERE name=?");
  r.Bind(1, release);
  if (!r.Step()) return Error{"feedback", "unknown release " + release};
  Statement q(store.db().handle(),
              "SELECT doc_id FROM release_items WHERE release_name=? AND doc_id=?");
  q.Bind(1, release).Bind(2, key);
  if (q.Step()) return q.Text(0);
  return Error{"feedback", "release " + release + " has no key " + key};
}

struct Row {
  int line = 0;
  std::string doc_id;
  std::optional<std::string> release, key, note;
  double score = 0;
  bool flagged = false;
};

// Checks one line's fields; returns the row or why it is not imported.
Result<Row> ToRow(Store& store, const Fields& f, int line) {
  for (const auto& [name, value] : f) {
    if (name != "doc_id" && name != "release" && name != "key" && name != "score" &&
        name != "flagged" && name != "note") {
      return Error{"feedback", "unknown field \"" + Utf8Safe(name.substr(0, 64)) +
                                   "\" (doc_id or release+key, score, flagged, note)"};
    }
  }
  Row row;
  row.line = line;
  auto text = [&](const char* name) -> std::optional<std::string> {
    auto it = f.find(name);
    if (it == f.end() || it->second.is_null()) return std::nullopt;
    if (it->second.is_string()) return it->second.get<std::string>();
    return it->second.dump();
  };
  const auto doc = text("doc_id");
  row.release = text("release");
  row.key = text("key");
  if (doc && !doc->empty()) {
    Statement q(store.db().handle(), "SELECT 1 FROM documents WHERE doc_id=?");
    q.Bind(1, *doc);
    if (!q.Step()) return Error{"feedback", "unknown doc_id " + Utf8Safe(doc->substr(0, 64))};
    row.doc_id = *doc;
  } else if (row.release && row.key && !row.release->empty() && !row.key->empty()) {
    auto resolved = DocOfReleaseKey(store, *row.release, *row.key);
    if (!resolved.ok()) return resolved.error();
    row.doc_id = resolved.value();
  } else {
    return Error{"feedback", "needs a doc_id, or a release and a key"};
  }
  auto score = f.find("score");
  if (score == f.end()) return Error{"feedback", "no score"};
  auto s = ParseScore(score->second);
  if (!s)
    return Error{"feedback",
                 "score is not a finite number: " + Utf8Safe(score->second.dump().substr(0, 64))};
  row.score = *s;
  if (auto flag = f.find("flagged"); flag != f.end()) {
    auto b = ParseFlag(flag->second);
    if (!b) return Error{"feedback", "flagged is not true/false, 1/0 or yes/no"};
    row.flagged = *b;
  }
  row.note = text("note");
  if (row.note) row.note = BoundedText(*row.note);
  return row;
}

}  // namespace

Json FeedbackImport::ToJson() const {
  return {{"file", file},
          {"sha256", sha256},
          {"format", format},
          {"already_imported", already_imported},
          {"lines", lines},
          {"imported", imported},
          {"flagged", flagged},
          {"queue_opened", queue_opened},
          {"queue_updated", queue_updated},
          {"problems", problems}};
}

Result<FeedbackImport> ImportFeedback(Store& store, const fs::path& file,
                                      const std::string& actor) {
  FeedbackImport out;
  out.file = PathToText(file.string());
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in || !fs::is_regular_file(file)) return Error{"usage", "cannot read " + out.file};
  const std::string text = buffer.str();
  out.sha256 = Sha256Hex(text);
  const std::string ext = file.extension().string();
  const size_t first = text.find_first_not_of(" \t\r\n");
  out.format = ext == ".jsonl" || ext == ".json" ||
                       (ext != ".csv" && first != std::string::npos && text[first] == '{')
                   ? "jsonl"
                   : "csv";

  // Every line as fields, or the problem that keeps it out.
  std::vector<std::pair<int, Fields>> lines;
  const std::string name = PathToText(file.filename().string());
  auto problem = [&](int line, const std::string& why) {
    out.problems.push_back(name + ":" + std::to_string(line) + ": " + why);
  };
  if (out.format == "jsonl") {
    std::istringstream ls(text);
    std::string line;
    for (int n = 1; std::getline(ls, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++out.lines;
      const Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) {
        problem(n, "not a JSON object");
        continue;
      }
      Fields f;
      for (const auto& [k, v] : j.items()) f[k] = v;
      lines.emplace_back(n, std::move(f));
    }
  } else {
    auto records = ParseCsv(text);
    if (records.empty()) return Error{"usage", out.file + ": empty CSV (a header row is needed)"};
    const std::vector<std::string> header = records.front().second;
    for (size_t r = 1; r < records.size(); ++r) {
      ++out.lines;
      const auto& [n, cells] = records[r];
      if (cells.size() != header.size()) {
        problem(n, std::to_string(cells.size()) + " fields, the header has " +
                       std::to_string(header.size()));
        continue;
      }
      Fields f;
      for (size_t c = 0; c < header.size(); ++c) {
        if (!cells[c].empty()) f[header[c]] = cells[c];
      }
      lines.emplace_back(n, std::move(f));
    }
  }

  Transaction tx(store.db());
  {
    Statement seen(store.db().handle(),
                   "SELECT 1 FROM model_feedback WHERE source_sha256=? LIMIT 1");
    seen.Bind(1, out.sha256);
    if (seen.Step()) {
      out.already_imported = true;
      out.problems.clear();
      return out;
    }
  }
  const std::string now = NowRfc3339();
  std::map<std::string, Json> flags;  // doc_id -> the reasons to queue, in line order
  for (const auto& [n, fields] : lines) {
    auto row = ToRow(store, fields, n);
    if (!row.ok()) {
      problem(n, row.error().message);
      continue;
    }
    const Row& r = row.value();
    Statement ins(store.db().handle(),
                  "INSERT INTO model_feedback(doc_id, release_name, item_key, score, flagged, "
                  "note, source_file, source_sha256, imported_at) VALUES(?,?,?,?,?,?,?,?,?)");
    ins.Bind(1, r.doc_id).Bind(2, r.release).Bind(3, r.key).Bind(4, r.score);
    ins.Bind(5, int64_t{r.flagged ? 1 : 0}).Bind(6, r.note).Bind(7, out.file);
    ins.Bind(8, out.sha256).Bind(9, now).Run();
    ++out.imported;
    if (!r.flagged) continue;
    ++out.flagged;
    Json reason = {{"rule", std::string(kModelEvaluationRule)},
                   {"reason", "model evaluation"},
                   {"score", r.score},
                   {"note", r.note ? Json(*r.note) : Json()},
                   {"source_file", out.file},
                   {"source_sha256", out.sha256},
                   {"feedback_id", store.db().LastInsertId()}};
    flags[r.doc_id].push_back(std::move(reason));
  }
  for (const auto& [doc_id, reasons] : flags) {
    Statement run(store.db().handle(), "SELECT run_id FROM documents WHERE doc_id=?");
    run.Bind(1, doc_id);
    if (!run.Step() || run.IsNull(0)) {
      out.problems.push_back(name + ": document " + doc_id.substr(0, 16) +
                             " is not decided yet: its feedback is stored, no queue item opened");
      continue;
    }
    const auto [item, opened] = RecordModelEvaluationFlag(
        store.db(), doc_id, reasons, run.Int(0), actor,
        "flagged by model evaluation (" + name + ", " + std::to_string(reasons.size()) +
            (reasons.size() == 1 ? " result)" : " results)"),
        now);
    (opened ? out.queue_opened : out.queue_updated) += 1;
  }
  tx.Commit();
  return out;
}

Result<Json> ListFeedback(Store& store, const std::optional<std::string>& doc, bool flagged_only) {
  std::string doc_id;
  if (doc) {
    std::string error;
    doc_id = ResolveDocId(store, *doc, &error);
    if (doc_id.empty()) return Error{"usage", error};
  }
  Statement q(store.db().handle(),
              "SELECT f.id, f.doc_id, d.path, f.release_name, f.item_key, f.score, f.flagged, "
              "f.note, f.source_file, f.source_sha256, f.imported_at FROM model_feedback f "
              "JOIN documents d ON d.doc_id = f.doc_id "
              "WHERE (?1 = '' OR f.doc_id = ?1) AND (?2 = 0 OR f.flagged = 1) "
              "ORDER BY f.imported_at DESC, f.id");
  q.Bind(1, doc_id).Bind(2, int64_t{flagged_only ? 1 : 0});
  Json rows = Json::array();
  while (q.Step()) {
    Json r = {{"id", q.Int(0)},           {"doc_id", q.Text(1)},
              {"path", q.Text(2)},        {"score", q.IsNull(5) ? Json() : Json(q.Real(5))},
              {"flagged", q.Int(6) != 0}, {"note", q.IsNull(7) ? Json() : Json(q.Text(7))},
              {"source_file", q.Text(8)}, {"source_sha256", q.Text(9)},
              {"imported_at", q.Text(10)}};
    if (!q.IsNull(3)) r["release"] = q.Text(3);
    if (!q.IsNull(4)) r["key"] = q.Text(4);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace assay
