#include "core/near_duplicates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>

namespace assay {
namespace {

// Random hashes with planted copies: each copy flips `flips` random bits of an original.
std::vector<uint64_t> Planted(size_t originals, int flips, std::mt19937_64& rng) {
  std::vector<uint64_t> h;
  for (size_t i = 0; i < originals; ++i) {
    const uint64_t base = rng();
    h.push_back(base);
    uint64_t copy = base;
    for (int f = 0; f < flips; ++f) copy ^= uint64_t(1) << (rng() % 64);
    h.push_back(copy);
  }
  std::sort(h.begin(), h.end());
  h.erase(std::unique(h.begin(), h.end()), h.end());
  return h;
}

TEST(HashIndex, FindsExactlyWhatBruteForceFinds) {
  std::mt19937_64 rng(7);
  for (int d : {0, 3, 5, 8, 12}) {
    const std::vector<uint64_t> hashes = Planted(400, d, rng);
    const HashIndex index(hashes, d);
    size_t close = 0;
    for (uint64_t h : hashes) {
      std::vector<uint32_t> brute, found;
      for (uint32_t j = 0; j < hashes.size(); ++j) {
        if (std::popcount(h ^ hashes[j]) <= d) brute.push_back(j);
      }
      index.ForEachWithin(h, [&](uint32_t j) { found.push_back(j); });
      std::sort(found.begin(), found.end());
      ASSERT_EQ(found, brute) << "distance " << d;  // each once, none missed
      close += brute.size() - 1;
    }
    if (d > 0) {
      EXPECT_GE(close, 600u) << "the planted copies are found, distance " << d;
    }
  }
}

std::string Id(int i) { return std::string(63, '0') + char('a' + i); }

TEST(GroupNearDuplicates, KeepsLargestThenSharpestThenSmallestId) {
  const uint64_t h = 0x0123456789abcdefULL;
  std::vector<HashedImage> images = {
      {Id(0), "s0", h, {}, 100, 0.5},
      {Id(1), "s1", h ^ 0x7, {}, 400, 0.1},   // most pixels: kept
      {Id(2), "s2", h ^ 0x70, {}, 400, 0.05}, // as many pixels, less sharp
      {Id(3), "s3", ~h, {}, 900, 1.0},        // far from the others: no group
  };
  const std::vector<NearDuplicateMember> m = GroupNearDuplicates(images, 12);
  ASSERT_EQ(m.size(), 3u);
  for (const NearDuplicateMember& x : m) {
    EXPECT_EQ(x.group_id, Id(0));
    EXPECT_EQ(x.kept_doc_id, Id(1));
    EXPECT_EQ(x.kept, x.doc_id == Id(1));
  }
  EXPECT_EQ(m[2].distance, std::popcount(uint64_t(0x77)));
  EXPECT_NE(m[2].reason.find("sharper"), std::string::npos) << m[2].reason;
  EXPECT_NE(m[0].reason.find("more pixels"), std::string::npos) << m[0].reason;

  // Ties all the way down: the smallest doc_id is kept.
  images[1].sharpness = 0.05;
  const auto tie = GroupNearDuplicates(images, 12);
  EXPECT_EQ(tie[0].kept_doc_id, Id(1));
  EXPECT_NE(tie[2].reason.find("smaller doc_id"), std::string::npos) << tie[2].reason;
}

TEST(GroupNearDuplicates, DoesNotDependOnOrder) {
  std::mt19937_64 rng(11);
  std::vector<HashedImage> images;
  const std::vector<uint64_t> hashes = Planted(300, 6, rng);
  for (size_t i = 0; i < hashes.size(); ++i) {
    images.push_back({std::to_string(1000 + i), "s" + std::to_string(i), hashes[i], {rng()},
                      double(rng() % 4), double(rng() % 3)});
  }
  const auto first = GroupNearDuplicates(images, 8);
  EXPECT_FALSE(first.empty());
  for (int round = 0; round < 5; ++round) {
    std::shuffle(images.begin(), images.end(), rng);
    const auto again = GroupNearDuplicates(images, 8);
    ASSERT_EQ(again.size(), first.size());
    for (size_t i = 0; i < first.size(); ++i) {
      EXPECT_EQ(again[i].doc_id, first[i].doc_id);
      EXPECT_EQ(again[i].kept_doc_id, first[i].kept_doc_id);
      EXPECT_EQ(again[i].group_id, first[i].group_id);
      EXPECT_EQ(again[i].reason, first[i].reason);
    }
  }
}

TEST(GroupNearDuplicates, DoesNotDependOnTheNumberOfThreads) {
  std::mt19937_64 rng(5);
  std::vector<HashedImage> images;
  const std::vector<uint64_t> hashes = Planted(3000, 8, rng);
  for (size_t i = 0; i < hashes.size(); ++i) {
    std::vector<uint64_t> windows;
    for (int w = 0; w < 18; ++w) windows.push_back(rng());
    images.push_back({std::to_string(100000 + i), "s" + std::to_string(i), hashes[i], windows,
                      double(rng() % 4), double(rng() % 3)});
  }
  const auto one = GroupNearDuplicates(images, 8, 1);
  EXPECT_GE(one.size(), 5000u);  // the planted pairs
  for (int threads : {2, 3, 7}) {
    const auto many = GroupNearDuplicates(images, 8, threads);
    ASSERT_EQ(many.size(), one.size()) << threads;
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(many[i].doc_id, one[i].doc_id);
      EXPECT_EQ(many[i].group_id, one[i].group_id);
      EXPECT_EQ(many[i].reason, one[i].reason);
    }
  }
}

TEST(GroupNearDuplicates, OneFileUnderTwoDescriptionsIsOneImage) {
  const uint64_t h = 42;
  // Two documents of one file: not copies of each other.
  EXPECT_TRUE(GroupNearDuplicates({{Id(0), "s", h, {}, 10, 1}, {Id(1), "s", h, {}, 10, 1}}).empty());
  // With a smaller copy of it: both documents of the file are kept, the copy is not.
  const auto m = GroupNearDuplicates(
      {{Id(0), "s", h, {}, 10, 1}, {Id(1), "s", h, {}, 10, 1}, {Id(2), "t", h ^ 1, {}, 5, 1}});
  ASSERT_EQ(m.size(), 3u);
  EXPECT_TRUE(m[0].kept);
  EXPECT_TRUE(m[1].kept);
  EXPECT_FALSE(m[2].kept);
  EXPECT_EQ(m[2].kept_doc_id, Id(0));
}

TEST(GroupNearDuplicates, CopiesOfCopiesJoinOneGroup) {
  // a-b and b-c are within 4 bits, a-c is not: one group (connected components).
  const uint64_t a = 0, b = 0xF, c = 0xFF;
  const auto m = GroupNearDuplicates(
      {{Id(0), "a", a, {}, 1, 0}, {Id(1), "b", b, {}, 1, 0}, {Id(2), "c", c, {}, 9, 0}}, 4);
  ASSERT_EQ(m.size(), 3u);
  for (const auto& x : m) EXPECT_EQ(x.kept_doc_id, Id(2));
  EXPECT_EQ(m[0].distance, 8);
}

TEST(GroupNearDuplicates, ACropMatchesByAWindowEitherWayRound) {
  // The crop's whole hash is far from the original's whole, close to one of its windows.
  const uint64_t whole = 0, window = ~uint64_t(0), crop = window ^ 0x3;
  for (bool swap : {false, true}) {
    std::vector<HashedImage> images = {{Id(0), "orig", whole, {0xFFFF0000ULL, window}, 100, 1},
                                       {Id(1), "crop", crop, {}, 81, 1}};
    if (swap) std::swap(images[0], images[1]);
    const auto m = GroupNearDuplicates(images, 4);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[1].kept_doc_id, Id(0));
    EXPECT_EQ(m[1].distance, 2);
  }
  EXPECT_TRUE(GroupNearDuplicates({{Id(0), "orig", whole, {}, 100, 1}, {Id(1), "crop", crop, {}, 81, 1}}, 4).empty());
}

// Frames of videos against images and other videos' frames (the corpus step's frame part).
TEST(FindFrameNearDuplicates, PrefersImagesThenDistanceAndSkipsItsOwnFile) {
  const uint64_t h = 0x0f0f0f0f12345678ULL;
  const std::vector<HashedImage> images = {{Id(5), "photo", h ^ 0x3, {}, 100, 1},  // distance 2
                                           {Id(6), "far", ~h, {h ^ 0x1}, 100, 1}};  // a window: 1
  std::vector<HashedFrame> frames = {
      {Id(0), "video-a", 3, h},        // exact copy of a frame of video b, 1-2 from the images
      {Id(0), "video-a", 7, h ^ 0x1},  // same file as frame 3: never its copy
      {Id(1), "video-b", 0, h},
      {Id(2), "video-c", 4, 0x1111222233334444ULL},  // nothing near
  };
  for (int order = 0; order < 2; ++order) {
    const auto m = FindFrameNearDuplicates(images, frames, 4);
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0].doc_id, Id(0));
    EXPECT_EQ(m[0].frame, 3);
    EXPECT_EQ(m[0].of_doc_id, Id(6));  // an image (by its window, distance 1) before a frame (0)
    EXPECT_FALSE(m[0].of_frame.has_value());
    EXPECT_EQ(m[0].distance, 1);
    EXPECT_EQ(m[1].frame, 7);
    EXPECT_EQ(m[1].of_doc_id, Id(6));  // its window is h ^ 1: distance 0 (the photo's is 1)
    EXPECT_EQ(m[1].distance, 0);
    EXPECT_EQ(m[2].doc_id, Id(1));
    std::reverse(frames.begin(), frames.end());
  }
}

TEST(FindFrameNearDuplicates, BetweenVideosEachNamesTheOther) {
  const uint64_t h = 0x00ff00ff00ff00ffULL;
  const std::vector<HashedFrame> frames = {{Id(1), "b", 9, h ^ 0x10}, {Id(0), "a", 2, h}};
  const auto m = FindFrameNearDuplicates({}, frames, 12);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].doc_id, Id(0));
  EXPECT_EQ(m[0].of_doc_id, Id(1));
  EXPECT_EQ(m[0].of_frame, 9);
  EXPECT_EQ(m[1].of_doc_id, Id(0));
  EXPECT_EQ(m[1].of_frame, 2);
  EXPECT_EQ(m[1].distance, 1);
  EXPECT_TRUE(FindFrameNearDuplicates({}, {{Id(0), "a", 2, h}, {Id(1), "b", 9, ~h}}, 12).empty());
}

TEST(ParseHashHex, RoundTripsAndRefusesJunk) {
  EXPECT_EQ(ParseHashHex("00000000000000ff"), 255u);
  EXPECT_EQ(ParseHashHex("ffffffffffffffff"), ~uint64_t(0));
  EXPECT_FALSE(ParseHashHex("fff"));
  EXPECT_FALSE(ParseHashHex("000000000000000G"));
}

}  // namespace
}  // namespace assay
