// A trivial stage, written the way every stage is: this one file, plus one line where a
// catalog lists it (tests/unit/new_stage_test.cpp) and a pipeline configuration naming it.
// It counts the lines of text a document has.
#include "core/stage.h"

namespace assay {
namespace {

class LineCountStage : public Stage {
 public:
  explicit LineCountStage(const CanonicalJson& params) : min_words_(params.at("min_words")) {}

  Result<StageReport> Run(Document& doc, StageContext& /*ctx*/) const override {
    int lines = 0;
    for (const Page& p : doc.pages)
      for (const Block& b : p.blocks)
        for (const Line& l : b.lines) lines += static_cast<int>(l.words.size()) >= min_words_;
    doc.metrics["text.lines"] = lines;
    return StageReport{};
  }

 private:
  int min_words_;
};

}  // namespace

const StageSpec& LineCountStageSpec() {
  static const StageSpec kSpec{
      .id = "line_count",
      .version = 1,
      .summary = "count the lines of text",
      .containers = {"pdf", "image"},
      .modalities = {"pdf_text", "pdf_scan", "pdf_mixed", "page_image"},
      .params = {{"min_words", ParamType::kInt, 1, 1, 1000, {}, {}, "words a line needs"}},
      .metrics = {{"text.lines", false, "lines with at least min_words words"}},
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<LineCountStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
