// The two-sample Kolmogorov–Smirnov test: does a metric's distribution differ between two
// releases? Pure function, no I/O.
#pragma once

#include <cstddef>
#include <vector>

namespace assay {

struct KsResult {
  double d = 0;        // the largest gap between the two empirical CDFs, in [0, 1]
  double p_value = 1;  // asymptotic (Kolmogorov distribution with Stephens' correction)
  size_t n = 0, m = 0;
};

// Samples need not be sorted. With an empty sample: d = 0, p = 1.
KsResult KolmogorovSmirnov(std::vector<double> a, std::vector<double> b);

}  // namespace assay
