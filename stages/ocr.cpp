// ocr: Tesseract over every page that has a raster (scanned PDF pages, page images), with the
// worker's Tesseract engine for `lang` (a resource: loaded once per worker and language set).
// Produces paragraph blocks of lines of words with boxes and confidences. A page with no ink
// (at most `blank_max_ink_fraction` of its pixels darker than mid-gray) is not given to
// Tesseract. Photos are not OCR'd (their text, if any, is not the point of the example).
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <memory>

#include "core/stage.h"
#include "stages/tesseract_model.h"

namespace assay {
namespace {

// Tesseract's box in pixels, scaled to the page's unit (PDF points for rendered PDF pages).
Box IteratorBox(const tesseract::ResultIterator& it, tesseract::PageIteratorLevel level,
                double scale) {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  it.BoundingBox(level, &x0, &y0, &x1, &y1);
  return Box{x0 * scale, y0 * scale, x1 * scale, y1 * scale};
}

std::string Trimmed(const char* s) {
  std::string t(s);
  const auto first = t.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return t.substr(first, t.find_last_not_of(" \t\r\n") - first + 1);
}

// Share of dark pixels (below mid-gray) in the image: 0 for a blank page.
double InkFraction(Pix* pix) {
  Pix* gray = pixConvertTo8(pix, 0);
  if (gray == nullptr) return 1.0;  // cannot tell: let Tesseract look
  Pix* binary = pixThresholdToBinary(gray, 128);
  pixDestroy(&gray);
  if (binary == nullptr) return 1.0;
  l_int32 dark = 0;
  pixCountPixels(binary, &dark, nullptr);
  const double total = double(pixGetWidth(binary)) * pixGetHeight(binary);
  pixDestroy(&binary);
  return total > 0 ? dark / total : 1.0;
}

struct WordStats {
  int words = 0;
  double conf_sum = 0;
  double Mean() const { return words > 0 ? conf_sum / words : 0.0; }
};

class OcrStage : public Stage {
 public:
  explicit OcrStage(const CanonicalJson& params)
      : psm_(params.at("psm")), blank_ink_(params.at("blank_max_ink_fraction")) {}

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    auto* engine = ctx.Resource<TesseractEngine>("tesseract");
    if (engine == nullptr) return Error{"ocr", "no Tesseract engine was loaded"};
    tesseract::TessBaseAPI& api = engine->api;
    api.SetPageSegMode(static_cast<tesseract::PageSegMode>(psm_));

    int pages = 0, blank = 0;
    WordStats all;
    for (Page& page : doc.pages) {
      if (!page.has_raster()) continue;
      ++pages;
      auto pixels = ctx.Pixels(doc, page);
      if (!pixels.ok()) return pixels.error();
      Pix* pix = pixels.value().get();
      WordStats stats;
      if (InkFraction(pix) <= blank_ink_) {
        // Nothing to read; Tesseract would spend ~0.25 s finding that out.
        ++blank;
      } else {
        api.SetImage(pix);
        if (api.Recognize(nullptr) != 0) {
          return Error{"ocr", "Tesseract failed on page " + std::to_string(page.number)};
        }
        page.blocks.clear();
        const double scale =
            page.unit == "pt" && page.raster_dpi() > 0 ? 72.0 / page.raster_dpi() : 1.0;
        ReadBlocks(api, scale, &page, &stats);
        page.text_source = "ocr";
        api.Clear();
        auto& m = doc.part_metrics["page:" + std::to_string(page.number)];
        m["ocr.word_count"] = stats.words;
        m["ocr.mean_confidence"] = stats.Mean();
      }
      page.raster.reset();  // free the pixels as soon as they are read
      all.words += stats.words;
      all.conf_sum += stats.conf_sum;
    }
    if (pages == 0) return StageReport{"skipped", "no page needs OCR"};
    doc.metrics["ocr.pages"] = pages;
    doc.metrics["ocr.blank_pages"] = blank;
    doc.metrics["ocr.word_count"] = all.words;
    doc.metrics["ocr.mean_confidence"] = all.Mean();
    return StageReport{};
  }

 private:
  // Walks Tesseract's results word by word, opening a block at each paragraph and a line at
  // each text line, as the CLI's text output does.
  static void ReadBlocks(tesseract::TessBaseAPI& api, double scale, Page* page, WordStats* s) {
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it) return;
    using tesseract::RIL_PARA;
    using tesseract::RIL_TEXTLINE;
    using tesseract::RIL_WORD;
    do {
      if (it->Empty(RIL_WORD)) continue;
      if (it->IsAtBeginningOf(RIL_PARA) || page->blocks.empty()) {
        page->blocks.push_back(Block{"paragraph", 0, IteratorBox(*it, RIL_PARA, scale), {}});
      }
      Block& block = page->blocks.back();
      if (it->IsAtBeginningOf(RIL_TEXTLINE) || block.lines.empty()) {
        block.lines.push_back(Line{IteratorBox(*it, RIL_TEXTLINE, scale), {}});
      }
      std::unique_ptr<char[]> text(it->GetUTF8Text(RIL_WORD));
      Word w;
      w.text = text ? Trimmed(text.get()) : "";
      if (w.text.empty()) continue;
      w.bbox = IteratorBox(*it, RIL_WORD, scale);
      w.confidence = it->Confidence(RIL_WORD);
      block.lines.back().words.push_back(std::move(w));
      ++s->words;
      s->conf_sum += block.lines.back().words.back().confidence;
    } while (it->Next(RIL_WORD));
    // Regions Tesseract opened but found no word in carry no text.
    for (Block& b : page->blocks) {
      std::erase_if(b.lines, [](const Line& l) { return l.words.empty(); });
    }
    std::erase_if(page->blocks, [](const Block& b) { return b.lines.empty(); });
  }

  int psm_;
  double blank_ink_;
};

}  // namespace

const StageSpec& OcrStageSpec() {
  static const StageSpec kSpec{
      .id = "ocr",
      .version = 3,
      .summary = "Tesseract OCR of page rasters: words, lines, blocks, confidences",
      .containers = {"pdf", "image"},
      .modalities = {"pdf_scan", "pdf_mixed", "page_image"},
      .establishes = {},
      .params = {{"blank_max_ink_fraction",
                  ParamType::kNumber,
                  0.0002,
                  0,
                  1,
                  {},
                  {},
                  "a page with at most this share of dark pixels is blank: not OCR'd"},
                 {"lang",
                  ParamType::kString,
                  "eng",
                  0,
                  0,
                  {},
                  "[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?(\\+[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?)*",
                  "Tesseract languages, as its -l option: eng, eng+deu, script/Latin"},
                 {"psm",
                  ParamType::kInt,
                  3,
                  3,
                  13,
                  {},
                  {},
                  "Tesseract page segmentation mode (3: automatic; 6: one block; ...)"}},
      .metrics = {{"ocr.pages", false, "pages given to OCR"},
                  {"ocr.blank_pages", false, "OCR pages skipped for having no ink"},
                  {"ocr.word_count", true, "words OCR found"},
                  {"ocr.mean_confidence", true, "mean Tesseract word confidence, 0..100"}},
      .libraries = {"tesseract", "leptonica"},
      .resources =
          [](const CanonicalJson& p) {
            return std::vector<ResourceRef>{{"tesseract", p.at("lang").get<std::string>()}};
          },
      .pixels = Pixels::kReads,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<OcrStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
