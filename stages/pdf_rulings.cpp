#include "stages/pdf_rulings.h"

#include <poppler/GfxState.h>
#include <poppler/OutputDev.h>
#include <poppler/PDFDoc.h>

#include <algorithm>
#include <cmath>

namespace assay {
namespace {

constexpr double kThin = 2.0;       // points: a filled rectangle thinner than this is a rule
constexpr double kMinLength = 4.0;  // points: shorter segments are glyph parts, ticks, bullets
constexpr double kSkew = 0.5;       // points: off-axis drift still taken as axis-aligned

constexpr double kWhite = 0.97;     // each colour component this light or lighter is white paint
constexpr double kAbut = 0.25;      // points: two fills this close share an edge
constexpr double kPadding = 8.0;    // points: a fill narrower than this beside a cell's is its margin
// Beyond this many filled rectangles on a page (a QR code or a map drawn square by square) their
// edges are taken as they are: the comparisons are pairwise, and the table search gives up on
// such a page anyway (table_grid.cpp's kMaxRules).
constexpr size_t kMaxAreas = 1000;

// A filled axis-aligned rectangle and its colour (RGB bytes): a shaded cell, or one strip of a
// shaded column painted line by line.
struct FilledArea {
  Box box;
  unsigned colour = 0;
};

// The pieces of [a, b] that none of `covered` (intervals) covers, each at least kMinLength.
std::vector<std::pair<double, double>> Uncovered(double a, double b,
                                                 std::vector<std::pair<double, double>> covered) {
  std::sort(covered.begin(), covered.end());
  std::vector<std::pair<double, double>> out;
  double at = a;
  for (const auto& [c0, c1] : covered) {
    if (c0 > at && std::min(c0, b) - at >= kMinLength) out.push_back({at, std::min(c0, b)});
    at = std::max(at, c1);
  }
  if (b - at >= kMinLength) out.push_back({at, b});
  return out;
}

// Whether the fill paints nothing visible on white paper: white, or transparent.
bool PaintsNothing(GfxState* state) {
  if (state->getFillOpacity() < 0.05) return true;
  GfxRGB rgb;
  state->getFillRGB(&rgb);
  return colToDbl(rgb.r) >= kWhite && colToDbl(rgb.g) >= kWhite && colToDbl(rgb.b) >= kWhite;
}

class RuleRecorder : public OutputDev {
 public:
  RuleRecorder(double w, double h) : w_(w), h_(h) {}
  bool upsideDown() override { return true; }
  bool useDrawChar() override { return false; }
  bool interpretType3Chars() override { return false; }
  bool needCharCount() override { return false; }
  void stroke(GfxState* state) override { Add(state, false); }
  void fill(GfxState* state) override { Add(state, true); }
  void eoFill(GfxState* state) override { Add(state, true); }

  // The filled rectangles' edges, except where the paper beyond them is painted the same
  // colour as part of one area: by a fill reaching over the edge (a cell's fill with its
  // paragraphs' shading inside, Word's: ICDAR us-027), a strip of the same width stacked on it
  // (a column shaded line by line, one rectangle per text line: us-032), or a padding strip of
  // the same height beside it (a cell shaded as its text's area between two thin margins:
  // us-007). Two same-coloured cells side by side keep their seam: it is where the producer
  // drew two cells (eu-018's "Total" row, ruled only by its cells' fills).
  void AddAreaEdges() {
    const std::vector<FilledArea> none;
    const std::vector<FilledArea>& others = areas_.size() <= kMaxAreas ? areas_ : none;
    for (const FilledArea& a : areas_) {
      const Box& r = a.box;
      // Per side: the stretch along it that a fill of the same colour paints just beyond it.
      std::vector<std::pair<double, double>> top, bottom, left, right;
      for (const FilledArea& o : others) {
        if (&o == &a || o.colour != a.colour) continue;
        const Box& q = o.box;
        const bool along_x = q.x0 < r.x1 && q.x1 > r.x0, along_y = q.y0 < r.y1 && q.y1 > r.y0;
        const bool same_width = std::abs(q.x0 - r.x0) <= kAbut && std::abs(q.x1 - r.x1) <= kAbut;
        const bool padding = std::abs(q.y0 - r.y0) <= kAbut && std::abs(q.y1 - r.y1) <= kAbut &&
                             std::min(q.x1 - q.x0, r.x1 - r.x0) < kPadding;
        const bool above = q.y0 < r.y0 && (q.y1 > r.y0 + kAbut || (same_width && q.y1 >= r.y0 - kAbut));
        const bool below = q.y1 > r.y1 && (q.y0 < r.y1 - kAbut || (same_width && q.y0 <= r.y1 + kAbut));
        const bool before = q.x0 < r.x0 && (q.x1 > r.x0 + kAbut || (padding && q.x1 >= r.x0 - kAbut));
        const bool after = q.x1 > r.x1 && (q.x0 < r.x1 - kAbut || (padding && q.x0 <= r.x1 + kAbut));
        if (along_x && above) top.push_back({q.x0, q.x1});
        if (along_x && below) bottom.push_back({q.x0, q.x1});
        if (along_y && before) left.push_back({q.y0, q.y1});
        if (along_y && after) right.push_back({q.y0, q.y1});
      }
      for (const auto& [x0, x1] : Uncovered(r.x0, r.x1, top)) Segment(x0, r.y0, x1, r.y0, true);
      for (const auto& [x0, x1] : Uncovered(r.x0, r.x1, bottom)) Segment(x0, r.y1, x1, r.y1, true);
      for (const auto& [y0, y1] : Uncovered(r.y0, r.y1, left)) Segment(r.x0, y0, r.x0, y1, true);
      for (const auto& [y0, y1] : Uncovered(r.y0, r.y1, right)) Segment(r.x1, y0, r.x1, y1, true);
    }
  }

  std::vector<Rule> rules;
  std::vector<Box> off_axis;

 private:
  void Segment(double x0, double y0, double x1, double y1, bool fill_edge = false) {
    x0 = std::clamp(x0, 0.0, w_);
    x1 = std::clamp(x1, 0.0, w_);
    y0 = std::clamp(y0, 0.0, h_);
    y1 = std::clamp(y1, 0.0, h_);
    if (std::abs(y1 - y0) <= kSkew && std::abs(x1 - x0) >= kMinLength) {
      const double y = (y0 + y1) / 2;
      rules.push_back(Rule{std::min(x0, x1), y, std::max(x0, x1), y, fill_edge});
    } else if (std::abs(x1 - x0) <= kSkew && std::abs(y1 - y0) >= kMinLength) {
      const double x = (x0 + x1) / 2;
      rules.push_back(Rule{x, std::min(y0, y1), x, std::max(y0, y1), fill_edge});
    }
  }
  void Add(GfxState* state, bool filled) {
    const GfxPath* path = state->getPath();
    if (path == nullptr) return;
    for (int i = 0; i < path->getNumSubpaths(); ++i) {
      const GfxSubpath* sp = path->getSubpath(i);
      const int n = sp->getNumPoints();
      std::vector<std::pair<double, double>> pts;
      double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
      for (int j = 0; j < n; ++j) {
        double x = 0, y = 0;
        state->transform(sp->getX(j), sp->getY(j), &x, &y);
        pts.push_back({x, y});
        x0 = std::min(x0, x);
        y0 = std::min(y0, y);
        x1 = std::max(x1, x);
        y1 = std::max(y1, y);
      }
      if (pts.size() < 2) continue;
      // Slanted segments, of any path: a chart's data lines (stroked or filled as areas).
      for (size_t j = 1; j < pts.size(); ++j) {
        const double dx = pts[j].first - pts[j - 1].first, dy = pts[j].second - pts[j - 1].second;
        if (std::abs(dx) > kSkew && std::abs(dy) > kSkew) {
          const double mx = (pts[j].first + pts[j - 1].first) / 2;
          const double my = (pts[j].second + pts[j - 1].second) / 2;
          off_axis.push_back(Box{mx, my, mx, my});
        }
      }
      if (filled && (y1 - y0 < kThin || x1 - x0 < kThin)) {
        // A thin filled rectangle is drawn as a rule.
        if (y1 - y0 < kThin) Segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2);
        else Segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1);
        continue;
      }
      // A white (or fully transparent) area draws nothing on the paper: a text box's or a
      // cell's background painted white has edges no reader sees (a title's box touching a
      // table, a frame inside a cell). Its thin rules stay: white lines part coloured cells.
      if (filled && PaintsNothing(state)) continue;
      if (filled && pts.size() > 5) continue;  // a filled shape, not a frame
      if (filled && IsRectangle(pts)) {
        GfxRGB rgb;
        state->getFillRGB(&rgb);
        const unsigned colour = (unsigned(colToByte(rgb.r)) << 16) | (unsigned(colToByte(rgb.g)) << 8) |
                                unsigned(colToByte(rgb.b));
        areas_.push_back(FilledArea{Box{std::clamp(x0, 0.0, w_), std::clamp(y0, 0.0, h_),
                                        std::clamp(x1, 0.0, w_), std::clamp(y1, 0.0, h_)},
                                    colour});
        continue;
      }
      for (size_t j = 1; j < pts.size(); ++j)
        Segment(pts[j - 1].first, pts[j - 1].second, pts[j].first, pts[j].second);
      if (sp->isClosed() || filled)
        Segment(pts.back().first, pts.back().second, pts.front().first, pts.front().second);
    }
  }
  // Whether the points go round an axis-aligned rectangle (4 corners, closed or not).
  static bool IsRectangle(const std::vector<std::pair<double, double>>& pts) {
    if (pts.size() != 4 && pts.size() != 5) return false;
    for (size_t j = 1; j <= pts.size(); ++j) {
      const auto& p = pts[j - 1];
      const auto& q = pts[j % pts.size()];
      if (std::abs(p.first - q.first) > kSkew && std::abs(p.second - q.second) > kSkew) return false;
    }
    return true;
  }

  double w_, h_;
  std::vector<FilledArea> areas_;
};

// A shading's edge a cell's padding away from a line along it (a cell shaded inside its rules)
// is moved onto the line: the cell ends at its rule, and the strip of paper between them is
// no column or row of its own.
void SnapShadingToLines(std::vector<Rule>& rules) {
  if (rules.size() > 4 * kMaxAreas) return;  // pairwise: a page the table search gives up on
  std::vector<const Rule*> lines;
  for (const Rule& r : rules)
    if (!r.fill_edge) lines.push_back(&r);
  std::vector<std::pair<size_t, double>> moves;  // (rule, position)
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& e = rules[i];
    if (!e.fill_edge) continue;
    const bool h = e.horizontal();
    const double at = h ? e.y0 : e.x0;
    double best = kPadding, to = at;
    for (const Rule* l : lines) {
      if (l->horizontal() != h) continue;
      const bool along = h ? l->x0 < e.x1 && l->x1 > e.x0 : l->y0 < e.y1 && l->y1 > e.y0;
      const double d = std::abs((h ? l->y0 : l->x0) - at);
      if (along && d < best) best = d, to = h ? l->y0 : l->x0;
    }
    if (to != at) moves.push_back({i, to});
  }
  for (const auto& [i, to] : moves) {
    Rule& e = rules[i];
    if (e.horizontal()) e.y0 = e.y1 = to;
    else e.x0 = e.x1 = to;
  }
}

}  // namespace

std::vector<Rule> FindRulings(PDFDoc& doc, int page, double w, double h,
                              std::vector<Box>* off_axis) {
  RuleRecorder rec(w, h);
  doc.displayPage(&rec, page, 72, 72, 0, /*useMediaBox=*/false, /*crop=*/true,
                  /*printing=*/false);
  rec.AddAreaEdges();
  SnapShadingToLines(rec.rules);
  if (off_axis != nullptr) *off_axis = std::move(rec.off_axis);
  // A page-sized frame is a border, not a table.
  std::vector<Rule> out;
  for (const Rule& r : rec.rules) {
    const bool page_edge = r.horizontal() ? r.x1 - r.x0 > 0.95 * w : r.y1 - r.y0 > 0.95 * h;
    if (!page_edge) out.push_back(r);
  }
  return out;
}

}  // namespace assay
