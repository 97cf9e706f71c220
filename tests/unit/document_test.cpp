#include "core/document.h"

#include <gtest/gtest.h>

#include <cmath>

namespace assay {
namespace {

Document Sample() {
  Document d;
  d.container = "pdf";
  d.modality = "pdf_text";
  Page p;
  p.width = 612;
  p.height = 792;
  p.text_source = "pdf_text";
  Block b;
  Line l1{
      {10, 10, 50, 20},
      {{"Hello", {10, 10, 30, 20}, -1, "Helvetica", 12}, {"world", {32, 10, 50, 20}, -1, "", 0}}};
  Line l2{{10, 22, 40, 32}, {{"again", {10, 22, 40, 32}, 91.456, "", 0}}};
  b.lines = {l1, l2};
  b.bbox = {10, 10, 50, 32};
  p.blocks.push_back(b);
  p.blocks.push_back(Block{"paragraph", 0, {10, 40, 20, 50}, {Line{{}, {{"Second", {}, -1, "", 0}}}}});
  d.pages = {p, Page{}};
  d.pages[1].number = 2;
  d.pages[1].blocks.push_back(Block{"paragraph", 0, {}, {Line{{}, {{"P2", {}, -1, "", 0}}}}});
  d.metrics["pdf.pages"] = 2;
  return d;
}

TEST(DocumentTest, TextJoinsWordsLinesBlocksAndPages) {
  EXPECT_EQ(Sample().Text(), "Hello world\nagain\n\nSecond\n\nP2");
}

TEST(DocumentTest, ContentJsonRoundTripsExactly) {
  Document d = Sample();
  d.pages[0].raster_steps = {RasterStep{"rasterize", 300, "abc", CanonicalJson::object()},
                             RasterStep{"preprocess", 600, "def", {{"rotate", 90}}}};
  const CanonicalJson j = d.ToContentJson();
  const Document back = Document::FromContentJson(CanonicalJson::parse(j.dump()));
  EXPECT_EQ(back.ToContentJson().dump(), j.dump());
  EXPECT_EQ(back.Text(), Sample().Text());
  EXPECT_DOUBLE_EQ(back.pages[0].blocks[0].lines[1].words[0].confidence, 91.46);
  EXPECT_EQ(back.pages[0].blocks[0].lines[0].words[0].font, "Helvetica");
}

TEST(DocumentTest, RasterIsRepresentedByHowItWasMadeNotByItsPixels) {
  Document d = Sample();
  d.pages[0].raster_steps = {RasterStep{"rasterize", 300, "abc", CanonicalJson::object()}};
  d.pages[0].raster = WrapPix(nullptr);
  const CanonicalJson j = d.ToContentJson();
  EXPECT_EQ(j["pages"][0]["rasters"][0]["sha256"], "abc");
  EXPECT_EQ(j["pages"][0]["rasters"][0]["dpi"], 300);
  EXPECT_FALSE(j["pages"][0]["rasters"][0].contains("facts"));  // empty facts are left out
  EXPECT_FALSE(j["pages"][1].contains("rasters"));
  EXPECT_EQ(d.pages[0].raster_dpi(), 300);
  EXPECT_TRUE(d.pages[0].has_raster());
  EXPECT_FALSE(d.pages[1].has_raster());
}

TEST(DocumentTest, ContentKeysAreSortedSoTheDumpIsCanonical) {
  const std::string dump = DumpCanonical(Sample().ToContentJson());
  EXPECT_LT(dump.find("\"container\""), dump.find("\"metrics\""));
  EXPECT_LT(dump.find("\"metrics\""), dump.find("\"modality\""));
  EXPECT_EQ(DumpCanonical(CanonicalJson::parse(dump)), dump);
}

TEST(DocumentTest, NormalizedDocumentsRestoreExactly) {
  // What a stage leaves in memory, unrounded (and a size that rounds to nothing, a box that is
  // not a number): after Normalize, the content restores the very same document, so a later
  // stage reads the same numbers whether the earlier ones ran now or were reused.
  Document d = Sample();
  Word& w = d.pages[0].blocks[0].lines[1].words[0];
  w.confidence = 59.996;
  w.font_size = 0.004;
  w.bbox.x0 = std::nan("");
  d.pages[0].width = 612.3456;
  d.Normalize();
  EXPECT_DOUBLE_EQ(w.confidence, 60.0);
  EXPECT_EQ(w.font_size, 0.0);
  EXPECT_EQ(w.bbox.x0, 0.0);
  const CanonicalJson j = d.ToContentJson();
  const Document back = Document::FromContentJson(CanonicalJson::parse(DumpCanonical(j)));
  EXPECT_EQ(DumpCanonical(back.ToContentJson()), DumpCanonical(j));
  EXPECT_EQ(back.pages[0].blocks[0].lines[1].words[0].confidence, w.confidence);
  EXPECT_EQ(back.pages[0].width, d.pages[0].width);
}

TEST(DocumentTest, BoxExtendStartsFromEmpty) {
  Box b;
  b.Extend({5, 6, 7, 8});
  b.Extend({1, 7, 6, 9});
  EXPECT_EQ(b.x0, 1);
  EXPECT_EQ(b.y0, 6);
  EXPECT_EQ(b.x1, 7);
  EXPECT_EQ(b.y1, 9);
}

}  // namespace
}  // namespace assay
