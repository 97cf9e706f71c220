#include "stages/table_cell_debris.h"

#include <algorithm>
#include <vector>

namespace assay {
namespace {

// What a rule beside or under a word reads as, glued to it: "|" for a vertical one, "_" for a
// horizontal one or a dark band's edge ("___Definition _", "____Female_|": ICDAR us-032, us-033).
constexpr const char* kRuleMarks = "|_";

bool IsFigure(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || c == '.' || c == ',';
         }) && std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string WithoutRuleDebris(std::string_view cell) {
  std::vector<std::string> words;
  for (size_t at = 0; at < cell.size();) {
    const size_t end = std::min(cell.find(' ', at), cell.size());
    std::string w(cell.substr(at, end - at));
    at = end + 1;
    const size_t first = w.find_first_not_of(kRuleMarks);
    if (first == std::string::npos) continue;  // empty, or only a rule
    w = w.substr(first, w.find_last_not_of(kRuleMarks) - first + 1);
    words.push_back(std::move(w));
  }
  if (words.empty()) return "";
  // Pipes and spaces aside, the words hold what the cell does: its brackets are counted there.
  const auto count = [&](char c) { return std::count(cell.begin(), cell.end(), c); };
  for (const auto& [open, close] : {std::pair{'[', ']'}, std::pair{'{', '}'}}) {
    const auto opened = count(open), closed = count(close);
    if (!words.empty() && words.front().front() == open && closed < opened) {
      words.front().erase(0, 1);
      if (words.front().empty()) words.erase(words.begin());
    }
    if (!words.empty() && words.back().back() == close && opened < closed) {
      words.back().pop_back();
      if (words.back().empty()) words.pop_back();
    }
  }
  if (!words.empty()) {
    std::string& last = words.back();
    if (last.size() > 1 && last.back() == ')' && count('(') < count(')') &&
        IsFigure(std::string_view(last).substr(0, last.size() - 1)))
      last.pop_back();
  }
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace assay
