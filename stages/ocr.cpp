#include "stages/ocr.h"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <memory>

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

class OcrStage : public Stage {
 public:
  explicit OcrStage(nlohmann::json params) : params_(std::move(params)) {}
  std::string_view id() const override { return "ocr"; }
  int version() const override { return 2; }
  const nlohmann::json& params() const override { return params_; }

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    if (doc.modality == "photo") return StageReport{"skipped", "photo: not OCR'd"};
    if (ctx.tesseract == nullptr) return Error{"ocr", "Tesseract is not initialised"};
    tesseract::TessBaseAPI& api = *ctx.tesseract;
    api.SetPageSegMode(static_cast<tesseract::PageSegMode>(params_["psm"].get<int>()));

    int pages = 0, blank = 0, words = 0;
    double conf_sum = 0;
    const double blank_ink = params_["blank_max_ink_fraction"];
    for (Page& page : doc.pages) {
      if (!page.raster) continue;
      ++pages;
      if (InkFraction(page.raster.get()) <= blank_ink) {
        // Nothing to read; Tesseract would spend ~0.25 s finding that out.
        ++blank;
        page.raster.reset();
        continue;
      }
      api.SetImage(page.raster.get());
      if (api.Recognize(nullptr) != 0) {
        return Error{"ocr", "Tesseract failed on page " + std::to_string(page.number)};
      }
      page.blocks.clear();
      const double scale = page.unit == "pt" && page.raster_dpi > 0 ? 72.0 / page.raster_dpi : 1.0;
      ReadBlocks(api, scale, &page, &words, &conf_sum);
      page.text_source = "ocr";
      page.raster.reset();  // free the pixels as soon as they are read
      api.Clear();
    }
    if (pages == 0) return StageReport{"skipped", "no page needs OCR"};
    doc.metrics["ocr.pages"] = pages;
    doc.metrics["ocr.blank_pages"] = blank;
    doc.metrics["ocr.word_count"] = words;
    doc.metrics["ocr.mean_confidence"] = words > 0 ? conf_sum / words : 0.0;
    return StageReport{};
  }

 private:
  // Walks Tesseract's results word by word, opening a block at each paragraph and a line at
  // each text line, as the CLI's text output does.
  static void ReadBlocks(tesseract::TessBaseAPI& api, double scale, Page* page, int* words,
                         double* conf_sum) {
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it) return;
    using tesseract::RIL_PARA;
    using tesseract::RIL_TEXTLINE;
    using tesseract::RIL_WORD;
    do {
      if (it->Empty(RIL_WORD)) continue;
      if (it->IsAtBeginningOf(RIL_PARA) || page->blocks.empty()) {
        page->blocks.push_back(Block{"paragraph", IteratorBox(*it, RIL_PARA, scale), {}});
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
      ++*words;
      *conf_sum += block.lines.back().words.back().confidence;
    } while (it->Next(RIL_WORD));
    // Regions Tesseract opened but found no word in carry no text.
    for (Block& b : page->blocks) {
      std::erase_if(b.lines, [](const Line& l) { return l.words.empty(); });
    }
    std::erase_if(page->blocks, [](const Block& b) { return b.lines.empty(); });
  }

  nlohmann::json params_;
};

}  // namespace

Result<std::unique_ptr<Stage>> MakeOcrStage(const nlohmann::json& overrides) {
  auto params = MergeParams(
      "ocr", {{"blank_max_ink_fraction", 0.0002}, {"lang", "eng"}, {"psm", 3}}, overrides);
  if (!params.ok()) return params.error();
  const int psm = params.value()["psm"];
  if (psm < 0 || psm > 13) return Error{"ocr", "psm must be between 0 and 13"};
  return std::unique_ptr<Stage>(std::make_unique<OcrStage>(params.value()));
}

}  // namespace assay
