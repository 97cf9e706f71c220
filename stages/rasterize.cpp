#include "stages/rasterize.h"

#include <leptonica/allheaders.h>
#include <poppler/PDFDoc.h>
#include <poppler/SplashOutputDev.h>
#include <poppler/splash/SplashBitmap.h>

#include <algorithm>
#include <cmath>

#include "stages/pdf_support.h"
#include "stages/raster_util.h"

namespace assay {
namespace {

class RasterizeStage : public Stage {
 public:
  explicit RasterizeStage(nlohmann::json params) : params_(std::move(params)) {}
  std::string_view id() const override { return "rasterize"; }
  int version() const override { return 1; }
  const nlohmann::json& params() const override { return params_; }

  Result<StageReport> Run(Document& doc, StageContext& /*ctx*/) const override {
    if (doc.container != "pdf") return StageReport{"skipped", "not a PDF"};
    std::vector<Page*> todo;
    for (Page& p : doc.pages) {
      if (p.text_source == "none") todo.push_back(&p);
    }
    if (todo.empty()) return StageReport{"skipped", "every page has a text layer"};
    auto opened = OpenPdf(doc.path, "rasterize");
    if (!opened.ok()) return opened.error();
    PDFDoc& pdf = *opened.value();

    SplashColor white = {255, 255, 255};
    SplashOutputDev dev(splashModeMono8, 4, false, white);
    dev.setFontAntialias(true);
    dev.setVectorAntialias(true);
    dev.startDoc(&pdf);

    const int dpi = params_["dpi"];
    const double max_pixels = params_["max_megapixels"].get<double>() * 1e6;
    int min_dpi = dpi;
    std::string note;
    for (Page* page : todo) {
      // Lower the resolution of oversized pages so one page cannot exhaust memory.
      int page_dpi = dpi;
      const double pixels = page->width * page->height * (dpi / 72.0) * (dpi / 72.0);
      if (pixels > max_pixels) {
        page_dpi = std::max(1, static_cast<int>(dpi * std::sqrt(max_pixels / pixels)));
        note += "page " + std::to_string(page->number) + " rendered at " +
                std::to_string(page_dpi) + " dpi; ";
      }
      pdf.displayPage(&dev, page->number, page_dpi, page_dpi, 0, /*useMediaBox=*/false,
                      /*crop=*/true, /*printing=*/false);
      SplashBitmap* bitmap = dev.getBitmap();
      if (bitmap == nullptr || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0) {
        return Error{"rasterize", "page " + std::to_string(page->number) + " did not render"};
      }
      page->raster = ToPix(*bitmap, page_dpi);
      if (!page->raster) {
        return Error{"rasterize", "out of memory for page " + std::to_string(page->number)};
      }
      page->raster_dpi = page_dpi;
      page->raster_sha256 = PixSha256(page->raster.get());
      min_dpi = std::min(min_dpi, page_dpi);
    }
    doc.metrics["rasterize.pages"] = static_cast<double>(todo.size());
    doc.metrics["rasterize.min_dpi"] = min_dpi;
    return StageReport{"ok", note};
  }

 private:
  static PixHandle ToPix(SplashBitmap& bitmap, int dpi) {
    const int w = bitmap.getWidth(), h = bitmap.getHeight();
    Pix* pix = pixCreate(w, h, 8);
    if (pix == nullptr) return nullptr;
    pixSetResolution(pix, dpi, dpi);
    const unsigned char* src = bitmap.getDataPtr();
    const int row_size = bitmap.getRowSize();
    l_uint32* data = pixGetData(pix);
    const int wpl = pixGetWpl(pix);
    for (int y = 0; y < h; ++y) {
      l_uint32* line = data + static_cast<size_t>(y) * wpl;
      const unsigned char* row = src + static_cast<size_t>(y) * row_size;
      for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, row[x]);
    }
    return WrapPix(pix);
  }

  nlohmann::json params_;
};

}  // namespace

Result<std::unique_ptr<Stage>> MakeRasterizeStage(const nlohmann::json& overrides) {
  auto params = MergeParams("rasterize", {{"dpi", 300}, {"max_megapixels", 60}}, overrides);
  if (!params.ok()) return params.error();
  return std::unique_ptr<Stage>(std::make_unique<RasterizeStage>(params.value()));
}

}  // namespace assay
