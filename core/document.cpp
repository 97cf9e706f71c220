#include "core/page_stage.h"
#include "core/document.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace assay {

void Box::Extend(const Box& o) {
  if (empty()) {
    *this = o;
    return;
  }
  x0 = std::min(x0, o.x0);
  y0 = std::min(y0, o.y0);
  x1 = std::max(x1, o.x1);
  y1 = std::max(y1, o.y1);
}

PixHandle WrapPix(Pix* pix) {
  return PixHandle(pix, [](Pix* p) { pixDestroy(&p); });
}

double RoundCoord(double v) {
  if (!std::isfinite(v)) return 0;  // JSON has no NaN or infinity
  return std::round(v * 100.0) / 100.0;
}

CanonicalJson BoxJson(const Box& b) {
  return CanonicalJson::array(
      {RoundCoord(b.x0), RoundCoord(b.y0), RoundCoord(b.x1), RoundCoord(b.y1)});
}

namespace {

template <typename T, typename F>
std::string Join(const std::vector<T>& items, const char* sep, F text_of) {
  std::string out;
  for (const auto& item : items) {
    std::string t = text_of(item);
    if (t.empty()) continue;
    if (!out.empty()) out += sep;
    out += t;
  }
  return out;
}

Box BoxFrom(const CanonicalJson& j) { return Box{j[0], j[1], j[2], j[3]}; }

}  // namespace

namespace {

void NormalizeBox(Box& b) {
  b.x0 = RoundCoord(b.x0);
  b.y0 = RoundCoord(b.y0);
  b.x1 = RoundCoord(b.x1);
  b.y1 = RoundCoord(b.y1);
}

}  // namespace

std::vector<std::vector<std::string>> PageTable::Rows() const {
  std::vector<std::vector<std::string>> rows(static_cast<size_t>(std::max(0, n_rows)),
                                             std::vector<std::string>(std::max(0, n_cols)));
  for (const TableCell& c : cells) {
    if (c.row >= 0 && c.row < n_rows && c.col >= 0 && c.col < n_cols) rows[c.row][c.col] = c.text;
  }
  return rows;
}

void Document::Normalize() {
  if (transcript) *transcript = Transcript::FromJson(transcript->ToJson());  // ms times
  for (Page& p : pages) {
    p.width = RoundCoord(p.width);
    p.height = RoundCoord(p.height);
    for (Figure& f : p.figures) NormalizeBox(f.bbox);
    for (Box& b : p.handwriting) NormalizeBox(b);
    for (PageTable& t : p.tables) {
      NormalizeBox(t.bbox);
      for (TableCell& c : t.cells) NormalizeBox(c.bbox);
    }
    for (Block& b : p.blocks) {
      NormalizeBox(b.bbox);
      for (Line& l : b.lines) {
        NormalizeBox(l.bbox);
        for (Word& w : l.words) {
          NormalizeBox(w.bbox);
          if (w.confidence >= 0) w.confidence = RoundCoord(w.confidence);
          w.font_size = RoundCoord(w.font_size);
        }
      }
    }
  }
}

std::string Line::Text() const {
  return Join(words, " ", [](const Word& w) { return w.text; });
}
std::string Block::Text() const {
  return Join(lines, "\n", [](const Line& l) { return l.Text(); });
}
std::string Page::Text() const {
  // Margin line numbers (layout's `line_number`) are not body text either.
  return Join(blocks, "\n\n", [](const Block& b) {
    return b.IsBody() && b.type != "line_number" ? b.Text() : "";
  });
}

bool StartsListItem(const std::string& line) {
  // Bullets: one character (ASCII or a few UTF-8 ones) then a space.
  for (const char* bullet : {"\u2022 ", "\u25e6 ", "\u25aa ", "\u2013 ", "\u00b7 ", "- ", "* "}) {
    if (line.rfind(bullet, 0) == 0) return true;
  }
  // Enumerators: "12." "3)" "(a)" "b)" "iv." then a space; at most 4 characters before it.
  size_t i = 0;
  const bool paren = !line.empty() && line[0] == '(';
  if (paren) ++i;
  const size_t start = i;
  bool digits = true, letters = true;
  while (i < line.size() && i - start < 4 && std::isalnum(static_cast<unsigned char>(line[i]))) {
    digits = digits && std::isdigit(static_cast<unsigned char>(line[i]));
    letters = letters && std::islower(static_cast<unsigned char>(line[i]));
    ++i;
  }
  if (i == start || i + 1 >= line.size()) return false;
  if (!digits && !(letters && i - start <= 3)) return false;
  const char close = line[i];
  if (paren ? close != ')' : (close != '.' && close != ')')) return false;
  // "1. " opens an item; "1.5 " (a section number) does not reach here: '5' is not a space.
  return line[i + 1] == ' ';
}

std::vector<std::string> Block::Items() const {
  std::vector<std::string> items;
  for (const Line& l : lines) {
    const std::string t = l.Text();
    if (t.empty()) continue;
    if (items.empty() || StartsListItem(t)) {
      items.push_back(t);
    } else {
      items.back() += " " + t;
    }
  }
  return items;
}
std::string Document::Text() const {
  if (transcript) return transcript->Text();
  return Join(pages, "\n\n", [](const Page& p) { return p.Text(); });
}

CanonicalJson PageContentJson(const Page& p) {
  CanonicalJson blocks_json = CanonicalJson::array();
  for (const Block& b : p.blocks) {
    CanonicalJson lines_json = CanonicalJson::array();
    for (const Line& l : b.lines) {
      CanonicalJson words_json = CanonicalJson::array();
      for (const Word& w : l.words) {
        CanonicalJson wj = {{"text", w.text}, {"bbox", BoxJson(w.bbox)}};
        if (w.confidence >= 0) wj["conf"] = RoundCoord(w.confidence);
        if (!w.font.empty()) wj["font"] = w.font;
        if (w.font_size > 0) wj["size"] = RoundCoord(w.font_size);
        if (w.rotation != 0) wj["rot"] = w.rotation;
        words_json.push_back(std::move(wj));
      }
      lines_json.push_back({{"bbox", BoxJson(l.bbox)}, {"words", std::move(words_json)}});
    }
    CanonicalJson bj = {{"type", b.type}, {"bbox", BoxJson(b.bbox)}, {"lines", std::move(lines_json)}};
    if (b.level > 0) bj["level"] = b.level;
    blocks_json.push_back(std::move(bj));
  }
  CanonicalJson pj = {
      {"page", p.number}, {"width", RoundCoord(p.width)}, {"height", RoundCoord(p.height)},
      {"unit", p.unit},   {"text_source", p.text_source}, {"blocks", std::move(blocks_json)}};
  if (!p.raster_steps.empty()) {
    CanonicalJson steps = CanonicalJson::array();
    for (const RasterStep& r : p.raster_steps) {
      CanonicalJson sj = {{"stage", r.stage}, {"dpi", r.dpi}, {"sha256", r.sha256}};
      if (!r.facts.empty()) sj["facts"] = r.facts;
      steps.push_back(std::move(sj));
    }
    pj["rasters"] = std::move(steps);
  }
  // Absent until the layout stage finds one: content made before it keeps its hash.
  if (!p.figures.empty()) {
    CanonicalJson figs = CanonicalJson::array();
    for (const Figure& f : p.figures) {
      figs.push_back({{"bbox", BoxJson(f.bbox)}, {"caption", f.caption}, {"source", f.source}});
    }
    pj["figures"] = std::move(figs);
  }
  // Absent until the handwriting stage finds a handwritten line: other content keeps its hash.
  if (!p.handwriting.empty()) {
    CanonicalJson lines = CanonicalJson::array();
    for (const Box& b : p.handwriting) lines.push_back(BoxJson(b));
    pj["handwriting"] = std::move(lines);
  }
  // Likewise absent until the tables stage finds one.
  if (!p.tables.empty()) {
    CanonicalJson tables = CanonicalJson::array();
    for (const PageTable& t : p.tables) {
      CanonicalJson cells = CanonicalJson::array();
      for (const TableCell& c : t.cells) {
        cells.push_back({{"row", c.row}, {"col", c.col}, {"rowspan", c.rowspan},
                         {"colspan", c.colspan}, {"text", c.text}, {"bbox", BoxJson(c.bbox)}});
      }
      tables.push_back({{"bbox", BoxJson(t.bbox)}, {"n_rows", t.n_rows}, {"n_cols", t.n_cols},
                        {"method", t.method}, {"header_rows", t.header_rows},
                        {"cells", std::move(cells)}});
    }
    pj["tables"] = std::move(tables);
  }
  return pj;
}

CanonicalJson Document::ToContentJson() const {
  CanonicalJson pages_json = CanonicalJson::array();
  for (const Page& p : pages) pages_json.push_back(PageContentJson(p));
  CanonicalJson metrics_json = CanonicalJson::object();
  for (const auto& [k, v] : metrics) metrics_json[k] = v;
  CanonicalJson parts_json = CanonicalJson::object();
  for (const auto& [scope, m] : part_metrics) {
    CanonicalJson pm = CanonicalJson::object();
    for (const auto& [k, v] : m) pm[k] = v;
    parts_json[scope] = std::move(pm);
  }
  CanonicalJson content{{"container", container},
                        {"modality", modality},
                        {"pages", std::move(pages_json)},
                        {"metrics", std::move(metrics_json)},
                        {"part_metrics", std::move(parts_json)}};
  // Absent until image_checks computes it: content made before it keeps its hash.
  if (!image_hashes.empty()) content["image_hashes"] = image_hashes;
  // Only transcripts have one: the content of other documents keeps its hash.
  if (transcript) content["transcript"] = transcript->ToJson();
  if (!video.is_null()) content["video"] = video;
  return content;
}

PageTable PageTableFromJson(const CanonicalJson& tj) {
  PageTable t;
  t.bbox = BoxFrom(tj.at("bbox"));
  t.n_rows = tj.at("n_rows");
  t.n_cols = tj.at("n_cols");
  t.method = tj.at("method");
  t.header_rows = tj.at("header_rows");
  for (const CanonicalJson& cj : tj.at("cells")) {
    t.cells.push_back(TableCell{cj.at("row"), cj.at("col"), cj.at("rowspan"), cj.at("colspan"),
                                cj.at("text"), BoxFrom(cj.at("bbox"))});
  }
  return t;
}

Page PageFromContentJson(const CanonicalJson& pj) {
  Page p;
  p.number = pj.at("page");
  p.width = pj.at("width");
  p.height = pj.at("height");
  p.unit = pj.at("unit");
  p.text_source = pj.at("text_source");
  if (pj.contains("rasters")) {
    for (const CanonicalJson& sj : pj["rasters"]) {
      p.raster_steps.push_back(RasterStep{sj.at("stage"), sj.at("dpi"), sj.at("sha256"),
                                          sj.value("facts", CanonicalJson::object())});
    }
  }
  if (pj.contains("figures")) {
    for (const CanonicalJson& fj : pj["figures"]) {
      p.figures.push_back(Figure{BoxFrom(fj.at("bbox")), fj.at("caption"), fj.at("source")});
    }
  }
  if (pj.contains("handwriting")) {
    for (const CanonicalJson& bj : pj["handwriting"]) p.handwriting.push_back(BoxFrom(bj));
  }
  if (pj.contains("tables")) {
    for (const CanonicalJson& tj : pj["tables"]) p.tables.push_back(PageTableFromJson(tj));
  }
  for (const CanonicalJson& bj : pj.at("blocks")) {
    Block b;
    b.type = bj.at("type");
    b.level = bj.value("level", 0);
    b.bbox = BoxFrom(bj.at("bbox"));
    for (const CanonicalJson& lj : bj.at("lines")) {
      Line l;
      l.bbox = BoxFrom(lj.at("bbox"));
      for (const CanonicalJson& wj : lj.at("words")) {
        Word w;
        w.text = wj.at("text");
        w.bbox = BoxFrom(wj.at("bbox"));
        w.confidence = wj.value("conf", -1.0);
        w.font = wj.value("font", "");
        w.font_size = wj.value("size", 0.0);
        w.rotation = wj.value("rot", 0);
        l.words.push_back(std::move(w));
      }
      b.lines.push_back(std::move(l));
    }
    p.blocks.push_back(std::move(b));
  }
  return p;
}

Document Document::FromContentJson(const CanonicalJson& j) {
  Document d;
  d.container = j.value("container", "");
  d.modality = j.value("modality", "");
  for (const CanonicalJson& pj : j.at("pages")) d.pages.push_back(PageFromContentJson(pj));
  for (const auto& [k, v] : j.at("metrics").items()) d.metrics[k] = v.get<double>();
  if (j.contains("part_metrics")) {
    for (const auto& [scope, m] : j["part_metrics"].items()) {
      for (const auto& [k, v] : m.items()) d.part_metrics[scope][k] = v.get<double>();
    }
  }
  if (j.contains("image_hashes")) d.image_hashes = j["image_hashes"].get<std::vector<std::string>>();
  if (j.contains("transcript")) d.transcript = Transcript::FromJson(j["transcript"]);
  if (j.contains("video")) d.video = j["video"];
  return d;
}

CanonicalJson InitialContent(const std::string& container) {
  Document d;
  d.container = container;
  return d.ToContentJson();
}

std::string DumpJson(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::string DumpCanonical(const CanonicalJson& j) {
  return j.dump(-1, ' ', false, CanonicalJson::error_handler_t::replace);
}

}  // namespace assay
