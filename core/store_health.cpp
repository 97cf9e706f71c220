#include "core/store_health.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "core/sqlite.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

std::string MarkerPath(const std::string& db_path) { return db_path + ".damaged"; }

// `PRAGMA quick_check`'s findings; empty when the store is sound. Limited to a few lines: a
// badly damaged store reports thousands.
std::string QuickCheck(Database& db) {
  std::string found;
  try {
    Statement s(db.handle(), "PRAGMA quick_check(5)");
    while (s.Step()) {
      const std::string line = s.Text(0);
      if (line == "ok") continue;
      found += (found.empty() ? "" : "; ") + line;
    }
  } catch (const StoreError& e) {
    found = e.what();
  }
  return found;
}

// What costs nothing on any size: the header names SQLite and the schema parses. Read through
// SQLite only: opening and closing another descriptor on the store file would drop this
// process's POSIX locks on it (a close releases them all), and another process could then
// checkpoint and delete the WAL under this one.
std::string CheapCheck(Database& db) {
  try {
    Statement s(db.handle(), "SELECT COUNT(*) FROM sqlite_schema");
    s.Step();
  } catch (const StoreError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

void RecordStoreDamage(const std::string& db_path, const std::string& why) {
  std::ofstream out(MarkerPath(db_path), std::ios::app);
  out << NowRfc3339() << " " << why.substr(0, 4096) << "\n";
}

std::optional<std::string> RecordedStoreDamage(const std::string& db_path) {
  std::ifstream in(MarkerPath(db_path));
  if (!in) return std::nullopt;
  std::string first;
  std::getline(in, first);
  return first.empty() ? std::string("recorded as damaged") : first;
}

std::optional<std::string> StoreDamage(Database& db) {
  std::error_code ec;
  const uint64_t size = fs::file_size(db.path(), ec);
  const bool recorded = RecordedStoreDamage(db.path()).has_value();
  std::string found = CheapCheck(db);
  if (found.empty() && (recorded || ec || size <= kQuickCheckMaxBytes)) found = QuickCheck(db);
  if (found.empty()) {
    if (recorded) fs::remove(MarkerPath(db.path()), ec);  // recovered since
    return std::nullopt;
  }
  if (!recorded) RecordStoreDamage(db.path(), found);
  return found;
}

std::string DamagedStoreMessage(const std::string& db_path, const std::string& raw_why) {
  std::string why = raw_why.substr(0, 500);
  std::replace(why.begin(), why.end(), '\n', ' ');
  const std::string dir = fs::path(db_path).parent_path().string();
  std::ostringstream m;
  m << "the store " << db_path << " is damaged (" << why << "); assay will not write into it.\n"
    << "  Recover it: sqlite3 " << db_path << " .recover | sqlite3 " << dir << "/recovered.db\n"
    << "  check the copy: sqlite3 " << dir << "/recovered.db 'PRAGMA integrity_check'\n"
    << "  then, with no assay working on it, keep the damaged file aside and move the copy in "
       "its place (mv "
    << db_path << " " << db_path << ".broken; mv " << dir << "/recovered.db " << db_path << "),\n"
    << "  or put back a copy made with `assay store backup`.";
  return m.str();
}

}  // namespace assay
