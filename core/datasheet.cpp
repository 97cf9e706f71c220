#include "core/datasheet.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/annotation_store.h"
#include "core/release_layout.h"
#include "core/svg_plot.h"

namespace assay {
namespace {

using release_layout::Round4;

Json Counts(const std::map<std::string, int>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

std::string PageBucket(int pages) {
  if (pages <= 1) return pages == 1 ? "1" : "0";
  if (pages <= 5) return "2-5";
  if (pages <= 20) return "6-20";
  if (pages <= 100) return "21-100";
  return ">100";
}

// Summary and a 20-bin histogram of one metric's values.
Json Distribution(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto q = [&](double p) { return Round4(v[static_cast<size_t>(std::floor(p * (v.size() - 1)))]); };
  double sum = 0;
  for (double x : v) sum += x;
  const double lo = v.front(), hi = v.back();
  const int bins = lo == hi ? 1 : 20;
  const double width = lo == hi ? 1 : (hi - lo) / bins;
  std::vector<int> counts(bins, 0);
  for (double x : v) ++counts[std::min(bins - 1, static_cast<int>((x - lo) / width))];
  Json hist = Json::array();
  for (int i = 0; i < bins; ++i) {
    hist.push_back({{"lo", Round4(lo + width * i)}, {"hi", Round4(lo + width * (i + 1))}, {"count", counts[i]}});
  }
  return {{"n", v.size()}, {"min", Round4(lo)}, {"p05", q(0.05)}, {"p25", q(0.25)}, {"median", q(0.5)},
          {"p75", q(0.75)}, {"p95", q(0.95)}, {"max", Round4(hi)}, {"mean", Round4(sum / v.size())},
          {"histogram", hist}};
}

Json StoreSections(Store& store) {
  Json out = Json::object();
  {
    Json by = Json::object();
    int total = 0;
    Statement q(store.db().handle(), "SELECT COALESCE(outcome,'pending'), COUNT(*) FROM documents GROUP BY 1 ORDER BY 1");
    while (q.Step()) {
      by[q.Text(0)] = q.Int(1);
      total += static_cast<int>(q.Int(1));
    }
    out["store"] = {{"documents", total}, {"by_outcome", by}};
  }
  {
    Json rules = Json::array();
    Statement q(store.db().handle(),
                "SELECT c.modality, r.rule, group_concat(DISTINCT r.metric), r.severity, "
                "COUNT(DISTINCT r.doc_id), COUNT(DISTINCT CASE WHEN r.outcome='fail' THEN r.doc_id END), "
                "COUNT(DISTINCT CASE WHEN r.outcome='not_applicable' THEN r.doc_id END) "
                "FROM contract_results r JOIN contracts c ON c.sha256 = r.contract_sha256 "
                "GROUP BY c.modality, r.rule, r.severity ORDER BY c.modality, r.rule, r.severity");
    while (q.Step()) {
      const int64_t n = q.Int(4), fail = q.Int(5);
      rules.push_back({{"modality", q.Text(0)}, {"rule", q.Text(1)}, {"metric", q.Text(2)},
                       {"severity", q.Text(3)}, {"documents", n}, {"failed", fail},
                       {"not_applicable", q.Int(6)},
                       {"pass_rate", n == 0 ? Json() : Json(Round4(1.0 - static_cast<double>(fail) / n))}});
    }
    out["contract_rules"] = rules;
  }
  {
    Json by = Json::object();
    Statement q(store.db().handle(), "SELECT kind, state, COUNT(*) FROM queue_items GROUP BY 1, 2 ORDER BY 1, 2");
    while (q.Step()) by[q.Text(0) + " " + q.Text(1)] = q.Int(2);
    out["queue"] = by;
  }
  {
    Json types = Json::object();
    Statement q(store.db().handle(),
                "SELECT task_type, COUNT(*), SUM(state IN ('complete','adjudicated')), "
                "SUM(state='adjudication'), AVG(agreement), AVG(complexity) FROM annotation_tasks "
                "GROUP BY task_type ORDER BY task_type");
    while (q.Step()) {
      types[q.Text(0)] = {{"tasks", q.Int(1)}, {"decided", q.Int(2)}, {"in_adjudication", q.Int(3)},
                          {"mean_agreement", q.IsNull(4) ? Json() : Json(Round4(q.Real(4)))},
                          {"mean_complexity", q.IsNull(5) ? Json() : Json(Round4(q.Real(5)))}};
    }
    Json report = AgreementReport(store);
    out["annotation"] = {{"task_types", types}, {"agreement", report.value("task_types", report)}};
  }
  // Null when no evaluation has come back yet ("None recorded" in the Markdown).
  Statement q(store.db().handle(),
              "SELECT COUNT(*), COALESCE(SUM(flagged),0), COUNT(DISTINCT doc_id), AVG(score) "
              "FROM model_feedback");
  q.Step();
  if (q.Int(0) > 0) {
    out["model_feedback"] = {{"results", q.Int(0)}, {"flagged", q.Int(1)}, {"documents", q.Int(2)},
                             {"mean_score", q.IsNull(3) ? Json() : Json(Round4(q.Real(3)))}};
  } else {
    out["model_feedback"] = nullptr;
  }
  return out;
}

void Table(std::ostringstream& md, const std::string& key_header, const Json& counts) {
  md << "| " << key_header << " | documents |\n|---|---:|\n";
  for (const auto& [k, v] : counts.items()) md << "| " << (k.empty() ? "(none)" : k) << " | " << v.dump() << " |\n";
  md << "\n";
}

}  // namespace

void DatasheetBuilder::Add(const Json& record, const std::string& language,
                           const std::string& input_root, const Json& tags) {
  ++documents_;
  flagged_in_release_ += flagged_.count(record["doc_id"].get<std::string>()) > 0;
  if (record.value("waived", false)) ++waived_;
  ++modality_[record["modality"].get<std::string>()];
  ++language_[language];
  ++root_[input_root];
  const int pages = static_cast<int>(record["pages"].size());
  pages_ += pages;
  ++page_count_[PageBucket(pages)];
  if (tags.empty()) ++tag_["(none)"];
  for (const Json& t : tags) ++tag_[t.get<std::string>()];
  ++license_[record.value("license", Json()).is_string() ? record["license"].get<std::string>() : "(not given)"];
  if (record.contains("split")) ++split_[record["split"].get<std::string>()];
  for (const auto& [name, v] : record["metrics"].items()) metrics_[name].push_back(v.get<double>());
  if (record["contract"].is_object()) {
    for (const Json& w : record["contract"]["warnings"]) ++warnings_[w["rule"].get<std::string>()];
  }
}

void DatasheetBuilder::LoadFeedback(Store& store) {
  Statement q(store.db().handle(), "SELECT DISTINCT doc_id FROM model_feedback WHERE flagged <> 0");
  while (q.Step()) flagged_.insert(q.Text(0));
}

void DatasheetBuilder::Duplicate(const Json& entry) {
  ++excluded_[std::string("duplicate (") + entry["kind"].get<std::string>() + ")"];
  duplicates_.push_back(entry);
}

Json DatasheetBuilder::Build(Store& store, const Json& release) const {
  Json metrics = Json::object();
  for (const auto& [name, values] : metrics_) metrics[name] = Distribution(values);
  Json dups = duplicates_;
  std::sort(dups.begin(), dups.end(), [](const Json& a, const Json& b) { return a["doc_id"] < b["doc_id"]; });
  Json sheet = {
      {"datasheet_for", release["name"]},
      {"content_sha256", release["content_sha256"]},
      {"motivation",
       {{"purpose", "training data for document models, selected by quality contracts"},
        {"created_by", "assay release create (the people who ran it: see lineage.jsonl)"},
        {"funding", "not recorded by assay: add it here"}}},
      {"composition",
       {{"documents", documents_}, {"waived", waived_}, {"pages", pages_},
        {"by_modality", Counts(modality_)}, {"by_language", Counts(language_)},
        {"by_input_root", Counts(root_)}, {"by_page_count", Counts(page_count_)},
        {"by_tag", Counts(tag_)}, {"by_license", Counts(license_)}, {"by_split", Counts(split_)}}},
      {"metrics", metrics},
      {"collection",
       {{"processing_versions", release["processing_versions"]}, {"contracts", release["contracts"]},
        {"routing_sha256", release["routing_sha256"]}, {"software", release["software"]},
        {"schemas", release["schemas"]}}},
      {"preprocessing",
       {{"selection", release["selection"]}, {"excluded", Counts(excluded_)},
        {"contract_warnings_in_release", Counts(warnings_)}, {"duplicates", dups}}}};
  const Json store_sections = StoreSections(store);
  for (const auto& [k, v] : store_sections.items()) sheet[k] = v;
  if (sheet["model_feedback"].is_object()) {
    sheet["model_feedback"]["flagged_documents_in_release"] = flagged_in_release_;
  }
  sheet["uses"] = {{"intended", "training and evaluating document understanding models"},
                   {"validation", "assay release validate DIR (docs/releases.md)"}};
  sheet["known_limitations"] = Json::array({
      "Language is detected by CLD2 on each document's text; short or OCR-garbled texts show as 'un'.",
      "Near-duplicate texts are found by MinHash (5-word shingles, 128 hashes, 16 bands, estimated "
      "Jaccard >= 0.8): a pair below about 0.7 similarity is rarely compared, one at 0.8 is found with "
      "probability ~0.95.",
      "Texts under 8 words take no part in text deduplication.",
      "ocr.cer_estimate is an estimate where no ground truth was given (docs/cer_estimate.md).",
      "Waived documents failed a reject rule of their contract and were accepted by a reviewer.",
      "PDF page images are not in the image shards: rasters are not stored; only image documents' files are."});
  return sheet;
}

std::string DatasheetMarkdown(const Json& s) {
  std::ostringstream md;
  const Json& c = s["composition"];
  md << "# Datasheet: " << s["datasheet_for"].get<std::string>() << "\n\n"
     << "Following \"Datasheets for Datasets\" (Gebru et al.) where it applies. Every figure is in "
        "`datasheet.json`.\n\ncontent_sha256: `"
     << s["content_sha256"].get<std::string>() << "`\n\n";
  md << "## Motivation\n\n";
  for (const auto& [k, v] : s["motivation"].items()) md << "- " << k << ": " << v.get<std::string>() << "\n";
  md << "\n## Composition\n\n" << c["documents"] << " documents (" << c["waived"] << " waived), "
     << c["pages"] << " pages.\n\n";
  Table(md, "modality", c["by_modality"]);
  Table(md, "language (CLD2)", c["by_language"]);
  Table(md, "input root", c["by_input_root"]);
  Table(md, "pages", c["by_page_count"]);
  Table(md, "tag", c["by_tag"]);
  Table(md, "licence", c["by_license"]);
  if (!c["by_split"].empty()) Table(md, "split", c["by_split"]);
  md << "## Metric distributions\n\n| metric | n | min | p05 | median | p95 | max | mean |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& [name, d] : s["metrics"].items()) {
    md << "| " << name << " | " << d["n"] << " | " << d["min"] << " | " << d["p05"] << " | "
       << d["median"] << " | " << d["p95"] << " | " << d["max"] << " | " << d["mean"] << " |\n";
  }
  md << "\n## Collection and processing\n\n";
  for (const auto& [pv, n] : s["collection"]["processing_versions"].items()) md << "- processing_version `" << pv << "`: " << n << " documents\n";
  for (const Json& k : s["collection"]["contracts"]) {
    md << "- contract " << k["modality"].get<std::string>() << " v" << k["version"] << " `" << k["sha256"].get<std::string>() << "`\n";
  }
  for (const Json& sw : s["collection"]["software"]) {
    md << "- assay " << sw["tool_version"].get<std::string>() << " (" << sw["git_commit"].get<std::string>() << "), libraries " << sw["libraries"].dump() << "\n";
  }
  md << "\n## Quality contracts (whole store)\n\n| modality | rule | metric | severity | documents | failed | pass rate |\n|---|---|---|---|---:|---:|---:|\n";
  for (const Json& r : s["contract_rules"]) {
    md << "| " << r["modality"].get<std::string>() << " | " << r["rule"].get<std::string>() << " | "
       << r["metric"].get<std::string>() << " | " << r["severity"].get<std::string>() << " | "
       << r["documents"] << " | " << r["failed"] << " | " << r["pass_rate"].dump() << " |\n";
  }
  md << "\n## Excluded, and why\n\n";
  Table(md, "reason", s["preprocessing"]["excluded"]);
  const Json& dups = s["preprocessing"]["duplicates"];
  md << dups.size() << " text duplicates left out (kept: not waived first, then most words, then smallest doc_id):\n\n";
  for (const Json& d : dups) {
    md << "- `" << d["doc_id"].get<std::string>() << "` " << d["kind"].get<std::string>() << " duplicate of `"
       << d["kept"].get<std::string>() << "` (estimated Jaccard " << d["estimated_jaccard"] << ")\n";
  }
  md << "\n## Remediation queue\n\n";
  Table(md, "kind and state", s["queue"]);
  md << "## Annotation\n\n| task type | tasks | decided | in adjudication | mean agreement | mean complexity |\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& [t, a] : s["annotation"]["task_types"].items()) {
    md << "| " << t << " | " << a["tasks"] << " | " << a["decided"] << " | " << a["in_adjudication"] << " | "
       << a["mean_agreement"].dump() << " | " << a["mean_complexity"].dump() << " |\n";
  }
  md << "\n## Model feedback\n\n";
  if (s["model_feedback"].is_null()) {
    md << "None recorded in this store.\n";
  } else {
    for (const auto& [k, v] : s["model_feedback"].items()) md << "- " << k << ": " << v.dump() << "\n";
  }
  md << "\n## Uses\n\n";
  for (const auto& [k, v] : s["uses"].items()) md << "- " << k << ": " << v.get<std::string>() << "\n";
  md << "\n## Known limitations\n\n";
  for (const Json& l : s["known_limitations"]) md << "- " << l.get<std::string>() << "\n";
  return md.str();
}

std::string DatasheetHtml(const Json& s) {
  std::ostringstream h;
  const Json& c = s["composition"];
  auto bars = [&](const std::string& title, const Json& counts) {
    std::vector<std::pair<std::string, int>> v;
    for (const auto& [k, n] : counts.items()) v.emplace_back(k, n.get<int>());
    h << svg::Bars(title, v);
  };
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Datasheet: "
    << svg::Escape(s["datasheet_for"].get<std::string>())
    << "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
       "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
       "svg{display:inline-block;margin:4px}</style></head><body>\n";
  h << "<h1>Datasheet: " << svg::Escape(s["datasheet_for"].get<std::string>()) << "</h1>\n<p>content_sha256 <code>"
    << s["content_sha256"].get<std::string>() << "</code>. Every figure is in datasheet.json.</p>\n";
  h << "<h2>Composition</h2>\n<p>" << c["documents"] << " documents (" << c["waived"] << " waived), " << c["pages"] << " pages.</p>\n";
  bars("modality", c["by_modality"]);
  bars("language (CLD2)", c["by_language"]);
  bars("input root", c["by_input_root"]);
  bars("pages per document", c["by_page_count"]);
  bars("tag", c["by_tag"]);
  bars("licence", c["by_license"]);
  if (!c["by_split"].empty()) bars("split", c["by_split"]);
  h << "<h2>Metric distributions</h2>\n";
  for (const auto& [name, d] : s["metrics"].items()) {
    std::vector<svg::Bin> bins;
    for (const Json& b : d["histogram"]) bins.push_back({b["lo"].get<double>(), b["hi"].get<double>(), b["count"].get<int>()});
    h << svg::Histogram(name + " (n=" + d["n"].dump() + ", median " + d["median"].dump() + ")", bins);
  }
  h << "<h2>Quality contracts (whole store)</h2>\n<table><tr><th>modality</th><th>rule</th><th>severity</th><th>documents</th><th>failed</th><th>pass rate</th></tr>\n";
  for (const Json& r : s["contract_rules"]) {
    h << "<tr><td>" << svg::Escape(r["modality"].get<std::string>()) << "</td><td>" << svg::Escape(r["rule"].get<std::string>())
      << "</td><td>" << r["severity"].get<std::string>() << "</td><td>" << r["documents"] << "</td><td>" << r["failed"]
      << "</td><td>" << r["pass_rate"].dump() << "</td></tr>\n";
  }
  h << "</table>\n<h2>Excluded, and why</h2>\n";
  bars("excluded documents by reason", s["preprocessing"]["excluded"]);
  h << "<p>" << s["preprocessing"]["duplicates"].size() << " text duplicates left out (listed in datasheet.md and duplicates.jsonl).</p>\n";
  h << "<h2>Remediation queue</h2>\n";
  bars("queue items by kind and state", s["queue"]);
  h << "<h2>Annotation</h2>\n<table><tr><th>task type</th><th>tasks</th><th>decided</th><th>mean agreement</th></tr>\n";
  for (const auto& [t, a] : s["annotation"]["task_types"].items()) {
    h << "<tr><td>" << svg::Escape(t) << "</td><td>" << a["tasks"] << "</td><td>" << a["decided"] << "</td><td>"
      << a["mean_agreement"].dump() << "</td></tr>\n";
  }
  h << "</table>\n<h2>Model feedback</h2>\n<p>"
    << (s["model_feedback"].is_null() ? std::string("None recorded in this store.") : svg::Escape(s["model_feedback"].dump()))
    << "</p>\n<h2>Known limitations</h2>\n<ul>\n";
  for (const Json& l : s["known_limitations"]) h << "<li>" << svg::Escape(l.get<std::string>()) << "</li>\n";
  h << "</ul>\n</body></html>\n";
  return h.str();
}

}  // namespace assay
