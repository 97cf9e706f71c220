// Small SVG charts for the datasheet, made in C++ (no plotting tool at run time): a histogram
// of a metric and a horizontal bar chart of counts. Deterministic text (fixed number format).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace assay::svg {

struct Bin {
  double lo = 0, hi = 0;
  int count = 0;
};

// A histogram with its x axis (first and last edge) and the largest count labelled.
std::string Histogram(const std::string& title, const std::vector<Bin>& bins);

// Horizontal bars, one per (label, count), in the order given.
std::string Bars(const std::string& title, const std::vector<std::pair<std::string, int>>& bars);

// Escapes &, <, >, " for XML text and attributes.
std::string Escape(const std::string& text);

}  // namespace assay::svg
