// pdf_text: the PDF's text layer, per page, as words with boxes, fonts and sizes grouped in
// Poppler's lines and blocks, blocks put in column-aware reading order (stages/reading_order.h).
// A line with right-to-left script (Hebrew, Arabic) is put in reading order: Poppler gives its
// words left to right with their characters as drawn (stages/bidi_text.h). Each word keeps
// Poppler's rotation of its text (the tables stage builds sideways tables in their own frame).
// A page has a text layer when it yields `min_chars_per_page` non-space characters, or any
// text and no image. Decides the PDF's modality: pdf_text (every page has a text layer),
// pdf_scan (none has), pdf_mixed.
#include <poppler/PDFDoc.h>
#include <poppler/TextOutputDev.h>
#include <poppler/goo/GooString.h>

#include <cctype>

#include "core/stage.h"
#include "stages/bidi_text.h"
#include "stages/pdf_support.h"
#include "stages/reading_order.h"

namespace assay {
namespace {

class PdfTextStage : public Stage {
 public:
  explicit PdfTextStage(const CanonicalJson& params)
      : min_chars_(params.at("min_chars_per_page")) {}

  Result<StageReport> Run(Document& doc, StageContext& /*ctx*/) const override {
    TakePopplerErrorCount();
    auto opened = OpenPdf(doc.path, "pdf_text", doc.password);
    if (!opened.ok()) return opened.error();
    PDFDoc& pdf = *opened.value();

    const int min_chars = min_chars_;
    const int n_pages = pdf.getNumPages();
    int text_pages = 0;
    int words = 0;
    doc.pages.clear();
    for (int i = 1; i <= n_pages; ++i) {
      Page page;
      page.number = i;
      page.unit = "pt";
      DisplayedPageSize(pdf, i, &page.width, &page.height);
      const int chars = ExtractPage(pdf, i, &page);
      // A short text layer is the page's text unless the page also has images, where it is
      // more likely a stray page number on a scan: then OCR reads the whole page.
      if (chars >= min_chars || (chars > 0 && !PageHasImages(pdf, i))) {
        OrderBlocks(&page.blocks);
        page.text_source = "pdf_text";
        ++text_pages;
        for (const Block& b : page.blocks)
          for (const Line& l : b.lines) words += static_cast<int>(l.words.size());
      } else {
        page.blocks.clear();  // a stray page number is not a text layer; OCR will read it
      }
      doc.pages.push_back(std::move(page));
    }
    const double ratio = static_cast<double>(text_pages) / n_pages;
    doc.modality = ratio == 1.0 ? "pdf_text" : ratio == 0.0 ? "pdf_scan" : "pdf_mixed";
    doc.metrics["pdf.pages"] = n_pages;
    doc.metrics["pdf.text_pages"] = text_pages;
    doc.metrics["pdf.text_layer_ratio"] = ratio;
    doc.metrics["pdf.word_count"] = words;
    doc.metrics["pdf.syntax_errors"] = TakePopplerErrorCount();
    return StageReport{};
  }

 private:
  // Fills page->blocks from Poppler's flows; returns the number of non-space characters.
  static int ExtractPage(PDFDoc& pdf, int number, Page* page) {
    TextOutputDev dev(nullptr, /*physLayoutA=*/false, 0, /*rawOrderA=*/false, false);
    if (!dev.isOk()) return 0;
    pdf.displayPage(&dev, number, 72, 72, 0, /*useMediaBox=*/false, /*crop=*/true,
                    /*printing=*/false);
    TextPage* text = dev.takeText();
    if (text == nullptr) return 0;
    int chars = 0;
    for (const TextFlow* flow = text->getFlows(); flow; flow = flow->getNext()) {
      for (const TextBlock* tb = flow->getBlocks(); tb; tb = tb->getNext()) {
        Block block;
        for (const TextLine* tl = tb->getLines(); tl; tl = tl->getNext()) {
          Line line;
          for (const TextWord* tw = tl->getWords(); tw; tw = tw->getNext()) {
            std::unique_ptr<GooString> s(tw->getText());
            Word w;
            w.text = s ? s->toStr() : "";
            if (w.text.empty()) continue;
            for (unsigned char c : w.text) chars += std::isspace(c) ? 0 : 1;
            tw->getBBox(&w.bbox.x0, &w.bbox.y0, &w.bbox.x1, &w.bbox.y1);
            const GooString* font = tw->getFontName(0);
            if (font != nullptr) w.font = font->toStr();
            w.font_size = tw->getFontSize();
            w.rotation = tw->getRotation();
            line.bbox.Extend(w.bbox);
            line.words.push_back(std::move(w));
          }
          if (line.words.empty()) continue;
          ToReadingOrder(&line);
          block.bbox.Extend(line.bbox);
          block.lines.push_back(std::move(line));
        }
        if (!block.lines.empty()) page->blocks.push_back(std::move(block));
      }
    }
    text->decRefCnt();
    return chars;
  }

  // A line with right-to-left letters: each word's text in logical order, the words in the
  // order they are read (right to left, numbers and Latin runs inside left to right).
  static void ToReadingOrder(Line* line) {
    std::vector<std::string> drawn;
    for (const Word& w : line->words) drawn.push_back(w.text);
    const BidiLine read = DrawnToReadingOrder(drawn);
    std::vector<Word> words;
    for (size_t i : read.order) {
      words.push_back(std::move(line->words[i]));
      words.back().text = read.texts[i];
    }
    line->words = std::move(words);
  }

  int min_chars_;
};

}  // namespace

const StageSpec& PdfTextStageSpec() {
  static const StageSpec kSpec{
      .id = "pdf_text",
      // v3: right-to-left lines in reading order; each word's rotation
      .version = 3,
      .summary =
          "PDF text layer: words with boxes, fonts and sizes, per page; decides the "
          "PDF's modality",
      .containers = {"pdf"},
      .modalities = {},
      .establishes = {"pdf_text", "pdf_scan", "pdf_mixed"},
      .params = {{"min_chars_per_page",
                  ParamType::kInt,
                  16,
                  0,
                  1000000,
                  {},
                  {},
                  "non-space characters that make a page's text layer (below, with images "
                  "on the page, the page is rendered and OCR'd)"}},
      .metrics = {{"pdf.pages", false, "number of pages"},
                  {"pdf.text_pages", false, "pages with a text layer"},
                  {"pdf.text_layer_ratio", false, "share of pages with a text layer, 0..1"},
                  {"pdf.word_count", false, "words in the text layer"},
                  {"pdf.syntax_errors", false, "syntax errors Poppler recovered from"}},
      .libraries = {"poppler", "fribidi"},
      .resources =
          [](const CanonicalJson&) {
            return std::vector<ResourceRef>{{"poppler_data", "default"}};
          },
      .pixels = Pixels::kNone,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<PdfTextStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
