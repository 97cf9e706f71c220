#include "contracts/condition.h"

#include <algorithm>

#include "core/toml_errors.h"

namespace assay {

std::string MetricCondition::Operator() const {
  if (min && max) return "range";
  if (min) return "min";
  if (max) return "max";
  if (equals) return "equals";
  return "in";
}

Json MetricCondition::Threshold() const {
  if (min && max) return Json::array({*min, *max});
  if (min) return *min;
  if (max) return *max;
  if (equals) return *equals;
  return Json(in);
}

bool MetricCondition::Passes(double v) const {
  if (min && v < *min) return false;
  if (max && v > *max) return false;
  if (equals) return v == *equals;
  if (!in.empty()) return std::find(in.begin(), in.end(), v) != in.end();
  return true;
}

std::pair<std::string, std::optional<double>> MetricCondition::Lookup(
    const std::map<std::string, double>& values) const {
  for (const std::string& name : metrics) {
    if (auto it = values.find(name); it != values.end()) return {name, it->second};
  }
  return {metrics.empty() ? std::string() : metrics.front(), std::nullopt};
}

Result<bool> ParseConditionKey(const std::string& k, const toml::node& node,
                               const std::string& path, const char* stage,
                               const StageCatalog& catalog, MetricCondition* c) {
  auto at = [&](const toml::node& n, const std::string& message) {
    return TomlErrorAt(stage, path, n, message);
  };
  if (k == "metric") {
    if (node.is_string()) {
      c->metrics.push_back(*node.value<std::string>());
    } else if (const toml::array* a = node.as_array()) {
      for (const toml::node& m : *a) {
        if (!m.is_string()) return at(m, "metric list must hold strings");
        c->metrics.push_back(*m.value<std::string>());
      }
    } else {
      return at(node, "metric must be a string or a list of strings");
    }
    for (const std::string& m : c->metrics) {
      if (catalog.FindMetric(m).metric == nullptr) {
        return at(node, "unknown metric '" + m + "' (see `assay metrics`)");
      }
    }
  } else if (k == "min" || k == "max" || k == "equals") {
    auto v = node.value<double>();
    if (!v) return at(node, k + " must be a number");
    (k == "min" ? c->min : k == "max" ? c->max : c->equals) = v;
  } else if (k == "in") {
    const toml::array* a = node.as_array();
    if (a == nullptr || a->empty()) return at(node, "in must be a non-empty list");
    for (const toml::node& v : *a) {
      auto n = v.value<double>();
      if (!n) return at(v, "in must list numbers");
      c->in.push_back(*n);
    }
  } else if (k == "if_missing") {
    auto s = node.value<std::string>();
    if (!s || (*s != "fail" && *s != "pass")) {
      return at(node, "if_missing must be \"fail\" or \"pass\"");
    }
    c->missing_passes = *s == "pass";
  } else {
    return false;
  }
  return true;
}

Status CheckCondition(const MetricCondition& c, const std::string& where, const char* stage,
                      const std::string& what) {
  if (c.metrics.empty()) return Error{stage, where + ": " + what + " has no metric"};
  const bool bounds = c.min || c.max;
  const int kinds = (bounds ? 1 : 0) + (c.equals ? 1 : 0) + (c.in.empty() ? 0 : 1);
  if (kinds == 0) {
    return Error{stage, where + ": " + what + " has no threshold (min, max, equals or in)"};
  }
  if (kinds > 1)
    return Error{stage, where + ": " + what + " mixes min/max, equals and in: use one"};
  return Status();
}

Result<std::vector<std::string>> ParseStringList(const toml::node& node, const std::string& path,
                                                 const char* stage, const std::string& what) {
  const toml::array* a = node.as_array();
  if (a == nullptr) return TomlErrorAt(stage, path, node, what + " must be a list of strings");
  std::vector<std::string> out;
  for (const toml::node& v : *a) {
    if (!v.is_string()) return TomlErrorAt(stage, path, v, what + " must be a list of strings");
    out.push_back(*v.value<std::string>());
  }
  return out;
}

}  // namespace assay
