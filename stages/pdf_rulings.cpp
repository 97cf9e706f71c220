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

  std::vector<Rule> rules;
  std::vector<Box> off_axis;

 private:
  void Segment(double x0, double y0, double x1, double y1) {
    x0 = std::clamp(x0, 0.0, w_);
    x1 = std::clamp(x1, 0.0, w_);
    y0 = std::clamp(y0, 0.0, h_);
    y1 = std::clamp(y1, 0.0, h_);
    if (std::abs(y1 - y0) <= kSkew && std::abs(x1 - x0) >= kMinLength) {
      const double y = (y0 + y1) / 2;
      rules.push_back(Rule{std::min(x0, x1), y, std::max(x0, x1), y});
    } else if (std::abs(x1 - x0) <= kSkew && std::abs(y1 - y0) >= kMinLength) {
      const double x = (x0 + x1) / 2;
      rules.push_back(Rule{x, std::min(y0, y1), x, std::max(y0, y1)});
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
      for (size_t j = 1; j < pts.size(); ++j)
        Segment(pts[j - 1].first, pts[j - 1].second, pts[j].first, pts[j].second);
      if (sp->isClosed() || filled)
        Segment(pts.back().first, pts.back().second, pts.front().first, pts.front().second);
    }
  }
  double w_, h_;
};

}  // namespace

std::vector<Rule> FindRulings(PDFDoc& doc, int page, double w, double h,
                              std::vector<Box>* off_axis) {
  RuleRecorder rec(w, h);
  doc.displayPage(&rec, page, 72, 72, 0, /*useMediaBox=*/false, /*crop=*/true,
                  /*printing=*/false);
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
