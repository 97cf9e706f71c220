#include "core/agreement.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace assay::agreement {

std::optional<double> CohenKappa(const std::vector<std::pair<std::string, std::string>>& pairs) {
  if (pairs.empty()) return std::nullopt;
  std::map<std::string, double> a, b;
  double agree = 0;
  for (const auto& [x, y] : pairs) {
    a[x] += 1;
    b[y] += 1;
    if (x == y) agree += 1;
  }
  const double n = static_cast<double>(pairs.size());
  const double po = agree / n;
  double pe = 0;
  for (const auto& [label, count] : a) {
    if (auto it = b.find(label); it != b.end()) pe += (count / n) * (it->second / n);
  }
  if (pe >= 1.0) return std::nullopt;
  return (po - pe) / (1.0 - pe);
}

std::optional<double> FleissKappa(const std::vector<std::vector<int>>& counts) {
  if (counts.empty()) return std::nullopt;
  const size_t k = counts.front().size();
  int n = -1;
  for (const auto& row : counts) {
    if (row.size() != k) return std::nullopt;
    int sum = 0;
    for (int c : row) sum += c;
    if (n == -1) n = sum;
    if (sum != n) return std::nullopt;
  }
  if (n < 2) return std::nullopt;
  const double items = static_cast<double>(counts.size());
  std::vector<double> p(k, 0);
  double p_bar = 0;
  for (const auto& row : counts) {
    double pairs = 0;
    for (size_t j = 0; j < k; ++j) {
      p[j] += row[j];
      pairs += static_cast<double>(row[j]) * (row[j] - 1);
    }
    p_bar += pairs / (static_cast<double>(n) * (n - 1));
  }
  p_bar /= items;
  double pe = 0;
  for (double pj : p) {
    const double share = pj / (items * n);
    pe += share * share;
  }
  if (pe >= 1.0) return std::nullopt;
  return (p_bar - pe) / (1.0 - pe);
}

std::optional<double> KrippendorffAlpha(const std::vector<std::vector<double>>& units,
                                        Level level) {
  // The coincidence matrix o_ck: each ordered pair of values within a unit, weighted 1/(m_u-1).
  std::map<std::pair<double, double>, double> o;
  std::map<double, double> n_c;
  double n = 0;
  for (const auto& u : units) {
    const size_t m = u.size();
    if (m < 2) continue;
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = 0; j < m; ++j) {
        if (i == j) continue;
        o[{u[i], u[j]}] += 1.0 / static_cast<double>(m - 1);
      }
      n_c[u[i]] += 1;
      n += 1;
    }
  }
  if (n < 2) return std::nullopt;
  auto delta2 = [&](double c, double k) {
    if (level == Level::kNominal) return c == k ? 0.0 : 1.0;
    return (c - k) * (c - k);
  };
  double observed = 0;
  for (const auto& [ck, count] : o) observed += count * delta2(ck.first, ck.second);
  double expected = 0;
  for (const auto& [c, nc] : n_c) {
    for (const auto& [k, nk] : n_c) expected += nc * nk * delta2(c, k);
  }
  if (expected == 0) return std::nullopt;
  return 1.0 - (n - 1) * observed / expected;
}

Consensus Decide(const std::vector<Vote>& votes, ConsensusRule rule,
                 const std::map<std::string, double>& weights) {
  Consensus c;
  if (votes.empty()) return c;
  std::map<std::string, double> tally;  // ordered: ties go to the smallest label
  double total = 0;
  for (const Vote& v : votes) {
    double w = 1;
    if (rule == ConsensusRule::kWeighted) {
      if (auto it = weights.find(v.annotator); it != weights.end()) w = it->second;
    }
    tally[v.label] += w;
    total += w;
  }
  double best = -1;
  for (const auto& [label, w] : tally) {
    if (w > best) {
      best = w;
      c.leading = label;
    }
  }
  c.agreement = total > 0 ? best / total : 0;
  const bool unanimous = tally.size() == 1;
  switch (rule) {
    case ConsensusRule::kUnanimity:
      if (unanimous) c.label = c.leading;
      break;
    case ConsensusRule::kMajority:
    case ConsensusRule::kWeighted:
      if (total > 0 && best * 2 > total) c.label = c.leading;
      break;
  }
  return c;
}

double Reliability(int agreed, int rated) {
  return (static_cast<double>(agreed) + 1.0) / (static_cast<double>(rated) + 2.0);
}

}  // namespace assay::agreement
