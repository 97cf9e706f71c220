#include "core/store_upkeep.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/clock.h"
#include "core/names.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

int64_t StoreBytes(const std::string& db_path) {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const auto size = fs::file_size(db_path + suffix, ec);
    if (!ec) total += static_cast<int64_t>(size);
  }
  return total;
}

// Closes a connection opened here whatever happens.
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close(db); }
};

}  // namespace

Result<VacuumReport> VacuumStore(Store& store) {
  Database& db = store.db();
  store.MarkStaleRuns(NowRfc3339());
  {
    Statement q(db.handle(), "SELECT run_id, host, pid FROM runs WHERE status='running'");
    while (q.Step()) {
      if (store.RunAlive(q.Int(0))) {
        return Error{"refused", "run " + std::to_string(q.Int(0)) + " is still running (pid " +
                                    (q.IsNull(2) ? "?" : std::to_string(q.Int(2))) + " on " +
                                    q.Text(1) +
                                    "): vacuum needs the store to itself; run it when no run "
                                    "is working on this store"};
      }
    }
  }
  VacuumReport report;
  report.bytes_before = StoreBytes(db.path());
  {
    // One set-based statement: outputs are referenced by a transformation's delta, by a
    // pre-migration-3 transformation's whole-content output, or by a document's final
    // content (pre-migration 3).
    Transaction tx(db);
    const char* kOrphans =
        " FROM outputs WHERE sha256 NOT IN ("
        "SELECT delta_sha256 FROM transformations WHERE delta_sha256 IS NOT NULL "
        "UNION SELECT output_sha256 FROM transformations WHERE output_sha256 IS NOT NULL "
        "UNION SELECT output_sha256 FROM documents WHERE output_sha256 IS NOT NULL)";
    Statement count(db.handle(), std::string("SELECT COUNT(*), COALESCE(SUM(bytes),0)") + kOrphans);
    count.Step();
    report.outputs_removed = count.Int(0);
    report.output_bytes_removed = count.Int(1);
    Statement del(db.handle(), std::string("DELETE") + kOrphans);
    del.Run();
    tx.Commit();
  }
  db.ExecWhenFree("VACUUM");
  db.ExecWhenFree("PRAGMA wal_checkpoint(TRUNCATE)");
  report.bytes_after = StoreBytes(db.path());
  return report;
}

Result<BackupReport> BackupStore(Store& store, const fs::path& to,
                                 const std::function<bool()>& stop) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(to, ec))) {
    return Error{"usage", to.string() + " exists: a backup never overwrites a file"};
  }
  const fs::path folder = to.parent_path().empty() ? fs::path(".") : to.parent_path();
  if (!fs::is_directory(folder, ec)) {
    return Error{"usage", "no folder " + folder.string() + " for the backup"};
  }
  const fs::path partial = to.string() + ".partial-" + std::to_string(::getpid());
  const double t0 = MonotonicSeconds();
  BackupReport report;
  Database& src = store.db();
  {
    Connection dest;
    if (sqlite3_open_v2(partial.c_str(), &dest.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      return Error{"store", "cannot create " + partial.string()};
    }
    // One read snapshot for the whole copy: other processes' commits do not restart it, and
    // in WAL mode they are not held up by it.
    src.Exec("BEGIN");
    Statement(src.handle(), "SELECT COUNT(*) FROM sqlite_schema").Step();
    sqlite3_backup* b = sqlite3_backup_init(dest.db, "main", src.handle(), "main");
    if (b == nullptr) {
      src.Exec("ROLLBACK");
      fs::remove(partial, ec);
      return Error{"store", std::string("cannot start the backup: ") + sqlite3_errmsg(dest.db)};
    }
    int rc = SQLITE_OK;
    constexpr int kPagesPerStep = 256;  // 1 MiB at the default page size
    while (true) {
      if (stop && stop()) {
        rc = SQLITE_INTERRUPT;
        break;
      }
      rc = sqlite3_backup_step(b, kPagesPerStep);
      ++report.steps;
      if (rc == SQLITE_DONE) break;
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      if (rc != SQLITE_OK) break;
    }
    report.pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    src.Exec("COMMIT");
    if (rc != SQLITE_DONE) {
      fs::remove(partial, ec);
      if (rc == SQLITE_INTERRUPT) return Error{"refused", "interrupted: no backup written"};
      return Error{"store", std::string("the backup failed: ") + sqlite3_errstr(rc)};
    }
    // A single file, readable without its WAL; then the check of what was written.
    std::string problems;
    sqlite3_exec(dest.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    sqlite3_stmt* check = nullptr;
    if (sqlite3_prepare_v2(dest.db, "PRAGMA integrity_check(5)", -1, &check, nullptr) ==
        SQLITE_OK) {
      while (sqlite3_step(check) == SQLITE_ROW) {
        const auto* line = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
        if (line != nullptr && std::string(line) != "ok") {
          problems += (problems.empty() ? "" : "; ") + std::string(line);
        }
      }
    } else {
      problems = sqlite3_errmsg(dest.db);
    }
    sqlite3_finalize(check);
    if (!problems.empty()) {
      std::replace(problems.begin(), problems.end(), '\n', ' ');
      fs::remove(partial, ec);
      return Error{"store", "the copy does not pass integrity_check (" + problems +
                                "): the store itself is damaged; see docs/security.md"};
    }
  }
  fs::rename(partial, to, ec);
  if (ec) {
    fs::remove(partial, ec);
    return Error{"store", "cannot move the backup to " + to.string() + ": " + ec.message()};
  }
  report.bytes = static_cast<int64_t>(fs::file_size(to, ec));
  report.seconds = MonotonicSeconds() - t0;
  return report;
}

}  // namespace assay
