// Every metric a stage can measure: the only names contracts may use. A metric name is a
// lineage key: never renamed, never reused with another meaning.
#pragma once

#include <string_view>
#include <vector>

namespace assay {

struct MetricInfo {
  std::string_view name;
  std::string_view stage;
  bool per_page;  // also measured per page (scope "page:N")
  std::string_view meaning;
};

const std::vector<MetricInfo>& MetricCatalog();

// nullptr when `name` is not a known metric.
const MetricInfo* FindMetric(std::string_view name);

}  // namespace assay
