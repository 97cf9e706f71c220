#include "stages/image_header.h"

#include <leptonica/allheaders.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace assay {
namespace {

uint32_t Le(const unsigned char* p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// BITMAPFILEHEADER then BITMAPCOREHEADER (12 bytes, OS/2) or BITMAPINFOHEADER and later.
Result<ImageHeader> ReadBmpHeader(const unsigned char* b, size_t n) {
  ImageHeader h;
  h.bmp = true;
  if (n >= 26 && Le(b + 14, 4) == 12) {
    h.width = Le(b + 18, 2);
    h.height = Le(b + 20, 2);
    return h;
  }
  if (n < 26) return Error{"image_load", "the BMP header is cut short"};
  h.width = static_cast<int32_t>(Le(b + 18, 4));
  h.height = std::llabs(static_cast<int32_t>(Le(b + 22, 4)));  // negative: rows top-down
  return h;
}

Result<ImageHeader> ReadGifHeader(const unsigned char* b, size_t n) {
  if (n < 10) return Error{"image_load", "the GIF header is cut short"};
  ImageHeader h;
  h.width = Le(b + 6, 2);  // the logical screen, which every frame is drawn into
  h.height = Le(b + 8, 2);
  return h;
}

}  // namespace

Result<ImageHeader> ReadImageHeader(const std::string& path, int index) {
  l_int32 format = IFF_UNKNOWN;
  if (findFileFormat(path.c_str(), &format) != 0) {
    return Error{"image_load", "the image format is not recognised"};
  }
  if (format == IFF_BMP || format == IFF_GIF) {
    unsigned char head[32] = {0};
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const size_t n = static_cast<size_t>(in.gcount());
    return format == IFF_BMP ? ReadBmpHeader(head, n) : ReadGifHeader(head, n);
  }
  l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, page_format = 0;
  ImageHeader header;
  header.tiff = format == IFF_TIFF || format == IFF_TIFF_G3 || format == IFF_TIFF_G4 ||
                format == IFF_TIFF_LZW || format == IFF_TIFF_ZIP || format == IFF_TIFF_PACKBITS ||
                format == IFF_TIFF_RLE || format == IFF_TIFF_JPEG;
  const l_ok failed =
      header.tiff
          ? readHeaderTiff(path.c_str(), index, &w, &h, &bps, &spp, &res, &cmap, &page_format)
          : pixReadHeader(path.c_str(), &page_format, &w, &h, &bps, &spp, &cmap);
  if (failed != 0 || w <= 0 || h <= 0) {
    return Error{"image_load", "the image header cannot be read (truncated or corrupt)"};
  }
  header.width = w;
  header.height = h;
  return header;
}

std::string OverPixelLimit(const ImageHeader& header, double max_pixels) {
  const double pixels = double(header.width) * double(header.height);
  if (pixels <= max_pixels) return "";
  // Megapixels to one decimal, rounded down (so the image is never shown at its limit).
  auto mp = [](double px) {
    char text[48];
    std::snprintf(text, sizeof text, "%.1f", std::floor(px / 1e5) / 10);
    std::string s = text;
    return s.ends_with(".0") ? s.substr(0, s.size() - 2) : s;
  };
  return "image is " + std::to_string(header.width) + "×" + std::to_string(header.height) + " = " +
         mp(pixels) + " MP, limit " + mp(max_pixels) + " MP";
}

Pix* DecodeBmpWithOpenCv(const std::string& path) {
  cv::Mat m = cv::imread(path, cv::IMREAD_UNCHANGED);
  if (m.empty()) return nullptr;
  if (m.depth() != CV_8U) m.convertTo(m, CV_8U, 1.0 / 257);
  const int channels = m.channels();
  if (channels != 1 && channels != 3 && channels != 4) return nullptr;
  Pix* pix = pixCreate(m.cols, m.rows, channels == 1 ? 8 : 32);
  if (pix == nullptr) return nullptr;
  if (channels == 4) pixSetSpp(pix, 4);
  l_uint32* data = pixGetData(pix);
  const l_int32 wpl = pixGetWpl(pix);
  for (int y = 0; y < m.rows; ++y) {
    const unsigned char* row = m.ptr<unsigned char>(y);
    l_uint32* line = data + static_cast<size_t>(y) * wpl;
    for (int x = 0; x < m.cols; ++x) {
      const unsigned char* px = row + static_cast<size_t>(x) * channels;
      if (channels == 1) {
        SET_DATA_BYTE(line, x, px[0]);
      } else if (channels == 3) {
        composeRGBPixel(px[2], px[1], px[0], line + x);
      } else {
        composeRGBAPixel(px[2], px[1], px[0], px[3], line + x);
      }
    }
  }
  // Pixels per metre, as Leptonica's own BMP reader turns them into pixels per inch.
  unsigned char head[46] = {0};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(head), sizeof head);
  if (in.gcount() == sizeof head && Le(head + 14, 4) >= 40) {
    pixSetResolution(pix, static_cast<l_int32>(Le(head + 38, 4) / 39.37 + 0.5),
                     static_cast<l_int32>(Le(head + 42, 4) / 39.37 + 0.5));
  }
  return pix;
}

Pix* UprightByExif(Pix* pix, int orientation) {
  auto replace = [&](Pix* next) {
    if (next == nullptr) return pix;  // out of memory: the pixels as stored
    pixDestroy(&pix);
    return next;
  };
  switch (orientation) {
    case 2: return replace(pixFlipLR(nullptr, pix));
    case 3: return replace(pixRotateOrth(pix, 2));
    case 4: return replace(pixFlipTB(nullptr, pix));
    case 5: pix = replace(pixRotateOrth(pix, 1)); return replace(pixFlipLR(nullptr, pix));  // transpose
    case 6: return replace(pixRotateOrth(pix, 1));
    case 7: pix = replace(pixRotateOrth(pix, 1)); return replace(pixFlipTB(nullptr, pix));  // transverse
    case 8: return replace(pixRotateOrth(pix, 3));
    default: return pix;
  }
}

}  // namespace assay
