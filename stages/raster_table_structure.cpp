#include "stages/raster_table_structure.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace assay {
namespace {

constexpr double kImageChunkGap = 0.8;      // word heights: a wider gap between words separates cells
constexpr double kImageLowCoverage = 0.12;  // share of lines that may cross a column gap
constexpr double kImageMinColumnGap = 0.4;  // word heights: a narrower gap is not a column gap
constexpr double kImageProseWords = 4.0;     // words a cell on average: prose columns, unless
                                            // a column is mostly one- or two-word cells
constexpr double kImageRowGapFloor = 0.25;  // word heights: rows spaced closer show no wraps
constexpr double kImageWrapShareOfRowGap = 0.75;  // a line closer than this share of the rows'
constexpr double kImageWrapGap = 0.35;            // median gap (and word heights) may continue a row

struct ImageChunk {
  Box box;
  std::vector<const TableWord*> words;
};

double ImageCx(const Box& b) { return (b.x0 + b.x1) / 2; }

std::vector<ImageChunk> ImageChunks(const WordLine& line, double word_height) {
  std::vector<ImageChunk> out;
  for (const TableWord* w : line.words) {
    if (out.empty() || w->bbox.x0 - out.back().box.x1 > kImageChunkGap * word_height) {
      out.push_back(ImageChunk{w->bbox, {w}});
    } else {
      out.back().words.push_back(w);
      out.back().box.Extend(w->bbox);
    }
  }
  return out;
}

// Which lines continue the row of the line above (see the header): true at i when line i does.
// `columns[i]`: the columns line i's chunks sit in.
std::vector<bool> ContinuationLines(const std::vector<WordLine>& lines,
                                    const std::vector<std::set<int>>& columns, double word_height) {
  std::vector<bool> joins(lines.size(), false);
  std::vector<double> gaps(lines.size(), 0), row_gaps;
  for (size_t i = 1; i < lines.size(); ++i) {
    gaps[i] = lines[i].box.y0 - lines[i - 1].box.y1;
    if (columns[i].size() >= 2) row_gaps.push_back(gaps[i]);
  }
  if (row_gaps.empty()) return joins;
  std::nth_element(row_gaps.begin(), row_gaps.begin() + row_gaps.size() / 2, row_gaps.end());
  const double row_gap = row_gaps[row_gaps.size() / 2];
  // Rows must be spaced apart for a closer line to stand out.
  if (row_gap < kImageRowGapFloor * word_height) return joins;
  const double closer = std::min(kImageWrapShareOfRowGap * row_gap, kImageWrapGap * word_height);
  // A line as full as its row is the next row, however close.
  std::set<int> row = columns[0];
  for (size_t i = 1; i < lines.size(); ++i) {
    joins[i] = gaps[i] < closer && columns[i].size() < row.size() &&
               std::includes(row.begin(), row.end(), columns[i].begin(), columns[i].end());
    if (!joins[i]) row.clear();
    row.insert(columns[i].begin(), columns[i].end());
  }
  return joins;
}

// Column separators: x positions inside gaps (almost) no line's chunks cover.
std::vector<double> ImageColumnSeparators(const std::vector<std::vector<ImageChunk>>& chunks,
                                          const Box& box, double word_height) {
  const int bins = std::max(1, static_cast<int>(std::ceil(box.x1 - box.x0)));
  std::vector<int> cover(static_cast<size_t>(bins), 0);
  for (const auto& line : chunks) {
    std::vector<bool> hit(static_cast<size_t>(bins), false);
    for (const ImageChunk& c : line) {
      const int a = std::clamp(static_cast<int>(c.box.x0 - box.x0), 0, bins - 1);
      const int b = std::clamp(static_cast<int>(std::ceil(c.box.x1 - box.x0)), 0, bins);
      for (int i = a; i < b; ++i) hit[static_cast<size_t>(i)] = true;
    }
    for (int i = 0; i < bins; ++i) cover[static_cast<size_t>(i)] += hit[static_cast<size_t>(i)] ? 1 : 0;
  }
  const int allowed = static_cast<int>(kImageLowCoverage * double(chunks.size()));
  const double min_width = std::max(2.0, kImageMinColumnGap * word_height);
  std::vector<double> seps;
  int start = -1;
  for (int i = 0; i <= bins; ++i) {
    const bool low = i < bins && cover[static_cast<size_t>(i)] <= allowed;
    if (low && start < 0) start = i;
    if (!low && start >= 0) {
      if (start > 0 && i < bins && i - start >= min_width) seps.push_back(box.x0 + (start + i) / 2.0);
      start = -1;
    }
  }
  return seps;
}

std::string ImageCellText(std::vector<const TableWord*> words) {
  // Top to bottom by line, left to right within one: lines of a cell are its words' rows.
  std::string out;
  for (const WordLine& l : GroupLines(std::move(words)))
    for (const TableWord* w : l.words) out += (out.empty() ? "" : " ") + w->text;
  return out;
}

}  // namespace

std::optional<PageTable> WholeImageTable(const std::vector<TableWord>& words) {
  if (words.size() < 4) return std::nullopt;
  std::vector<double> heights;
  for (const TableWord& w : words) heights.push_back(w.bbox.y1 - w.bbox.y0);
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const double word_height = std::max(1.0, heights[heights.size() / 2]);

  std::vector<const TableWord*> word_ptrs;
  for (const TableWord& w : words) word_ptrs.push_back(&w);
  const std::vector<WordLine> lines = GroupLines(std::move(word_ptrs));
  std::vector<std::vector<ImageChunk>> chunks;
  Box box{1e300, 1e300, -1e300, -1e300};
  for (const WordLine& l : lines) {
    chunks.push_back(ImageChunks(l, word_height));
    box.Extend(l.box);
  }
  const std::vector<double> seps = ImageColumnSeparators(chunks, box, word_height);
  if (seps.empty()) return std::nullopt;
  auto column_of = [&](double x) {
    return static_cast<int>(std::upper_bound(seps.begin(), seps.end(), x) - seps.begin());
  };
  std::vector<std::set<int>> columns(lines.size());
  for (size_t i = 0; i < lines.size(); ++i)
    for (const ImageChunk& c : chunks[i]) columns[i].insert(column_of(ImageCx(c.box)));
  const std::vector<bool> joins = ContinuationLines(lines, columns, word_height);

  // Rows: (first line, last line) runs.
  std::vector<std::pair<size_t, size_t>> rows;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0 && joins[i]) {
      rows.back().second = i;
    } else {
      rows.push_back({i, i});
    }
  }
  PageTable t;
  t.method = "aligned";
  t.bbox = box;
  t.n_rows = static_cast<int>(rows.size());
  t.n_cols = static_cast<int>(seps.size()) + 1;
  int full_rows = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    // Column -> (last column it spans, words).
    std::map<int, std::pair<int, std::vector<const TableWord*>>> by_col;
    for (size_t i = rows[r].first; i <= rows[r].second; ++i) {
      for (const ImageChunk& c : chunks[i]) {
        bool straddles = false;
        for (const TableWord* w : c.words)
          straddles = straddles || column_of(w->bbox.x0 + 0.5) != column_of(w->bbox.x1 - 0.5);
        if (!straddles) {
          for (const TableWord* w : c.words) {
            auto& slot = by_col[column_of(ImageCx(w->bbox))];
            slot.second.push_back(w);
            slot.first = std::max(slot.first, column_of(ImageCx(w->bbox)));
          }
          continue;
        }
        // A chunk with a word across a separator is one cell spanning its columns.
        const int c0 = column_of(c.box.x0 + 0.5), c1 = column_of(c.box.x1 - 0.5);
        std::vector<const TableWord*> all(c.words.begin(), c.words.end());
        int end = c1;
        for (auto it = by_col.begin(); it != by_col.end();) {
          if (it->first >= c0 && it->first <= c1) {
            all.insert(all.end(), it->second.second.begin(), it->second.second.end());
            end = std::max(end, it->second.first);
            it = by_col.erase(it);
          } else {
            ++it;
          }
        }
        by_col[c0] = {end, all};
      }
    }
    int last_end = -1, filled = 0;
    for (auto& [col, slot] : by_col) {
      if (col <= last_end) continue;  // overlapping spans: the first keeps its slots
      Box cb{1e300, 1e300, -1e300, -1e300};
      for (const TableWord* w : slot.second) cb.Extend(w->bbox);
      t.cells.push_back(TableCell{static_cast<int>(r), col, 1, slot.first - col + 1,
                                  ImageCellText(slot.second), cb});
      last_end = slot.first;
      ++filled;
    }
    full_rows += filled >= 2 ? 1 : 0;
  }
  if (full_rows < 2 || 2 * full_rows < t.n_rows) return std::nullopt;
  // Columns of prose are no table: long cells in every column (the page search's test).
  int cell_words = 0, cells = 0;
  std::vector<int> short_cells(static_cast<size_t>(t.n_cols)), column_cells(static_cast<size_t>(t.n_cols));
  for (const TableCell& c : t.cells) {
    const int n = static_cast<int>(std::count(c.text.begin(), c.text.end(), ' ')) + 1;
    cell_words += n;
    ++cells;
    ++column_cells[static_cast<size_t>(c.col)];
    short_cells[static_cast<size_t>(c.col)] += n <= 2 ? 1 : 0;
  }
  bool short_column = false;
  for (int k = 0; k < t.n_cols; ++k)
    short_column = short_column || (column_cells[static_cast<size_t>(k)] >= 2 &&
                                    2 * short_cells[static_cast<size_t>(k)] >= column_cells[static_cast<size_t>(k)]);
  if (cells > 0 && double(cell_words) / cells >= kImageProseWords && !short_column) return std::nullopt;
  // Every slot gets exactly one cell.
  std::vector<std::vector<bool>> covered(static_cast<size_t>(t.n_rows),
                                         std::vector<bool>(static_cast<size_t>(t.n_cols)));
  for (const TableCell& c : t.cells)
    for (int k = c.col; k < c.col + c.colspan; ++k) covered[static_cast<size_t>(c.row)][static_cast<size_t>(k)] = true;
  for (int r = 0; r < t.n_rows; ++r)
    for (int k = 0; k < t.n_cols; ++k)
      if (!covered[static_cast<size_t>(r)][static_cast<size_t>(k)]) t.cells.push_back(TableCell{r, k, 1, 1, "", Box{}});
  std::sort(t.cells.begin(), t.cells.end(), [](const TableCell& a, const TableCell& b) {
    return std::tie(a.row, a.col) < std::tie(b.row, b.col);
  });
  return t;
}

}  // namespace assay
