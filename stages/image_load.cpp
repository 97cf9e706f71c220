// image_load: decodes a page image or photo with Leptonica (every page of a multi-page TIFF),
// upright by its EXIF orientation, and decides its modality: `photo` when the manifest gives alt-text or the pixels look like
// a natural image, `page_image` when they look like a scanned page (mostly light background,
// few mid-tones). Each page records a raster step, from which it is decoded again when its
// pixels were dropped.
#include <leptonica/allheaders.h>

#include <cstdio>

#include "core/gray_histogram.h"
#include "core/raster.h"
#include "core/stage.h"
#include "stages/image_header.h"
#include "stages/image_measures.h"

namespace assay {
namespace {

// Share of light and of mid-tone pixels in the gray version of `pix`.
void ToneShares(Pix* pix, double* light, double* midtone) {
  *light = *midtone = 0;
  Pix* gray = GrayForReading(pix);
  if (gray == nullptr) return;
  GrayCounts counts;
  const bool counted = GrayHistogram(gray, 1, &counts);
  pixDestroy(&gray);
  if (!counted) return;
  double total = 0, light_n = 0, mid_n = 0;
  for (int v = 0; v < 256; ++v) {
    total += counts[v];
    if (v >= 170) light_n += counts[v];
    if (v >= 60 && v < 170) mid_n += counts[v];
  }
  if (total > 0) {
    *light = light_n / total;
    *midtone = mid_n / total;
  }
}

// Decodes page `index` (0-based) of the image file whose header is `header`, upright (EXIF
// orientation applied), so every stage after this one (OCR, layout, the image checks) reads
// the picture as it is meant to be seen. Leptonica reads every format but compressed BMP,
// which OpenCV reads.
PixHandle Decode(const std::string& path, const ImageHeader& header, int index) {
  Pix* pix = header.tiff  ? pixReadTiff(path.c_str(), index)
             : index == 0 ? pixRead(path.c_str())
                          : nullptr;
  if (pix == nullptr && header.bmp && index == 0) pix = DecodeBmpWithOpenCv(path);
  if (pix != nullptr && index == 0) pix = UprightByExif(pix, ReadImageEncoding(path).exif_orientation);
  return pix != nullptr ? WrapPix(pix) : nullptr;
}

class ImageLoadStage : public Stage {
 public:
  explicit ImageLoadStage(const CanonicalJson& params)
      : max_pixels_(params.at("max_megapixels").get<double>() * 1e6),
        max_pages_(params.at("max_pages")),
        page_min_light_(params.at("page_min_light_fraction")),
        page_max_midtone_(params.at("page_max_midtone_fraction")) {}

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    // Sizes come from the headers, before anything is decoded: a bomb costs nothing.
    auto first = ReadImageHeader(doc.path, 0);
    if (!first.ok()) return first.error();
    int count = 1;
    if (first.value().tiff) {
      count = 0;
      if (std::FILE* f = std::fopen(doc.path.c_str(), "rb")) {
        tiffGetCount(f, &count);
        std::fclose(f);
      }
      if (count > max_pages_) {
        return Error{"image_load", "TIFF has " + std::to_string(count) + " pages (limit " +
                                       std::to_string(max_pages_) + ")"};
      }
    }
    doc.pages.clear();
    double light = 0, midtone = 0;
    for (int i = 0; i < count; ++i) {
      auto header = i == 0 ? first : ReadImageHeader(doc.path, i);
      if (!header.ok()) break;
      if (const std::string over = OverPixelLimit(header.value(), max_pixels_); !over.empty()) {
        return Error{"image_load",
                     count > 1 ? "page " + std::to_string(i + 1) + ": " + over : over};
      }
      PixHandle pix = Decode(doc.path, header.value(), i);
      if (!pix) break;
      // A header that understated the size: the decoded size is the truth.
      const ImageHeader decoded{pixGetWidth(pix.get()), pixGetHeight(pix.get())};
      if (const std::string over = OverPixelLimit(decoded, max_pixels_); !over.empty()) {
        return Error{"image_load", over};
      }
      if (i == 0) {
        ToneShares(pix.get(), &light, &midtone);
        doc.metrics["image.width"] = pixGetWidth(pix.get());
        doc.metrics["image.height"] = pixGetHeight(pix.get());
        doc.metrics["image.dpi"] = pixGetXRes(pix.get());
      }
      Page page;
      page.number = i + 1;
      page.unit = "px";
      page.width = pixGetWidth(pix.get());
      page.height = pixGetHeight(pix.get());
      page.raster_steps = {RasterStep{"image_load", pixGetXRes(pix.get()), PixSha256(pix.get())}};
      ctx.Hold(page, pix);
      doc.pages.push_back(std::move(page));
    }
    if (doc.pages.empty()) {
      return Error{"image_load", "the image cannot be decoded (truncated or corrupt)"};
    }
    const bool looks_like_page = light >= page_min_light_ && midtone <= page_max_midtone_;
    doc.modality = doc.alt_text || !looks_like_page ? "photo" : "page_image";
    doc.metrics["image.pages"] = static_cast<double>(doc.pages.size());
    doc.metrics["image.light_fraction"] = light;
    doc.metrics["image.midtone_fraction"] = midtone;
    return StageReport{};
  }

  Result<PixHandle> RebuildRaster(const Document& doc, const Page& page, const RasterStep&,
                                  PixHandle /*previous*/, StageContext& /*ctx*/) const override {
    auto header = ReadImageHeader(doc.path, page.number - 1);
    PixHandle pix = header.ok() ? Decode(doc.path, header.value(), page.number - 1) : nullptr;
    if (!pix)
      return Error{"image_load", "page " + std::to_string(page.number) + " cannot be decoded"};
    return pix;
  }

 private:
  double max_pixels_;
  int max_pages_;
  double page_min_light_, page_max_midtone_;
};

}  // namespace

const StageSpec& ImageLoadStageSpec() {
  static const StageSpec kSpec{
      .id = "image_load",
      .version = 4,  // 4: EXIF orientation applied (upright pixels)
      .summary = "decode a page image or photo; size, resolution, page or photo",
      .containers = {"image"},
      .modalities = {},
      .establishes = {"page_image", "photo"},
      .params = {{"max_megapixels",
                  ParamType::kNumber,
                  150,
                  1,
                  10000,
                  {},
                  {},
                  "largest image accepted, in megapixels"},
                 {"max_pages",
                  ParamType::kInt,
                  500,
                  1,
                  100000,
                  {},
                  {},
                  "most pages (frames) of a TIFF accepted"},
                 {"page_min_light_fraction",
                  ParamType::kNumber,
                  0.55,
                  0,
                  1,
                  {},
                  {},
                  "a page image has at least this share of light pixels"},
                 {"page_max_midtone_fraction",
                  ParamType::kNumber,
                  0.25,
                  0,
                  1,
                  {},
                  {},
                  "a page image has at most this share of mid-tone pixels"}},
      .metrics = {{"image.width", false, "width of the first page, pixels"},
                  {"image.height", false, "height of the first page, pixels"},
                  {"image.dpi", false, "resolution stated by the file, 0 if none"},
                  {"image.pages", false, "pages (frames) in the image file"},
                  {"image.light_fraction", false, "share of light pixels (gray >= 170)"},
                  {"image.midtone_fraction", false, "share of mid-tone pixels (60..169)"}},
      .libraries = {"leptonica", "image_codecs", "opencv"},
      .resources = nullptr,
      .pixels = Pixels::kMakes,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<ImageLoadStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
