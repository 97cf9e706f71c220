// layout: block types (title, heading with level, paragraph, list, caption, footnote, header,
// footer, figure, table), running heads and page numbers, reading order by columns with
// footnotes last and a confidence for it, and figure regions paired with captions.
//
// Born-digital pages are laid out from the text layer's words, fonts and sizes and from what
// the PDF draws (image draws, vector paths: stages/pdf_graphics.h) without rendering: a render
// costs ~35 ms a page. OCR'd pages use Tesseract's blocks and line heights, and the page image
// they already have (ink density for bold headings, ink outside the text for figures).
// The logic itself is in stages/layout_analysis.h.
#include <leptonica/allheaders.h>
#include <poppler/PDFDoc.h>

#include <algorithm>
#include <optional>

#include "core/raster.h"
#include "core/stage.h"
#include "stages/layout_analysis.h"
#include "stages/page_preprocess.h"
#include "stages/pdf_graphics.h"
#include "stages/pdf_support.h"

namespace assay {
namespace {

constexpr double kBoldInkRatio = 1.15;  // ink density over the page's median: a bold block

BOX* LeptBox(const Box& b) {
  return boxCreate(static_cast<l_int32>(b.x0), static_cast<l_int32>(b.y0),
                   std::max<l_int32>(1, static_cast<l_int32>(b.x1 - b.x0)),
                   std::max<l_int32>(1, static_cast<l_int32>(b.y1 - b.y0)));
}

// Turns every box of the page (and the page) `quads` clockwise quarter turns. OCR boxes are
// in the source page's frame; a page that preprocessing turned upright is laid out upright
// (columns, lines and reading order assume horizontal text) and turned back after.
void TurnPage(Page& page, int quads) {
  if (quads % 4 == 0) return;
  const double w = page.width, h = page.height;
  const auto turn = [&](Box& b) { b = TurnClockwise(b, quads, w, h); };
  for (Block& b : page.blocks) {
    turn(b.bbox);
    for (Line& l : b.lines) {
      turn(l.bbox);
      for (Word& word : l.words) turn(word.bbox);
    }
  }
  for (Figure& f : page.figures) turn(f.bbox);
  if (quads % 2 != 0) std::swap(page.width, page.height);
}

// OCR'd page (upright, `deskew_deg` the skew its pixels were corrected by): marks bold blocks
// by their ink density within word boxes, and returns figure regions: ink left once the words
// are erased, closed into regions, large enough.
std::vector<Box> ScanGraphics(Pix* pix, const Page& page, double deskew_deg,
                              std::vector<BlockStyle>* styles) {
  std::vector<Box> regions;
  Pix* gray = GrayForReading(pix);
  if (gray == nullptr) return regions;
  Pix* binary = pixThresholdToBinary(gray, 128);
  pixDestroy(&gray);
  if (binary == nullptr) return regions;
  const PageFrame frame{page.width,
                        page.height,
                        0,
                        deskew_deg,
                        double(pixGetWidth(binary)),
                        double(pixGetHeight(binary))};

  std::vector<double> density(page.blocks.size(), 0);
  std::vector<double> known;
  for (size_t i = 0; i < page.blocks.size(); ++i) {
    double dark = 0, area = 0;
    for (const Line& l : page.blocks[i].lines) {
      for (const Word& w : l.words) {
        BOX* box = LeptBox(frame.ToPixels(w.bbox));
        l_int32 count = 0;
        pixCountPixelsInRect(binary, box, &count, nullptr);
        dark += count;
        area += double(box->w) * box->h;
        boxDestroy(&box);
      }
    }
    if (area > 0) {
      density[i] = dark / area;
      known.push_back(density[i]);
    }
  }
  if (!known.empty()) {
    std::sort(known.begin(), known.end());
    const double median = known[known.size() / 2];
    for (size_t i = 0; i < page.blocks.size(); ++i) {
      (*styles)[i].bold = median > 0 && density[i] >= kBoldInkRatio * median ? 1.0 : 0.0;
    }
  }

  // Erase the words, close what ink is left into regions.
  for (const Block& b : page.blocks)
    for (const Line& l : b.lines)
      for (const Word& w : l.words) {
        BOX* box = LeptBox(frame.ToPixels(w.bbox));
        pixClearInRect(binary, box);
        boxDestroy(&box);
      }
  const l_int32 reach = std::max<l_int32>(3, pixGetWidth(binary) / 100);
  Pix* closed = pixCloseSafeBrick(nullptr, binary, reach, reach);
  if (closed != nullptr) {
    BOXA* boxes = pixConnCompBB(closed, 8);
    const double page_area = page.width * page.height;
    for (l_int32 i = 0; boxes != nullptr && i < boxaGetCount(boxes); ++i) {
      l_int32 x = 0, y = 0, w = 0, h = 0;
      boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
      const Box b = frame.ToPage(PixelBox{x, y, x + w, y + h});
      const double bw = b.x1 - b.x0, bh = b.y1 - b.y0;
      // Large, not a thin rule, and not a page border or a scanner's dark edge.
      if (bw * bh < 0.015 * page_area || bw < 0.06 * page.width || bh < 0.04 * page.height)
        continue;
      if (bw * bh > 0.7 * page_area) continue;
      BOX* lb = boxCreate(x, y, w, h);
      l_int32 count = 0;
      pixCountPixelsInRect(binary, lb, &count, nullptr);
      boxDestroy(&lb);
      if (count < 0.02 * double(w) * h) continue;  // a sparse frame, not a picture
      regions.push_back(b);
    }
    boxaDestroy(&boxes);
    pixDestroy(&closed);
  }
  pixDestroy(&binary);
  return regions;
}

class LayoutStage : public Stage {
 public:
  explicit LayoutStage(const CanonicalJson& /*params*/) {}

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    std::vector<PageInput> inputs;
    std::unique_ptr<PDFDoc> pdf;
    std::vector<int> turned(doc.pages.size(), 0);
    for (size_t i = 0; i < doc.pages.size(); ++i) {
      Page& page = doc.pages[i];
      const PreprocessPlan applied =
          page.text_source == "ocr" ? AppliedPlan(page) : PreprocessPlan{};
      turned[i] = applied.rotate_quads;
      TurnPage(page, turned[i]);
      PageInput in;
      in.page = &page;
      for (const Block& b : page.blocks) {
        in.styles.push_back(page.text_source == "pdf_text" ? TextLayerStyle(b) : OcrStyle(b));
      }
      if (page.text_source == "pdf_text" && doc.container == "pdf") {
        if (!pdf) {
          auto opened = OpenPdf(doc.path, "layout", doc.password);
          if (!opened.ok()) return opened.error();
          pdf = std::move(opened.value());
        }
        const PageGraphics g = FindPageGraphics(*pdf, page.number, page.width, page.height);
        in.figure_regions = g.figures;
        in.table_regions = g.tables;
        in.figure_source = "pdf_graphics";
      } else if (page.text_source == "ocr" && page.has_raster()) {
        auto pixels = ctx.Pixels(doc, page);
        if (!pixels.ok()) return pixels.error();
        in.figure_regions =
            ScanGraphics(pixels.value().get(), page, applied.deskew_deg, &in.styles);
        in.figure_source = "page_image";
        in.keep_order = true;
        page.raster.reset();
      }
      inputs.push_back(std::move(in));
    }
    const std::vector<PageLayout> layouts = LayOutDocument(inputs);
    for (size_t i = 0; i < doc.pages.size(); ++i) TurnPage(doc.pages[i], 4 - turned[i]);

    int columns = 0, headings = 0, uncaptioned = 0, figures = 0;
    std::optional<double> confidence;
    for (size_t i = 0; i < doc.pages.size(); ++i) {
      const Page& page = doc.pages[i];
      const PageLayout& l = layouts[i];
      figures += static_cast<int>(page.figures.size());
      headings += l.headings;
      uncaptioned += l.uncaptioned_figures;
      if (page.blocks.empty()) continue;
      columns = std::max(columns, l.columns);
      confidence = std::min(confidence.value_or(1.0), l.reading_order_confidence);
      auto& m = doc.part_metrics["page:" + std::to_string(page.number)];
      m["layout.columns"] = l.columns;
      m["layout.reading_order_confidence"] = l.reading_order_confidence;
    }
    doc.metrics["layout.columns"] = columns;
    doc.metrics["layout.headings"] = headings;
    doc.metrics["layout.figures"] = figures;
    doc.metrics["layout.uncaptioned_figures"] = uncaptioned;
    doc.metrics["layout.reading_order_confidence"] = confidence.value_or(1.0);
    return StageReport{};
  }
};

}  // namespace

const StageSpec& LayoutStageSpec() {
  static const StageSpec kSpec{
      .id = "layout",
      // v2: margin line numbers are line_number blocks; v3: ruled-table cells are never running
      // heads; v4: OCR pages turned upright by preprocessing are laid out upright; v5: footnotes
      // and margin numbers read column by column (not by left edge, which a pixel could flip);
      // v6: a paragraph under a footnote, no larger than body text, is a note too; v7: a block
      // beside three or more others along its line (a table's row of column numbers near the
      // top) is never a running head
      .version = 7,
      .summary =
          "block types, heading levels, running heads, column reading order, figures with "
          "captions",
      .containers = {"pdf", "image"},
      .modalities = {"pdf_text", "pdf_scan", "pdf_mixed", "page_image"},
      .establishes = {},
      .params = {},
      .metrics = {{"layout.columns", true, "text columns (the most on any page)"},
                  {"layout.headings", false, "title and heading blocks"},
                  {"layout.figures", false,
                   "figure regions found (image draws, drawings, pictures)"},
                  {"layout.uncaptioned_figures", false,
                   "figure regions with no caption beside them"},
                  {"layout.reading_order_confidence", true,
                   "share of the body text whose reading order the column cut decided rather than "
                   "guessed (blocks side by side that no gutter separates); the worst page, 0..1"}},
      .libraries = {"poppler", "leptonica"},
      .resources =
          [](const CanonicalJson&) {
            return std::vector<ResourceRef>{{"poppler_data", "default"}};
          },
      .pixels = Pixels::kReads,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<LayoutStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
