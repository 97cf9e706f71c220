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

// A table as a Markdown (GFM) pipe table: the first row is the header row; pipes and line
// breaks inside cells are escaped so the grid stays a grid.
std::string PipeTable(const Json& rows) {
  auto cell = [](const Json& c) {
    std::string t = NormalizeWhitespace(c.is_string() ? c.get<std::string>() : "");
    std::string out;
    for (char ch : t) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return out;
  };
  std::string out;
  size_t width = 0;
  for (const Json& r : rows) width = std::max(width, r.size());
  bool first = true;
  for (const Json& r : rows) {
    out += "|";
    for (size_t i = 0; i < width; ++i) out += " " + (i < r.size() ? cell(r[i]) : "") + " |";
    out += "\n";
    if (first) {
      out += "|";
      for (size_t i = 0; i < width; ++i) out += " --- |";
      out += "\n";
      first = false;
    }
  }
  if (!out.empty()) out.pop_back();
  return out;
}

bool CentreInside(const Json& bbox, const Json& area) {
  if (!bbox.is_array() || bbox.size() != 4 || !area.is_array() || area.size() != 4) return false;
  const double x = (bbox[0].get<double>() + bbox[2].get<double>()) / 2;
  const double y = (bbox[1].get<double>() + bbox[3].get<double>()) / 2;
  return x >= area[0].get<double>() && x <= area[2].get<double>() && y >= area[1].get<double>() &&
         y <= area[3].get<double>();
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
  // A transcript: one paragraph per cue, the speaker in bold before the text when named.
  if (record.contains("transcript") && record["transcript"].is_object()) {
    for (const Json& s : record["transcript"].value("segments", Json::array())) {
      const std::string flat = NormalizeWhitespace(s.value("text", ""));
      if (flat.empty()) continue;
      const std::string speaker = NormalizeWhitespace(s.value("speaker", ""));
      para(speaker.empty() ? EscapeLineStart(flat) : "**" + speaker + ":** " + flat);
    }
    return out;
  }
  const Json tables = record.value("tables", Json::array());
  for (const Json& page : record.value("pages", Json::array())) {
    // The page's tables replace the blocks inside them, at the first such block; a table
    // no block falls in comes after the page's blocks.
    std::vector<const Json*> page_tables;
    for (const Json& t : tables)
      if (t.value("page", 0) == page.value("page", -1)) page_tables.push_back(&t);
    std::vector<bool> shown(page_tables.size());
    for (const Json& b : page.value("blocks", Json::array())) {
      bool in_table = false;
      for (size_t i = 0; i < page_tables.size(); ++i) {
        if (!CentreInside(b.value("bbox", Json()), (*page_tables[i])["bbox"])) continue;
        in_table = true;
        if (!shown[i]) para(PipeTable((*page_tables[i])["rows"]));
        shown[i] = true;
      }
      if (in_table) continue;
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
    for (size_t i = 0; i < page_tables.size(); ++i)
      if (!shown[i]) para(PipeTable((*page_tables[i])["rows"]));
  }
  if (!notes.empty()) {
    if (!out.empty()) out += "\n";
    out += notes;
  }
  return out;
}

}  // namespace assay
