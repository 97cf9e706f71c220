// image_decode: decoding alone, the baseline of the image path's speed (bench/image_speed.sh).
// Decodes every file given with OpenCV (cv::imread, colour) REPEAT times and prints images/s.
// Usage: image_decode REPEAT IMAGE...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: image_decode REPEAT IMAGE...\n");
    return 2;
  }
  const int repeat = std::max(1, std::atoi(argv[1]));
  const auto t0 = std::chrono::steady_clock::now();
  long decoded = 0;
  double pixels = 0;
  for (int r = 0; r < repeat; ++r) {
    for (int i = 2; i < argc; ++i) {
      const cv::Mat m = cv::imread(argv[i], cv::IMREAD_COLOR);
      if (m.empty()) {
        std::fprintf(stderr, "cannot decode %s\n", argv[i]);
        return 1;
      }
      ++decoded;
      pixels += double(m.total());
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("decoded=%ld seconds=%.3f images_per_second=%.1f megapixels_per_second=%.1f\n",
              decoded, s, decoded / s, pixels / 1e6 / s);
  return 0;
}
