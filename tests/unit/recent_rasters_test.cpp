// The last page rasters a worker keeps (core/raster.h RecentRasters), and the page rasters it
// spills to disk (core/raster_spill.h): the stages after a page-major block read the pixels
// the block had, instead of making them again from the source (a PNG decode, or a PDF render
// and the preprocess replay, for each stage that asks).
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "core/document_runner.h"
#include "core/page_stage.h"
#include "core/pipeline_config.h"
#include "core/plan.h"
#include "core/raster.h"
#include "core/raster_spill.h"
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

// Makes `pages` gray pages of `width` x `height` pixels (a whole-document stage, like
// image_load), each its own shade, and can make each again.
struct Maker : Stage {
  Maker(std::string_view id, int pages, int width, int height)
      : id(id), pages(pages), width(width), height(height) {}
  static PixHandle PageOf(int number, int width, int height) {
    return GrayPage(width, height, 200 - 10 * (number - 1));
  }
  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    doc.pages.clear();
    for (int n = 1; n <= pages; ++n) {
      Page page;
      page.number = n;
      page.unit = "px";
      page.width = width;
      page.height = height;
      PixHandle pix = PageOf(n, width, height);
      page.raster_steps = {RasterStep{std::string(id), 0, PixSha256(pix.get())}};
      ctx.Hold(page, pix);
      doc.pages.push_back(std::move(page));
    }
    doc.modality = "page_image";
    return StageReport{};
  }
  Result<PixHandle> RebuildRaster(const Document&, const Page& page, const RasterStep&, PixHandle,
                                  StageContext&) const override {
    ++rebuilds;
    return PageOf(page.number, width, height);
  }
  std::string_view id;
  int pages, width, height;
};

template <const char* Id, int Pages, int Width, int Height>
StageSpec MakerSpecOf() {
  return StageSpec{.id = Id,
                   .version = 1,
                   .summary = "makes page rasters",
                   .containers = {"image"},
                   .establishes = {"page_image"},
                   .pixels = Pixels::kMakes,
                   .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> {
                     return std::make_unique<Maker>(Id, Pages, Width, Height);
                   }};
}

// One small page.
constexpr char kMakerId[] = "test_maker";
const StageSpec& MakerSpec() {
  static const StageSpec kSpec = MakerSpecOf<kMakerId, 1, 200, 100>();
  return kSpec;
}

// Five pages too large to stay among the recent rasters until the stages after the block read
// them (a long scan in miniature): 9 MB a page, 45 MB in all.
constexpr char kLargeMakerId[] = "test_large_maker";
const StageSpec& LargePagesMakerSpec() {
  static const StageSpec kSpec = MakerSpecOf<kLargeMakerId, 5, 3000, 3000>();
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
    for (const StageSpec* s : {&MakerSpec(), &LargePagesMakerSpec(), &PageReaderSpec(),
                               &DocReaderSpec(false), &DocReaderSpec(true)}) {
      stages.push_back(s);
    }
    return StageCatalog(stages, BuiltinResourceKinds(), LibraryVersions());
  }();
  return kCatalog;
}

// The pages of `maker` through the block and two readers after it, with `spill_dir` (empty:
// none); returns the number of pages made again.
int RebuildsAfterTheBlock(const std::string& maker, const std::string& spill_dir) {
  auto base = DefaultPipelineConfig(ReaderCatalog());
  auto over = ParsePipelineConfig(
      "[pipeline.image]\nstages = [\"" + maker +
          "\", \"test_page_reader\", \"test_reader_a\", \"test_reader_b\"]\n",
      "test.toml", ReaderCatalog());
  EXPECT_TRUE(over.ok());
  Planner planner(ReaderCatalog(), Overlay(base.value(), over.value()), ParamLayer::object());
  WorkRequest req;
  req.path = testing::SamplePath("scanned_page.png");
  req.source_sha256 = Sha256File(req.path).value();
  req.doc_id = req.source_sha256;
  req.container = "image";
  req.plan = planner.For("image").value().ToJson();
  if (!spill_dir.empty()) req.spill_dir = spill_dir;
  DocumentRunner runner(ReaderCatalog());
  rebuilds = 0;
  const WorkResult r = runner.Run(req);
  EXPECT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(r.transformations.size(), 4u);
  return rebuilds;
}

TEST(RecentRasters, StagesAfterThePageBlockReadTheBlocksPixels) {
  // Both readers after the block got the pixels the block had: nothing was made again.
  EXPECT_EQ(RebuildsAfterTheBlock(kMakerId, ""), 0);
}

// A folder under the test's temporary directory, absent (a spill creates it).
std::filesystem::path EmptyTempDir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(RasterSpill, StagesAfterTheBlockReadSpilledPagesInsteadOfMakingThemAgain) {
  // Without a spill folder the readers make again the pages no longer among the recent ones.
  EXPECT_GT(RebuildsAfterTheBlock(kLargeMakerId, ""), 0);
  const std::filesystem::path dir = EmptyTempDir("assay_spill_runner");
  EXPECT_EQ(RebuildsAfterTheBlock(kLargeMakerId, dir.string()), 0);
  // The document's worker removed its pages' files when it was done.
  std::error_code ec;
  EXPECT_TRUE(!std::filesystem::exists(dir) || std::filesystem::is_empty(dir, ec));
  std::filesystem::remove_all(dir);
}

TEST(RasterSpill, GivesBackTheImageItKept) {
  const std::filesystem::path dir = EmptyTempDir("assay_spill_roundtrip");
  const RasterSpill spill(dir);
  for (int depth : {1, 8, 32}) {
    Pix* made = pixCreate(301, 77, depth);  // odd width: padded rows
    pixSetResolution(made, 300, 150);
    if (depth == 32) pixSetSpp(made, 4);
    for (int y = 0; y < 77; ++y) {
      for (int x = 0; x < 301; x += 3) pixSetPixel(made, x, y, (x * 7 + y) & (depth == 1 ? 1 : 255));
    }
    const PixHandle pix = WrapPix(made);
    const std::string sha = PixSha256(pix.get());
    EXPECT_EQ(spill.Get(sha), nullptr);
    spill.Put(sha, pix.get());
    const PixHandle back = spill.Get(sha);
    ASSERT_NE(back, nullptr) << "depth " << depth;
    EXPECT_EQ(PixSha256(back.get()), sha);
    EXPECT_EQ(pixGetSpp(back.get()), pixGetSpp(pix.get()));
    EXPECT_EQ(pixGetXRes(back.get()), 300);
    EXPECT_EQ(pixGetYRes(back.get()), 150);
    spill.Remove(sha);
    EXPECT_EQ(spill.Get(sha), nullptr);
  }
  std::filesystem::remove_all(dir);
}

TEST(RasterSpill, AnythingButTheKeptPixelsIsAMiss) {
  const std::filesystem::path dir = EmptyTempDir("assay_spill_damage");
  const RasterSpill spill(dir);
  const PixHandle a = GrayPage(400, 300, 90), b = GrayPage(400, 300, 91);
  const std::string sha_a = PixSha256(a.get()), sha_b = PixSha256(b.get());
  spill.Put(sha_a, a.get());
  const std::filesystem::path file = dir / (sha_a + ".zst");
  ASSERT_TRUE(std::filesystem::exists(file));
  // Another image under the name: decodes, but not to the name's hash.
  std::filesystem::copy_file(file, dir / "kept_a");
  spill.Put(sha_b, b.get());
  std::filesystem::remove(dir / (sha_b + ".zst"));
  std::filesystem::copy_file(dir / "kept_a", dir / (sha_b + ".zst"));
  EXPECT_EQ(spill.Get(sha_b), nullptr);
  // Truncated, and one byte changed: the frame's checksum or size fails.
  const auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size - 9);
  EXPECT_EQ(spill.Get(sha_a), nullptr);
  std::filesystem::remove(file);
  std::filesystem::copy_file(dir / "kept_a", file);
  {
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('\x5a');
  }
  EXPECT_EQ(spill.Get(sha_a), nullptr);
  // A colour-mapped image is not kept (the hash does not cover its colours); nor is anything
  // when the spill is off, or under a name that is not a hash.
  PixHandle mapped = WrapPix(pixConvertGrayToColormap(a.get()));
  ASSERT_NE(pixGetColormap(mapped.get()), nullptr);
  const std::string sha_mapped = PixSha256(mapped.get());
  spill.Put(sha_mapped, mapped.get());
  EXPECT_FALSE(std::filesystem::exists(dir / (sha_mapped + ".zst")));
  RasterSpill().Put(sha_a, a.get());
  EXPECT_EQ(RasterSpill().Get(sha_a), nullptr);
  spill.Put("../escape", a.get());
  EXPECT_FALSE(std::filesystem::exists(dir.parent_path() / "escape.zst"));
  std::filesystem::remove_all(dir);
}

TEST(RasterSpill, WritesNoMoreThanItsLimitsAllow) {
  const std::filesystem::path dir = EmptyTempDir("assay_spill_limits");
  const PixHandle a = GrayPage(400, 300, 90), b = GrayPage(400, 300, 91);
  const std::string sha_a = PixSha256(a.get()), sha_b = PixSha256(b.get());
  const RasterSpill one_page(dir, /*max_bytes=*/1);  // room for nothing
  one_page.Put(sha_a, a.get());
  EXPECT_EQ(one_page.Get(sha_a), nullptr);
  const RasterSpill first_only(dir, /*max_bytes=*/1 << 20);
  first_only.Put(sha_a, a.get());
  const auto size = std::filesystem::file_size(dir / (sha_a + ".zst"));
  const RasterSpill room_for_one(dir / "one", static_cast<int64_t>(size));
  room_for_one.Put(sha_a, a.get());
  room_for_one.Put(sha_b, b.get());  // over the limit: not written
  EXPECT_NE(room_for_one.Get(sha_a), nullptr);
  EXPECT_EQ(room_for_one.Get(sha_b), nullptr);
  // A disk that would be left with less than the margin free.
  const RasterSpill full(dir / "full", int64_t{4} << 30, std::numeric_limits<int64_t>::max() / 2);
  full.Put(sha_a, a.get());
  EXPECT_EQ(full.Get(sha_a), nullptr);
  std::filesystem::remove_all(dir);
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
