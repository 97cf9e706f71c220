// The last page rasters a worker keeps (core/raster.h RecentRasters): the stages after a
// page-major block read the pixels the block had, instead of making them again from the
// source (a PNG decode, or a PDF render, for each stage that asks).
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "core/document_runner.h"
#include "core/page_stage.h"
#include "core/pipeline_config.h"
#include "core/plan.h"
#include "core/raster.h"
#include "core/sha256.h"
#include "stages/catalog.h"
#include "tests/unit/test_paths.h"

namespace assay {
namespace {

PixHandle GrayPage(int width, int height, int level) {
  Pix* pix = pixCreate(width, height, 8);
  pixSetAllArbitrary(pix, level);
  return WrapPix(pix);
}

int rebuilds = 0;  // RebuildRaster calls of the maker stage below, in this process

// Makes one page of pixels (a whole-document stage, like image_load) and can make it again.
const StageSpec& MakerSpec() {
  struct Maker : Stage {
    Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
      Page page;
      page.number = 1;
      page.unit = "px";
      page.width = 200;
      page.height = 100;
      PixHandle pix = GrayPage(200, 100, 200);
      page.raster_steps = {RasterStep{"test_maker", 0, PixSha256(pix.get())}};
      ctx.Hold(page, pix);
      doc.pages = {std::move(page)};
      doc.modality = "page_image";
      return StageReport{};
    }
    Result<PixHandle> RebuildRaster(const Document&, const Page&, const RasterStep&, PixHandle,
                                    StageContext&) const override {
      ++rebuilds;
      return GrayPage(200, 100, 200);
    }
  };
  static const StageSpec kSpec{.id = "test_maker",
                               .version = 1,
                               .summary = "makes a page raster",
                               .containers = {"image"},
                               .establishes = {"page_image"},
                               .pixels = Pixels::kMakes,
                               .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> {
                                 return std::make_unique<Maker>();
                               }};
  return kSpec;
}

// A page stage that reads the pixels (the page-major block) and drops them, as ocr does.
const StageSpec& PageReaderSpec() {
  struct PageReader : PageStage {
    Status RunPage(const Document& doc, Page& page, Session*, StageContext& ctx,
                   PageOutcome&) const override {
      auto pixels = ctx.Pixels(doc, page);
      if (!pixels.ok()) return pixels.error();
      page.raster.reset();
      return Status();
    }
    Result<StageReport> Finish(Document&, const std::vector<PageOutcome>&) const override {
      return StageReport{};
    }
  };
  static const StageSpec kSpec{.id = "test_page_reader",
                               .version = 1,
                               .summary = "reads page pixels, page by page",
                               .containers = {"image"},
                               .pixels = Pixels::kReads,
                               .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> {
                                 return std::make_unique<PageReader>();
                               }};
  return kSpec;
}

// A whole-document stage after the block that reads every page's pixels, as layout and tables
// do. Fails when the pixels are not the page's.
struct DocReader : Stage {
  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    for (Page& page : doc.pages) {
      auto pixels = ctx.Pixels(doc, page);
      if (!pixels.ok()) return pixels.error();
      if (PixSha256(pixels.value().get()) != page.raster_steps.back().sha256) {
        return Error{"test_reader", "not the page's pixels"};
      }
      page.raster.reset();
    }
    return StageReport{};
  }
};

const StageSpec& DocReaderSpec(bool second) {
  static const StageSpec kFirst{.id = "test_reader_a",
                                .version = 1,
                                .summary = "reads page pixels after the block",
                                .containers = {"image"},
                                .pixels = Pixels::kReads,
                                .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> {
                                  return std::make_unique<DocReader>();
                                }};
  static const StageSpec kSecond{.id = "test_reader_b",
                                 .version = 1,
                                 .summary = "reads page pixels after the block, again",
                                 .containers = {"image"},
                                 .pixels = Pixels::kReads,
                                 .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> {
                                   return std::make_unique<DocReader>();
                                 }};
  return second ? kSecond : kFirst;
}

const StageCatalog& ReaderCatalog() {
  static const StageCatalog kCatalog = [] {
    std::vector<const StageSpec*> stages = BuiltinStageSpecs();
    for (const StageSpec* s :
         {&MakerSpec(), &PageReaderSpec(), &DocReaderSpec(false), &DocReaderSpec(true)}) {
      stages.push_back(s);
    }
    return StageCatalog(stages, BuiltinResourceKinds(), LibraryVersions());
  }();
  return kCatalog;
}

TEST(RecentRasters, StagesAfterThePageBlockReadTheBlocksPixels) {
  auto base = DefaultPipelineConfig(ReaderCatalog());
  auto over = ParsePipelineConfig(
      "[pipeline.image]\nstages = [\"test_maker\", \"test_page_reader\", \"test_reader_a\", "
      "\"test_reader_b\"]\n",
      "test.toml", ReaderCatalog());
  ASSERT_TRUE(over.ok()) << over.error().message;
  Planner planner(ReaderCatalog(), Overlay(base.value(), over.value()), ParamLayer::object());
  WorkRequest req;
  req.path = testing::SamplePath("scanned_page.png");
  req.source_sha256 = Sha256File(req.path).value();
  req.doc_id = req.source_sha256;
  req.container = "image";
  req.plan = planner.For("image").value().ToJson();
  DocumentRunner runner(ReaderCatalog());
  rebuilds = 0;
  const WorkResult r = runner.Run(req);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.transformations.size(), 4u);
  // Both readers after the block got the pixels the block had: nothing was made again.
  EXPECT_EQ(rebuilds, 0);
}

TEST(RecentRasters, KeepsTheLastPagesWithinItsBudget) {
  const PixHandle a = GrayPage(100, 100, 10), b = GrayPage(100, 100, 20);
  const int64_t one = PixBytes(a.get());
  RecentRasters recent(one + one / 2);  // room for one page
  recent.Keep(1, "sha-a", a);
  EXPECT_EQ(recent.Find(1, "sha-a"), a);
  EXPECT_EQ(recent.Find(1, "sha-other"), nullptr);  // another raster of the page
  EXPECT_EQ(recent.Find(2, "sha-a"), nullptr);
  recent.Keep(2, "sha-b", b);  // the oldest goes
  EXPECT_EQ(recent.Find(1, "sha-a"), nullptr);
  EXPECT_EQ(recent.Find(2, "sha-b"), b);
  RecentRasters tiny(one - 1);  // a page larger than the budget is not kept
  tiny.Keep(1, "sha-a", a);
  EXPECT_EQ(tiny.Find(1, "sha-a"), nullptr);
  recent.Clear();
  EXPECT_EQ(recent.Find(2, "sha-b"), nullptr);
}

}  // namespace
}  // namespace assay
