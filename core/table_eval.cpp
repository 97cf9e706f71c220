#include "core/table_eval.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <tuple>

#include "core/eval.h"
#include "core/text_metrics.h"

namespace assay {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TruthTable {
  int page = 0;
  std::vector<TextGrid> variants;
};

struct Region {
  int page = 0;
  Box box;  // origin bottom-left until converted
};

// ICDAR 2013 region truth: <region page='p'> ... <bounding-box x1 y1 x2 y2/>, the four
// attributes in any order (some files write x1 x2 y1 y2).
std::vector<Region> ReadRegions(const std::string& xml) {
  std::vector<Region> out;
  static const std::regex kRegion(R"(<region[^>]*page=['"](\d+)['"][^>]*>)");
  static const std::regex kBox(R"(<bounding-box([^>]*)>)");
  static const std::regex kCoord(R"(\b([xy][12])\s*=\s*['"]([-\d.]+)['"])");
  auto it = std::sregex_iterator(xml.begin(), xml.end(), kRegion);
  for (; it != std::sregex_iterator(); ++it) {
    const size_t from = static_cast<size_t>(it->position() + it->length());
    const size_t end = xml.find("</region>", from);
    const std::string body = xml.substr(from, end == std::string::npos ? std::string::npos : end - from);
    std::smatch m;
    if (!std::regex_search(body, m, kBox)) continue;
    const std::string attrs = m[1];
    std::map<std::string, double> v;
    for (auto c = std::sregex_iterator(attrs.begin(), attrs.end(), kCoord);
         c != std::sregex_iterator(); ++c)
      v[(*c)[1]] = std::stod((*c)[2]);
    if (v.size() != 4) continue;
    out.push_back(Region{std::stoi((*it)[1]), Box{v["x1"], v["y1"], v["x2"], v["y2"]}});
  }
  return out;
}

TextGrid RecordGrid(const Json& t) {
  TextGrid g;
  for (const Json& r : t.value("rows", Json::array())) {
    std::vector<std::string> row;
    for (const Json& c : r) row.push_back(c.is_string() ? c.get<std::string>() : "");
    g.push_back(std::move(row));
  }
  return g;
}

std::pair<int, int> Shape(const TextGrid& g) {
  size_t w = 0;
  for (const auto& r : g) w = std::max(w, r.size());
  return {static_cast<int>(g.size()), static_cast<int>(w)};
}

Json Prf(int tp, int n_pred, int n_truth) {
  const double p = n_pred > 0 ? double(tp) / n_pred : 0;
  const double r = n_truth > 0 ? double(tp) / n_truth : 0;
  return {{"precision", p}, {"recall", r}, {"f1", p + r > 0 ? 2 * p * r / (p + r) : 0.0}};
}

}  // namespace

TextGrid ParseCsvGrid(const std::string& text) {
  TextGrid rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

// A cell's text for comparison: whitespace runs as one space, a no-break space (U+00A0, as
// some tools write between words) counting as whitespace.
std::string NormalizeCellText(const std::string& text) {
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\xc2' && i + 1 < text.size() && text[i + 1] == '\xa0') {
      plain.push_back(' ');
      ++i;
    } else {
      plain.push_back(text[i]);
    }
  }
  return NormalizeWhitespace(plain);
}

}  // namespace

std::vector<std::string> CellTexts(const TextGrid& grid) {
  std::vector<std::string> out;
  for (const auto& r : grid)
    for (const std::string& c : r) {
      std::string t = NormalizeCellText(c);
      if (!t.empty()) out.push_back(std::move(t));
    }
  return out;
}

std::vector<std::string> AdjacencyRelations(const TextGrid& grid) {
  std::vector<std::string> out;
  const auto [rows, cols] = Shape(grid);
  auto at = [&](int r, int c) {
    return c < static_cast<int>(grid[r].size()) ? NormalizeCellText(grid[r][c]) : std::string();
  };
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const std::string a = at(r, c);
      if (a.empty()) continue;
      for (int k = c + 1; k < cols; ++k) {
        const std::string b = at(r, k);
        if (b.empty()) continue;
        out.push_back(a + "\x1f" + b + "\x1fH");
        break;
      }
      for (int k = r + 1; k < rows; ++k) {
        const std::string b = at(k, c);
        if (b.empty()) continue;
        out.push_back(a + "\x1f" + b + "\x1fV");
        break;
      }
    }
  return out;
}

double MultisetF1(std::vector<std::string> a, std::vector<std::string> b, int* tp) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::string> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  if (tp != nullptr) *tp = static_cast<int>(common.size());
  if (a.empty() || b.empty()) return 0;
  const double p = double(common.size()) / a.size(), r = double(common.size()) / b.size();
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

std::optional<Json> ScoreTables(const Json& record, const fs::path& dir, const std::string& stem) {
  // The truth tables: <stem>.page-<p>.table-<n>[.<variant>].csv, variants grouped by (p, n);
  // a single-page source (a table image) may leave the page out: <stem>.table-<n>[...].csv.
  std::map<std::pair<int, int>, TruthTable> truth_by_key;
  const std::regex kName("(?:page-(\\d+)\\.)?table-(\\d+)(\\..*)?\\.csv");
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(stem + ".page-", 0) == 0 || name.rfind(stem + ".table-", 0) == 0)
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    const std::string rest = f.filename().string().substr(stem.size() + 1);
    std::smatch m;
    if (!std::regex_match(rest, m, kName)) continue;
    const int page = m[1].matched ? std::stoi(m[1]) : 1;
    TruthTable& t = truth_by_key[{page, std::stoi(m[2])}];
    t.page = page;
    t.variants.push_back(ParseCsvGrid(ReadAll(f)));
  }
  const fs::path reg = dir / (stem + "-reg.xml");
  const bool exhaustive = fs::exists(reg, ec);
  if (truth_by_key.empty() && !exhaustive) return std::nullopt;
  std::vector<TruthTable> truth;
  for (auto& [k, t] : truth_by_key) truth.push_back(std::move(t));

  const Json predicted = record.value("tables", Json::array());
  std::map<int, double> page_height;
  for (const Json& p : record.value("pages", Json::array()))
    page_height[p.value("page", 0)] = p.value("height", 0.0);

  // Match truth tables to predictions on their page by best cell-text F1 (over variants).
  std::vector<std::tuple<double, size_t, size_t, size_t>> pairs;  // (-f1, truth, pred, variant)
  std::vector<TextGrid> pred_grids;
  for (const Json& p : predicted) pred_grids.push_back(RecordGrid(p));
  for (size_t g = 0; g < truth.size(); ++g)
    for (size_t p = 0; p < predicted.size(); ++p) {
      if (predicted[p].value("page", 0) != truth[g].page) continue;
      for (size_t v = 0; v < truth[g].variants.size(); ++v) {
        const double f = MultisetF1(CellTexts(pred_grids[p]), CellTexts(truth[g].variants[v]));
        if (f > 0) pairs.push_back({-f, g, p, v});
      }
    }
  std::sort(pairs.begin(), pairs.end());
  std::vector<int> match(truth.size(), -1), variant(truth.size(), 0);
  std::vector<bool> used(predicted.size());
  for (const auto& [neg, g, p, v] : pairs) {
    if (match[g] >= 0 || used[p]) continue;
    match[g] = static_cast<int>(p);
    variant[g] = static_cast<int>(v);
    used[p] = true;
  }

  Json tables = Json::array();
  std::vector<std::string> truth_rel, pred_rel;
  int text_tp = 0, text_pred = 0, text_truth = 0, shape_ok = 0;
  double text_f1_sum = 0;
  for (size_t g = 0; g < truth.size(); ++g) {
    const TextGrid& t = truth[g].variants[variant[g]];
    const std::vector<std::string> rel = AdjacencyRelations(t);
    truth_rel.insert(truth_rel.end(), rel.begin(), rel.end());
    text_truth += static_cast<int>(CellTexts(t).size());
    Json tj = {{"page", truth[g].page}, {"truth_shape", {Shape(t).first, Shape(t).second}}};
    if (match[g] < 0) {
      tj["matched"] = false;
      tj["cell_text_f1"] = 0.0;
      tables.push_back(std::move(tj));
      continue;
    }
    const TextGrid& p = pred_grids[match[g]];
    int tp = 0;
    const double f = MultisetF1(CellTexts(p), CellTexts(t), &tp);
    text_tp += tp;
    text_pred += static_cast<int>(CellTexts(p).size());
    text_f1_sum += f;
    const bool same_shape = Shape(p) == Shape(t);
    shape_ok += same_shape ? 1 : 0;
    tj["matched"] = true;
    tj["cell_text_f1"] = f;
    tj["shape"] = {Shape(p).first, Shape(p).second};
    tables.push_back(std::move(tj));
  }
  // Relations of the predictions: every table when the truth is exhaustive (ICDAR regions),
  // else only the tables matched to a truth table (the truth covers only some tables).
  for (size_t p = 0; p < predicted.size(); ++p) {
    if (!exhaustive && !used[p]) continue;
    const std::vector<std::string> rel = AdjacencyRelations(pred_grids[p]);
    pred_rel.insert(pred_rel.end(), rel.begin(), rel.end());
  }
  int rel_tp = 0;
  MultisetF1(pred_rel, truth_rel, &rel_tp);

  Json counts = {{"truth_tables", truth.size()},
                 {"matched_tables", std::count(used.begin(), used.end(), true)},
                 {"shape_ok", shape_ok},
                 {"cell_text_f1_sum", text_f1_sum},
                 {"text_tp", text_tp},
                 {"text_pred", text_pred},
                 {"text_truth", text_truth},
                 {"rel_tp", rel_tp},
                 {"rel_pred", pred_rel.size()},
                 {"rel_truth", truth_rel.size()}};
  Json out = {{"tables", std::move(tables)}};
  out["adjacency"] = Prf(rel_tp, static_cast<int>(pred_rel.size()), static_cast<int>(truth_rel.size()));
  out["cell_text"] = Prf(text_tp, text_pred, text_truth);
  if (exhaustive) {
    // Detection: predicted boxes against the truth regions, per page, at IoU >= 0.5.
    std::vector<Region> regions = ReadRegions(ReadAll(reg));
    int tp = 0;
    std::vector<bool> taken(predicted.size());
    for (const Region& r : regions) {
      const double h = page_height.count(r.page) ? page_height[r.page] : 0;
      const Box truth_box{r.box.x0, h - r.box.y1, r.box.x1, h - r.box.y0};
      double best = 0;
      int best_p = -1;
      for (size_t p = 0; p < predicted.size(); ++p) {
        if (taken[p] || predicted[p].value("page", 0) != r.page) continue;
        const Json& b = predicted[p]["bbox"];
        const double iou = BoxIou(truth_box, Box{b[0], b[1], b[2], b[3]});
        if (iou > best) best = iou, best_p = static_cast<int>(p);
      }
      if (best >= 0.5) {
        taken[best_p] = true;
        ++tp;
      }
    }
    out["detection"] = Prf(tp, static_cast<int>(predicted.size()), static_cast<int>(regions.size()));
    counts["det_tp"] = tp;
    counts["det_pred"] = predicted.size();
    counts["det_truth"] = regions.size();
  }
  out["counts"] = std::move(counts);
  return out;
}

Json SummarizeTables(const std::vector<Json>& scored) {
  int docs = 0, det_docs = 0;
  double adj_macro = 0, det_macro = 0;
  std::map<std::string, double> sum;
  for (const Json& s : scored) {
    ++docs;
    adj_macro += s["adjacency"]["f1"].get<double>();
    for (const auto& [k, v] : s["counts"].items()) sum[k] += v.get<double>();
    if (s.contains("detection")) {
      ++det_docs;
      det_macro += s["detection"]["f1"].get<double>();
    }
  }
  Json out = {{"documents", docs}};
  if (docs == 0) return out;
  const auto n = [&](const char* k) { return static_cast<int>(sum[k]); };
  out["adjacency_macro_f1"] = adj_macro / docs;
  out["adjacency_micro"] = Prf(n("rel_tp"), n("rel_pred"), n("rel_truth"));
  out["cell_text_f1"] = sum["truth_tables"] > 0 ? sum["cell_text_f1_sum"] / sum["truth_tables"] : 0.0;
  out["cell_text_micro"] = Prf(n("text_tp"), n("text_pred"), n("text_truth"));
  out["grid_shape_accuracy"] = sum["truth_tables"] > 0 ? sum["shape_ok"] / sum["truth_tables"] : 0.0;
  out["truth_tables"] = n("truth_tables");
  out["matched_tables"] = n("matched_tables");
  if (det_docs > 0) {
    out["detection"] = Prf(n("det_tp"), n("det_pred"), n("det_truth"));
    out["detection"]["macro_f1"] = det_macro / det_docs;
  }
  return out;
}

}  // namespace assay
