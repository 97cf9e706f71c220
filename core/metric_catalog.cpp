#include "core/metric_catalog.h"

namespace assay {

const std::vector<MetricInfo>& MetricCatalog() {
  static const std::vector<MetricInfo> kMetrics = {
      {"pdf.pages", "pdf_text", false, "number of pages"},
      {"pdf.text_pages", "pdf_text", false, "pages with a text layer"},
      {"pdf.text_layer_ratio", "pdf_text", false, "share of pages with a text layer, 0..1"},
      {"pdf.word_count", "pdf_text", false, "words in the text layer"},
      {"pdf.syntax_errors", "pdf_text", false, "syntax errors Poppler recovered from"},
      {"rasterize.pages", "rasterize", false, "pages rendered for OCR"},
      {"rasterize.min_dpi", "rasterize", false, "lowest resolution a page was rendered at"},
      {"image.width", "image_load", false, "width of the first page, pixels"},
      {"image.height", "image_load", false, "height of the first page, pixels"},
      {"image.dpi", "image_load", false, "resolution stated by the file, 0 if none"},
      {"image.pages", "image_load", false, "pages (frames) in the image file"},
      {"image.light_fraction", "image_load", false, "share of light pixels (gray >= 170)"},
      {"image.midtone_fraction", "image_load", false, "share of mid-tone pixels (60..169)"},
      {"ocr.pages", "ocr", false, "pages given to OCR"},
      {"ocr.blank_pages", "ocr", false, "OCR pages skipped for having no ink"},
      {"ocr.word_count", "ocr", true, "words OCR found"},
      {"ocr.mean_confidence", "ocr", true, "mean Tesseract word confidence, 0..100"},
      {"ocr.low_conf_word_ratio", "quality", true, "share of OCR words with confidence < 60"},
      {"ocr.cer_estimate", "quality", true,
       "estimated character error rate of OCR text without ground truth (docs/cer_estimate.md)"},
      {"ocr.cer", "quality", false,
       "character error rate against the manifest's ground truth, whitespace-normalised"},
      {"text.chars", "quality", false, "non-space characters of the document text"},
      {"text.words", "quality", false, "whitespace-separated tokens of the document text"},
      {"text.dictionary_word_ratio", "quality", true,
       "share of alphabetic words found in the en_US dictionary"},
      {"text.garbage_char_ratio", "quality", true,
       "share of characters outside letters, digits, common punctuation and whitespace"},
      {"text.broken_word_ratio", "quality", true,
       "share of tokens mixing letters with digits or symbols inside the word"},
      {"text.headings_detected", "quality", false, "heading-like lines found in the text"},
      {"text.heading_recall", "quality", false,
       "share of the ground truth's headings found intact in the text"},
  };
  return kMetrics;
}

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& m : MetricCatalog()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace assay
