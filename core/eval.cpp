#include "core/eval.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/store_views.h"
#include "core/table_eval.h"
#include "core/text_metrics.h"
#include "core/whitespace.h"

namespace assay {
namespace {

namespace fs = std::filesystem;

const char* const kCategories[] = {"text", "title", "list", "table", "figure"};

std::optional<std::string> ReadFileIfPresent(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// manifest.csv: sha256 -> stem of the file in its first column.
std::map<std::string, std::string> ManifestStems(const fs::path& dir) {
  std::map<std::string, std::string> out;
  auto text = ReadFileIfPresent(dir / "manifest.csv");
  if (!text) return out;
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::istringstream h(line);
    for (std::string f; std::getline(h, f, ',');) header.push_back(f);
  }
  const auto col = std::find(header.begin(), header.end(), "sha256") - header.begin();
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream l(line);
    for (std::string x; std::getline(l, x, ',');) f.push_back(x);
    if (f.size() > static_cast<size_t>(col) && !f.empty()) {
      out[f[col]] = fs::path(f[0]).stem().string();
    }
  }
  return out;
}

struct Region {
  std::string category;
  Box box;
  int order = -1;
};

struct Counts {
  int tp = 0, fp = 0, fn = 0;
};

Json Prf(const Counts& c) {
  const double p = c.tp + c.fp > 0 ? double(c.tp) / (c.tp + c.fp) : 0;
  const double r = c.tp + c.fn > 0 ? double(c.tp) / (c.tp + c.fn) : 0;
  const double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
  return {{"precision", p}, {"recall", r}, {"f1", f}, {"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}};
}

// Greedy one-to-one matching by IoU, best pairs first: pairs (gt index, predicted index).
std::vector<std::pair<size_t, size_t>> MatchRegions(const std::vector<Region>& gt,
                                                    const std::vector<Region>& pred,
                                                    bool same_category) {
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t g = 0; g < gt.size(); ++g)
    for (size_t p = 0; p < pred.size(); ++p) {
      if (same_category && gt[g].category != pred[p].category) continue;
      const double iou = BoxIou(gt[g].box, pred[p].box);
      if (iou >= 0.5) pairs.push_back({-iou, g, p});
    }
  std::sort(pairs.begin(), pairs.end());
  std::vector<bool> gu(gt.size()), pu(pred.size());
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& [neg, g, p] : pairs) {
    if (gu[g] || pu[p]) continue;
    gu[g] = pu[p] = true;
    out.push_back({g, p});
  }
  return out;
}

bool SameHeading(const std::string& block, const std::string& truth) {
  const std::string b = NormalizeWhitespace(block), t = NormalizeWhitespace(truth);
  return b == t || (b.size() > t.size() && b.ends_with(" " + t) &&
                    std::isdigit(static_cast<unsigned char>(b[0])));
}

}  // namespace

std::string LayoutCategory(const std::string& t) {
  if (t == "paragraph" || t == "caption" || t == "footnote") return "text";
  if (t == "title" || t == "heading") return "title";
  if (t == "list" || t == "table" || t == "figure") return t;
  return "";
}

double BoxIou(const Box& a, const Box& b) {
  if (a.empty() || b.empty()) return 0;
  const double w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const double h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const double inter = w * h;
  const double uni = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return inter / uni;
}

double WordErrorRate(const std::string& hypothesis, const std::string& reference) {
  return TokenErrorRate(WhitespaceWords(hypothesis), WhitespaceWords(reference));
}

std::string SortedWords(const std::string& text) {
  std::vector<std::string> w = WhitespaceWords(text);
  std::sort(w.begin(), w.end());
  std::string out;
  for (const std::string& x : w) out += (out.empty() ? "" : " ") + x;
  return out;
}

Result<Json> EvaluateStore(Store& store, const std::string& gt_dir) {
  std::error_code ec;
  if (!fs::is_directory(fs::path(gt_dir), ec)) return Error{"usage", "not a folder: " + gt_dir};
  Statement q(store.db().handle(),
              "SELECT doc_id FROM documents WHERE outcome IS NOT NULL ORDER BY doc_id");
  std::vector<Json> records;
  while (q.Step()) records.push_back(ExportRecord(store, q.Text(0), true));
  return EvaluateRecords(records, gt_dir);
}

Result<Json> EvaluateRecords(const std::vector<Json>& records, const std::string& gt_dir) {
  const fs::path dir(gt_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{"usage", "not a folder: " + gt_dir};
  const std::map<std::string, std::string> by_sha = ManifestStems(dir);
  std::vector<Json> table_scores;

  std::map<std::string, Counts> regions;
  int order_pairs = 0, order_right = 0, heading_truth = 0, heading_found = 0, heading_blocks = 0,
      heading_blocks_right = 0, level_right = 0;
  double cer_sum = 0, cer_free_sum = 0, wer_sum = 0, wer_free_sum = 0;
  int text_docs = 0;
  Json docs = Json::array();
  for (const Json& rec : records) {
    const std::string id = rec.value("doc_id", "");
    const std::string path = rec["source"].value("path", "");
    const Json& sha = rec["source"]["sha256"];
    std::string stem = fs::path(path).stem().string();
    std::string matched_by = "stem";
    if (sha.is_string() && by_sha.count(sha.get<std::string>()) > 0) {
      stem = by_sha.at(sha.get<std::string>());
      matched_by = "sha256";
    }
    const auto truth_text = ReadFileIfPresent(dir / (stem + ".gt.txt"));
    const auto truth_layout = ReadFileIfPresent(dir / (stem + ".layout.json"));
    std::optional<Json> tables = ScoreTables(rec, dir, stem);
    if (!truth_text && !truth_layout && !tables) continue;
    Json d = {{"doc_id", id}, {"path", path}, {"ground_truth", stem}, {"matched_by", matched_by}};
    if (tables) {
      d["tables"] = *tables;
      table_scores.push_back(std::move(*tables));
    }

    if (truth_text) {
      const std::string hyp = NormalizeWhitespace(rec.value("text", ""));
      const std::string ref = NormalizeWhitespace(*truth_text);
      const double cer = CharacterErrorRate(hyp, ref);
      const double cer_free = CharacterErrorRate(SortedWords(hyp), SortedWords(ref));
      const double wer = WordErrorRate(hyp, ref);
      const double wer_free = WordErrorRate(SortedWords(hyp), SortedWords(ref));
      d["text"] = {
          {"cer", cer}, {"cer_order_free", cer_free}, {"wer", wer}, {"wer_order_free", wer_free}};
      cer_sum += cer;
      cer_free_sum += cer_free;
      wer_sum += wer;
      wer_free_sum += wer_free;
      ++text_docs;
    }
    if (truth_layout) {
      Json gt = Json::parse(*truth_layout, nullptr, false);
      if (gt.is_discarded())
        return Error{"usage", "not JSON: " + (dir / (stem + ".layout.json")).string()};
      Json gt_pages =
          gt.contains("pages")
              ? gt["pages"]
              : Json::array({{{"page", 1}, {"regions", gt.value("regions", Json::array())}}});
      std::map<std::string, Counts> doc_regions;
      for (const Json& gp : gt_pages) {
        const int number = gp.value("page", 1);
        std::vector<Region> truth, pred;
        for (const Json& r : gp.value("regions", Json::array())) {
          const auto& b = r["bbox_xywh"];
          truth.push_back(
              {r.value("category", ""),
               Box{b[0].get<double>(), b[1].get<double>(), b[0].get<double>() + b[2].get<double>(),
                   b[1].get<double>() + b[3].get<double>()},
               r.value("order", -1)});
        }
        std::vector<std::string> pred_text, pred_type;
        std::vector<int> pred_level;
        for (const Json& p : rec["pages"]) {
          if (p.value("page", 0) != number) continue;
          for (const Json& b : p["blocks"]) {
            const std::string cat = LayoutCategory(b.value("type", ""));
            if (cat.empty()) continue;
            const auto& x = b["bbox"];
            pred.push_back({cat, Box{x[0], x[1], x[2], x[3]}, static_cast<int>(pred.size())});
            pred_text.push_back(b.value("text", ""));
            pred_type.push_back(b.value("type", ""));
            pred_level.push_back(b.value("level", 0));
          }
        }
        // Regions by category.
        const auto matched = MatchRegions(truth, pred, true);
        std::vector<bool> gm(truth.size()), pm(pred.size());
        for (const auto& [g, p] : matched) {
          gm[g] = pm[p] = true;
          ++doc_regions[truth[g].category].tp;
        }
        for (size_t g = 0; g < truth.size(); ++g)
          if (!gm[g]) ++doc_regions[truth[g].category].fn;
        for (size_t p = 0; p < pred.size(); ++p)
          if (!pm[p]) ++doc_regions[pred[p].category].fp;
        // Reading order: consecutive ordered regions, matched whatever their category.
        std::vector<std::pair<int, size_t>> ordered;  // (gt order, pred index)
        for (const auto& [g, p] : MatchRegions(truth, pred, false))
          if (truth[g].order >= 0) ordered.push_back({truth[g].order, p});
        std::sort(ordered.begin(), ordered.end());
        for (size_t i = 1; i < ordered.size(); ++i) {
          ++order_pairs;
          order_right += ordered[i - 1].second < ordered[i].second ? 1 : 0;
        }
        for (size_t p = 0; p < pred.size(); ++p)
          if (pred_type[p] == "heading" || pred_type[p] == "title") ++heading_blocks;
        // Heading blocks that read a ground-truth heading of this page's document.
        if (gt.contains("headings")) {
          for (size_t p = 0; p < pred.size(); ++p) {
            if (pred_type[p] != "heading" && pred_type[p] != "title") continue;
            for (const Json& h : gt["headings"])
              if (SameHeading(pred_text[p], h.value("text", ""))) {
                ++heading_blocks_right;
                break;
              }
          }
        }
      }
      // Headings of the document found as heading blocks, with their level.
      if (gt.contains("headings")) {
        for (const Json& h : gt["headings"]) {
          ++heading_truth;
          bool found = false, level_ok = false;
          for (const Json& p : rec["pages"])
            for (const Json& b : p["blocks"]) {
              const std::string t = b.value("type", "");
              if ((t == "heading" || t == "title") &&
                  SameHeading(b.value("text", ""), h.value("text", ""))) {
                found = true;
                const int want = h.value("level", 0);
                level_ok = level_ok || (want == 0 ? t == "title" : b.value("level", 0) == want);
              }
            }
          heading_found += found;
          level_right += level_ok;
        }
      }
      Json dr = Json::object();
      for (const char* c : kCategories) {
        if (doc_regions.count(c)) {
          dr[c] = Prf(doc_regions[c]);
          regions[c].tp += doc_regions[c].tp;
          regions[c].fp += doc_regions[c].fp;
          regions[c].fn += doc_regions[c].fn;
        }
      }
      d["regions"] = std::move(dr);
    }
    docs.push_back(std::move(d));
  }
  Json summary = {{"documents", docs.size()}};
  if (text_docs > 0) {
    summary["text"] = {{"documents", text_docs},
                       {"cer", cer_sum / text_docs},
                       {"cer_order_free", cer_free_sum / text_docs},
                       {"wer", wer_sum / text_docs},
                       {"wer_order_free", wer_free_sum / text_docs}};
  }
  Json sr = Json::object();
  for (const char* c : kCategories)
    if (regions.count(c)) sr[c] = Prf(regions[c]);
  summary["regions"] = std::move(sr);
  if (order_pairs > 0) {
    summary["reading_order"] = {{"pairs", order_pairs},
                                {"correct", double(order_right) / order_pairs}};
  }
  if (heading_truth > 0) {
    summary["headings"] = {
        {"truth", heading_truth},
        {"recall", double(heading_found) / heading_truth},
        {"precision", heading_blocks > 0 ? double(heading_blocks_right) / heading_blocks : 0.0},
        {"level_accuracy", heading_found > 0 ? double(level_right) / heading_found : 0.0}};
  }
  if (!table_scores.empty()) summary["tables"] = SummarizeTables(table_scores);
  return Json{{"summary", std::move(summary)}, {"documents", std::move(docs)}};
}

}  // namespace assay
