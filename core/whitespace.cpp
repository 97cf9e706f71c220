#include "core/whitespace.h"

#include <cctype>

namespace assay {
namespace {

bool Space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string TrimWhitespace(std::string_view text) {
  size_t a = 0, b = text.size();
  while (a < b && Space(text[a])) ++a;
  while (b > a && Space(text[b - 1])) --b;
  return std::string(text.substr(a, b - a));
}

std::vector<std::string> WhitespaceWords(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (!Space(c)) {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace assay
