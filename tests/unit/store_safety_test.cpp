// The store's own safety nets (issue 7): the bound on stored free text, process identities that
// survive pid reuse, and document leases between runs.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/bounded_text.h"
#include "core/clock.h"
#include "core/names.h"
#include "core/process_identity.h"
#include "core/store.h"
#include "tests/unit/test_paths.h"
#include "tests/unit/test_store.h"

namespace assay {
namespace {

TEST(BoundedTextTest, ShortTextIsKept) {
  EXPECT_EQ(BoundedText("short"), "short");
  const std::string exact(kStoredTextMaxBytes, 'x');
  EXPECT_EQ(BoundedText(exact), exact);
}

TEST(BoundedTextTest, LongTextKeepsAPrefixAndTheLength) {
  const std::string long_text(52428800, 'A');
  const std::string b = BoundedText(long_text);
  EXPECT_EQ(b, std::string(kStoredTextMaxBytes, 'A') + " \u2026 [truncated, 52428800 bytes]");
}

TEST(BoundedTextTest, CutsAtACharacterBoundary) {
  // "é" is two bytes; a limit falling inside one must not split it.
  const std::string text = "ab\u00e9\u00e9\u00e9";  // a b C3 A9 C3 A9 C3 A9
  EXPECT_EQ(BoundedText(text, 3), "ab \u2026 [truncated, 8 bytes]");
  EXPECT_EQ(BoundedText(text, 4), "ab\u00e9 \u2026 [truncated, 8 bytes]");
  const std::string emoji = "\U0001F600\U0001F600";  // two 4-byte characters
  for (size_t limit = 1; limit < 8; ++limit) {
    const std::string b = BoundedText(emoji, limit);
    EXPECT_EQ(b.substr(0, b.find(" \u2026")).size() % 4, 0u) << limit;
  }
}

TEST(BoundedTextTest, JsonStringsAreBoundedWhereverTheyAre) {
  const Json j = {{"stage", "ingest"},
                  {"message", std::string(10000, 'm')},
                  {"n", 3},
                  {"list", {std::string(5000, 'l')}}};
  const Json b = BoundedJson(j, 100);
  EXPECT_EQ(b["stage"], "ingest");
  EXPECT_EQ(b["n"], 3);
  EXPECT_EQ(b["message"], std::string(100, 'm') + " \u2026 [truncated, 10000 bytes]");
  EXPECT_EQ(b["list"][0], std::string(100, 'l') + " \u2026 [truncated, 5000 bytes]");
}

TEST(ProcessIdentityTest, ThisProcessIsAliveAndAReusedPidIsNot) {
  const ProcessIdentity me = SelfIdentity();
  ASSERT_FALSE(me.start.empty());
  EXPECT_EQ(ProcessLiveness(HostName(), me), Liveness::kAlive);
  ProcessIdentity reused = me;  // same pid, started at another time
  reused.start = me.start.substr(0, me.start.rfind(':')) + ":1";
  EXPECT_EQ(ProcessLiveness(HostName(), reused), Liveness::kGone);
  ProcessIdentity rebooted = me;
  rebooted.start = "another-boot" + me.start.substr(me.start.rfind(':'));
  EXPECT_EQ(ProcessLiveness(HostName(), rebooted), Liveness::kGone);
  EXPECT_EQ(ProcessLiveness("another-host", me), Liveness::kUnknown);
  EXPECT_EQ(ProcessLiveness(HostName(), {}), Liveness::kUnknown);
}

TEST(ProcessIdentityTest, AnExitedProcessIsGone) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ProcessIdentity who;
  who.pid = child;
  who.start = SelfIdentity().start;  // any start: the pid names no live process once reaped
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(ProcessLiveness(HostName(), who), Liveness::kGone);
}

TEST(LeaseTest, ALiveRunsLeaseIsRespectedAndADeadRunsIsNot) {
  Store store(testing::TempDir() / "lease.db", true);
  const int64_t mine = testing::AddRun(store);  // this process: alive
  Statement host(store.db().handle(), "UPDATE runs SET host=?");
  host.Bind(1, HostName()).Run();
  const int64_t other = testing::AddRun(store);
  host.Bind(1, HostName()).Run();
  {
    Transaction tx(store.db());
    DocumentRecord doc;
    doc.doc_id = "d1";
    doc.path = "p";
    doc.container = "pdf";
    store.RegisterDocument(doc, "t");
    tx.Commit();
  }
  EXPECT_EQ(store.TakeLease("d1", mine, NowRfc3339()), std::nullopt);
  EXPECT_EQ(store.TakeLease("d1", mine, NowRfc3339()), std::nullopt);  // again: still mine
  EXPECT_EQ(store.TakeLease("d1", other, NowRfc3339()), std::optional<int64_t>(mine));
  // The holder's process is gone (its recorded start is not this process's): void.
  Statement gone(store.db().handle(), "UPDATE runs SET process_start='x:1' WHERE run_id=?");
  gone.Bind(1, mine).Run();
  EXPECT_FALSE(store.RunAlive(mine));
  EXPECT_EQ(store.TakeLease("d1", other, NowRfc3339()), std::nullopt);
  EXPECT_EQ(store.MarkStaleRuns(NowRfc3339()), 1);
  Statement st(store.db().handle(), "SELECT status FROM runs WHERE run_id=?");
  st.Bind(1, mine);
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), run_status::kKilled);
  store.FinishRun(other, run_status::kFinished, NowRfc3339());
  Statement left(store.db().handle(), "SELECT COUNT(*) FROM document_leases");
  ASSERT_TRUE(left.Step());
  EXPECT_EQ(left.Int(0), 0);
}

}  // namespace
}  // namespace assay
