// The stages on the project's own samples, with the real Poppler, Leptonica and Tesseract.
#include <gtest/gtest.h>
#include <tesseract/baseapi.h>

#include <fstream>
#include <hunspell/hunspell.hxx>

#include "core/sha256.h"
#include "core/stage_registry.h"
#include "core/text_metrics.h"
#include "stages/pdf_support.h"
#include "tests/unit/test_paths.h"

namespace assay {
namespace {

class StagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    InitPoppler();
    api_ = new tesseract::TessBaseAPI();
    ASSERT_EQ(api_->Init(nullptr, "eng", tesseract::OEM_DEFAULT), 0);
    dictionary_ = new Hunspell("/usr/share/hunspell/en_US.aff", "/usr/share/hunspell/en_US.dic");
  }
  static void TearDownTestSuite() {
    delete api_;
    api_ = nullptr;
    delete dictionary_;
    dictionary_ = nullptr;
  }

  // Runs the plan of `container` on a sample; returns the first error, if any.
  static std::optional<Error> RunPlan(Document& doc, std::vector<std::string>* outcomes = nullptr) {
    auto plan = BuildPlan(PlanFor(doc.container), nlohmann::json::object());
    EXPECT_TRUE(plan.ok());
    StageContext ctx;
    ctx.tesseract = api_;
    ctx.dictionary = dictionary_;
    for (const auto& stage : plan.value()) {
      auto r = stage->Run(doc, ctx);
      if (!r.ok()) return r.error();
      if (outcomes) outcomes->push_back(r.value().outcome);
    }
    return std::nullopt;
  }

  static Document Doc(const std::string& sample, const std::string& container) {
    Document d;
    d.path = testing::SamplePath(sample);
    d.container = container;
    return d;
  }

  static tesseract::TessBaseAPI* api_;
  static Hunspell* dictionary_;
};
tesseract::TessBaseAPI* StagesTest::api_ = nullptr;
Hunspell* StagesTest::dictionary_ = nullptr;

TEST_F(StagesTest, BornDigitalPdfIsReadFromItsTextLayer) {
  Document d = Doc("born_digital.pdf", "pdf");
  std::vector<std::string> outcomes;
  ASSERT_FALSE(RunPlan(d, &outcomes));
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "skipped", "skipped", "ok"}));
  EXPECT_GT(d.metrics["text.dictionary_word_ratio"], 0.9);
  EXPECT_EQ(d.modality, "pdf_text");
  EXPECT_EQ(d.metrics["pdf.pages"], 1);
  EXPECT_EQ(d.metrics["pdf.text_layer_ratio"], 1.0);
  EXPECT_TRUE(d.Text().starts_with("Notes on Testing Well Water in Rural Households"));
  const Word& first = d.pages[0].blocks[0].lines[0].words[0];
  EXPECT_GT(first.font_size, 10);
  EXPECT_FALSE(first.font.empty());
  EXPECT_LT(first.bbox.y0, 150) << "origin must be top-left";
}

TEST_F(StagesTest, ImageOnlyPdfIsRasterizedAndOcrd) {
  Document d = Doc("image_only.pdf", "pdf");
  std::vector<std::string> outcomes;
  ASSERT_FALSE(RunPlan(d, &outcomes));
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "ok", "ok", "ok"}));
  EXPECT_LT(d.metrics["ocr.cer_estimate"], 0.02);
  EXPECT_EQ(d.part_metrics.size(), 2u);  // per-page quality of both OCR'd pages
  EXPECT_EQ(d.modality, "pdf_scan");
  EXPECT_EQ(d.metrics["rasterize.pages"], 2);
  EXPECT_EQ(d.metrics["ocr.pages"], 2);
  EXPECT_GT(d.metrics["ocr.word_count"], 100);
  EXPECT_GT(d.metrics["ocr.mean_confidence"], 80);
  EXPECT_NE(d.Text().find("Greenfield Allotment Association"), std::string::npos);
  EXPECT_EQ(d.pages[0].text_source, "ocr");
  EXPECT_EQ(d.pages[0].raster_dpi, 300);
  EXPECT_EQ(d.pages[0].raster_sha256.size(), 64u);
}

TEST_F(StagesTest, ScannedPageImageMeetsItsGroundTruth) {
  Document d = Doc("scanned_page.png", "image");
  ASSERT_FALSE(RunPlan(d));
  EXPECT_EQ(d.modality, "page_image");
  EXPECT_EQ(d.metrics["image.dpi"], 300);
  EXPECT_EQ(d.metrics["image.width"], 1242);
  std::ifstream gt(testing::SamplePath("scanned_page.gt.txt"));
  std::string truth((std::istreambuf_iterator<char>(gt)), {});
  const double cer = CharacterErrorRate(NormalizeWhitespace(d.Text()), NormalizeWhitespace(truth));
  EXPECT_LT(cer, 0.03) << d.Text();
}

TEST_F(StagesTest, PhotoIsClassifiedAndNotOcrd) {
  Document d = Doc("photo.jpg", "image");
  std::vector<std::string> outcomes;
  ASSERT_FALSE(RunPlan(d, &outcomes));
  EXPECT_EQ(d.modality, "photo");
  EXPECT_EQ(outcomes.back(), "skipped");
  EXPECT_EQ(d.metrics["image.width"], 480);
  EXPECT_EQ(d.metrics.count("ocr.word_count"), 0u);
}

TEST_F(StagesTest, CorruptPdfIsAnErrorOfPdfText) {
  Document d = Doc("corrupt.pdf", "pdf");
  auto error = RunPlan(d);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->stage, "pdf_text");
  EXPECT_TRUE(error->message.starts_with("damaged PDF")) << error->message;
}

TEST_F(StagesTest, SameInputGivesTheSameContent) {
  Document a = Doc("image_only.pdf", "pdf"), b = Doc("image_only.pdf", "pdf");
  ASSERT_FALSE(RunPlan(a));
  ASSERT_FALSE(RunPlan(b));
  EXPECT_EQ(Sha256Hex(a.ToContentJson().dump()), Sha256Hex(b.ToContentJson().dump()));
}

}  // namespace
}  // namespace assay
