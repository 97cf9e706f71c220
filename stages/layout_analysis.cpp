#include "stages/layout_analysis.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <regex>
#include <tuple>

#include "core/text_metrics.h"
#include "stages/reading_order.h"

namespace assay {
namespace {

// Where running heads live: a block wholly inside the top or bottom band of the page.
constexpr double kHeadBand = 0.12;
// Narrower band where a short, body-size or smaller line is a running head even when it does
// not repeat (a single page's journal line, "Page 3 of 9").
constexpr double kTightBand = 0.075;
constexpr int kRowOfCells = 4;  // blocks along one line (itself included): a table's row
constexpr double kHeadingSizeRatio = 1.15;  // of the body size
constexpr double kTitleSizeRatio = 1.4;
constexpr double kFootnoteSizeRatio = 0.9;
constexpr double kFootnoteTop = 0.7;  // of the page height
constexpr double kSameSize = 0.06;    // sizes within 6% are one heading level
constexpr int kMaxFigureLabelWords = 25;
// Line numbers in a margin (court transcripts, legal filings, line-numbered manuscripts): at
// least this many numbered lines in one narrow strip beside the text.
constexpr int kMinNumberedLines = 5;
constexpr double kGutterStripWidth = 0.06;  // of the page width: the widest a number strip is
constexpr double kGutterAlign = 4;          // points: edges of one strip's numbers agree this well
constexpr double kGutterMinHeight = 0.4;    // of the page height: how far down a gutter runs

int CountWords(const std::string& t) {
  int n = 0;
  bool in = false;
  for (unsigned char c : t) {
    const bool space = std::isspace(c);
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

int CountChars(const Block& b) {
  int n = 0;
  for (const Line& l : b.lines)
    for (const Word& w : l.words) n += static_cast<int>(w.text.size());
  return n;
}

double Area(const Box& b) { return b.empty() ? 0 : (b.x1 - b.x0) * (b.y1 - b.y0); }

// Whether `a` and `b` overlap horizontally over at least `share` of the narrower one's width.
bool SharesWidth(const Box& a, const Box& b, double share) {
  const double overlap = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  return overlap >= share * std::min(a.x1 - a.x0, b.x1 - b.x0);
}

double IntersectionArea(const Box& a, const Box& b) {
  const double w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const double h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

double WeightedMedian(std::vector<std::pair<double, double>> v) {  // (value, weight)
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double total = 0;
  for (const auto& [x, w] : v) total += w;
  double run = 0;
  for (const auto& [x, w] : v) {
    run += w;
    if (run >= total / 2) return x;
  }
  return v.back().first;
}

// Lowercased, digits folded to '#', whitespace collapsed: "Page 3" and "Page 4" are one head.
std::string HeadKey(const std::string& text) {
  std::string k;
  for (unsigned char c : NormalizeWhitespace(text)) {
    k += std::isdigit(c) ? '#' : static_cast<char>(std::tolower(c));
  }
  return k;
}

bool TitleLikeText(const std::string& text, int max_words) {
  const std::string t = NormalizeWhitespace(text);
  if (t.empty()) return false;
  const unsigned char first = t[0];
  if (std::islower(first)) return false;
  const int words = CountWords(t);
  if (words > max_words) return false;
  const char last = t.back();
  if (last == ',' || last == ';') return false;
  if (last == '.' && words > 6 && NumberingLevel(t) == 0) return false;
  // A heading has letters.
  return std::any_of(t.begin(), t.end(), [](unsigned char c) { return std::isalpha(c); });
}

struct Typed {
  bool heading = false;
  double size = 0;
  bool bold = false;
};

// Splits intervals at gaps: the number of groups of blocks (columns) holding at least
// `min_share` of the characters.
int CountColumns(const std::vector<Block>& blocks, const std::vector<size_t>& ids,
                 double min_share) {
  if (ids.empty()) return 1;
  std::vector<size_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end(), [&](size_t a, size_t b) {
    return std::tie(blocks[a].bbox.x0, a) < std::tie(blocks[b].bbox.x0, b);
  });
  int total = 0;
  for (size_t id : ids) total += CountChars(blocks[id]);
  int columns = 0, group_chars = 0;
  double reach = -1e300;
  auto close_group = [&] {
    if (total > 0 && group_chars >= min_share * total) ++columns;
    group_chars = 0;
  };
  for (size_t id : sorted) {
    if (blocks[id].bbox.x0 > reach && reach > -1e300) close_group();
    reach = std::max(reach, blocks[id].bbox.x1);
    group_chars += CountChars(blocks[id]);
  }
  close_group();
  return std::max(1, columns);
}

// True when a block holds lines standing side by side (overlapping in height, apart in
// width): lines of two columns were merged into one block, and their order is a guess.
bool HasSideBySideLines(const Block& b) {
  for (size_t i = 0; i < b.lines.size(); ++i) {
    for (size_t j = i + 1; j < b.lines.size(); ++j) {
      const Box& p = b.lines[i].bbox;
      const Box& q = b.lines[j].bbox;
      const double overlap = std::min(p.y1, q.y1) - std::max(p.y0, q.y0);
      const double h = std::min(p.y1 - p.y0, q.y1 - q.y0);
      if (overlap > 0.5 * h && (p.x1 <= q.x0 || q.x1 <= p.x0)) return true;
    }
  }
  return false;
}

std::vector<Box> MergeOverlapping(std::vector<Box> boxes) {
  bool merged = true;
  while (merged) {
    merged = false;
    for (size_t i = 0; i < boxes.size() && !merged; ++i) {
      for (size_t j = i + 1; j < boxes.size() && !merged; ++j) {
        if (IntersectionArea(boxes[i], boxes[j]) > 0) {
          boxes[i].Extend(boxes[j]);
          boxes.erase(boxes.begin() + static_cast<long>(j));
          merged = true;
        }
      }
    }
  }
  std::sort(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) {
    return std::tie(a.y0, a.x0, a.y1, a.x1) < std::tie(b.y0, b.x0, b.y1, b.x1);
  });
  return boxes;
}

bool IsFigureCaption(const std::string& text) {
  const std::string t = NormalizeWhitespace(text);
  return LooksLikeCaption(t) &&
         !(t.rfind("Table", 0) == 0 || t.rfind("TABLE", 0) == 0 || t.rfind("Tab.", 0) == 0);
}

// Joins consecutive list blocks of one column into one list (a text layer often gives each
// item its own block).
// `guessed` (one flag per block) is merged along.
void MergeLists(std::vector<Block>* blocks, std::vector<bool>* guessed) {
  std::vector<Block> out;
  std::vector<bool> out_guessed;
  for (size_t i = 0; i < blocks->size(); ++i) {
    Block& b = (*blocks)[i];
    if (!out.empty() && b.type == "list" && out.back().type == "list") {
      Block& prev = out.back();
      const double line_h =
          prev.lines.empty() ? 0 : prev.lines.back().bbox.y1 - prev.lines.back().bbox.y0;
      const double gap = b.bbox.y0 - prev.bbox.y1;
      const double width = prev.bbox.x1 - prev.bbox.x0;
      if (gap >= -1 && gap < 2.0 * line_h + 1 && std::abs(b.bbox.x0 - prev.bbox.x0) < 0.2 * width) {
        prev.bbox.Extend(b.bbox);
        for (Line& l : b.lines) prev.lines.push_back(std::move(l));
        out_guessed.back() = out_guessed.back() || (*guessed)[i];
        continue;
      }
    }
    out.push_back(std::move(b));
    out_guessed.push_back((*guessed)[i]);
  }
  *blocks = std::move(out);
  *guessed = std::move(out_guessed);
}

}  // namespace

BlockStyle TextLayerStyle(const Block& b) {
  double size_sum = 0, chars = 0, bold = 0;
  for (const Line& l : b.lines) {
    for (const Word& w : l.words) {
      const double n = static_cast<double>(w.text.size());
      size_sum += w.font_size * n;
      chars += n;
      std::string f = w.font;
      std::transform(f.begin(), f.end(), f.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (f.find("bold") != std::string::npos || f.find("black") != std::string::npos ||
          f.find("heavy") != std::string::npos || f.find("semibold") != std::string::npos ||
          f.find(",b") != std::string::npos || f.find("-b") == f.size() - 2) {
        bold += n;
      }
    }
  }
  return chars > 0 ? BlockStyle{size_sum / chars, bold / chars} : BlockStyle{};
}

BlockStyle OcrStyle(const Block& b) {
  std::vector<double> h;
  for (const Line& l : b.lines) h.push_back(l.bbox.y1 - l.bbox.y0);
  if (h.empty()) return {};
  std::sort(h.begin(), h.end());
  return BlockStyle{h[h.size() / 2], 0};
}

int NumberingLevel(const std::string& text) {
  static const std::regex kNumber(R"(^([0-9]{1,2}(\.[0-9]{1,2}){0,5})\.?\s+\S)");
  std::smatch m;
  const std::string t = NormalizeWhitespace(text);
  if (!std::regex_search(t, m, kNumber)) return 0;
  const std::string num = m[1];
  return 1 + static_cast<int>(std::count(num.begin(), num.end(), '.'));
}

bool LooksLikeCaption(const std::string& text) {
  static const std::regex kCaption(
      R"(^(Figure|FIGURE|Fig\.?|FIG\.?|Table|TABLE|Tab\.|Chart|Plate|Scheme|Exhibit)\s*[0-9IVXivx]+[A-Za-z]?(\s*[.:|-]|\s|$))");
  return std::regex_search(NormalizeWhitespace(text), kCaption);
}

bool LooksLikePageNumber(const std::string& text) {
  static const std::regex kPage(
      R"(^[-–—\s]*((page|p\.)\s*)?([0-9]{1,4}|[ivxlcdm]{1,7})(\s*(of|/)\s*[0-9]{1,4})?[-–—\s]*$)",
      std::regex::icase);
  const std::string t = NormalizeWhitespace(text);
  return !t.empty() && std::regex_match(t, kPage);
}

// The integer a line is made of, or -1 ("12" -> 12; "12a", "Page 2" -> -1).
int LineInteger(const std::string& text) {
  const std::string t = NormalizeWhitespace(text);
  if (t.empty() || t.size() > 4) return -1;
  for (const char c : t) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  }
  return std::stoi(t);
}

// Marks the blocks of a line-number gutter as `line_number`: narrow blocks whose every line is
// an integer, aligned on one edge, counting up from the top, beside (not over) the text. Read
// as a column they would be spliced into the text as a run of numbers, and read as lines they
// would interleave with it; either way they are not the document's words.
void MarkLineNumbers(PageInput& in) {
  Page& p = *in.page;
  struct Numbered {
    size_t block;
    double x0, x1, y;
    int value;
  };
  std::vector<Numbered> lines;
  for (size_t i = 0; i < p.blocks.size(); ++i) {
    const Block& b = p.blocks[i];
    if (b.lines.empty() || b.bbox.x1 - b.bbox.x0 > kGutterStripWidth * p.width) continue;
    // A ruled table's first column of row numbers is the table's, not a gutter.
    bool in_table = false;
    for (const Box& t : in.table_regions) in_table = in_table || IntersectionArea(b.bbox, t) > 0;
    if (in_table) continue;
    bool all = true;
    for (const Line& l : b.lines) all = all && LineInteger(l.Text()) >= 0;
    if (!all) continue;
    for (const Line& l : b.lines) lines.push_back({i, l.bbox.x0, l.bbox.x1, l.bbox.y0, LineInteger(l.Text())});
  }
  if (static_cast<int>(lines.size()) < kMinNumberedLines) return;
  // One strip per shared right edge (numbers are right-aligned) or left edge.
  for (const bool right : {true, false}) {
    auto edge = [right](const Numbered& n) { return right ? n.x1 : n.x0; };
    std::vector<bool> taken(lines.size(), false);
    for (size_t seed = 0; seed < lines.size(); ++seed) {
      if (taken[seed]) continue;
      std::vector<size_t> strip;
      for (size_t j = 0; j < lines.size(); ++j) {
        if (!taken[j] && std::abs(edge(lines[j]) - edge(lines[seed])) <= kGutterAlign) strip.push_back(j);
      }
      if (static_cast<int>(strip.size()) < kMinNumberedLines) continue;
      std::sort(strip.begin(), strip.end(), [&](size_t a, size_t b) { return lines[a].y < lines[b].y; });
      size_t up = 0;
      for (size_t k = 1; k < strip.size(); ++k) up += lines[strip[k]].value > lines[strip[k - 1]].value;
      if (up < 0.8 * (strip.size() - 1)) continue;
      // A gutter runs down most of the text; a short run of numbers is more likely a list or
      // a table's row numbers.
      if (lines[strip.back()].y - lines[strip.front()].y < kGutterMinHeight * p.height) continue;
      // Beside the text: no other block overlaps the strip horizontally.
      double x0 = 1e300, x1 = -1e300;
      std::vector<bool> in_strip(p.blocks.size(), false);
      for (size_t k : strip) {
        x0 = std::min(x0, lines[k].x0);
        x1 = std::max(x1, lines[k].x1);
        in_strip[lines[k].block] = true;
      }
      bool overlapped = false, left_of = false, right_of = false;
      for (size_t i = 0; i < p.blocks.size(); ++i) {
        if (in_strip[i]) continue;
        const Box& b = p.blocks[i].bbox;
        const bool vertical_overlap = b.y1 > lines[strip.front()].y && b.y0 < lines[strip.back()].y;
        if (!vertical_overlap) continue;
        if (b.x0 < x1 && b.x1 > x0) overlapped = true;
        if (b.x1 <= x0) left_of = true;
        if (b.x0 >= x1) right_of = true;
      }
      // In a margin: text on one side only (numbers between two texts are a table's column).
      if (overlapped || left_of == right_of) continue;
      for (size_t k : strip) {
        taken[k] = true;
        p.blocks[lines[k].block].type = "line_number";
      }
    }
  }
}

std::vector<PageLayout> LayOutDocument(std::vector<PageInput>& pages) {
  std::vector<PageLayout> result(pages.size());
  for (PageInput& in : pages) MarkLineNumbers(in);

  // 1. Running heads and page numbers: in the head bands, repeating across pages (digits
  // folded) or a page number alone, or short and small in the tight band.
  std::map<std::string, int> key_pages;  // "t:" / "b:" + key -> pages it appears on
  auto in_band = [](const Page& p, const Block& b, double band, bool* top) {
    *top = b.bbox.y1 <= p.height * band;
    return *top || b.bbox.y0 >= p.height * (1 - band);
  };
  for (PageInput& in : pages) {
    std::map<std::string, bool> seen;
    for (const Block& b : in.page->blocks) {
      bool top = false;
      if (b.lines.size() <= 2 && in_band(*in.page, b, kHeadBand, &top)) {
        seen[(top ? "t:" : "b:") + HeadKey(b.Text())] = true;
      }
    }
    for (const auto& [k, unused] : seen) ++key_pages[k];
  }

  // Body size: the character-weighted median size of all blocks.
  std::vector<std::pair<double, double>> sizes;
  for (PageInput& in : pages) {
    for (size_t i = 0; i < in.page->blocks.size(); ++i) {
      const double chars = CountChars(in.page->blocks[i]);
      if (in.styles[i].size > 0 && chars > 0) sizes.push_back({in.styles[i].size, chars});
    }
  }
  const double body = WeightedMedian(sizes);

  for (PageInput& in : pages) {
    Page& p = *in.page;
    for (size_t i = 0; i < p.blocks.size(); ++i) {
      Block& b = p.blocks[i];
      b.level = 0;
      bool top = false;
      if (b.type == "line_number") continue;
      if (b.lines.size() > 2 || !in_band(p, b, kHeadBand, &top)) continue;
      // A cell of a ruled table reaching into the head band ("12" in a grid looks like a
      // page number) is the table's text, not a running head.
      bool in_table = false;
      for (const Box& t : in.table_regions) in_table = in_table || IntersectionArea(b.bbox, t) > 0;
      if (in_table) continue;
      // A block beside three or more others along its line is a cell of a table's row (a
      // header of column numbers "1" .. "10" near the top: ICDAR us-019), not a running head
      // (left, centre and right parts at most).
      int along = 0;
      for (const Block& o : p.blocks)
        along += std::min(o.bbox.y1, b.bbox.y1) - std::max(o.bbox.y0, b.bbox.y0) >
                 0.5 * std::min(o.bbox.y1 - o.bbox.y0, b.bbox.y1 - b.bbox.y0);
      if (along >= kRowOfCells) continue;
      const std::string text = b.Text();
      const bool repeats = pages.size() > 1 && key_pages[(top ? "t:" : "b:") + HeadKey(text)] >= 2;
      bool tight_top = false;
      const bool tight = b.lines.size() == 1 && in_band(p, b, kTightBand, &tight_top) &&
                         (body <= 0 || in.styles[i].size <= body * 1.05);
      if (repeats || LooksLikePageNumber(text) || tight) b.type = top ? "header" : "footer";
    }
  }

  // 2. Types of the body blocks.
  std::vector<std::vector<Typed>> typed(pages.size());
  for (size_t pi = 0; pi < pages.size(); ++pi) {
    Page& p = *pages[pi].page;
    typed[pi].resize(p.blocks.size());
    for (size_t i = 0; i < p.blocks.size(); ++i) {
      Block& b = p.blocks[i];
      if (!b.IsBody() || b.type == "line_number") continue;
      const BlockStyle st = pages[pi].styles[i];
      const std::string text = NormalizeWhitespace(b.Text());
      const std::string first = b.lines.empty() ? "" : b.lines.front().Text();
      b.type = "paragraph";
      const bool big = body > 0 && st.size >= body * kHeadingSizeRatio;
      const bool bold = st.bold >= 0.6;
      const bool short_block = b.lines.size() <= 3;
      if (LooksLikeCaption(first)) {
        b.type = "caption";
      } else if (StartsListItem(first)) {
        b.type = "list";
      } else if (short_block && ((big && TitleLikeText(text, 20)) ||
                                 (bold && b.lines.size() <= 2 && TitleLikeText(text, 12) &&
                                  st.size >= body * 0.95) ||
                                 (NumberingLevel(text) > 0 && b.lines.size() == 1 &&
                                  TitleLikeText(text, 12) && (bold || st.size >= body * 1.05)))) {
        b.type = "heading";
        typed[pi][i] = Typed{true, st.size, bold};
      } else if (body > 0 && st.size <= body * kFootnoteSizeRatio &&
                 b.bbox.y0 >= p.height * kFootnoteTop) {
        b.type = "footnote";
      }
    }
    // Notes run to the foot of the page: a paragraph that starts below a footnote, under it
    // (sharing most of its width) and no larger than body text, is a note too. An OCR'd note
    // whose first line carries a raised number measures a little larger than its neighbours
    // (us-027 p4: notes 22 and 23 stayed paragraphs and were read before notes 20 and 21).
    for (size_t i = 0; i < p.blocks.size(); ++i) {
      Block& b = p.blocks[i];
      if (b.type != "paragraph" || body <= 0 || pages[pi].styles[i].size > body) continue;
      for (const Block& note : p.blocks) {
        if (note.type != "footnote" || b.bbox.y0 < note.bbox.y0) continue;
        if (SharesWidth(b.bbox, note.bbox, 0.5)) {
          b.type = "footnote";
          break;
        }
      }
    }
  }

  // 3. The title: the largest heading of the first page, well above body size, in its upper
  // part, and no larger heading anywhere; blocks beside it of the same size join it.
  double max_size = 0;
  for (size_t pi = 0; pi < pages.size(); ++pi)
    for (const Typed& t : typed[pi])
      if (t.heading) max_size = std::max(max_size, t.size);
  if (!pages.empty() && max_size >= body * kTitleSizeRatio) {
    Page& p = *pages[0].page;
    for (size_t i = 0; i < p.blocks.size(); ++i) {
      Typed& t = typed[0][i];
      if (t.heading && t.size >= max_size * (1 - kSameSize) &&
          p.blocks[i].bbox.y0 < p.height * 0.5) {
        p.blocks[i].type = "title";
        t.heading = false;
      }
    }
  }

  // 4. Heading levels: distinct (size, bold) clusters, largest first; a cluster whose headings
  // carry section numbers takes the level the numbers say.
  std::vector<std::pair<double, bool>> clusters;  // representative size, bold
  auto cluster_of = [&](const Typed& t) -> int {
    for (size_t c = 0; c < clusters.size(); ++c) {
      if (clusters[c].second == t.bold &&
          std::abs(clusters[c].first - t.size) <= kSameSize * std::max(t.size, 1e-9))
        return static_cast<int>(c);
    }
    return -1;
  };
  for (size_t pi = 0; pi < pages.size(); ++pi)
    for (const Typed& t : typed[pi])
      if (t.heading && cluster_of(t) < 0) clusters.push_back({t.size, t.bold});
  std::vector<size_t> order(clusters.size());
  for (size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_tuple(-clusters[a].first, !clusters[a].second, a) <
           std::make_tuple(-clusters[b].first, !clusters[b].second, b);
  });
  std::vector<int> rank_level(clusters.size());
  for (size_t r = 0; r < order.size(); ++r) rank_level[order[r]] = static_cast<int>(r) + 1;
  std::vector<std::map<int, int>> numbered(clusters.size());  // level -> count
  for (size_t pi = 0; pi < pages.size(); ++pi) {
    Page& p = *pages[pi].page;
    for (size_t i = 0; i < p.blocks.size(); ++i) {
      if (!typed[pi][i].heading) continue;
      const int n = NumberingLevel(p.blocks[i].Text());
      if (n > 0) ++numbered[cluster_of(typed[pi][i])][n];
    }
  }
  std::vector<int> level(clusters.size());
  for (size_t c = 0; c < clusters.size(); ++c) {
    level[c] = rank_level[c];
    int best = 0;
    for (const auto& [lv, count] : numbered[c]) {
      if (count > best) {
        best = count;
        level[c] = lv;
      }
    }
  }
  for (size_t pi = 0; pi < pages.size(); ++pi) {
    Page& p = *pages[pi].page;
    for (size_t i = 0; i < p.blocks.size(); ++i) {
      if (!typed[pi][i].heading) continue;
      const int n = NumberingLevel(p.blocks[i].Text());
      p.blocks[i].level = std::clamp(n > 0 ? n : level[cluster_of(typed[pi][i])], 1, 6);
    }
  }

  // 5. Per page: figures absorb the short text inside them (labels), figures pair with
  // captions, and the blocks go in reading order.
  for (size_t pi = 0; pi < pages.size(); ++pi) {
    Page& p = *pages[pi].page;
    PageLayout& out = result[pi];
    const std::vector<Box> regions = MergeOverlapping(pages[pi].figure_regions);
    std::vector<Block> figures;
    for (const Box& r : regions) figures.push_back(Block{"figure", 0, r, {}});
    std::vector<Block> tables;
    for (const Box& r : MergeOverlapping(pages[pi].table_regions)) {
      tables.push_back(Block{"table", 0, r, {}});
    }
    std::vector<Block> heads, body_blocks, notes, feet, numbers;
    for (Block& b : p.blocks) {
      bool absorbed = false;
      if (b.type == "line_number") {
        numbers.push_back(std::move(b));
        continue;
      }
      if (b.type != "header" && b.type != "footer" && b.type != "caption") {
        for (Block& t : tables) {
          if (IntersectionArea(b.bbox, t.bbox) >= 0.7 * Area(b.bbox)) {
            for (Line& l : b.lines) t.lines.push_back(std::move(l));
            absorbed = true;
            break;
          }
        }
      }
      if (!absorbed && b.type != "caption" && b.type != "header" && b.type != "footer" &&
          CountWords(b.Text()) <= kMaxFigureLabelWords) {
        for (Block& f : figures) {
          if (IntersectionArea(b.bbox, f.bbox) >= 0.7 * Area(b.bbox)) {
            for (Line& l : b.lines) f.lines.push_back(std::move(l));
            absorbed = true;
            break;
          }
        }
      }
      if (absorbed) continue;
      if (b.type == "header") {
        heads.push_back(std::move(b));
      } else if (b.type == "footer") {
        feet.push_back(std::move(b));
      } else if (b.type == "footnote") {
        notes.push_back(std::move(b));
      } else {
        body_blocks.push_back(std::move(b));
      }
    }
    for (Block& f : figures) body_blocks.push_back(std::move(f));
    for (Block& t : tables) {
      // A table's cells read row by row, top to bottom, left to right.
      std::stable_sort(t.lines.begin(), t.lines.end(), [](const Line& a, const Line& b) {
        return std::tie(a.bbox.y0, a.bbox.x0) < std::tie(b.bbox.y0, b.bbox.x0);
      });
      body_blocks.push_back(std::move(t));
    }

    std::vector<bool> guessed;
    if (pages[pi].keep_order) {
      // The confidence of the order the column cut would give; the blocks keep theirs.
      std::vector<Block> probe = body_blocks;
      std::vector<bool> probe_guessed;
      OrderBlocks(&probe, &probe_guessed);
      const bool any = std::find(probe_guessed.begin(), probe_guessed.end(), true) != probe_guessed.end();
      guessed.assign(body_blocks.size(), false);
      if (any) {
        // Flag the same blocks in the kept order (matched by their boxes).
        for (size_t i = 0; i < probe.size(); ++i) {
          if (!probe_guessed[i]) continue;
          for (size_t j = 0; j < body_blocks.size(); ++j) {
            const Box& a = probe[i].bbox;
            const Box& b = body_blocks[j].bbox;
            if (a.x0 == b.x0 && a.y0 == b.y0 && a.x1 == b.x1 && a.y1 == b.y1) guessed[j] = true;
          }
        }
      }
    } else {
      OrderBlocks(&body_blocks, &guessed);
    }
    MergeLists(&body_blocks, &guessed);
    int total_chars = 0, guessed_chars = 0;
    std::vector<size_t> column_ids;
    double left = 1e300, right = -1e300;
    for (const Block& b : body_blocks) {
      left = std::min(left, b.bbox.x0);
      right = std::max(right, b.bbox.x1);
    }
    for (size_t i = 0; i < body_blocks.size(); ++i) {
      const Block& b = body_blocks[i];
      const int chars = CountChars(b);
      total_chars += chars;
      if (guessed[i] || HasSideBySideLines(b)) guessed_chars += chars;
      // Columns are counted on running text: titles and figures may sit across the gutter.
      if ((b.type == "paragraph" || b.type == "list") &&
          b.bbox.x1 - b.bbox.x0 < 0.6 * (right - left))
        column_ids.push_back(i);
    }
    out.columns = CountColumns(body_blocks, column_ids, 0.15);
    out.reading_order_confidence =
        total_chars > 0 ? 1.0 - static_cast<double>(guessed_chars) / total_chars : 1.0;

    std::sort(heads.begin(), heads.end(), [](const Block& a, const Block& b) {
      return std::tie(a.bbox.y0, a.bbox.x0) < std::tie(b.bbox.y0, b.bbox.x0);
    });
    // Footnotes and margin numbers read column by column, top to bottom: sorting them by left
    // edge first put an OCR'd page's notes out of order wherever their edges differed by a
    // pixel (us-027 p1: note 10 read before notes 8 and 9).
    OrderBlocks(&notes);
    std::sort(feet.begin(), feet.end(), [](const Block& a, const Block& b) {
      return std::tie(a.bbox.y0, a.bbox.x0) < std::tie(b.bbox.y0, b.bbox.x0);
    });
    OrderBlocks(&numbers);

    // Captions: each figure takes the nearest figure caption below it (or above), overlapping
    // it in width, within 8% of the page height.
    p.figures.clear();
    std::vector<bool> used(body_blocks.size(), false);
    for (const Block& f : body_blocks) {
      if (f.type != "figure") continue;
      Figure fig{f.bbox, "", pages[pi].figure_source};
      double best = 1e300;
      size_t best_id = body_blocks.size();
      for (size_t i = 0; i < body_blocks.size(); ++i) {
        const Block& c = body_blocks[i];
        if (used[i] || c.type != "caption" || !IsFigureCaption(c.Text())) continue;
        if (!SharesWidth(c.bbox, f.bbox, 0.3)) continue;
        const double below = c.bbox.y0 - f.bbox.y1;
        const double above = f.bbox.y0 - c.bbox.y1;
        const double gap = below >= -0.02 * p.height ? below : above + 0.01 * p.height;
        if (gap < -0.02 * p.height || gap > 0.08 * p.height) continue;
        if (std::abs(gap) < best) {
          best = std::abs(gap);
          best_id = i;
        }
      }
      if (best_id < body_blocks.size()) {
        used[best_id] = true;
        fig.caption = NormalizeWhitespace(body_blocks[best_id].Text());
      } else {
        ++out.uncaptioned_figures;
      }
      p.figures.push_back(std::move(fig));
    }

    p.blocks.clear();
    for (auto* group : {&heads, &body_blocks, &notes, &feet, &numbers})
      for (Block& b : *group) p.blocks.push_back(std::move(b));
    for (const Block& b : p.blocks) out.headings += (b.type == "heading" || b.type == "title");
  }
  return result;
}

}  // namespace assay
