// rasterize: renders the PDF pages that have no text layer to 8-bit gray in memory (Poppler
// Splash), at `dpi`, lowered per page when the page would exceed `max_megapixels` (hostile
// page sizes cost a lower resolution, not the worker). Pages with a text layer are left
// alone. Each rendered page records a raster step (dpi, pixel hash), from which the page is
// rendered again when its pixels were dropped to keep memory flat.
#include <leptonica/allheaders.h>
#include <poppler/PDFDoc.h>
#include <poppler/SplashOutputDev.h>
#include <poppler/splash/SplashBitmap.h>

#include <algorithm>
#include <cmath>

#include "core/page_stage.h"
#include "core/raster.h"
#include "stages/page_preprocess.h"
#include "stages/pdf_support.h"
#include "stages/render_resolution.h"

namespace assay {
namespace {

PixHandle ToPix(SplashBitmap& bitmap, int dpi) {
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

// Renders pages of one open PDF.
class Renderer {
 public:
  explicit Renderer(PDFDoc& pdf) : pdf_(pdf), dev_(splashModeMono8, 4, false, white_) {
    dev_.setFontAntialias(true);
    dev_.setVectorAntialias(true);
    dev_.startDoc(&pdf_);
  }

  Result<PixHandle> Render(int page, int dpi) {
    pdf_.displayPage(&dev_, page, dpi, dpi, 0, /*useMediaBox=*/false, /*crop=*/true,
                     /*printing=*/false);
    SplashBitmap* bitmap = dev_.getBitmap();
    if (bitmap == nullptr || bitmap->getWidth() <= 0 || bitmap->getHeight() <= 0) {
      return Error{"rasterize", "page " + std::to_string(page) + " did not render"};
    }
    PixHandle pix = ToPix(*bitmap, dpi);
    if (!pix) return Error{"rasterize", "out of memory for page " + std::to_string(page)};
    return pix;
  }

 private:
  PDFDoc& pdf_;
  SplashColor white_ = {255, 255, 255};
  SplashOutputDev dev_;
};

class RasterizeStage : public PageStage {
 public:
  explicit RasterizeStage(const CanonicalJson& params)
      : dpi_(params.at("dpi")), max_pixels_(params.at("max_megapixels").get<double>() * 1e6) {
    resolution_.max_dpi = dpi_;
    resolution_.min_dpi = params.at("min_dpi");
    resolution_.text_height_px = params.at("text_height_px");
  }

  // The PDF is opened at the first page that needs rendering: a document whose every page has
  // a text layer never opens it here.
  struct RenderSession : Session {
    std::unique_ptr<PDFDoc> pdf;
    std::unique_ptr<Renderer> renderer;
  };

  Result<std::unique_ptr<Session>> Begin(const Document&, StageContext&) const override {
    return std::unique_ptr<Session>(std::make_unique<RenderSession>());
  }

  Status RunPage(const Document& doc, Page& page, Session* session, StageContext& ctx,
                 PageOutcome& out) const override {
    if (page.text_source != "none") return Status();
    auto& s = static_cast<RenderSession&>(*session);
    if (!s.renderer) {
      auto opened = OpenPdf(doc.path, "rasterize", doc.password);
      if (!opened.ok()) return opened.error();
      s.pdf = std::move(opened.value());
      s.renderer = std::make_unique<Renderer>(*s.pdf);
    }
    // Lower the resolution of oversized pages so one page cannot exhaust memory.
    const int render_dpi = CappedDpi(page, dpi_);
    if (render_dpi < dpi_) {
      out.note = "page " + std::to_string(page.number) + " rendered at " +
                 std::to_string(render_dpi) + " dpi; ";
    }
    auto rendered = s.renderer->Render(page.number, render_dpi);
    if (!rendered.ok()) return rendered.error();
    RasterStep step{"rasterize", render_dpi, "", CanonicalJson::object()};
    PixHandle pix = ForText(rendered.value(), &step);
    if (!pix) return Error{"rasterize", "out of memory for page " + std::to_string(page.number)};
    step.sha256 = PixSha256(pix.get());
    const int page_dpi = step.dpi;
    page.raster_steps = {std::move(step)};
    ctx.Hold(page, pix);
    out.metrics["rasterize.dpi"] = page_dpi;
    out.tally = {{"dpi", page_dpi}};
    return Status();
  }

  Result<StageReport> Finish(Document& doc,
                             const std::vector<PageOutcome>& outcomes) const override {
    int rendered = 0, min_dpi = dpi_;
    std::string note;
    for (const PageOutcome& o : outcomes) {
      if (!o.tally.contains("dpi")) continue;
      ++rendered;
      min_dpi = std::min(min_dpi, o.tally["dpi"].get<int>());
      note += o.note;
    }
    if (rendered == 0) return StageReport{"skipped", "every page has a text layer"};
    doc.metrics["rasterize.pages"] = static_cast<double>(rendered);
    doc.metrics["rasterize.min_dpi"] = min_dpi;
    return StageReport{"ok", note};
  }

  // The highest resolution at which `page` stays within max_megapixels (at most `dpi`).
  int CappedDpi(const Page& page, int dpi) const {
    const double pixels = page.width * page.height * (dpi / 72.0) * (dpi / 72.0);
    if (pixels <= max_pixels_) return dpi;
    return std::max(1, static_cast<int>(dpi * std::sqrt(max_pixels_ / pixels)));
  }

  // The render reduced to the lowest resolution that keeps its text readable
  // (render_resolution.h), measured on a cheap reduced copy: a second render would decode a
  // scan's image again, which costs more than the scaling. `step` (dpi = the render's) gets
  // the resolution kept and, when it is lower, what was measured and rendered.
  PixHandle ForText(PixHandle rendered, RasterStep* step) const {
    const int render_dpi = step->dpi;
    RenderResolutionLimits limits = resolution_;
    limits.probe_dpi = kProbeDpi;
    double height = 0;
    const int dpi = ReadingResolution(rendered.get(), render_dpi, limits, &height);
    if (dpi >= render_dpi) return rendered;
    PixHandle reduced = ReduceTo(rendered.get(), render_dpi, dpi);
    if (!reduced) return nullptr;
    step->dpi = dpi;
    step->facts = {{"rendered_dpi", render_dpi},
                   {"probe_dpi", std::min(kProbeDpi, render_dpi)},
                   {"probe_text_height_px", height}};
    return reduced;
  }

  // `pix` rendered at `from` dpi, scaled to `to` dpi (area mapping: each output pixel averages
  // the ones it covers, as a render at `to` would).
  static PixHandle ReduceTo(Pix* pix, int from, int to) {
    const float f = float(to) / from;
    Pix* out = pixScaleAreaMap(pix, f, f);
    if (out == nullptr) return nullptr;
    pixSetResolution(out, to, to);
    return WrapPix(out);
  }

  Result<PixHandle> RebuildRaster(const Document& doc, const Page& page, const RasterStep& step,
                                  PixHandle /*previous*/, StageContext& /*ctx*/) const override {
    auto opened = OpenPdf(doc.path, "rasterize", doc.password);
    if (!opened.ok()) return opened.error();
    Renderer renderer(*opened.value());
    const auto rendered_dpi = step.facts.find("rendered_dpi");
    if (rendered_dpi == step.facts.end()) return renderer.Render(page.number, step.dpi);
    auto rendered = renderer.Render(page.number, rendered_dpi->get<int>());
    if (!rendered.ok()) return rendered.error();
    PixHandle reduced = ReduceTo(rendered.value().get(), rendered_dpi->get<int>(), step.dpi);
    if (!reduced) return Error{"rasterize", "out of memory for page " + std::to_string(page.number)};
    return reduced;
  }

 private:
  int dpi_;
  double max_pixels_;
  RenderResolutionLimits resolution_;
  static constexpr int kProbeDpi = 150;  // fine enough to measure text in one-pixel steps of ~7%
};

}  // namespace

const StageSpec& RasterizeStageSpec() {
  static const StageSpec kSpec{
      .id = "rasterize",
      .version = 3,  // 3: the resolution follows the page's text height
      .summary = "render PDF pages without a text layer to 8-bit gray, for OCR",
      .containers = {"pdf"},
      .modalities = {"pdf_scan", "pdf_mixed"},
      .establishes = {},
      .params = {{"dpi", ParamType::kInt, 300, 36, 1200, {}, {},
                  "rendering resolution; the highest one when text_height_px is set"},
                 {"text_height_px", ParamType::kNumber, 16, 0, 200, {}, {},
                  "reduce each page to the lowest resolution giving its text this median "
                  "glyph height (measured on a 150-dpi copy); 0: every page at dpi"},
                 {"min_dpi", ParamType::kInt, 150, 36, 1200, {}, {},
                  "the lowest resolution text_height_px may choose"},
                 {"max_megapixels",
                  ParamType::kNumber,
                  60,
                  1,
                  1000,
                  {},
                  {},
                  "largest page raster; a bigger page is rendered at a lower resolution"}},
      .metrics = {{"rasterize.pages", false, "pages rendered for OCR"},
                  {"rasterize.dpi", true, "resolution the page was rendered at"},
                  {"rasterize.min_dpi", false, "lowest resolution a page was rendered at"}},
      .libraries = {"poppler", "leptonica", "freetype", "image_codecs"},
      .resources =
          [](const CanonicalJson&) {
            return std::vector<ResourceRef>{{"poppler_data", "default"}, {"fonts", "system"}};
          },
      .pixels = Pixels::kMakes,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<RasterizeStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
