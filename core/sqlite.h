// Thin RAII over the SQLite C API: a connection and prepared statements.
// Errors on the database are run-level failures and throw StoreError; per-document problems
// never reach this layer.
//
// Several processes may use one store at once (runs, queue actions, status). Every write
// transaction is BEGIN IMMEDIATE and short; a connection waits for the write lock up to
// kBusyTimeoutMs (far longer than any write transaction assay makes), and counts its waits.
// An error saying the database file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB) is recorded
// beside the store (core/store_health.h) before it is thrown, so no later process writes into it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace assay {

// How long a connection waits for another process's write transaction before giving up.
inline constexpr int kBusyTimeoutMs = 300000;

class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& what, bool damaged = false)
      : std::runtime_error(what), damaged_(damaged) {}
  // True when SQLite said the database file is damaged.
  bool damaged() const { return damaged_; }

 private:
  bool damaged_;
};

// A prepared statement. Preparing costs more than running most of assay's queries, so a
// Database keeps its finished statements, reset and unbound, and a later Statement with the
// same SQL text on that connection takes one instead of preparing again.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based position; returns *this so binds chain.
  Statement& Bind(int i, std::string_view v);
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, double v);
  Statement& Bind(int i, const std::optional<std::string>& v);
  Statement& BindNull(int i);

  // Advances; true while a row is available.
  bool Step();
  // Runs a statement that returns no rows.
  void Run();
  void Reset();

  bool IsNull(int col) const;
  std::string Text(int col) const;
  int64_t Int(int col) const;
  double Real(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;  // the key under which the prepared statement is kept for reuse
};

// Waits for other processes' write locks, as seen by one connection.
struct BusyStats {
  int64_t waits = 0;       // lock acquisitions that had to wait
  int64_t total_ms = 0;    // time spent waiting
  int64_t longest_ms = 0;  // the longest single wait
};

class Database {
 public:
  explicit Database(const std::string& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void Exec(std::string_view sql);
  // Exec, retried while SQLite answers SQLITE_BUSY without waiting itself (it does so for a
  // few lock upgrades: changing the journal mode, WAL recovery), up to kBusyTimeoutMs.
  void ExecWhenFree(std::string_view sql);
  sqlite3* handle() const { return db_; }
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  const std::string& path() const { return path_; }
  const BusyStats& busy_stats() const { return busy_; }

 private:
  static int OnBusy(void* self, int attempt);
  sqlite3* db_ = nullptr;
  std::string path_;
  BusyStats busy_;
  int64_t wait_started_ms_ = 0;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace assay
