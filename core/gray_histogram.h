// Gray-level histograms and rank values of 8-bit page rasters, equal to Leptonica's
// pixGetGrayHistogram and pixGetRankValue (same samples, same counts, same rank), about five
// times faster: Leptonica counts into floats one pixel at a time, 31 ms for a 300-dpi page,
// and the stages took a dozen such histograms a page (5-7% of a clean page's CPU).
#pragma once

#include <array>
#include <cstdint>

struct Pix;

namespace assay {

using GrayCounts = std::array<uint32_t, 256>;

// Counts of each gray level over the pixels (i, j) with i and j multiples of `factor` (>= 1),
// as pixGetGrayHistogram samples them; like its float counts, a count stops at 2^24. False when `pix` is not 8-bit gray without a colormap.
bool GrayHistogram(Pix* pix, int factor, GrayCounts* counts);

// Leptonica's rank value of a histogram (numaHistogramGetValFromRank): the gray level at
// `rank` (0 darkest, 1 brightest), interpolated within a level, not rounded; what
// pixGetRankValueMasked gives without a mask. Several ranks of one image take one histogram.
double RankOfCounts(const GrayCounts& counts, double rank);

// pixGetRankValue(pix, factor, rank): the gray level at `rank` (0 darkest, 1 brightest),
// interpolated within a level and rounded as Leptonica does. Any depth (other ones go to
// Leptonica itself); false on error.
bool GrayRankValue(Pix* pix, int factor, double rank, uint32_t* value);

}  // namespace assay
