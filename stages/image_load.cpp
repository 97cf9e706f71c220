#include "stages/image_load.h"

#include <leptonica/allheaders.h>

#include <cstdio>

#include "stages/raster_util.h"

namespace assay {
namespace {

// Share of light and of mid-tone pixels in the gray version of `pix`.
void ToneShares(Pix* pix, double* light, double* midtone) {
  *light = *midtone = 0;
  Pix* gray = pixConvertTo8(pix, 0);
  if (gray == nullptr) return;
  NUMA* hist = pixGetGrayHistogram(gray, 1);
  pixDestroy(&gray);
  if (hist == nullptr) return;
  double total = 0, light_n = 0, mid_n = 0;
  for (int v = 0; v < 256; ++v) {
    l_float32 count = 0;
    numaGetFValue(hist, v, &count);
    total += count;
    if (v >= 170) light_n += count;
    if (v >= 60 && v < 170) mid_n += count;
  }
  numaDestroy(&hist);
  if (total > 0) {
    *light = light_n / total;
    *midtone = mid_n / total;
  }
}

class ImageLoadStage : public Stage {
 public:
  explicit ImageLoadStage(nlohmann::json params) : params_(std::move(params)) {}
  std::string_view id() const override { return "image_load"; }
  int version() const override { return 1; }
  const nlohmann::json& params() const override { return params_; }

  Result<StageReport> Run(Document& doc, StageContext& /*ctx*/) const override {
    if (doc.container != "image") return StageReport{"skipped", "not an image"};
    std::vector<PixHandle> images;
    int format = IFF_UNKNOWN;
    findFileFormat(doc.path.c_str(), &format);
    if (format == IFF_TIFF || format == IFF_TIFF_G3 || format == IFF_TIFF_G4 ||
        format == IFF_TIFF_LZW || format == IFF_TIFF_ZIP || format == IFF_TIFF_PACKBITS ||
        format == IFF_TIFF_RLE || format == IFF_TIFF_JPEG) {
      int count = 0;
      if (std::FILE* f = std::fopen(doc.path.c_str(), "rb")) {
        tiffGetCount(f, &count);
        std::fclose(f);
      }
      const int max_pages = params_["max_pages"];
      if (count > max_pages) {
        return Error{"image_load", "TIFF has " + std::to_string(count) + " pages (limit " +
                                       std::to_string(max_pages) + ")"};
      }
      for (int i = 0; i < count; ++i) {
        Pix* pix = pixReadTiff(doc.path.c_str(), i);
        if (pix == nullptr) break;
        images.push_back(WrapPix(pix));
      }
    } else if (Pix* pix = pixRead(doc.path.c_str())) {
      images.push_back(WrapPix(pix));
    }
    if (images.empty()) {
      return Error{"image_load", "the image cannot be decoded (truncated or corrupt)"};
    }
    const double max_pixels = params_["max_megapixels"].get<double>() * 1e6;
    for (const PixHandle& pix : images) {
      const double pixels = double(pixGetWidth(pix.get())) * pixGetHeight(pix.get());
      if (pixels > max_pixels) {
        return Error{"image_load", "image of " + std::to_string(int(pixels / 1e6)) +
                                       " megapixels exceeds the limit of " +
                                       std::to_string(int(max_pixels / 1e6))};
      }
    }

    Pix* first = images.front().get();
    double light = 0, midtone = 0;
    ToneShares(first, &light, &midtone);
    const bool looks_like_page = light >= params_["page_min_light_fraction"].get<double>() &&
                                 midtone <= params_["page_max_midtone_fraction"].get<double>();
    doc.modality = doc.alt_text || !looks_like_page ? "photo" : "page_image";

    doc.pages.clear();
    for (size_t i = 0; i < images.size(); ++i) {
      Page page;
      page.number = static_cast<int>(i) + 1;
      page.unit = "px";
      page.width = pixGetWidth(images[i].get());
      page.height = pixGetHeight(images[i].get());
      page.raster = images[i];
      page.raster_dpi = pixGetXRes(images[i].get());
      page.raster_sha256 = PixSha256(images[i].get());
      doc.pages.push_back(std::move(page));
    }
    doc.metrics["image.width"] = pixGetWidth(first);
    doc.metrics["image.height"] = pixGetHeight(first);
    doc.metrics["image.dpi"] = pixGetXRes(first);
    doc.metrics["image.pages"] = static_cast<double>(images.size());
    doc.metrics["image.light_fraction"] = light;
    doc.metrics["image.midtone_fraction"] = midtone;
    return StageReport{};
  }

 private:
  nlohmann::json params_;
};

}  // namespace

Result<std::unique_ptr<Stage>> MakeImageLoadStage(const nlohmann::json& overrides) {
  auto params = MergeParams("image_load",
                            {{"max_megapixels", 150},
                             {"max_pages", 500},
                             {"page_min_light_fraction", 0.55},
                             {"page_max_midtone_fraction", 0.25}},
                            overrides);
  if (!params.ok()) return params.error();
  return std::unique_ptr<Stage>(std::make_unique<ImageLoadStage>(params.value()));
}

}  // namespace assay
