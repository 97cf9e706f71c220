#include "stages/quality.h"

#include <fstream>
#include <hunspell/hunspell.hxx>
#include <sstream>

#include "core/text_metrics.h"
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
  explicit QualityStage(nlohmann::json params) : params_(std::move(params)) {}
  std::string_view id() const override { return "quality"; }
  int version() const override { return 1; }
  const nlohmann::json& params() const override { return params_; }

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    if (doc.modality == "photo") return StageReport{"skipped", "photo: no text to measure"};
    if (ctx.dictionary == nullptr) return Error{"quality", "no en_US dictionary loaded"};
    const auto known = [&](const std::string& w) { return ctx.dictionary->spell(w); };
    const double low_conf = params_["low_confidence"];

    const std::string text = doc.Text();
    const TextSignals s = MeasureText(text, known);
    doc.metrics["text.chars"] = s.chars;
    doc.metrics["text.words"] = s.tokens;
    doc.metrics["text.dictionary_word_ratio"] = s.DictionaryWordRatio();
    doc.metrics["text.garbage_char_ratio"] = s.GarbageCharRatio();
    doc.metrics["text.broken_word_ratio"] = s.BrokenWordRatio();
    int headings = 0;
    for (const Page& p : doc.pages)
      for (const Block& b : p.blocks) headings += LooksLikeHeading(b.Text()) ? 1 : 0;
    doc.metrics["text.headings_detected"] = headings;

    OcrWords all;
    bool any_ocr = false;
    for (const Page& p : doc.pages) {
      if (p.text_source != "ocr") continue;
      any_ocr = true;
      OcrWords page_words;
      page_words.Add(p, low_conf);
      all.Add(p, low_conf);
      const TextSignals ps = MeasureText(p.Text(), known);
      auto& m = doc.part_metrics["page:" + std::to_string(p.number)];
      m["ocr.word_count"] = page_words.words;
      m["ocr.mean_confidence"] = page_words.Mean();
      m["ocr.low_conf_word_ratio"] = page_words.LowRatio();
      m["text.dictionary_word_ratio"] = ps.DictionaryWordRatio();
      m["text.garbage_char_ratio"] = ps.GarbageCharRatio();
      m["text.broken_word_ratio"] = ps.BrokenWordRatio();
      m["ocr.cer_estimate"] = EstimateCer(ps, page_words.Mean(), page_words.LowRatio());
    }
    if (any_ocr) {
      doc.metrics["ocr.low_conf_word_ratio"] = all.LowRatio();
      doc.metrics["ocr.cer_estimate"] = EstimateCer(s, all.Mean(), all.LowRatio());
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
      const double recall = HeadingRecall(GroundTruthHeadings(truth), text);
      if (recall >= 0) doc.metrics["text.heading_recall"] = recall;
    }
    return StageReport{};
  }

 private:
  nlohmann::json params_;
};

}  // namespace

Result<std::unique_ptr<Stage>> MakeQualityStage(const nlohmann::json& overrides) {
  auto params =
      MergeParams("quality", {{"dictionary", "en_US"}, {"low_confidence", 60}}, overrides);
  if (!params.ok()) return params.error();
  return std::unique_ptr<Stage>(std::make_unique<QualityStage>(params.value()));
}

}  // namespace assay
