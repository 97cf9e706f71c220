// The image_checks measures on a real photo (samples/photo.jpg) and its degradations, and the
// encoding facts read from real file headers.
#include "stages/image_measures.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <bit>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "stages/image_header.h"
#include "stages/pix_mat.h"
#include "test_paths.h"

namespace assay {
namespace {

cv::Mat Photo() {
  cv::Mat m = cv::imread(testing::SamplePath("photo.jpg"), cv::IMREAD_COLOR);
  EXPECT_FALSE(m.empty());
  return m;
}

TEST(ImageMeasures, SharpnessFallsWithBlurAndTheDefaultSeparatesIt) {
  const cv::Mat photo = Photo();
  double last = 1e9;
  for (double sigma : {0.0, 2.0, 4.0, 8.0}) {
    cv::Mat b = photo.clone();
    if (sigma > 0) cv::GaussianBlur(photo, b, cv::Size(), sigma * photo.cols / 1024.0);
    const double s = Measure(b).sharpness;
    EXPECT_LT(s, last) << "sigma " << sigma;
    last = s;
  }
  EXPECT_LT(last, 0.32);  // contracts/photo.toml's sharpness minimum
}

TEST(ImageMeasures, SharpnessIgnoresExposureGain) {
  const cv::Mat photo = Photo();
  cv::Mat dark;
  photo.convertTo(dark, -1, 0.7, 0);
  EXPECT_NEAR(Measure(dark).sharpness, Measure(photo).sharpness, 0.15 * Measure(photo).sharpness);
}

TEST(ImageMeasures, OverexposureClipsHighlightsAndFlatImageHasNoContrast) {
  cv::Mat bright;
  Photo().convertTo(bright, -1, 4.0, 0);
  EXPECT_GT(Measure(bright).clipped_highlights, 0.5);
  const ImageMeasures flat = Measure(cv::Mat(100, 100, CV_8UC1, cv::Scalar(128)));
  EXPECT_EQ(flat.contrast, 0);
  EXPECT_EQ(flat.sharpness, 0);
  EXPECT_EQ(flat.noise, 0);
  EXPECT_FALSE(flat.is_color);
}

TEST(ImageMeasures, NoiseEstimateFollowsAddedNoise) {
  cv::Mat flat(256, 256, CV_8UC1, cv::Scalar(128)), noise(256, 256, CV_8UC1);
  cv::RNG rng(7);
  cv::Mat n(256, 256, CV_32F);
  rng.fill(n, cv::RNG::NORMAL, 0, 10);
  cv::Mat f;
  flat.convertTo(f, CV_32F);
  cv::Mat(f + n).convertTo(noise, CV_8U);
  EXPECT_NEAR(Measure(noise).noise, 10, 1.5);
}

TEST(ImageMeasures, PerceptualHashKeepsNearCopiesClose) {
  const cv::Mat photo = Photo();
  const uint64_t h = PerceptualHash(photo);
  cv::Mat half;
  cv::resize(photo, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  std::vector<unsigned char> jpeg;
  cv::imencode(".jpg", photo, jpeg, {cv::IMWRITE_JPEG_QUALITY, 30});
  EXPECT_LE(std::popcount(h ^ PerceptualHash(half)), 12);
  EXPECT_LE(std::popcount(h ^ PerceptualHash(cv::imdecode(jpeg, cv::IMREAD_COLOR))), 12);
  cv::Mat flipped;
  cv::flip(photo, flipped, 0);  // another picture as far as the hash knows
  EXPECT_GT(std::popcount(h ^ PerceptualHash(flipped)), 16);
  EXPECT_EQ(HashHex(0x0123456789abcdefULL), "0123456789abcdef");
}

// PixToMat copies gray rows a word at a time: every pixel must land where Leptonica has it, at
// widths that are and are not a multiple of four, from 8-bit and 1-bit pages.
TEST(PixToMat, GrayPixelsLandWhereLeptonicaHasThem) {
  for (int w : {1, 3, 4, 37, 64}) {
    Pix* pix = pixCreate(w, 5, 8);
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < w; ++x) pixSetPixel(pix, x, y, (x * 37 + y * 11) % 256);
    const cv::Mat m = PixToMat(pix);
    ASSERT_EQ(m.type(), CV_8UC1);
    ASSERT_EQ(m.cols, w);
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < w; ++x) {
        l_uint32 v = 0;
        pixGetPixel(pix, x, y, &v);
        ASSERT_EQ(m.at<unsigned char>(y, x), v) << w << " " << x << "," << y;
      }
    pixDestroy(&pix);
  }
  Pix* bits = pixCreate(35, 3, 1);
  pixSetPixel(bits, 33, 1, 1);
  const cv::Mat m = PixToMat(bits);
  ASSERT_EQ(m.type(), CV_8UC1);
  EXPECT_EQ(m.at<unsigned char>(1, 33), 0);    // ink is black
  EXPECT_EQ(m.at<unsigned char>(1, 32), 255);  // paper is white
  pixDestroy(&bits);
}

TEST(ImageEncoding, ReadsPngAndJpegHeaders) {
  const auto dir = testing::TempDir();
  const std::string png16 = (dir / "deep.png").string(), rgba = (dir / "alpha.png").string();
  cv::imwrite(png16, cv::Mat(8, 8, CV_16UC3, cv::Scalar(1000, 2000, 3000)));
  cv::imwrite(rgba, cv::Mat(8, 8, CV_8UC4, cv::Scalar(1, 2, 3, 4)));
  EXPECT_EQ(ReadImageEncoding(png16).bit_depth, 16);
  EXPECT_FALSE(ReadImageEncoding(png16).alpha);
  EXPECT_TRUE(ReadImageEncoding(rgba).alpha);
  const ImageEncoding jpeg = ReadImageEncoding(testing::SamplePath("photo.jpg"));
  EXPECT_EQ(jpeg.bit_depth, 8);
  EXPECT_FALSE(jpeg.cmyk);
  EXPECT_EQ(jpeg.frames, 1);
  // A missing or foreign file keeps the defaults.
  EXPECT_EQ(ReadImageEncoding((dir / "none.png").string()).bit_depth, 8);
}

TEST(ImageEncoding, ExifOrientationTurnsUpright) {
  // image_load's turn (the one the pipeline uses): 3 wide, 2 high, turned by orientation 6.
  auto size = [](int orientation) {
    Pix* p = UprightByExif(pixCreate(3, 2, 8), orientation);
    const cv::Size s(pixGetWidth(p), pixGetHeight(p));
    pixDestroy(&p);
    return s;
  };
  EXPECT_EQ(size(6), cv::Size(2, 3));
  EXPECT_EQ(size(1), cv::Size(3, 2));
}

}  // namespace
}  // namespace assay
