// Page-major blocks and page tasks (core/page_task.h): a scanned PDF run stage by stage, page by
// page, and with a range of its pages computed by another DocumentRunner, gives the same
// transformations, outputs and metrics, byte for byte. Real Poppler, Leptonica, Tesseract.
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "core/document_runner.h"
#include "core/plan.h"
#include "core/sha256.h"
#include "stages/catalog.h"
#include "tests/unit/test_paths.h"
#include "tests/unit/test_requests.h"

namespace assay {
namespace {

// An image-only PDF of the scanned sample page in four guises: as scanned, turned a quarter
// (preprocess turns it back), blank, and at half size.
std::string MakeScannedPdf(const std::filesystem::path& dir) {
  Pix* page = pixRead(testing::SamplePath("scanned_page.png").c_str());
  EXPECT_NE(page, nullptr);
  Pix* turned = pixRotateOrth(page, 1);
  Pix* blank = pixCreate(pixGetWidth(page), pixGetHeight(page), 8);
  pixSetAll(blank);
  Pix* small = pixScale(page, 0.5, 0.5);
  Pixa* pixa = pixaCreate(4);
  for (Pix* p : {page, turned, blank, small}) pixaAddPix(pixa, p, L_INSERT);
  const std::string path = (dir / "four_pages.pdf").string();
  EXPECT_EQ(pixaConvertToPdf(pixa, 150, 1.0, L_FLATE_ENCODE, 0, "four pages", path.c_str()), 0);
  pixaDestroy(&pixa);
  return path;
}

// Everything a result says about the document, without times.
std::string Fingerprint(const WorkResult& r) {
  Json j = r.ToJson();
  for (Json& t : j["transformations"]) {
    t.erase("started_at");
    t.erase("duration_ms");
  }
  j.erase("page_tasks");
  return DumpJson(j, 1);
}

// Gives pages `first`.. of the block to a second runner, as a worker's helper would. Its
// answer is ready at the `ready_after`-th poll (0: the first), or never (-1).
class SecondRunner : public PageHelpers {
 public:
  SecondRunner(const WorkRequest& req, int first, bool fail, int ready_after = 0)
      : req_(req), first_(first), fail_(fail), ready_after_(ready_after) {}

  std::optional<PageRange> Offer(int block_first, int block_end, int next_page,
                                 int last_page) override {
    if (offered_ || next_page >= first_ || last_page < first_) return std::nullopt;
    offered_ = true;
    block_first_ = block_first;
    block_end_ = block_end;
    return PageRange{first_, last_page};
  }

  Answer Poll(const PageRange& range) override {
    if (ready_after_ < 0 || polls_++ < ready_after_) return Answer{};
    if (fail_) return Answer{true, std::nullopt};
    DocumentRunner other(BuiltinCatalog());
    PageTaskRequest task{req_, block_first_, block_end_, range.first_page, range.last_page};
    // Over the wire and back, as between two workers.
    const PageTaskRequest sent =
        PageTaskRequest::FromJson(CanonicalJson::parse(DumpJson(task.ToJson())));
    PageTaskResult r = PageTaskResult::FromJson(
        CanonicalJson::parse(DumpCanonical(other.RunPages(sent).ToJson())));
    r.helper = "second runner";
    return Answer{true, std::move(r)};
  }

  void Withdraw(const PageRange& range) override { withdrawn_ = range.first_page; }

  bool offered_ = false;
  int block_first_ = 0, block_end_ = 0;
  int withdrawn_ = 0;

 private:
  WorkRequest req_;
  int first_;
  bool fail_;
  int ready_after_;
  int polls_ = 0;
};

class PageTasksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("assay-page-tasks-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    path_ = new std::string(MakeScannedPdf(dir));
    DocumentRunner stage_major(BuiltinCatalog());
    stage_major.set_page_major(false);
    serial_ = new WorkResult(stage_major.Run(testing::PlannedRequest(*path_, "pdf")));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(std::filesystem::path(*path_).parent_path());
    delete path_;
    delete serial_;
  }
  // Runs the document with `helper` taking a range: it must come out whole, byte-identical to
  // the serial run, with one page task.
  static void RunWithHelper(SecondRunner& helper, WorkResult* r) {
    DocumentRunner runner(BuiltinCatalog());
    *r = runner.Run(testing::PlannedRequest(*path_, "pdf"), &helper);
    ASSERT_FALSE(r->error) << r->error->message;
    EXPECT_EQ(Fingerprint(*r), Fingerprint(*serial_));
    ASSERT_EQ(r->page_tasks.size(), 1u);
  }
  static std::string* path_;
  static WorkResult* serial_;
};
std::string* PageTasksTest::path_ = nullptr;
WorkResult* PageTasksTest::serial_ = nullptr;

TEST_F(PageTasksTest, StageMajorRunReadsEveryScannedPage) {
  ASSERT_FALSE(serial_->error) << serial_->error->message;
  EXPECT_EQ(serial_->modality, "pdf_scan");
  EXPECT_EQ(serial_->page_count, 4);
  EXPECT_EQ(serial_->metrics.at("rasterize.pages"), 4);
  EXPECT_EQ(serial_->metrics.at("ocr.blank_pages"), 1);
  EXPECT_GT(serial_->metrics.at("ocr.word_count"), 100);
  EXPECT_GE(serial_->metrics.at("preprocess.pages_changed"), 1);  // the turned page
}

TEST_F(PageTasksTest, PageMajorRunIsByteIdenticalToStageMajor) {
  DocumentRunner runner(BuiltinCatalog());
  const WorkResult r = runner.Run(testing::PlannedRequest(*path_, "pdf"));
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(Fingerprint(r), Fingerprint(*serial_));
  EXPECT_TRUE(r.page_tasks.empty());
}

TEST_F(PageTasksTest, PagesFromAnotherRunnerGiveTheSameResult) {
  for (int first : {2, 4}) {
    SCOPED_TRACE("helper takes pages " + std::to_string(first) + "-4");
    SecondRunner helper(testing::PlannedRequest(*path_, "pdf"), first, /*fail=*/false);
    WorkResult r;
    ASSERT_NO_FATAL_FAILURE(RunWithHelper(helper, &r));
    EXPECT_EQ(r.page_tasks[0].outcome, "used");
    EXPECT_EQ(r.page_tasks[0].helper_pages, 5 - first);
    EXPECT_EQ(r.page_tasks[0].first_page, first);
    EXPECT_EQ(r.page_tasks[0].last_page, 4);
    EXPECT_EQ(r.page_tasks[0].helper, "second runner");
    // The block is rasterize..ocr: pdf_text before it, layout after it.
    EXPECT_EQ(r.transformations[r.page_tasks[0].block_first].stage, "rasterize");
    EXPECT_EQ(r.transformations[r.page_tasks[0].block_end - 1].stage, "ocr");
  }
}

TEST_F(PageTasksTest, AFailedHelperCostsTimeNotTheDocument) {
  SecondRunner helper(testing::PlannedRequest(*path_, "pdf"), 3, /*fail=*/true);
  WorkResult r;
  ASSERT_NO_FATAL_FAILURE(RunWithHelper(helper, &r));
  EXPECT_EQ(r.page_tasks[0].outcome, "failed");
  EXPECT_EQ(r.page_tasks[0].helper_pages, 0);
}

// The helper's answer comes after the document's worker has run the last page of the range
// itself (from the last one back): the two halves make the same document.
TEST_F(PageTasksTest, ALateHelperCoversOnlyThePagesNotRunBack) {
  SecondRunner helper(testing::PlannedRequest(*path_, "pdf"), 2, /*fail=*/false,
                      /*ready_after=*/1);
  WorkResult r;
  ASSERT_NO_FATAL_FAILURE(RunWithHelper(helper, &r));
  EXPECT_EQ(r.page_tasks[0].outcome, "partly");
  EXPECT_EQ(r.page_tasks[0].helper_pages, 2);  // pages 2-3; page 4 was run back
  EXPECT_EQ(helper.withdrawn_, 0);
}

// The helper never answers: the document's worker runs every lent page back to the first,
// does not wait, and withdraws the task.
TEST_F(PageTasksTest, AHelperThatNeverAnswersIsWithdrawnNotAwaited) {
  SecondRunner helper(testing::PlannedRequest(*path_, "pdf"), 2, /*fail=*/false,
                      /*ready_after=*/-1);
  WorkResult r;
  ASSERT_NO_FATAL_FAILURE(RunWithHelper(helper, &r));
  EXPECT_EQ(r.page_tasks[0].outcome, "withdrawn");
  EXPECT_EQ(r.page_tasks[0].helper_pages, 0);
  EXPECT_EQ(helper.withdrawn_, 2);
}

TEST_F(PageTasksTest, APageTaskOutsideTheBlockIsRefused) {
  DocumentRunner runner(BuiltinCatalog());
  PageTaskRequest task{testing::PlannedRequest(*path_, "pdf"), 0, 4, 1, 2};  // pdf_text is no page stage
  const PageTaskResult r = runner.RunPages(task);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "page task: the plan has no such block");
  PageTaskRequest beyond{testing::PlannedRequest(*path_, "pdf"), 1, 5, 3, 9};
  const PageTaskResult r2 = runner.RunPages(beyond);
  ASSERT_TRUE(r2.error);
  EXPECT_EQ(r2.error->message, "page task: no such pages");
}

}  // namespace
}  // namespace assay

namespace assay {
namespace {

// Any PDF, by hand: ASSAY_PAGE_TASKS_PDF=file.pdf assay_tests --gtest_filter='PageTasksAnyPdf*'.
TEST(PageTasksAnyPdf, PageMajorIsStageMajorOnTheGivenPdf) {
  const char* path = std::getenv("ASSAY_PAGE_TASKS_PDF");
  if (path == nullptr) GTEST_SKIP() << "ASSAY_PAGE_TASKS_PDF not set";
  DocumentRunner stage_major(BuiltinCatalog());
  stage_major.set_page_major(false);
  const WorkResult serial = stage_major.Run(testing::PlannedRequest(path, "pdf"));
  DocumentRunner page_major(BuiltinCatalog());
  EXPECT_EQ(Fingerprint(page_major.Run(testing::PlannedRequest(path, "pdf"))), Fingerprint(serial));
}

}  // namespace
}  // namespace assay
