#include "stages/raster_rulings.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <opencv2/imgproc.hpp>
#include <tuple>

namespace assay {
namespace {

// The next run of set (non-zero) bytes in `row` at or after `*x`: [*start, *end], inclusive;
// `*x` moves past it. False when the row has no more. Empty stretches are skipped eight bytes
// at a time: rule masks are almost all zero.
bool NextInkRun(const unsigned char* row, int width, int* x, int* start, int* end) {
  int i = *x;
  uint64_t eight = 0;
  while (i + 8 <= width && (std::memcpy(&eight, row + i, 8), eight == 0)) i += 8;
  while (i < width && row[i] == 0) ++i;
  if (i >= width) return false;
  int e = i;
  while (e + 1 < width && row[e + 1] != 0) ++e;
  *start = i;
  *end = e;
  *x = e + 1;
  return true;
}

// One 8-connected component of a mask: its bounding box, inclusive.
struct MaskComponent {
  int x0, y0, x1, y1;
};

// The 8-connected components of a binary mask (non-zero is set), found from its rows' runs
// with a union-find: the same boxes as cv::connectedComponentsWithStats, in another order.
// A page's rule masks are almost empty, and labelling every pixel of a 300-dpi page cost
// more than the rest of the rule search (0.2 s of 0.3 s a page).
std::vector<MaskComponent> MaskComponents(const cv::Mat& mask) {
  struct Run {
    int y, x0, x1, parent;  // x1 inclusive
  };
  std::vector<Run> runs;
  auto find = [&](int i) {
    while (runs[static_cast<size_t>(i)].parent != i) {
      Run& r = runs[static_cast<size_t>(i)];
      r.parent = runs[static_cast<size_t>(r.parent)].parent;
      i = r.parent;
    }
    return i;
  };
  size_t previous_begin = 0, previous_end = 0;  // the runs of the row above
  for (int y = 0; y < mask.rows; ++y) {
    const unsigned char* row = mask.ptr<unsigned char>(y);
    const size_t begin = runs.size();
    for (int next = 0, x = 0, end = 0; NextInkRun(row, mask.cols, &next, &x, &end);) {
      const int self = static_cast<int>(runs.size());
      runs.push_back(Run{y, x, end, self});
      // 8-connected to a run of the row above that overlaps it or touches it diagonally.
      for (size_t j = previous_begin; j < previous_end; ++j) {
        const Run& above = runs[j];
        if (above.x1 < x - 1) continue;
        if (above.x0 > end + 1) break;
        const int a = find(static_cast<int>(j)), b = find(self);
        if (a != b) runs[static_cast<size_t>(std::max(a, b))].parent = std::min(a, b);
      }
    }
    previous_begin = begin;
    previous_end = runs.size();
  }
  std::vector<MaskComponent> out;
  std::vector<int> index(runs.size(), -1);
  for (size_t i = 0; i < runs.size(); ++i) {
    const int root = find(static_cast<int>(i));
    const Run& r = runs[i];
    int& k = index[static_cast<size_t>(root)];
    if (k < 0) {
      k = static_cast<int>(out.size());
      out.push_back(MaskComponent{r.x0, r.y, r.x1, r.y});
    } else {
      MaskComponent& c = out[static_cast<size_t>(k)];
      c.x0 = std::min(c.x0, r.x0), c.x1 = std::max(c.x1, r.x1), c.y1 = std::max(c.y1, r.y);
    }
  }
  return out;
}

// Each row of the binary `ink` opened with a 1 x `length` line, then dilated by `grow` pixels
// either side, computed on the row's runs of ink: the same pixels as cv::morphologyEx(
// MORPH_OPEN) with that line followed by cv::dilate with a 1 x (2 grow + 1) one (anchors at
// the element's centre, L/2; outside the image constrains neither), in one pass over the row
// instead of three filters over the page.
cv::Mat OpenRowsWithLine(const cv::Mat& ink, int length, int grow) {
  cv::Mat out = cv::Mat::zeros(ink.size(), CV_8UC1);
  const int width = ink.cols, anchor = length / 2;
  for (int y = 0; y < ink.rows; ++y) {
    const unsigned char* row = ink.ptr<unsigned char>(y);
    unsigned char* opened = out.ptr<unsigned char>(y);
    for (int next = 0, x = 0, end = 0; NextInkRun(row, width, &next, &x, &end);) {
      // Erosion: the line [p - anchor, p - anchor + length - 1] inside the run (or the border).
      const int lo = x == 0 ? 0 : x + anchor;
      const int hi = end == width - 1 ? width - 1 : end - (length - 1 - anchor);
      if (lo <= hi) {
        // Dilation of [lo, hi] by the same line, then by `grow` either side.
        const int d0 = std::max(0, lo + anchor - length + 1 - grow);
        const int d1 = std::min(width - 1, hi + anchor + grow);
        std::memset(opened + d0, 255, static_cast<size_t>(d1 - d0 + 1));
      }
    }
  }
  return out;
}

// The runs of one orientation as rules: each connected component of the opened mask is one
// stroke; its long axis is the rule, placed at the component's centre line.
// `mask` is the vertical strokes' mask transposed (rows are the page's columns) when not
// `horizontal`.
void CollectRules(const cv::Mat& mask, bool horizontal, double scale, int min_length,
                  std::vector<Rule>* out) {
  for (MaskComponent c : MaskComponents(mask)) {
    if (!horizontal) c = MaskComponent{c.y0, c.x0, c.y1, c.x1};
    const int x = c.x0, y = c.y0, w = c.x1 - c.x0 + 1, h = c.y1 - c.y0 + 1;
    const int length = horizontal ? w : h, thickness = horizontal ? h : w;
    // A thick component is a filled area (a shaded band, a photo), not a rule.
    if (length < min_length || thickness * 8 > length) continue;
    Rule r;
    if (horizontal) {
      r.x0 = x * scale, r.x1 = (x + w) * scale;
      r.y0 = r.y1 = (y + h / 2.0) * scale;
    } else {
      r.y0 = y * scale, r.y1 = (y + h) * scale;
      r.x0 = r.x1 = (x + w / 2.0) * scale;
    }
    out->push_back(r);
  }
}

}  // namespace

std::vector<Rule> FindRasterRulings(const cv::Mat& image, double scale, double min_length_share) {
  std::vector<Rule> rules;
  if (image.empty()) return rules;
  cv::Mat gray;
  if (image.channels() == 3) {
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  } else {
    gray = image;
  }
  // Ink: darker than its neighbourhood (adaptive, so a dim scan or a shaded band still gives
  // its lines), inverted so ink is white for the morphology.
  cv::Mat ink;
  const int block = std::max(15, (std::min(gray.cols, gray.rows) / 40) | 1);
  cv::adaptiveThreshold(gray, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, 10);

  const int min_h = std::max(20, static_cast<int>(gray.cols * min_length_share));
  const int min_v = std::max(20, static_cast<int>(gray.rows * min_length_share));
  // Opened with a long line along each direction (the vertical one on the transposed ink, so
  // both are row scans); small breaks (scan noise, dashes) closed by a 5-pixel dilation along
  // the same direction before taking components.
  cv::Mat ink_columns;
  cv::transpose(ink, ink_columns);
  CollectRules(OpenRowsWithLine(ink, min_h, 2), true, scale, min_h, &rules);
  CollectRules(OpenRowsWithLine(ink_columns, min_v, 2), false, scale, min_v, &rules);
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    return std::tie(a.y0, a.x0, a.y1, a.x1) < std::tie(b.y0, b.x0, b.y1, b.x1);
  });
  return rules;
}

}  // namespace assay
