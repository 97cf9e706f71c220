#include "core/ks_test.h"

#include <algorithm>
#include <cmath>

namespace assay {
namespace {

// Q_KS(lambda) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2) (Numerical Recipes' probks).
double ProbKs(double lambda) {
  if (lambda < 1e-3) return 1;
  double sum = 0, previous = 0, sign = 1;
  for (int k = 1; k <= 100; ++k) {
    const double term = sign * 2 * std::exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (std::fabs(term) <= 1e-10 * std::fabs(previous) || std::fabs(term) <= 1e-16 * sum) return std::clamp(sum, 0.0, 1.0);
    sign = -sign;
    previous = term;
  }
  return 1;  // no convergence: as if no difference was shown
}

}  // namespace

KsResult KolmogorovSmirnov(std::vector<double> a, std::vector<double> b) {
  KsResult r;
  r.n = a.size();
  r.m = b.size();
  if (a.empty() || b.empty()) return r;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;  // ties move both CDFs together
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  r.d = d;
  const double ne = static_cast<double>(a.size()) * b.size() / (a.size() + b.size());
  const double sq = std::sqrt(ne);
  r.p_value = ProbKs((sq + 0.12 + 0.11 / sq) * d);
  return r;
}

}  // namespace assay
