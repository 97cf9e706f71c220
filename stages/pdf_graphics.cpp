#include "stages/pdf_graphics.h"

#include <poppler/GfxState.h>
#include <poppler/OutputDev.h>
#include <poppler/PDFDoc.h>

#include <algorithm>

namespace assay {
namespace {

constexpr double kRuleThickness = 2.0;    // points: a path thinner than this is a rule
constexpr double kClusterReach = 6.0;     // points: paths this close form one drawing
constexpr int kMinPathsInDrawing = 6;     // fewer: a frame, a rule, a bullet, not a figure
constexpr double kMinRegionShare = 0.01;  // of the page area
constexpr double kMinRegionSide = 24.0;   // points

// Records where images and paths land on the page; draws nothing.
class GraphicsRecorder : public OutputDev {
 public:
  bool upsideDown() override { return true; }
  bool useDrawChar() override { return false; }
  bool interpretType3Chars() override { return false; }
  bool needCharCount() override { return false; }

  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                 GfxImageColorMap* colorMap, bool interpolate, const int* maskColors,
                 bool inlineImg) override {
    images.push_back(ImageBox(state));
    // The base class skips an inline image's data, which the parser needs.
    OutputDev::drawImage(state, ref, str, width, height, colorMap, interpolate, maskColors,
                         inlineImg);
  }
  void drawMaskedImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                       GfxImageColorMap* colorMap, bool interpolate, Stream* maskStr, int maskWidth,
                       int maskHeight, bool maskInvert, bool maskInterpolate) override {
    images.push_back(ImageBox(state));
    OutputDev::drawMaskedImage(state, ref, str, width, height, colorMap, interpolate, maskStr,
                               maskWidth, maskHeight, maskInvert, maskInterpolate);
  }
  void drawSoftMaskedImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                           GfxImageColorMap* colorMap, bool interpolate, Stream* maskStr,
                           int maskWidth, int maskHeight, GfxImageColorMap* maskColorMap,
                           bool maskInterpolate) override {
    images.push_back(ImageBox(state));
    OutputDev::drawSoftMaskedImage(state, ref, str, width, height, colorMap, interpolate, maskStr,
                                   maskWidth, maskHeight, maskColorMap, maskInterpolate);
  }
  void stroke(GfxState* state) override { AddPath(state); }
  void fill(GfxState* state) override { AddPath(state); }
  void eoFill(GfxState* state) override { AddPath(state); }

  std::vector<Box> images;
  std::vector<Box> paths;

 private:
  // The unit square through the CTM: where the image lands.
  static Box ImageBox(GfxState* state) {
    Box b{1e300, 1e300, -1e300, -1e300};
    for (double u : {0.0, 1.0}) {
      for (double v : {0.0, 1.0}) {
        double x = 0, y = 0;
        state->transform(u, v, &x, &y);
        b.x0 = std::min(b.x0, x);
        b.y0 = std::min(b.y0, y);
        b.x1 = std::max(b.x1, x);
        b.y1 = std::max(b.y1, y);
      }
    }
    return b;
  }
  void AddPath(GfxState* state) {
    const GfxPath* path = state->getPath();
    if (path == nullptr) return;
    Box b{1e300, 1e300, -1e300, -1e300};
    bool any = false;
    for (int i = 0; i < path->getNumSubpaths(); ++i) {
      const GfxSubpath* sp = path->getSubpath(i);
      for (int j = 0; j < sp->getNumPoints(); ++j) {
        double x = 0, y = 0;
        state->transform(sp->getX(j), sp->getY(j), &x, &y);
        b.x0 = std::min(b.x0, x);
        b.y0 = std::min(b.y0, y);
        b.x1 = std::max(b.x1, x);
        b.y1 = std::max(b.y1, y);
        any = true;
      }
    }
    if (any) paths.push_back(b);
  }
};

Box Clip(Box b, double w, double h) {
  b.x0 = std::clamp(b.x0, 0.0, w);
  b.x1 = std::clamp(b.x1, 0.0, w);
  b.y0 = std::clamp(b.y0, 0.0, h);
  b.y1 = std::clamp(b.y1, 0.0, h);
  return b;
}

bool Near(const Box& a, const Box& b, double reach) {
  return a.x0 - reach <= b.x1 && b.x0 - reach <= a.x1 && a.y0 - reach <= b.y1 &&
         b.y0 - reach <= a.y1;
}

}  // namespace

PageGraphics FindPageGraphics(PDFDoc& doc, int page, double w, double h) {
  GraphicsRecorder rec;
  doc.displayPage(&rec, page, 72, 72, 0, /*useMediaBox=*/false, /*crop=*/true,
                  /*printing=*/false);
  PageGraphics out;
  const double page_area = w * h;
  auto big_enough = [&](const Box& b) {
    return b.x1 - b.x0 >= kMinRegionSide && b.y1 - b.y0 >= kMinRegionSide &&
           (b.x1 - b.x0) * (b.y1 - b.y0) >= kMinRegionShare * page_area;
  };
  for (const Box& raw : rec.images) {
    const Box b = Clip(raw, w, h);
    // A page-sized image is a background or a scan, not a figure.
    if (big_enough(b) && (b.x1 - b.x0) * (b.y1 - b.y0) < 0.8 * page_area) out.figures.push_back(b);
  }
  // Vector drawings: paths that are not page-sized backgrounds, clustered by proximity.
  struct Cluster {
    Box box;
    int paths = 0;
    bool only_rules = true;
  };
  std::vector<Cluster> clusters;
  for (const Box& raw : rec.paths) {
    const Box b = Clip(raw, w, h);
    const double bw = b.x1 - b.x0, bh = b.y1 - b.y0;
    if (bw * bh >= 0.5 * page_area) continue;
    const bool rule = bw < kRuleThickness || bh < kRuleThickness;
    Cluster c{b, 1, rule};
    // Join every cluster this path reaches, repeatedly (a path can bridge two clusters).
    for (bool merged = true; merged;) {
      merged = false;
      for (size_t i = 0; i < clusters.size(); ++i) {
        if (Near(clusters[i].box, c.box, kClusterReach)) {
          // Not Box::Extend: it takes a zero-height rule for an empty box.
          c.box.x0 = std::min(c.box.x0, clusters[i].box.x0);
          c.box.y0 = std::min(c.box.y0, clusters[i].box.y0);
          c.box.x1 = std::max(c.box.x1, clusters[i].box.x1);
          c.box.y1 = std::max(c.box.y1, clusters[i].box.y1);
          c.paths += clusters[i].paths;
          c.only_rules = c.only_rules && clusters[i].only_rules;
          clusters.erase(clusters.begin() + static_cast<long>(i));
          merged = true;
          break;
        }
      }
    }
    clusters.push_back(c);
  }
  for (const Cluster& c : clusters) {
    if (c.paths < kMinPathsInDrawing || !big_enough(c.box)) continue;
    (c.only_rules ? out.tables : out.figures).push_back(c.box);
  }
  return out;
}

}  // namespace assay
