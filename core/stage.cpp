#include "core/stage.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

#include "core/raster.h"

namespace assay {
namespace {

// A bound as people write it: 2400, 0.0002, 1e+06.
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// The offending value as given, shortened: a 300-digit number is not a useful message.
std::string Shown(const CanonicalJson& v) {
  // JSON has no spelling for them (it dumps null), but TOML does: show what was written.
  if (v.is_number_float() && !std::isfinite(v.get<double>())) {
    const double d = v.get<double>();
    return std::isnan(d) ? "nan" : d > 0 ? "inf" : "-inf";
  }
  std::string s = DumpCanonical(v);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

}  // namespace

const ParamSpec* StageSpec::FindParam(std::string_view name) const {
  for (const ParamSpec& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const MetricSpec* StageSpec::FindMetric(std::string_view name) const {
  for (const MetricSpec& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool StageSpec::RunsOn(std::string_view modality) const {
  return modalities.empty() ||
         std::find(modalities.begin(), modalities.end(), modality) != modalities.end();
}

bool StageSpec::AllowsContainer(std::string_view container) const {
  return std::find(containers.begin(), containers.end(), container) != containers.end();
}

Result<CanonicalJson> ValidateParam(std::string_view stage, const ParamSpec& spec,
                                    const CanonicalJson& value) {
  const std::string name = std::string(stage) + "." + std::string(spec.name);
  auto refuse = [&](const std::string& what) {
    return Error{"usage", name + " must be " + what + ", got " + Shown(value)};
  };
  const std::string range = "from " + Num(spec.min) + " to " + Num(spec.max);
  switch (spec.type) {
    case ParamType::kInt: {
      if (!value.is_number()) return refuse("an integer " + range);
      const double v = value.get<double>();
      if (!std::isfinite(v) || v != std::floor(v)) return refuse("an integer " + range);
      if (v < spec.min || v > spec.max) return refuse("an integer " + range);
      return CanonicalJson(static_cast<int64_t>(v));
    }
    case ParamType::kNumber: {
      if (!value.is_number()) return refuse("a number " + range);
      const double v = value.get<double>();
      if (!std::isfinite(v) || v < spec.min || v > spec.max) return refuse("a number " + range);
      // One value, one spelling: 60 and 60.0 are the same parameter.
      if (v == std::floor(v) && std::fabs(v) < 9e15) {
        return CanonicalJson(static_cast<int64_t>(v));
      }
      return CanonicalJson(v);
    }
    case ParamType::kBool:
      if (!value.is_boolean()) return refuse("true or false");
      return value;
    case ParamType::kString: {
      if (!value.is_string()) return refuse("a string");
      const std::string s = value.get<std::string>();
      if (!spec.choices.empty() &&
          std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
        std::string list;
        for (std::string_view c : spec.choices) list += (list.empty() ? "" : ", ") + std::string(c);
        return refuse("one of " + list);
      }
      if (!spec.pattern.empty() &&
          !std::regex_match(s, std::regex(std::string(spec.pattern), std::regex::ECMAScript))) {
        return refuse("a value matching " + std::string(spec.pattern));
      }
      return value;
    }
  }
  return refuse("valid");
}

void StageContext::Hold(Page& page, PixHandle pix) {
  held_ += PixBytes(pix.get());
  page.raster = held_ <= raster_budget_ ? std::move(pix) : nullptr;
}

Result<PixHandle> Stage::RebuildRaster(const Document& /*doc*/, const Page& page,
                                       const RasterStep& step, PixHandle /*previous*/,
                                       StageContext& /*ctx*/) const {
  return Error{step.stage, "cannot rebuild the raster of page " + std::to_string(page.number)};
}

}  // namespace assay
