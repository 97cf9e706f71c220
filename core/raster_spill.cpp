#include "core/raster_spill.h"

#include <leptonica/allheaders.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "core/document.h"
#include "core/raster.h"

namespace assay {

namespace {

// A file is one zstd frame (with its checksum) of the image's facts, then its pixels. PixSha256
// covers width, height, depth and pixels; samples per pixel and resolution are kept besides,
// so the image read back is the image kept.
struct Header {
  int32_t width, height, depth, spp, xres, yres, wpl;
};

bool IsSha256Hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::filesystem::path RasterSpill::PathOf(const std::string& sha256) const {
  return dir_ / (sha256 + ".zst");
}

void RasterSpill::Put(const std::string& sha256, Pix* pix) const {
  if (!on() || pix == nullptr || !IsSha256Hex(sha256) || pixGetColormap(pix) != nullptr ||
      written_ >= max_bytes_) {
    return;  // (past the byte limit: not compressed only to be thrown away)
  }
  std::error_code ec;
  const std::filesystem::path path = PathOf(sha256);
  if (std::filesystem::exists(path, ec)) return;  // a helper, or an earlier page, kept it
  std::filesystem::create_directories(dir_, ec);
  if (ec) return;

  const Header h{pixGetWidth(pix), pixGetHeight(pix), pixGetDepth(pix), pixGetSpp(pix),
                 pixGetXRes(pix),  pixGetYRes(pix),   pixGetWpl(pix)};
  const size_t raw = static_cast<size_t>(PixBytes(pix));
  std::string bytes(ZSTD_compressBound(sizeof(Header) + raw), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  if (cctx == nullptr) return;
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setPledgedSrcSize(cctx, sizeof(Header) + raw);
  ZSTD_outBuffer out{bytes.data(), bytes.size(), 0};
  ZSTD_inBuffer head{&h, sizeof(Header), 0};
  size_t left = ZSTD_compressStream2(cctx, &out, &head, ZSTD_e_continue);
  ZSTD_inBuffer body{pixGetData(pix), raw, 0};
  while (!ZSTD_isError(left) && (left = ZSTD_compressStream2(cctx, &out, &body, ZSTD_e_end)) > 0 &&
         !ZSTD_isError(left)) {
  }
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(left)) return;
  bytes.resize(out.pos);
  const auto space = std::filesystem::space(dir_, ec);
  if (ec || written_ + static_cast<int64_t>(bytes.size()) > max_bytes_ ||
      static_cast<int64_t>(space.available) - static_cast<int64_t>(bytes.size()) <
          min_free_bytes_) {
    return;
  }
  written_ += static_cast<int64_t>(bytes.size());

  // Whole or not at all: readers (this worker, or the document's worker reading a helper's
  // pages) never see a file being written.
  const std::filesystem::path tmp =
      dir_ / (sha256 + "." + std::to_string(::getpid()) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      out.close();
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

std::shared_ptr<Pix> RasterSpill::Get(const std::string& sha256) const {
  if (!on() || !IsSha256Hex(sha256)) return nullptr;
  std::ifstream in(PathOf(sha256), std::ios::binary);
  if (!in) return nullptr;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return nullptr;
  ZSTD_inBuffer in_buf{bytes.data(), bytes.size(), 0};
  // Decodes into `out` until it is full; the frame's remaining size hint, or an error.
  auto fill = [&](void* dst, size_t size) -> size_t {
    ZSTD_outBuffer out{dst, size, 0};
    size_t hint = 1;
    while (out.pos < out.size && in_buf.pos < in_buf.size) {
      hint = ZSTD_decompressStream(dctx.get(), &out, &in_buf);
      if (ZSTD_isError(hint)) return hint;
    }
    return out.pos == out.size ? hint : static_cast<size_t>(-1);
  };
  Header h;
  if (ZSTD_isError(fill(&h, sizeof(Header))) || h.width <= 0 || h.height <= 0 ||
      h.width > 100000 || h.height > 100000 || (h.depth != 1 && h.depth != 2 && h.depth != 4 &&
                                                h.depth != 8 && h.depth != 16 && h.depth != 32)) {
    return nullptr;
  }
  PixHandle pix = WrapPix(pixCreateNoInit(h.width, h.height, h.depth));
  if (!pix || pixGetWpl(pix.get()) != h.wpl) return nullptr;
  pixSetSpp(pix.get(), h.spp);
  pixSetResolution(pix.get(), h.xres, h.yres);
  // The frame must end with the pixels: zstd checks its checksum as it reads the end (a hint
  // of 0), which may take one more call with no room left for output.
  size_t hint = fill(pixGetData(pix.get()), static_cast<size_t>(PixBytes(pix.get())));
  while (hint != 0 && !ZSTD_isError(hint) && in_buf.pos < in_buf.size) {
    const size_t before = in_buf.pos;
    ZSTD_outBuffer none{nullptr, 0, 0};
    hint = ZSTD_decompressStream(dctx.get(), &none, &in_buf);
    if (in_buf.pos == before) break;  // more pixels than the image holds
  }
  if (hint != 0 || in_buf.pos != in_buf.size) return nullptr;
  // The hash checks that these are the pixels of the raster step that names them.
  if (PixSha256(pix.get()) != sha256) return nullptr;
  return pix;
}

void RasterSpill::Remove(const std::string& sha256) const {
  if (!on() || !IsSha256Hex(sha256)) return;
  std::error_code ec;
  std::filesystem::remove(PathOf(sha256), ec);
}

}  // namespace assay
