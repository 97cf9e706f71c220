#include "core/markdown.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "core/text_metrics.h"

namespace assay {
namespace {

// Markdown reads some characters at the start of a line as syntax: escape them there, so a
// paragraph opening with "# " or "1. " stays a paragraph.
std::string EscapeLineStart(const std::string& s) {
  static const std::regex kSyntax(R"(^([#>*+-]|[0-9]+[.)])(\s|$))");
  return std::regex_search(s, kSyntax) ? "\\" + s : s;
}

// An item's text without its marker, and whether the marker was an enumerator.
std::string ItemText(const std::string& item, bool* numbered) {
  *numbered = false;
  if (!StartsListItem(item)) return item;
  const unsigned char first = item[0];
  *numbered = std::isalnum(first) || first == '(';
  return item.substr(item.find(' ') + 1);
}

}  // namespace

std::string RenderMarkdown(const Json& record) {
  std::string out, notes;
  int note_count = 0;
  auto para = [&](const std::string& s) {
    if (s.empty()) return;
    if (!out.empty()) out += "\n";
    out += s + "\n";
  };
  for (const Json& page : record.value("pages", Json::array())) {
    for (const Json& b : page.value("blocks", Json::array())) {
      const std::string type = b.value("type", "paragraph");
      const std::string text = b.value("text", "");
      const std::string flat = NormalizeWhitespace(text);
      if (type == "header" || type == "footer" || type == "figure" || type == "line_number") continue;
      if (flat.empty()) continue;
      if (type == "title") {
        para("# " + flat);
      } else if (type == "heading") {
        const int level = std::clamp(b.value("level", 1) + 1, 2, 6);
        para(std::string(level, '#') + " " + flat);
      } else if (type == "list") {
        std::string list;
        int n = 0;
        for (const Json& item : b.value("items", Json::array({text}))) {
          bool numbered = false;
          const std::string t = NormalizeWhitespace(ItemText(item.get<std::string>(), &numbered));
          list += (numbered ? std::to_string(++n) + ". " : std::string("- ")) + t + "\n";
        }
        if (!list.empty()) list.pop_back();
        para(list);
      } else if (type == "caption") {
        para("*" + flat + "*");
      } else if (type == "footnote") {
        notes += "[^" + std::to_string(++note_count) + "]: " + flat + "\n";
      } else if (type == "table") {
        para("```\n" + text + "\n```");
      } else {
        para(EscapeLineStart(flat));
      }
    }
  }
  if (!notes.empty()) {
    if (!out.empty()) out += "\n";
    out += notes;
  }
  return out;
}

}  // namespace assay
