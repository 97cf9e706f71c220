#include "core/svg_plot.h"

#include <algorithm>
#include <cstdio>

namespace assay::svg {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Histogram(const std::string& title, const std::vector<Bin>& bins) {
  const double w = 360, h = 140, left = 40, top = 24, bottom = 24;
  int most = 1;
  for (const Bin& b : bins) most = std::max(most, b.count);
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Fixed(left + w + 10) +
                  "\" height=\"" + Fixed(top + h + bottom) + "\" role=\"img\" aria-label=\"" +
                  Escape(title) + "\">\n";
  s += "<text x=\"" + Fixed(left) + "\" y=\"14\" font-size=\"12\">" + Escape(title) + "</text>\n";
  const double bw = bins.empty() ? 0 : w / static_cast<double>(bins.size());
  for (size_t i = 0; i < bins.size(); ++i) {
    const double bh = h * bins[i].count / most;
    s += "<rect x=\"" + Fixed(left + bw * i) + "\" y=\"" + Fixed(top + h - bh) + "\" width=\"" +
         Fixed(std::max(bw - 1, 1.0)) + "\" height=\"" + Fixed(bh) + "\" fill=\"#4a78b0\"><title>[" +
         Num(bins[i].lo) + ", " + Num(bins[i].hi) + "): " + std::to_string(bins[i].count) +
         "</title></rect>\n";
  }
  s += "<line x1=\"" + Fixed(left) + "\" y1=\"" + Fixed(top + h) + "\" x2=\"" + Fixed(left + w) +
       "\" y2=\"" + Fixed(top + h) + "\" stroke=\"#333\"/>\n";
  s += "<text x=\"2\" y=\"" + Fixed(top + 10) + "\" font-size=\"10\">" + std::to_string(most) + "</text>\n";
  if (!bins.empty()) {
    s += "<text x=\"" + Fixed(left) + "\" y=\"" + Fixed(top + h + 14) + "\" font-size=\"10\">" +
         Num(bins.front().lo) + "</text>\n";
    s += "<text x=\"" + Fixed(left + w) + "\" y=\"" + Fixed(top + h + 14) +
         "\" font-size=\"10\" text-anchor=\"end\">" + Num(bins.back().hi) + "</text>\n";
  }
  return s + "</svg>\n";
}

std::string Bars(const std::string& title, const std::vector<std::pair<std::string, int>>& bars) {
  const double label_w = 180, w = 220, row = 18, top = 24;
  int most = 1;
  for (const auto& [label, n] : bars) most = std::max(most, n);
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + Fixed(label_w + w + 60) +
                  "\" height=\"" + Fixed(top + row * bars.size() + 6) + "\" role=\"img\" aria-label=\"" +
                  Escape(title) + "\">\n";
  s += "<text x=\"0\" y=\"14\" font-size=\"12\">" + Escape(title) + "</text>\n";
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = top + row * i;
    const double bw = w * bars[i].second / most;
    std::string label = bars[i].first.size() > 30 ? "…" + bars[i].first.substr(bars[i].first.size() - 29) : bars[i].first;
    s += "<text x=\"" + Fixed(label_w - 4) + "\" y=\"" + Fixed(y + 12) +
         "\" font-size=\"10\" text-anchor=\"end\">" + Escape(label) + "</text>\n";
    s += "<rect x=\"" + Fixed(label_w) + "\" y=\"" + Fixed(y + 2) + "\" width=\"" + Fixed(bw) +
         "\" height=\"" + Fixed(row - 4) + "\" fill=\"#4a78b0\"/>\n";
    s += "<text x=\"" + Fixed(label_w + bw + 4) + "\" y=\"" + Fixed(y + 12) + "\" font-size=\"10\">" +
         std::to_string(bars[i].second) + "</text>\n";
  }
  return s + "</svg>\n";
}

}  // namespace assay::svg
