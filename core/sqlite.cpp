#include "core/sqlite.h"

#include <mutex>
#include <unordered_map>

#include <chrono>
#include <thread>

#include "core/store_health.h"

namespace assay {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool IsDamage(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

// Throws the connection's last error; a damaged file is recorded beside it first.
[[noreturn]] void Fail(sqlite3* db, const std::string& message) {
  const bool damaged = IsDamage(sqlite3_extended_errcode(db));
  if (damaged) {
    const char* file = sqlite3_db_filename(db, "main");
    if (file != nullptr && *file != '\0') RecordStoreDamage(file, message);
  }
  throw StoreError(message, damaged);
}

}  // namespace

namespace {

// Finished statements per connection, by SQL text (see Statement). Connections may live on
// several threads (a release builds records on worker threads), hence the lock.
constexpr size_t kIdleStatementsPerConnection = 256;
std::mutex g_statements_mu;
std::unordered_map<sqlite3*, std::unordered_multimap<std::string, sqlite3_stmt*>>& IdleStatements() {
  static auto* idle = new std::unordered_map<sqlite3*, std::unordered_multimap<std::string, sqlite3_stmt*>>();
  return *idle;
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), sql_(sql) {
  {
    std::lock_guard<std::mutex> lock(g_statements_mu);
    auto conn = IdleStatements().find(db);
    if (conn != IdleStatements().end()) {
      auto it = conn->second.find(sql_);
      if (it != conn->second.end()) {
        stmt_ = it->second;
        conn->second.erase(it);
        return;
      }
    }
  }
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    Fail(db, std::string("SQL error: ") + sqlite3_errmsg(db) +
                 " in: " + std::string(sql.substr(0, 120)));
  }
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);  // ends its read, if a caller stopped stepping early
  sqlite3_clear_bindings(stmt_);
  {
    std::lock_guard<std::mutex> lock(g_statements_mu);
    auto conn = IdleStatements().find(db_);
    if (conn != IdleStatements().end() && conn->second.size() < kIdleStatementsPerConnection) {
      conn->second.emplace(std::move(sql_), stmt_);
      return;
    }
  }
  sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, const std::optional<std::string>& v) {
  return v ? Bind(i, std::string_view(*v)) : BindNull(i);
}
Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Fail(db_, std::string("SQLite: ") + sqlite3_errmsg(db_));
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
}
int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Real(int col) const { return sqlite3_column_double(stmt_, col); }

Database::Database(const std::string& path, bool create) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_handler(db_, &Database::OnBusy, this);
  std::lock_guard<std::mutex> lock(g_statements_mu);
  IdleStatements()[db_];
}

Database::~Database() {
  {
    std::lock_guard<std::mutex> lock(g_statements_mu);
    auto conn = IdleStatements().find(db_);
    if (conn != IdleStatements().end()) {
      for (auto& [sql, stmt] : conn->second) sqlite3_finalize(stmt);
      IdleStatements().erase(conn);
    }
  }
  sqlite3_close(db_);
}

// SQLite calls this while another connection holds the lock; `attempt` counts from 0 for each
// lock it waits for. Sleeps grow from 1 ms to 50 ms: short waits (the common case: another
// process commits one document) cost little, long ones poll gently.
int Database::OnBusy(void* self, int attempt) {
  auto* d = static_cast<Database*>(self);
  const int64_t now = NowMs();
  if (attempt == 0) {
    d->wait_started_ms_ = now;
    ++d->busy_.waits;
  }
  const int64_t waited = now - d->wait_started_ms_;
  if (waited >= kBusyTimeoutMs) return 0;
  static constexpr int kSleepMs[] = {1, 2, 5, 10, 20, 50};
  const int sleep_ms = kSleepMs[std::min<size_t>(attempt, std::size(kSleepMs) - 1)];
  std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
  const int64_t after = NowMs();
  d->busy_.total_ms += after - now;
  d->busy_.longest_ms = std::max(d->busy_.longest_ms, after - d->wait_started_ms_);
  return 1;
}

void Database::Exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    Fail(db_, "SQLite: " + msg);
  }
}

void Database::ExecWhenFree(std::string_view sql) {
  const int64_t start = NowMs();
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    const int primary = rc & 0xff;
    if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) || NowMs() - start >= kBusyTimeoutMs) {
      Fail(db_, "SQLite: " + std::string(sqlite3_errmsg(db_)));
    }
    if (attempt == 0) ++busy_.waits;
    const int64_t before = NowMs();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 + attempt, 50)));
    busy_.total_ms += NowMs() - before;
    busy_.longest_ms = std::max(busy_.longest_ms, NowMs() - start);
  }
}

Transaction::Transaction(Database& db) : db_(db) { db_.ExecWhenFree("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.Exec("ROLLBACK");
    } catch (const StoreError&) {
      // Nothing more can be done; the open transaction dies with the connection.
    }
  }
}
void Transaction::Commit() {
  db_.ExecWhenFree("COMMIT");
  done_ = true;
}

}  // namespace assay
