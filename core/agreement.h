// Inter-annotator agreement and consensus: pure functions over labels, no store, no I/O.
// Definitions (and the published examples the unit tests reproduce) in docs/annotation.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace assay::agreement {

// Cohen's kappa for two raters over the items both rated: each pair is (rater A's label,
// rater B's label). kappa = (p_o - p_e) / (1 - p_e) with p_e from each rater's own marginals.
// nullopt when there is no item or chance agreement is 1 (both raters used one same label).
std::optional<double> CohenKappa(const std::vector<std::pair<std::string, std::string>>& pairs);

// Fleiss' kappa: counts[i][j] = how many raters put item i in category j. Every item must have
// the same number n >= 2 of ratings. nullopt when there is no item, the rows disagree on n,
// n < 2, or expected agreement is 1.
std::optional<double> FleissKappa(const std::vector<std::vector<int>>& counts);

// Krippendorff's alpha. Each unit lists the values its coders gave (missing codings are simply
// absent; a unit with fewer than two values is not pairable and is left out). Nominal: values
// are categories (compared for equality); interval: squared difference. nullopt when fewer
// than two pairable values or no expected disagreement.
enum class Level { kNominal, kInterval };
std::optional<double> KrippendorffAlpha(const std::vector<std::vector<double>>& units, Level level);

// One vote on one task.
struct Vote {
  std::string annotator;
  std::string label;
};

// How a task's votes become its label.
enum class ConsensusRule {
  kMajority,   // the label with more than half of the votes
  kUnanimity,  // every vote the same label
  kWeighted,   // the label with more than half of the summed annotator weights
};

struct Consensus {
  std::optional<std::string> label;  // nullopt: no label satisfies the rule
  // The share of the votes (of the weight, for kWeighted) behind the leading label, in [0, 1]:
  // the task's agreement, compared with the agreement its routing requires.
  double agreement = 0;
  std::string leading;  // the leading label (the smallest in byte order among ties)
};

// `weights` are annotator reliabilities for kWeighted (an annotator not listed weighs 1); other
// rules ignore them. With no vote: no label, agreement 0.
Consensus Decide(const std::vector<Vote>& votes, ConsensusRule rule,
                 const std::map<std::string, double>& weights = {});

// An annotator's reliability from their record against consensus: (agreed + 1) / (rated + 2)
// (Laplace's rule: an annotator with no record weighs 0.5, one always agreeing tends to 1).
double Reliability(int agreed, int rated);

}  // namespace assay::agreement
