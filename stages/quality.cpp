// quality: measures the text the earlier stages produced, for the contracts. Without ground
// truth: dictionary-word, garbage-character and broken-word ratios (a hunspell dictionary),
// the share of low-confidence OCR words, heading-like blocks, and for OCR'd text
// `ocr.cer_estimate` (stages/text_signals.h), per document and per OCR'd page. With the
// manifest's ground truth: `ocr.cer` (whitespace-normalised) and `text.heading_recall`.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/stage.h"
#include "core/text_metrics.h"
#include "stages/text_dictionaries.h"
#include "stages/text_signals.h"

namespace assay {
namespace {

struct OcrWords {
  int words = 0, low = 0;
  double conf_sum = 0;
  void Add(const Page& p, double low_conf) {
    for (const Block& b : p.blocks)
      for (const Line& l : b.lines)
        for (const Word& w : l.words) {
          ++words;
          conf_sum += w.confidence;
          low += w.confidence < low_conf ? 1 : 0;
        }
  }
  double LowRatio() const { return words > 0 ? double(low) / words : 0.0; }
  double Mean() const { return words > 0 ? conf_sum / words : 0.0; }
};

class QualityStage : public Stage {
 public:
  explicit QualityStage(const CanonicalJson& params)
      : low_conf_(params.at("low_confidence")),
        dictionary_(params.at("dictionary")),
        auto_dictionaries_(params.at("auto_dictionaries")) {}

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    const TextDictionaries dictionaries(ctx, dictionary_, auto_dictionaries_);
    if (!dictionaries.ok()) return Error{"quality", "no dictionary was loaded"};
    // Each text is checked with the dictionary of its own language (stages/text_dictionaries.h).
    const auto measure = [&](const std::string& t, DictionaryChoice* used = nullptr) {
      const DictionaryChoice choice = dictionaries.For(t);
      if (used != nullptr) *used = choice;
      return MeasureText(t, [&](const std::string& w) { return choice.dictionary->hunspell->spell(w); });
    };
    const double low_conf = low_conf_;
    std::string note;

    const std::string text = doc.Text();
    DictionaryChoice doc_choice;
    const TextSignals s = measure(text, &doc_choice);
    note = "dictionary " + doc_choice.Describe();
    doc.metrics["text.chars"] = s.chars;
    doc.metrics["text.words"] = s.tokens;
    doc.metrics["text.dictionary_word_ratio"] = s.DictionaryWordRatio();
    doc.metrics["text.garbage_char_ratio"] = s.GarbageCharRatio();
    doc.metrics["text.broken_word_ratio"] = s.BrokenWordRatio();
    int headings = 0;
    for (const Page& p : doc.pages)
      for (const Block& b : p.blocks) headings += LooksLikeHeading(b.Text()) ? 1 : 0;
    doc.metrics["text.headings_detected"] = headings;

    // Handwritten pages (the handwriting stage) are not print: their OCR text is a draft for
    // people to transcribe, not held to the print CER, so it is left out of the estimate.
    const auto handwritten = [&](const Page& p) {
      const auto part = doc.part_metrics.find("page:" + std::to_string(p.number));
      if (part == doc.part_metrics.end()) return false;
      const auto flag = part->second.find("page.handwritten");
      return flag != part->second.end() && flag->second > 0;
    };
    OcrWords all;
    bool any_ocr = false;
    for (const Page& p : doc.pages) {
      if (p.text_source != "ocr" || handwritten(p)) continue;
      any_ocr = true;
      OcrWords page_words;
      page_words.Add(p, low_conf);
      all.Add(p, low_conf);
      DictionaryChoice page_choice;
      const TextSignals ps = measure(p.Text(), &page_choice);
      if (page_choice.name != doc_choice.name) {
        note += "; page " + std::to_string(p.number) + ": " + page_choice.Describe();
      }
      auto& m = doc.part_metrics["page:" + std::to_string(p.number)];
      m["ocr.low_conf_word_ratio"] = page_words.LowRatio();
      m["text.dictionary_word_ratio"] = ps.DictionaryWordRatio();
      m["text.garbage_char_ratio"] = ps.GarbageCharRatio();
      m["text.broken_word_ratio"] = ps.BrokenWordRatio();
      double estimate = EstimateCer(ps, page_words.Mean(), page_words.LowRatio());
      if (const auto c = m.find("ocr.text_coverage"); c != m.end()) {
        estimate = WithCoverage(estimate, c->second);
      }
      m["ocr.cer_estimate"] = estimate;
    }
    if (any_ocr) {
      doc.metrics["ocr.low_conf_word_ratio"] = all.LowRatio();
      TextSignals print = s;
      if (std::any_of(doc.pages.begin(), doc.pages.end(), handwritten)) {
        std::string print_text;  // the pages that are not handwritten
        for (const Page& p : doc.pages) {
          if (handwritten(p)) continue;
          const std::string page_text = p.Text();
          if (!page_text.empty()) print_text += (print_text.empty() ? "" : "\n\n") + page_text;
        }
        print = measure(print_text);
      }
      double estimate = EstimateCer(print, all.Mean(), all.LowRatio());
      if (const auto c = doc.metrics.find("ocr.text_coverage"); c != doc.metrics.end()) {
        estimate = WithCoverage(estimate, c->second);
      }
      doc.metrics["ocr.cer_estimate"] = estimate;
    }

    if (doc.ground_truth_path) {
      std::ifstream in(*doc.ground_truth_path, std::ios::binary);
      if (!in) {
        return Error{"quality", "cannot read the ground truth " + *doc.ground_truth_path};
      }
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string truth = ss.str();
      doc.metrics["ocr.cer"] =
          CharacterErrorRate(NormalizeWhitespace(text), NormalizeWhitespace(truth));
      // Once the layout stage has typed the blocks, a heading counts only where a heading
      // block reads it; before (a pipeline without layout), where the text holds it intact.
      double recall = 0;
      if (doc.metrics.count("layout.headings") > 0) {
        std::vector<std::string> heading_blocks;
        for (const Page& p : doc.pages)
          for (const Block& b : p.blocks)
            if (b.type == "heading" || b.type == "title") heading_blocks.push_back(b.Text());
        recall = HeadingBlockRecall(GroundTruthHeadings(truth), heading_blocks);
      } else {
        recall = HeadingRecall(GroundTruthHeadings(truth), text);
      }
      if (recall >= 0) doc.metrics["text.heading_recall"] = recall;
    }
    return StageReport{"ok", note};
  }

 private:
  double low_conf_;
  std::string dictionary_;
  std::string auto_dictionaries_;
};

}  // namespace

const StageSpec& QualityStageSpec() {
  static const StageSpec kSpec{
      .id = "quality",
      // 5: handwritten pages are left out of the print CER estimate
      // 6: each text is checked with the dictionary of its language (dictionary=auto)
      .version = 6,
      .summary = "text quality signals, CER estimate, CER and heading recall vs ground truth",
      .containers = {"pdf", "image"},
      .modalities = {"pdf_text", "pdf_scan", "pdf_mixed", "page_image"},
      .establishes = {},
      .params = {{"auto_dictionaries",
                  ParamType::kString,
                  kDefaultAutoDictionaries,
                  0,
                  0,
                  {},
                  kDictionaryListPattern,
                  "dictionary=auto: the hunspell dictionaries to choose from by the text's "
                  "language (CLD2); the first when none is for it"},
                 {"dictionary",
                  ParamType::kString,
                  kDictionaryByLanguage,
                  0,
                  0,
                  {},
                  kDictionaryPattern,
                  "hunspell dictionary of the text checks (en_US, de_DE...), or auto: by the "
                  "language of each text, among auto_dictionaries"},
                 {"low_confidence",
                  ParamType::kNumber,
                  60,
                  0,
                  100,
                  {},
                  {},
                  "an OCR word below this confidence counts as low-confidence"}},
      .metrics =
          {{"ocr.low_conf_word_ratio", true, "share of OCR words with confidence < 60"},
           {"ocr.cer_estimate", true,
            "estimated character error rate of OCR text without ground truth "
            "(docs/cer_estimate.md)"},
           {"ocr.cer", false,
            "character error rate against the manifest's ground truth, whitespace-normalised"},
           {"text.chars", false, "non-space characters of the document text"},
           {"text.words", false, "whitespace-separated tokens of the document text"},
           {"text.dictionary_word_ratio", true,
            "share of alphabetic words found in the dictionary"},
           {"text.garbage_char_ratio", true,
            "share of characters outside letters, digits, common punctuation and whitespace"},
           {"text.broken_word_ratio", true,
            "share of tokens mixing letters with digits or symbols inside the word"},
           {"text.headings_detected", false, "heading-like lines found in the text"},
           {"text.heading_recall", false,
            "share of the ground truth's headings read by a heading block (after the layout "
            "stage; without it, found intact in the text)"}},
      .libraries = {"hunspell"},
      .resources =
          [](const CanonicalJson& p) {
            return DictionaryResources(p.at("dictionary"), p.at("auto_dictionaries"));
          },
      .pixels = Pixels::kNone,
      .reads_ground_truth = true,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<QualityStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
