// handwriting: tells handwritten pages (and handwritten lines on printed pages) from print,
// on the pixels OCR is about to read (after preprocess, before ocr), by how much of the page's
// ink repeats itself (stages/handwriting_measures.h, docs/handwriting.md). Per page: the
// measures, `page.handwritten` and the handwritten lines (Page::handwriting, in the page's
// frame). A document whose every judged page is handwritten (and that has no text-layer page)
// becomes `page_handwritten`: its own contract (contracts/page_handwritten.toml, no print CER
// rule) and routing to human transcription (contracts/routing/default.toml). In a document of
// print with some handwritten pages, those pages keep the document's modality, are left out
// of its print CER estimate (the quality stage) and are routed page by page.
#include <leptonica/allheaders.h>

#include "core/page_stage.h"
#include "stages/handwriting_measures.h"
#include "stages/page_preprocess.h"

namespace assay {
namespace {

class HandwritingStage : public PageStage {
 public:
  explicit HandwritingStage(const CanonicalJson& params) {
    limits_.match_threshold = params.at("match_threshold");
    limits_.min_components = params.at("min_components");
    limits_.region_unique_share = params.at("line_unmatched_share");
    limits_.page_share = params.at("page_share");
  }

  // Tally: {"text_layer": 0|1} for a page without a raster; {"judged", "handwritten",
  // "regions"} for one with.
  Status RunPage(const Document& doc, Page& page, Session*, StageContext& ctx,
                 PageOutcome& out) const override {
    if (!page.has_raster()) {
      out.tally = {{"text_layer", page.blocks.empty() ? 0 : 1}};
      return Status();
    }
    auto pixels = ctx.Pixels(doc, page);
    if (!pixels.ok()) return pixels.error();
    Pix* pix = pixels.value().get();
    const int dpi = EffectiveDpi(page.raster_dpi(), pixGetWidth(pix), pixGetHeight(pix));
    const HandwritingMeasures m = MeasureHandwriting(pix, dpi, limits_);
    const PreprocessPlan applied = AppliedPlan(page);
    const PageFrame frame{page.width,           page.height,
                          applied.rotate_quads, applied.deskew_deg,
                          double(pixGetWidth(pix)), double(pixGetHeight(pix))};
    page.handwriting.clear();
    for (const PixelBox& b : m.regions) page.handwriting.push_back(frame.ToPage(b));
    auto& pm = out.metrics;
    pm["handwriting.components"] = m.components;
    pm["handwriting.score"] = m.unique_share;
    pm["handwriting.share"] = m.share;
    pm["handwriting.height_cv"] = m.height_cv;
    pm["handwriting.stroke_cv"] = m.stroke_cv;
    pm["handwriting.regions"] = double(m.regions.size());
    pm["page.handwritten"] = m.handwritten ? 1 : 0;
    out.tally = {{"judged", m.components >= limits_.min_components ? 1 : 0},
                 {"handwritten", m.handwritten ? 1 : 0},
                 {"regions", static_cast<int>(m.regions.size())}};
    return Status();
  }

  Result<StageReport> Finish(Document& doc,
                             const std::vector<PageOutcome>& outcomes) const override {
    int judged = 0, handwritten = 0, text_layer = 0, regions = 0;
    for (const PageOutcome& o : outcomes) {
      text_layer += o.tally.value("text_layer", 0);
      judged += o.tally.value("judged", 0);
      handwritten += o.tally.value("handwritten", 0);
      regions += o.tally.value("regions", 0);
    }
    if (judged == 0 && handwritten == 0) {
      doc.metrics["handwriting.pages"] = 0;
      return StageReport{"ok", "no page with enough ink to judge"};
    }
    doc.metrics["handwriting.pages"] = handwritten;
    doc.metrics["handwriting.regions"] = regions;
    std::string note = std::to_string(handwritten) + " of " + std::to_string(judged) +
                       " judged pages handwritten, " + std::to_string(regions) +
                       " handwritten lines";
    if (handwritten > 0 && handwritten == judged && text_layer == 0) {
      doc.modality = "page_handwritten";
      note += "; the document is page_handwritten";
    }
    return StageReport{"ok", note};
  }

 private:
  HandwritingLimits limits_;
};

}  // namespace

const StageSpec& HandwritingStageSpec() {
  static const StageSpec kSpec{
      .id = "handwriting",
      .version = 1,
      .summary = "handwritten pages and lines told from print by unrepeated glyph shapes",
      .containers = {"pdf", "image"},
      .modalities = {"pdf_scan", "pdf_mixed", "page_image"},
      .establishes = {"page_handwritten"},
      .params =
          {{"match_threshold", ParamType::kNumber, 0.6, 0.3, 1, {}, {},
            "shape correlation at which two connected components count as one glyph"},
           {"min_components", ParamType::kInt, 100, 1, 1000000, {}, {},
            "a page with fewer glyph-sized components is not judged (never handwritten)"},
           {"line_unmatched_share", ParamType::kNumber, 0.6, 0, 1, {}, {},
            "a line whose share of components matching no other reaches this is handwritten"},
           {"page_share", ParamType::kNumber, 0.5, 0, 1, {}, {},
            "a page whose share of glyph ink in handwritten lines reaches this is handwritten"}},
      .metrics =
          {{"handwriting.components", true, "glyph-sized connected components judged"},
           {"handwriting.score", true,
            "share of the glyph components that match no other on the page (print repeats "
            "its glyphs; a hand does not)"},
           {"handwriting.share", true, "share of the page's glyph ink in handwritten lines"},
           {"handwriting.height_cv", true,
            "coefficient of variation of the glyph components' heights"},
           {"handwriting.stroke_cv", true,
            "coefficient of variation of the glyph components' stroke widths"},
           {"handwriting.regions", true, "handwritten lines found (per page and in total)"},
           {"page.handwritten", true, "1 when the page is judged handwritten"},
           {"handwriting.pages", false, "pages judged handwritten"}},
      .libraries = {"leptonica"},
      .pixels = Pixels::kReads,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<HandwritingStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
