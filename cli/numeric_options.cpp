#include "cli/numeric_options.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

namespace assay::cli {
namespace {

// What was given, short and printable: a 300-digit number must not fill the terminal.
std::string Given(const std::string& s) {
  constexpr size_t kMax = 24;
  std::string out = "\"";
  for (char c : s.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out + (s.size() > kMax ? "\"... (" + std::to_string(s.size()) + " characters)" : "\"");
}

std::string Plain(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

CLI::Validator WholeNumber(int64_t min, int64_t max, const std::string& unit) {
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  const std::string what =
      "must be a whole number " + (unit.empty() ? "" : "of " + unit + " ") + range;
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        static const std::regex kWhole("[+-]?[0-9]+");
        if (!std::regex_match(s, kWhole)) return what + ", got " + Given(s);
        errno = 0;
        const long long v = std::strtoll(s.c_str(), nullptr, 10);
        if (errno == ERANGE || v < min || v > max) return what + ", got " + Given(s);
        s = std::to_string(v);  // "+007" reaches the option as "7"
        return "";
      },
      "[" + std::to_string(min) + ".." + std::to_string(max) + (unit.empty() ? "" : " " + unit) +
          "]");
}

CLI::Validator RealNumber(double min, double max, const std::string& unit) {
  const std::string range = "from " + Plain(min) + " to " + Plain(max);
  const std::string what = "must be a number of " + unit + " " + range;
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        // strtod alone would take "nan", "inf", "0x1p3" and leading spaces.
        static const std::regex kDecimal(R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)");
        if (!std::regex_match(s, kDecimal)) return what + ", got " + Given(s);
        errno = 0;
        const double v = std::strtod(s.c_str(), nullptr);
        if (errno == ERANGE || !std::isfinite(v) || v < min || v > max) {
          return what + ", got " + Given(s);
        }
        return "";
      },
      "[" + Plain(min) + ".." + Plain(max) + " " + unit + "]");
}

}  // namespace assay::cli
