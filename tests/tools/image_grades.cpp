// image_grades: the graded test set behind the image_checks defaults and the near-duplicate
// threshold (docs/image_checks.md). For every image given, it makes degraded and copied
// variants in memory and prints one CSV line per variant with the image_checks measures and
// the Hamming distance of its perceptual hash to the original's:
//   blur      level = Gaussian sigma 0..8 (at 1024 px on the longer side)
//   exposure  level = gain 0.15..4 (pixel values multiplied, clipped)
//   downscale level = scale 1..0.125
//   copy:resize / copy:jpeg / copy:crop (centred) / copy:crop_side (3, 5, 10% cut from each
//   of the four sides) / copy:crop_corner (that much cut from the two sides of each corner) /
//   copy:color: near copies; hash_distance is the near-duplicate step's ImageDistance
// and, per pair of distinct originals, a "pair" line with their hash distance (false matches).
// Usage: image_grades IMAGE...
#include <bit>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "core/near_duplicates.h"
#include "stages/image_measures.h"

using namespace assay;

namespace {

cv::Mat Scaled(const cv::Mat& m, double f) {
  cv::Mat out;
  cv::resize(m, out, cv::Size(), f, f, f < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

// The hashes the near-duplicate step compares (whole picture and windows).
HashedImage Hashed(const cv::Mat& m) {
  const std::vector<uint64_t> all = ImageHashes(m);
  HashedImage h;
  h.hash = all.front();
  h.windows.assign(all.begin() + 1, all.end());
  return h;
}

void Print(const std::string& file, const std::string& kind, double level, const cv::Mat& m,
           const HashedImage& base) {
  const ImageMeasures x = Measure(m);
  std::printf("%s,%s,%g,%d,%d,%.6f,%.6f,%.6f,%.6f,%.4f,%d,%d\n", file.c_str(), kind.c_str(),
              level, m.cols, m.rows, x.sharpness, x.clipped_highlights, x.clipped_shadows,
              x.contrast, x.noise, int(x.is_color), ImageDistance(Hashed(m), base));
}

}  // namespace

int main(int argc, char** argv) {
  std::printf("file,kind,level,width,height,sharpness,clipped_highlights,clipped_shadows,"
              "contrast,noise,is_color,hash_distance\n");
  std::vector<std::pair<std::string, HashedImage>> originals;
  for (int i = 1; i < argc; ++i) {
    cv::Mat src = cv::imread(argv[i], cv::IMREAD_COLOR);
    if (src.empty()) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 1;
    }
    const std::string file = argv[i];
    // Degradations start from a common size, so a sigma means the same blur everywhere.
    const cv::Mat base = Scaled(src, 1024.0 / std::max(src.cols, src.rows));
    const HashedImage h = Hashed(base);
    originals.emplace_back(file, h);
    for (double s : {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0}) {
      cv::Mat b = base.clone();
      if (s > 0) cv::GaussianBlur(base, b, cv::Size(), s);
      Print(file, "blur", s, b, h);
    }
    for (double g : {0.15, 0.25, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0}) {
      cv::Mat e;
      base.convertTo(e, -1, g, 0);
      Print(file, "exposure", g, e, h);
    }
    for (double f : {1.0, 0.5, 0.25, 0.125}) Print(file, "downscale", f, Scaled(base, f), h);
    for (double f : {0.25, 0.5, 0.75, 1.5, 2.0}) Print(file, "copy:resize", f, Scaled(base, f), h);
    for (int q : {30, 50, 70, 90}) {
      std::vector<unsigned char> bytes;
      cv::imencode(".jpg", base, bytes, {cv::IMWRITE_JPEG_QUALITY, q});
      Print(file, "copy:jpeg", q, cv::imdecode(bytes, cv::IMREAD_COLOR), h);
    }
    for (double c : {0.02, 0.05, 0.10}) {  // share cut from each side's total, split evenly
      const int dx = int(base.cols * c / 2), dy = int(base.rows * c / 2);
      Print(file, "copy:crop", c, base(cv::Rect(dx, dy, base.cols - 2 * dx, base.rows - 2 * dy)).clone(), h);
    }
    for (double c : {0.03, 0.05, 0.10}) {  // cut from one side, and from two (a corner left)
      const int dx = int(base.cols * c), dy = int(base.rows * c);
      const int w = base.cols - dx, hh = base.rows - dy;
      for (const cv::Rect& side : {cv::Rect(dx, 0, w, base.rows), cv::Rect(0, 0, w, base.rows),
                                   cv::Rect(0, dy, base.cols, hh), cv::Rect(0, 0, base.cols, hh)}) {
        Print(file, "copy:crop_side", c, base(side).clone(), h);
      }
      for (const cv::Rect& corner : {cv::Rect(dx, dy, w, hh), cv::Rect(0, 0, w, hh),
                                     cv::Rect(0, dy, w, hh), cv::Rect(dx, 0, w, hh)}) {
        Print(file, "copy:crop_corner", c, base(corner).clone(), h);
      }
    }
    for (int shift : {-40, -20, 20, 40}) {  // hue rotation in OpenCV's 0..180 units... and tint
      cv::Mat hsv, out;
      cv::cvtColor(base, hsv, cv::COLOR_BGR2HSV);
      std::vector<cv::Mat> ch;
      cv::split(hsv, ch);
      ch[0].forEach<unsigned char>([&](unsigned char& v, const int*) { v = (v + 180 + shift / 2) % 180; });
      cv::merge(ch, hsv);
      cv::cvtColor(hsv, out, cv::COLOR_HSV2BGR);
      out += cv::Scalar(shift > 0 ? 15 : 0, 0, shift < 0 ? 15 : 0);
      Print(file, "copy:color", shift, out, h);
    }
  }
  for (size_t a = 0; a < originals.size(); ++a) {
    for (size_t b = a + 1; b < originals.size(); ++b) {
      std::printf("%s|%s,pair,0,0,0,0,0,0,0,0,0,%d\n", originals[a].first.c_str(),
                  originals[b].first.c_str(), ImageDistance(originals[a].second, originals[b].second));
    }
  }
  return 0;
}
