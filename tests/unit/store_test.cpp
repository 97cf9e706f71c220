#include "core/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/sha256.h"
#include "tests/unit/test_paths.h"
#include "tests/unit/test_store.h"

namespace assay {
namespace {

TEST(StoreTest, NewStoreIsMigratedToTheLatestVersion) {
  const auto dir = testing::TempDir();
  Store store(dir / "a.db", true);
  EXPECT_EQ(store.schema_version(), Migrations().back().version);
  Statement q(store.db().handle(), "PRAGMA journal_mode");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Text(0), "wal");
}

// The whole file as bytes, and the names in its folder: what a refusal must leave as it was.
std::string Bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
std::vector<std::string> Names(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A store of a newer assay is refused before anything is written to it: the message names both
// versions, and the file (its bytes, its mtime, no journal left beside it) is as it was.
void ExpectRefusedUnchanged(const std::filesystem::path& path, int newer) {
  const std::string before = Bytes(path);
  const auto mtime = std::filesystem::last_write_time(path);
  const auto names = Names(path.parent_path());
  const std::string latest = std::to_string(Migrations().back().version);
  for (const bool create : {false, true}) {
    try {
      Store store(path, create);
      ADD_FAILURE() << "a newer database was opened (create=" << create << ")";
    } catch (const StoreError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what, "the database has schema version " + std::to_string(newer) +
                          " but this assay knows only up to " + latest + ": use a newer assay");
    }
    const std::string after = Bytes(path);
    const auto diff = std::mismatch(before.begin(), before.end(), after.begin(), after.end());
    EXPECT_TRUE(after == before) << "the refused database file was changed: " << before.size()
                                 << " -> " << after.size() << " bytes, first difference at byte "
                                 << (diff.first - before.begin());
    EXPECT_EQ(std::filesystem::last_write_time(path).time_since_epoch().count(),
              mtime.time_since_epoch().count())
        << "the refused database file was written";
    EXPECT_EQ(Names(path.parent_path()), names);
  }
}

TEST(StoreTest, NewerDatabaseIsRefusedClearlyAndLeftUnchanged) {
  const auto dir = testing::TempDir();
  {
    Database db((dir / "b.db").string(), true);
    db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
    db.Exec("PRAGMA user_version=999");
  }
  ExpectRefusedUnchanged(dir / "b.db", 999);
}

TEST(StoreTest, StoreOfTheNextVersionIsRefusedAndLeftUnchanged) {
  // As the next assay would leave it: a store of ours (WAL, with a run), one version later.
  const auto dir = testing::TempDir();
  const int next = Migrations().back().version + 1;
  {
    Store store(dir / "n.db", true);
    testing::AddRun(store);
    store.db().Exec("PRAGMA user_version=" + std::to_string(next));
  }
  ExpectRefusedUnchanged(dir / "n.db", next);
}

TEST(StoreTest, MissingDatabaseIsNotCreatedByReaders) {
  const auto dir = testing::TempDir();
  EXPECT_THROW(Store(dir / "none.db", false), StoreError);
  EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST(StoreTest, CommitResultRecordsEverythingOfOneDocument) {
  const auto dir = testing::TempDir();
  Store store(dir / "c.db", true);
  const int64_t run = testing::AddRun(store);
  {
    Transaction tx(store.db());
    store.RegisterSource({"src", 10, "application/pdf", "a.pdf"}, run, "t1");
    store.RegisterSource({"src", 10, "application/pdf", "copy/a.pdf"}, run, "t1");
    store.RegisterDocument({.doc_id = "doc",
                            .source_id = "src",
                            .path = "a.pdf",
                            .container = "pdf",
                            .alt_text = {},
                            .ground_truth = {}},
                           "t1");
    tx.Commit();
  }
  ASSERT_TRUE(store.GetDocumentState("doc"));
  EXPECT_FALSE(store.GetDocumentState("doc")->outcome);  // pending

  WorkResult r;
  r.doc_id = "doc";
  r.modality = "pdf_text";
  r.outputs["d1"] = "[]";
  r.output_sha256 = "s1";
  r.metrics["pdf.pages"] = 3;
  r.page_count = 3;
  TransformationRecord t;
  t.stage = "pdf_text";
  t.stage_version = 1;
  t.params = {{"k", 1}};
  t.resources_sha256 = "res";
  t.input_sha256 = "src";
  t.output_sha256 = "s1";
  t.delta_sha256 = "d1";
  t.started_at = "t2";
  t.duration_ms = 5.0;
  t.outcome = "ok";
  r.transformations.push_back(t);
  store.CommitResult(run, "pv1", r, "t3");
  // The transformation is found again by its whole key, and only by it.
  const std::string params_sha = Sha256Hex(DumpCanonical(t.params));
  auto prior = store.FindTransformation("pdf_text", 1, params_sha, "res", "src");
  ASSERT_TRUE(prior);
  EXPECT_EQ(prior->delta_sha256, "d1");
  EXPECT_EQ(prior->output_sha256, "s1");
  EXPECT_FALSE(store.FindTransformation("pdf_text", 1, params_sha, "other", "src"));
  EXPECT_FALSE(store.FindTransformation("pdf_text", 2, params_sha, "res", "src"));

  auto st = store.GetDocumentState("doc");
  EXPECT_EQ(st->outcome.value(), "accepted");
  EXPECT_EQ(st->processing_version.value(), "pv1");
  Statement paths(store.db().handle(), "SELECT COUNT(*) FROM source_paths WHERE source_id='src'");
  paths.Step();
  EXPECT_EQ(paths.Int(0), 2);
  Statement m(store.db().handle(), "SELECT value FROM metrics WHERE doc_id='doc'");
  ASSERT_TRUE(m.Step());
  EXPECT_EQ(m.Real(0), 3);

  WorkResult failed = ErrorResult("doc", "src", {"ocr", "boom"});
  store.CommitResult(run, "pv2", failed, "t4");
  Statement d(store.db().handle(),
              "SELECT outcome, error_stage, error_message FROM documents WHERE doc_id='doc'");
  d.Step();
  EXPECT_EQ(d.Text(0), "error");
  EXPECT_EQ(d.Text(1), "ocr");
  EXPECT_EQ(d.Text(2), "boom");
}

// A video's sampled frames' hashes (the corpus near-duplicate step's input) are written with
// its result, survive the worker's JSON, and leave with an error result.
TEST(StoreTest, VideoFrameHashesFollowTheResult) {
  const auto dir = testing::TempDir();
  Store store(dir / "v.db", true);
  const int64_t run = testing::AddRun(store);
  testing::AddDocument(store, run, "vid", "vsrc", "a.mp4", "video/mp4", "video");
  WorkResult r;
  r.doc_id = "vid";
  r.modality = "video";
  r.output_sha256 = "s1";
  r.frame_hashes = {{0, "00000000000000ff"}, {45, "ff00000000000000"}};
  const WorkResult again = WorkResult::FromJson(r.ToJson());
  EXPECT_EQ(again.frame_hashes, r.frame_hashes);
  store.CommitResult(run, "pv1", again, "t2");
  auto rows = [&] {
    std::vector<std::pair<int64_t, std::string>> out;
    Statement q(store.db().handle(), "SELECT frame, phash FROM video_frame_hashes ORDER BY frame");
    while (q.Step()) out.emplace_back(q.Int(0), q.Text(1));
    return out;
  };
  EXPECT_EQ(rows(), r.frame_hashes);
  store.CommitResult(run, "pv2", ErrorResult("vid", "vsrc", {"video", "boom"}), "t3");
  EXPECT_TRUE(rows().empty());
}

// Page tasks (which worker ran which pages of a page-major block) survive the worker's JSON
// and are stored under the block's first transformation of that result, one row per range.
TEST(StoreTest, PageTasksAreLineageOfTheBlocksFirstTransformation) {
  const auto dir = testing::TempDir();
  Store store(dir / "p.db", true);
  const int64_t run = testing::AddRun(store);
  testing::AddDocument(store, run, "scan", "psrc", "a.pdf", "application/pdf", "pdf");
  WorkResult r;
  r.doc_id = "scan";
  r.modality = "pdf_scan";
  r.output_sha256 = "s3";
  for (const char* stage : {"pdf_text", "rasterize", "ocr"}) {
    TransformationRecord t;
    t.seq = static_cast<int>(r.transformations.size());
    t.stage = stage;
    t.stage_version = 1;
    t.params = CanonicalJson::object();
    t.resources = CanonicalJson::object();
    t.input_sha256 = "in" + std::to_string(t.seq);
    t.output_sha256 = "s" + std::to_string(t.seq + 1);
    t.started_at = "t2";
    t.outcome = "ok";
    r.transformations.push_back(std::move(t));
  }
  r.page_tasks = {{1, 3, 11, 20, "worker 1 (pid 7)", "partly", 6},
                  {1, 3, 6, 10, "", "withdrawn", 0}};
  store.CommitResult(run, "pv1", WorkResult::FromJson(r.ToJson()), "t2");
  Statement q(store.db().handle(),
              "SELECT t.stage, p.first_page, p.last_page, p.block_end_seq, p.helper, p.outcome, "
              "p.helper_pages FROM page_tasks p JOIN transformations t USING (transformation_id) "
              "ORDER BY p.first_page");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Text(0), "rasterize");
  EXPECT_EQ(q.Int(1), 6);
  EXPECT_EQ(q.Text(5), "withdrawn");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(1), 11);
  EXPECT_EQ(q.Int(2), 20);
  EXPECT_EQ(q.Int(3), 3);
  EXPECT_EQ(q.Text(4), "worker 1 (pid 7)");
  EXPECT_EQ(q.Text(5), "partly");
  EXPECT_EQ(q.Int(6), 6);
  EXPECT_FALSE(q.Step());
}

TEST(StoreTest, InterruptedTransactionLeavesNoTrace) {
  const auto dir = testing::TempDir();
  Store store(dir / "d.db", true);
  const int64_t run = testing::AddRun(store);
  {
    Transaction tx(store.db());
    store.RegisterSource({"src", 1, "x", "p"}, run, "t");
    // no Commit: destroyed as if the process had been killed mid-document
  }
  Statement q(store.db().handle(), "SELECT COUNT(*) FROM sources");
  q.Step();
  EXPECT_EQ(q.Int(0), 0);
}

}  // namespace
}  // namespace assay
