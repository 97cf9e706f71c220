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

// A PDF 1.5 file whose only trailer is a cross-reference stream, damaged (its data is longer
// than its /Length, as when a text tool rewrote its bytes): Poppler 22.12 alone cannot open it
// (pdf.js can: issue18986.pdf of the pdf_robustness corpus); OpenPdf repairs it.
std::string PdfWithDamagedXRefStream(const std::string& xref_dict) {
  std::string pdf = "%PDF-1.5\n";
  pdf += "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n";
  pdf += "2 0 obj\n<</Type/Pages/Count 1/Kids[3 0 R]>>\nendobj\n";
  pdf +=
      "3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R"
      "/Resources<</Font<</F1 5 0 R>>>>>>\nendobj\n";
  const std::string content = "BT /F1 14 Tf 20 50 Td (Recovered from a broken xref) Tj ET";
  pdf += "4 0 obj\n<</Length " + std::to_string(content.size()) + ">>stream\n" + content +
         "\nendstream\nendobj\n";
  pdf += "5 0 obj\n<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>\nendobj\n";
  const size_t xref_at = pdf.size();
  pdf += "6 0 obj\n<<" + xref_dict + "/Type/XRef/Size 7/W[1 4 2]/Length 14>>stream\n";
  pdf +=
      std::string("\x01\x00\x00\x00\xef\xbf\xbd\x00\x00\x01\x00\x00\x00\xef\xbf\xbd\x00\x00", 18);
  pdf += "\nendstream\nendobj\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";
  return pdf;
}

Document WriteDoc(const std::string& name, const std::string& bytes) {
  Document d;
  d.path = (testing::TempDir() / name).string();
  std::ofstream(d.path, std::ios::binary) << bytes;
  d.container = "pdf";
  return d;
}

TEST_F(StagesTest, PdfWhoseOnlyTrailerIsADamagedXRefStreamIsRepaired) {
  Document d = WriteDoc("xref_stream.pdf", PdfWithDamagedXRefStream("/Root 1 0 R"));
  ASSERT_FALSE(RunPlan(d));
  EXPECT_EQ(d.metrics["pdf.pages"], 1);
  EXPECT_GT(d.metrics["pdf.syntax_errors"], 0);  // the damage is still reported
  EXPECT_EQ(d.modality, "pdf_text");
  EXPECT_NE(d.Text().find("Recovered from a broken xref"), std::string::npos) << d.Text();
}

TEST_F(StagesTest, DamagedXRefStreamWithoutARootStaysAnError) {
  Document d = WriteDoc("no_root.pdf", PdfWithDamagedXRefStream(""));
  auto error = RunPlan(d);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->stage, "pdf_text");
  EXPECT_EQ(error->message,
            "damaged PDF: no usable cross-reference table or trailer, even after repair");
}

TEST_F(StagesTest, SameInputGivesTheSameContent) {
  Document a = Doc("image_only.pdf", "pdf"), b = Doc("image_only.pdf", "pdf");
  ASSERT_FALSE(RunPlan(a));
  ASSERT_FALSE(RunPlan(b));
  EXPECT_EQ(Sha256Hex(a.ToContentJson().dump()), Sha256Hex(b.ToContentJson().dump()));
}

}  // namespace
}  // namespace assay
