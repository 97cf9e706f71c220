// The stages on the project's own samples, run the way a worker runs them (DocumentRunner,
// plans from the Planner), with the real Poppler, Leptonica, Tesseract and Hunspell.
#include <gtest/gtest.h>

#include <fstream>

#include "core/delta.h"
#include "core/document_runner.h"
#include "core/plan.h"
#include "core/sha256.h"
#include "core/text_metrics.h"
#include "stages/catalog.h"
#include "tests/unit/test_paths.h"
#include "tests/unit/test_requests.h"

namespace assay {
namespace {

class StagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runner_ = new DocumentRunner(BuiltinCatalog()); }
  static void TearDownTestSuite() {
    delete runner_;
    runner_ = nullptr;
  }

  static WorkRequest Request(const std::string& sample, const std::string& container) {
    return testing::PlannedRequest(testing::SamplePath(sample), container);
  }

  // The document's content after every stage that ran, rebuilt from the deltas alone.
  static Document Content(const std::string& container, const WorkResult& r) {
    CanonicalJson content = InitialContent(container);
    for (const TransformationRecord& t : r.transformations) {
      if (t.delta_sha256.empty()) break;
      content = ApplyDelta(content, CanonicalJson::parse(r.outputs.at(t.delta_sha256)));
    }
    return Document::FromContentJson(content);
  }

  static std::vector<std::string> Outcomes(const WorkResult& r) {
    std::vector<std::string> out;
    for (const TransformationRecord& t : r.transformations) out.push_back(t.outcome);
    return out;
  }

  static DocumentRunner* runner_;
};
DocumentRunner* StagesTest::runner_ = nullptr;

TEST_F(StagesTest, BornDigitalPdfIsReadFromItsTextLayer) {
  const WorkResult r = runner_->Run(Request("born_digital.pdf", "pdf"));
  ASSERT_FALSE(r.error) << r.error->message;
  // pdf_text, rasterize, preprocess, handwriting, ocr, layout, tables, alt_text (no figure),
  // quality, pii.
  EXPECT_EQ(Outcomes(r), (std::vector<std::string>{"ok", "skipped", "skipped", "skipped",
                                                   "skipped", "ok", "ok", "skipped", "ok", "ok"}));
  EXPECT_EQ(r.transformations[1].note, "not for modality pdf_text");
  EXPECT_GT(r.metrics.at("text.dictionary_word_ratio"), 0.9);
  EXPECT_EQ(r.modality, "pdf_text");
  EXPECT_EQ(r.metrics.at("pdf.pages"), 1);
  EXPECT_EQ(r.metrics.at("pdf.text_layer_ratio"), 1.0);
  EXPECT_EQ(r.metrics.at("pii.card_numbers"), 0);  // the pii stage ran and found none
  const Document d = Content("pdf", r);
  EXPECT_TRUE(d.Text().starts_with("Notes on Testing Well Water in Rural Households"));
  const Word& first = d.pages[0].blocks[0].lines[0].words[0];
  EXPECT_GT(first.font_size, 10);
  EXPECT_FALSE(first.font.empty());
  EXPECT_LT(first.bbox.y0, 150) << "origin must be top-left";
}

TEST_F(StagesTest, ImageOnlyPdfIsRasterizedAndOcrd) {
  const WorkResult r = runner_->Run(Request("image_only.pdf", "pdf"));
  ASSERT_FALSE(r.error) << r.error->message;
  // pdf_text, rasterize, preprocess, handwriting, ocr, layout, tables, alt_text (no figure),
  // quality, pii.
  EXPECT_EQ(Outcomes(r), (std::vector<std::string>{"ok", "ok", "ok", "ok", "ok", "ok", "ok",
                                                   "skipped", "ok", "ok"}));
  EXPECT_EQ(r.metrics.at("handwriting.pages"), 0);  // print
  EXPECT_LT(r.metrics.at("ocr.cer_estimate"), 0.02);
  // Clean upright renders: preprocessing measured them and left them alone.
  EXPECT_EQ(r.metrics.at("preprocess.pages_changed"), 0);
  EXPECT_EQ(r.part_metrics.at("page:1").at("preprocess.operations"), 0);
  EXPECT_EQ(r.part_metrics.size(), 2u);  // both OCR'd pages
  EXPECT_EQ(r.part_metrics.at("page:1").count("ocr.word_count"), 1u);
  EXPECT_EQ(r.modality, "pdf_scan");
  EXPECT_EQ(r.metrics.at("rasterize.pages"), 2);
  EXPECT_EQ(r.metrics.at("ocr.pages"), 2);
  EXPECT_GT(r.metrics.at("ocr.word_count"), 100);
  EXPECT_GT(r.metrics.at("ocr.mean_confidence"), 80);
  const Document d = Content("pdf", r);
  EXPECT_NE(d.Text().find("Greenfield Allotment Association"), std::string::npos);
  EXPECT_EQ(d.pages[0].text_source, "ocr");
  ASSERT_EQ(d.pages[0].raster_steps.size(), 1u);
  EXPECT_EQ(d.pages[0].raster_steps[0].stage, "rasterize");
  // Rendered at 300 dpi and kept at what its 11-pt text needs (rasterize.text_height_px).
  EXPECT_EQ(d.pages[0].raster_dpi(), 200);
  EXPECT_EQ(d.pages[0].raster_steps[0].facts.at("rendered_dpi"), 300);
  EXPECT_EQ(d.pages[0].raster_steps[0].sha256.size(), 64u);
}

TEST_F(StagesTest, ScannedPageImageMeetsItsGroundTruth) {
  const WorkResult r = runner_->Run(Request("scanned_page.png", "image"));
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.modality, "page_image");
  EXPECT_EQ(r.metrics.at("image.dpi"), 300);
  EXPECT_EQ(r.metrics.at("image.width"), 1242);
  std::ifstream gt(testing::SamplePath("scanned_page.gt.txt"));
  std::string truth((std::istreambuf_iterator<char>(gt)), {});
  const std::string text = Content("image", r).Text();
  EXPECT_LT(CharacterErrorRate(NormalizeWhitespace(text), NormalizeWhitespace(truth)), 0.03)
      << text;
}

TEST_F(StagesTest, PhotoIsClassifiedAndNotOcrd) {
  const WorkResult r = runner_->Run(Request("photo.jpg", "image"));
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.modality, "photo");
  // image_checks measures it; preprocess, handwriting, ocr, layout, tables, quality skip a
  // photo; alt_text has no alt-text to judge (the request gives none); pii reads alt-text.
  EXPECT_EQ(Outcomes(r), (std::vector<std::string>{"ok", "ok", "skipped", "skipped", "skipped",
                                                   "skipped", "skipped", "skipped", "skipped",
                                                   "ok"}));
  EXPECT_EQ(r.metrics.at("image.width"), 480);
  // A procedural landscape of smooth gradients: little fine detail, so a low sharpness.
  EXPECT_GT(r.metrics.at("image.sharpness"), 0);
  EXPECT_EQ(r.metrics.at("image.is_color"), 1);
  EXPECT_EQ(r.metrics.count("ocr.word_count"), 0u);
}

TEST_F(StagesTest, CorruptPdfIsAnErrorOfPdfText) {
  const WorkResult r = runner_->Run(Request("corrupt.pdf", "pdf"));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->stage, "pdf_text");
  EXPECT_TRUE(r.error->message.starts_with("damaged PDF")) << r.error->message;
  ASSERT_EQ(r.transformations.size(), 1u);
  EXPECT_EQ(r.transformations[0].outcome, "error");
}

TEST_F(StagesTest, EachStateIsItsContentAndTheDeltasRebuildIt) {
  const WorkRequest req = Request("image_only.pdf", "pdf");
  const WorkResult a = runner_->Run(req);
  DocumentRunner fresh(BuiltinCatalog());
  const WorkResult b = fresh.Run(req);  // another worker, nothing cached
  ASSERT_FALSE(a.error);
  ASSERT_EQ(a.transformations.size(), b.transformations.size());
  CanonicalJson content = InitialContent("pdf");
  std::string input = req.source_sha256;
  for (size_t i = 0; i < a.transformations.size(); ++i) {
    const TransformationRecord& t = a.transformations[i];
    EXPECT_EQ(t.output_sha256, b.transformations[i].output_sha256) << t.stage;
    EXPECT_EQ(t.input_sha256, input);
    EXPECT_EQ(Sha256Hex(a.outputs.at(t.delta_sha256)), t.delta_sha256);
    const CanonicalJson ops = CanonicalJson::parse(a.outputs.at(t.delta_sha256));
    content = ApplyDelta(content, ops);
    EXPECT_EQ(NextStateSha256(input, t.delta_sha256, ops.empty()), t.output_sha256) << t.stage;
    input = t.output_sha256;
  }
}

TEST_F(StagesTest, ResumingAfterAPrefixRebuildsPixelsAndGivesTheSameOutputs) {
  for (const auto& [sample, container] :
       {std::pair<std::string, std::string>{"image_only.pdf", "pdf"},
        {"scanned_page.png", "image"}}) {
    SCOPED_TRACE(sample);
    const WorkRequest req = Request(sample, container);
    const WorkResult whole = runner_->Run(req);
    ASSERT_FALSE(whole.error);
    // The state after the pixel-making stage, as the store holds it: no pixels.
    const int ocr_at = container == "pdf" ? 2 : 1;
    CanonicalJson state = InitialContent(container);
    for (int i = 0; i < ocr_at; ++i) {
      state = ApplyDelta(
          state, CanonicalJson::parse(whole.outputs.at(whole.transformations[i].delta_sha256)));
    }
    WorkRequest rest = req;
    rest.start_at = ocr_at;
    rest.state = state;
    rest.state_sha256 = whole.transformations[ocr_at - 1].output_sha256;
    DocumentRunner fresh(BuiltinCatalog());
    const WorkResult resumed = fresh.Run(rest);
    ASSERT_FALSE(resumed.error) << resumed.error->message;
    ASSERT_EQ(resumed.transformations.size(), whole.transformations.size() - ocr_at);
    for (size_t i = 0; i < resumed.transformations.size(); ++i) {
      EXPECT_EQ(resumed.transformations[i].seq, ocr_at + static_cast<int>(i));
      EXPECT_EQ(resumed.transformations[i].output_sha256,
                whole.transformations[ocr_at + i].output_sha256);
    }
    EXPECT_EQ(resumed.output_sha256, whole.output_sha256);
  }
}

TEST_F(StagesTest, AStateThisWorkerCannotHoldExactlyIsRefused) {
  WorkRequest req = Request("born_digital.pdf", "pdf");
  const WorkResult whole = runner_->Run(req);
  req.start_at = 1;
  // Content with a field this build's document model does not know (a newer assay's store):
  // continuing from it would silently drop the field.
  CanonicalJson state = InitialContent("pdf");
  state["tables"] = CanonicalJson::array({1});
  req.state = state;
  req.state_sha256 = whole.transformations[0].output_sha256;
  const WorkResult r = runner_->Run(req);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->stage, "worker");
  EXPECT_TRUE(r.error->message.starts_with("the stored state does not restore exactly"));
}

TEST_F(StagesTest, AChangedSourceFileIsNotProcessed) {
  WorkRequest req = Request("born_digital.pdf", "pdf");
  req.source_sha256 = std::string(64, '0');
  const WorkResult r = runner_->Run(req);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "the file changed after it was ingested");
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

std::string WriteFile(const std::string& name, const std::string& bytes) {
  const std::string path = (testing::TempDir() / name).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST_F(StagesTest, PdfWhoseOnlyTrailerIsADamagedXRefStreamIsRepaired) {
  const WorkResult r = runner_->Run(
      testing::PlannedRequest(WriteFile("xref_stream.pdf", PdfWithDamagedXRefStream("/Root 1 0 R")), "pdf"));
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.metrics.at("pdf.pages"), 1);
  EXPECT_GT(r.metrics.at("pdf.syntax_errors"), 0);  // the damage is still reported
  EXPECT_EQ(r.modality, "pdf_text");
  const std::string text = Content("pdf", r).Text();
  EXPECT_NE(text.find("Recovered from a broken xref"), std::string::npos) << text;
}

TEST_F(StagesTest, DamagedXRefStreamWithoutARootStaysAnError) {
  const WorkResult r =
      runner_->Run(testing::PlannedRequest(WriteFile("no_root.pdf", PdfWithDamagedXRefStream("")), "pdf"));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->stage, "pdf_text");
  EXPECT_EQ(r.error->message,
            "damaged PDF: no usable cross-reference table or trailer, even after repair");
}

}  // namespace
}  // namespace assay
