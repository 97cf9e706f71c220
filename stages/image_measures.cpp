#include "stages/image_measures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace assay {
namespace {

cv::Mat Gray(const cv::Mat& bgr) {
  if (bgr.channels() == 1) return bgr;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

// Scaled so the longer side is `side`: area averaging when shrinking (no aliasing), linear
// when enlarging (a small image then looks as soft as it would on screen).
cv::Mat ToSide(const cv::Mat& gray, int side) {
  const double f = double(side) / std::max(gray.cols, gray.rows);
  cv::Mat out;
  cv::resize(gray, out, cv::Size(), f, f, f < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

uint32_t Be(const unsigned char* p, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// The Orientation tag (0x0112) of IFD0 in an EXIF block (starting at its TIFF header).
int ExifOrientation(const unsigned char* t, size_t n) {
  if (n < 8) return 0;
  const bool little = t[0] == 'I';
  auto u = [&](size_t off, int bytes) -> uint32_t {
    if (off + bytes > n) return 0;
    uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= uint32_t(t[off + i]) << (8 * (little ? i : bytes - 1 - i));
    return v;
  };
  const size_t ifd = u(4, 4);
  const uint32_t entries = u(ifd, 2);
  for (uint32_t e = 0; e < entries && e < 512; ++e) {
    const size_t at = ifd + 2 + 12 * e;
    if (u(at, 2) == 0x0112) {
      const uint32_t v = u(at + 8, 2);
      return v >= 1 && v <= 8 ? int(v) : 0;
    }
  }
  return 0;
}

void ReadJpeg(std::ifstream& in, ImageEncoding* enc) {
  unsigned char m[4];
  while (in.read(reinterpret_cast<char*>(m), 4)) {
    if (m[0] != 0xFF) return;
    const int marker = m[1];
    const uint32_t length = Be(m + 2, 2);
    if (marker == 0xDA || length < 2) return;  // start of scan: the header is over
    std::vector<unsigned char> seg(length - 2);
    if (!in.read(reinterpret_cast<char*>(seg.data()), seg.size())) return;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                     marker != 0xCC;
    if (sof && seg.size() >= 6) {
      enc->bit_depth = seg[0];
      enc->cmyk = seg[5] == 4;
      return;
    }
    if (marker == 0xE1 && seg.size() > 6 && std::equal(seg.begin(), seg.begin() + 6, "Exif\0\0")) {
      enc->exif_orientation = ExifOrientation(seg.data() + 6, seg.size() - 6);
    }
  }
}

void ReadPng(std::ifstream& in, ImageEncoding* enc) {
  in.seekg(8);
  unsigned char h[8];
  for (int chunks = 0; chunks < 1000 && in.read(reinterpret_cast<char*>(h), 8); ++chunks) {
    const uint32_t length = Be(h, 4);
    const std::string type(reinterpret_cast<char*>(h + 4), 4);
    if (type == "IDAT" || type == "IEND") return;
    if (length > (1u << 24)) return;
    std::vector<unsigned char> data(length);
    if (!in.read(reinterpret_cast<char*>(data.data()), length)) return;
    in.seekg(4, std::ios::cur);  // CRC
    if (type == "IHDR" && length >= 10) {
      enc->bit_depth = data[8];
      enc->palette = data[9] == 3;
      enc->alpha = data[9] == 4 || data[9] == 6;
    } else if (type == "tRNS") {
      enc->alpha = true;
    } else if (type == "acTL" && length >= 4) {
      enc->frames = int(std::min<uint32_t>(Be(data.data(), 4), 1u << 30));
    } else if (type == "eXIf") {
      enc->exif_orientation = ExifOrientation(data.data(), data.size());
    }
  }
}

// Counts image descriptors, skipping every block by its sizes (never decoding).
void ReadGif(std::ifstream& in, ImageEncoding* enc) {
  enc->palette = true;
  unsigned char h[13];
  if (!in.read(reinterpret_cast<char*>(h), 13)) return;
  if (h[10] & 0x80) in.seekg(3 * (1 << ((h[10] & 7) + 1)), std::ios::cur);
  auto skip_sub_blocks = [&]() {
    for (int size = in.get(); size > 0; size = in.get()) in.seekg(size, std::ios::cur);
  };
  int frames = 0;
  for (int c = in.get(); in && c != 0x3B; c = in.get()) {
    if (c == 0x21) {
      const int label = in.get();
      if (label == 0xF9) {
        unsigned char g[6];
        in.read(reinterpret_cast<char*>(g), 6);
        if (g[0] == 4 && (g[1] & 1)) enc->alpha = true;  // transparent colour index
        continue;
      }
      skip_sub_blocks();
    } else if (c == 0x2C) {
      unsigned char d[9];
      if (!in.read(reinterpret_cast<char*>(d), 9)) break;
      ++frames;
      if (d[8] & 0x80) in.seekg(3 * (1 << ((d[8] & 7) + 1)), std::ios::cur);
      in.get();  // LZW minimum code size
      skip_sub_blocks();
    } else {
      break;
    }
  }
  enc->frames = std::max(frames, 1);
}

}  // namespace

ImageMeasures Measure(const cv::Mat& bgr) {
  ImageMeasures m;
  const cv::Mat gray = Gray(bgr);
  const double total = double(gray.total());
  m.clipped_highlights = cv::countNonZero(gray >= 250) / total;
  m.clipped_shadows = cv::countNonZero(gray <= 5) / total;
  cv::Scalar mean, sd;
  cv::meanStdDev(gray, mean, sd);
  m.contrast = sd[0] / 255.0;

  const cv::Mat work = ToSide(gray, kWorkSide);
  cv::Mat lap;
  cv::Laplacian(work, lap, CV_64F);
  cv::Scalar lm, lsd, wm, wsd;
  cv::meanStdDev(lap, lm, lsd);
  cv::meanStdDev(work, wm, wsd);
  m.sharpness = lsd[0] * lsd[0] / (wsd[0] * wsd[0] + 1);

  // Noise at the native resolution (shrinking would average it away), on a central crop.
  const int cw = std::min(gray.cols, 1024), ch = std::min(gray.rows, 1024);
  if (cw >= 3 && ch >= 3) {
    const cv::Mat crop = gray(cv::Rect((gray.cols - cw) / 2, (gray.rows - ch) / 2, cw, ch));
    const cv::Mat k = (cv::Mat_<double>(3, 3) << 1, -2, 1, -2, 4, -2, 1, -2, 1);
    cv::Mat r;
    cv::filter2D(crop, r, CV_64F, k, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
    const double sum = cv::sum(cv::abs(r(cv::Rect(1, 1, cw - 2, ch - 2))))[0];
    m.noise = sum * std::sqrt(M_PI / 2) / (6.0 * (cw - 2) * (ch - 2));
  }

  if (bgr.channels() == 3) {
    std::vector<cv::Mat> c;
    cv::split(bgr, c);
    cv::Mat hi = cv::max(cv::max(c[0], c[1]), c[2]), lo = cv::min(cv::min(c[0], c[1]), c[2]);
    m.is_color = cv::countNonZero((hi - lo) > 24) > 0.02 * total;
  }
  return m;
}

uint64_t PerceptualHash(const cv::Mat& bgr) {
  cv::Mat small, f, d;
  cv::resize(Gray(bgr), small, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  small.convertTo(f, CV_32F);
  cv::dct(f, d);
  std::vector<float> low;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) low.push_back(d.at<float>(y, x));
  std::vector<float> ac(low.begin() + 1, low.end());
  std::nth_element(ac.begin(), ac.begin() + ac.size() / 2, ac.end());
  const float median = ac[ac.size() / 2];
  uint64_t h = 0;
  for (int i = 0; i < 64; ++i) h |= uint64_t(low[i] > median) << i;
  return h;
}

namespace {

// Hashes are taken from the gray picture reduced (area-averaged) to at most this many pixels
// on its longer side: the 32×32 reduction averages that much anyway, and the windows of a
// 12 MP photo would otherwise read it once each.
constexpr int kHashWorkSide = 256;

// A window: the share of the width cut on the left and right, of the height at the top and
// bottom. A copy cropped by up to ~10% has its whole hash within a few bits of one of them
// (docs/image_checks.md has the ROC per crop kind).
struct HashWindow {
  double left, right, top, bottom;
};
constexpr HashWindow kHashWindows[] = {
    {.05, .05, .05, .05},                                                      // centre 90%
    {0, .1, 0, .1}, {.1, 0, 0, .1}, {0, .1, .1, 0}, {.1, 0, .1, 0},            // corners 90%
    {.1, 0, 0, 0}, {0, .1, 0, 0}, {0, 0, .1, 0}, {0, 0, 0, .1},                // sides 90%
    {.05, 0, 0, 0}, {0, .05, 0, 0}, {0, 0, .05, 0}, {0, 0, 0, .05},            // sides 95%
    {0, .05, 0, .05}, {.05, 0, 0, .05}, {0, .05, .05, 0}, {.05, 0, .05, 0},    // corners 95%
    {.025, .025, .025, .025},                                                  // centre 95%
};
static_assert(std::size(kHashWindows) == kImageHashWindows);

}  // namespace

std::vector<uint64_t> ImageHashes(const cv::Mat& bgr) {
  // Gray once: a window of the gray image is the gray of the window.
  cv::Mat gray = Gray(bgr);
  if (std::max(gray.cols, gray.rows) > kHashWorkSide) {
    const double f = double(kHashWorkSide) / std::max(gray.cols, gray.rows);
    cv::Mat small;
    cv::resize(gray, small,
               cv::Size(std::max(1, int(gray.cols * f + 0.5)), std::max(1, int(gray.rows * f + 0.5))),
               0, 0, cv::INTER_AREA);
    gray = small;
  }
  std::vector<uint64_t> out = {PerceptualHash(gray)};
  for (const HashWindow& w : kHashWindows) {
    const int x0 = int(gray.cols * w.left + 0.5), y0 = int(gray.rows * w.top + 0.5);
    const int x1 = std::max(x0 + 1, gray.cols - int(gray.cols * w.right + 0.5));
    const int y1 = std::max(y0 + 1, gray.rows - int(gray.rows * w.bottom + 0.5));
    out.push_back(PerceptualHash(gray(cv::Rect(x0, y0, x1 - x0, y1 - y0))));
  }
  return out;
}

std::string HashHex(uint64_t h) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

ImageEncoding ReadImageEncoding(const std::string& path) {
  ImageEncoding enc;
  std::ifstream in(path, std::ios::binary);
  unsigned char sig[8] = {0};
  in.read(reinterpret_cast<char*>(sig), 8);
  if (in.gcount() < 8) return enc;
  in.clear();
  in.seekg(0);
  if (sig[0] == 0xFF && sig[1] == 0xD8) {
    in.seekg(2);
    ReadJpeg(in, &enc);
  } else if (sig[0] == 0x89 && sig[1] == 'P' && sig[2] == 'N' && sig[3] == 'G') {
    ReadPng(in, &enc);
  } else if (sig[0] == 'G' && sig[1] == 'I' && sig[2] == 'F') {
    ReadGif(in, &enc);
  }
  return enc;
}

}  // namespace assay
