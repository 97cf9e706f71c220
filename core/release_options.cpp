#include "core/release_options.h"

#include <cmath>
#include <limits>
#include <set>

namespace assay {
namespace {

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

Json ReleaseFilter::ToJson() const {
  Json m = Json::array();
  for (const MetricRange& r : metrics) m.push_back({{"metric", r.name}, {"min", r.min}, {"max", r.max}});
  return {{"modality", modalities}, {"tag", tags},       {"source", source_globs},
          {"license", licenses},    {"metric", m},       {"run", run_id ? Json(*run_id) : Json()}};
}

Result<std::vector<SplitPart>> ParseSplits(const std::string& text) {
  std::vector<SplitPart> parts;
  std::set<std::string> names;
  double sum = 0;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error{"usage", "--split: \"" + item + "\" is not NAME=SHARE (e.g. train=0.8,val=0.1,test=0.1)"};
    }
    SplitPart p{item.substr(0, eq), 0};
    for (char c : p.name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        return Error{"usage", "--split: the name \"" + p.name + "\" may only hold a-z, 0-9, _ and -"};
      }
    }
    const auto share = ParseNumber(item.substr(eq + 1));
    if (!share || *share <= 0 || *share > 1) {
      return Error{"usage", "--split: the share of " + p.name + " must be a number in (0, 1]"};
    }
    if (!names.insert(p.name).second) return Error{"usage", "--split: " + p.name + " is given twice"};
    p.share = *share;
    sum += *share;
    parts.push_back(p);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (std::fabs(sum - 1) > 1e-6) {
    return Error{"usage", "--split: the shares sum to " + std::to_string(sum) + ", not 1"};
  }
  return parts;
}

Result<MetricRange> ParseMetricRange(const std::string& text) {
  const size_t b = text.rfind(':');
  const size_t a = b == std::string::npos || b == 0 ? std::string::npos : text.rfind(':', b - 1);
  if (a == std::string::npos || a == 0) {
    return Error{"usage", "--metric: \"" + text + "\" is not NAME:MIN:MAX (an empty bound is open)"};
  }
  MetricRange r{text.substr(0, a), -std::numeric_limits<double>::infinity(),
                std::numeric_limits<double>::infinity()};
  const std::string lo = text.substr(a + 1, b - a - 1), hi = text.substr(b + 1);
  if (!lo.empty()) {
    auto v = ParseNumber(lo);
    if (!v) return Error{"usage", "--metric: the minimum \"" + lo + "\" is not a finite number"};
    r.min = *v;
  }
  if (!hi.empty()) {
    auto v = ParseNumber(hi);
    if (!v) return Error{"usage", "--metric: the maximum \"" + hi + "\" is not a finite number"};
    r.max = *v;
  }
  if (r.min > r.max) return Error{"usage", "--metric: " + text + ": the minimum is above the maximum"};
  return r;
}

Status CheckReleaseName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 128 && name[0] != '.' && name[0] != '-';
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return Error{"usage", "release name \"" + name + "\": use 1 to 128 of A-Z a-z 0-9 . _ - (not starting with . or -)"};
  }
  return {};
}

Json SplitsJson(const std::vector<SplitPart>& splits) {
  Json j = Json::array();
  for (const SplitPart& p : splits) j.push_back({{"name", p.name}, {"share", p.share}});
  return j;
}

}  // namespace assay
