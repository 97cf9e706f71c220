#include "stages/reading_order.h"

#include <algorithm>
#include <tuple>

namespace assay {
namespace {

constexpr double kWideShare = 0.6;  // of the text width: such a block spans the columns
constexpr int kMaxDepth = 12;

using Ids = std::vector<size_t>;

// Splits `ids` into groups separated by gaps on one axis (lo/hi give a block's interval).
template <typename Lo, typename Hi>
std::vector<Ids> SplitAtGaps(const std::vector<Block>& b, Ids ids, Lo lo, Hi hi) {
  std::sort(ids.begin(), ids.end(), [&](size_t x, size_t y) {
    return std::tie(lo(b[x]), hi(b[x]), x) < std::tie(lo(b[y]), hi(b[y]), y);
  });
  std::vector<Ids> groups;
  double reach = 0;
  for (size_t id : ids) {
    if (groups.empty() || lo(b[id]) > reach) {
      groups.emplace_back();
      reach = hi(b[id]);
    }
    groups.back().push_back(id);
    reach = std::max(reach, hi(b[id]));
  }
  return groups;
}

// True when two of the blocks overlap in height but not in width: their order is a guess.
bool HasSideBySide(const std::vector<Block>& b, const Ids& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    for (size_t j = i + 1; j < ids.size(); ++j) {
      const Box& p = b[ids[i]].bbox;
      const Box& q = b[ids[j]].bbox;
      const bool rows_overlap = std::min(p.y1, q.y1) - std::max(p.y0, q.y0) > 0;
      const bool cols_apart = p.x1 <= q.x0 || q.x1 <= p.x0;
      if (rows_overlap && cols_apart) return true;
    }
  }
  return false;
}

void CutOrder(const std::vector<Block>& b, const Ids& ids, int depth, Ids* out,
              std::vector<bool>* guessed) {
  auto x0 = [](const Block& k) -> const double& { return k.bbox.x0; };
  auto x1 = [](const Block& k) -> const double& { return k.bbox.x1; };
  auto y0 = [](const Block& k) -> const double& { return k.bbox.y0; };
  auto y1 = [](const Block& k) -> const double& { return k.bbox.y1; };
  if (ids.size() > 1 && depth < kMaxDepth) {
    const std::vector<Ids> columns = SplitAtGaps(b, ids, x0, x1);
    if (columns.size() > 1) {
      for (const Ids& c : columns) CutOrder(b, c, depth + 1, out, guessed);
      return;
    }
    // No gutter runs through everything: cut into rows, but keep consecutive rows together
    // while they still share a gutter, so a row of column headings stays with its columns.
    std::vector<Ids> rows;
    for (const Ids& row : SplitAtGaps(b, ids, y0, y1)) {
      if (!rows.empty()) {
        Ids joined = rows.back();
        joined.insert(joined.end(), row.begin(), row.end());
        if (SplitAtGaps(b, joined, x0, x1).size() > 1) {
          rows.back() = std::move(joined);
          continue;
        }
      }
      rows.push_back(row);
    }
    if (rows.size() > 1) {
      for (const Ids& r : rows) CutOrder(b, r, depth + 1, out, guessed);
      return;
    }
  }
  Ids sorted = ids;
  std::sort(sorted.begin(), sorted.end(), [&](size_t p, size_t q) {
    return std::tie(b[p].bbox.y0, b[p].bbox.x0, p) < std::tie(b[q].bbox.y0, b[q].bbox.x0, q);
  });
  out->insert(out->end(), sorted.begin(), sorted.end());
  if (guessed != nullptr && sorted.size() > 1 && HasSideBySide(b, sorted)) {
    for (size_t id : sorted) (*guessed)[id] = true;
  }
}

}  // namespace

void OrderBlocks(std::vector<Block>* blocks, std::vector<bool>* guessed) {
  std::vector<Block>& b = *blocks;
  std::vector<bool> guess(b.size(), false);
  if (guessed != nullptr) *guessed = guess;
  if (b.size() < 2) return;
  double left = b[0].bbox.x0, right = b[0].bbox.x1;
  for (const Block& k : b) {
    left = std::min(left, k.bbox.x0);
    right = std::max(right, k.bbox.x1);
  }
  const double wide = (right - left) * kWideShare;

  Ids by_top(b.size());
  for (size_t i = 0; i < b.size(); ++i) by_top[i] = i;
  std::sort(by_top.begin(), by_top.end(), [&](size_t p, size_t q) {
    return std::tie(b[p].bbox.y0, b[p].bbox.x0, p) < std::tie(b[q].bbox.y0, b[q].bbox.x0, q);
  });
  Ids order, band;
  // A wide block spans the columns only when it reaches over every other block's width: a
  // main column beside a sidebar can be wide too, and must not cut the sidebar's band, even
  // below the sidebar's end.
  auto beside = [&](size_t id) {
    for (size_t o = 0; o < b.size(); ++o) {
      if (o == id) continue;
      const Box& p = b[id].bbox;
      const Box& q = b[o].bbox;
      if (p.x1 <= q.x0 || q.x1 <= p.x0) return true;
    }
    return false;
  };
  for (size_t id : by_top) {
    if (b[id].bbox.x1 - b[id].bbox.x0 >= wide && !beside(id)) {
      CutOrder(b, band, 0, &order, &guess);
      band.clear();
      order.push_back(id);
    } else {
      band.push_back(id);
    }
  }
  CutOrder(b, band, 0, &order, &guess);

  std::vector<Block> reordered;
  reordered.reserve(b.size());
  for (size_t id : order) reordered.push_back(std::move(b[id]));
  b = std::move(reordered);
  if (guessed != nullptr) {
    for (size_t i = 0; i < order.size(); ++i) (*guessed)[i] = guess[order[i]];
  }
}

}  // namespace assay
