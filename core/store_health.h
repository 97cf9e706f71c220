// Whether a store may be written: a store known to be damaged is never written again, since
// every write into a damaged b-tree can spread the damage (and lineage read from it cannot be
// trusted). Damage is learned two ways: a check when the store is opened for writing, and any
// SQLite error saying the file is damaged (core/sqlite.cpp), recorded in a file beside the store
// (`assay.db.damaged`) because the damaged store itself is no place to write it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace assay {

class Database;

// Stores up to this size get `PRAGMA quick_check` whenever they are opened for writing.
// Measured (docs/security.md): 1.5 s on a 1 GiB store in the page cache, 35 s from a cold disk;
// at 128 MiB that is ~0.2 s warm. Larger stores get the cheap checks only (header, schema),
// plus a full quick_check whenever damage was recorded.
inline constexpr uint64_t kQuickCheckMaxBytes = 128ull << 20;

// Records that the store at `db_path` is damaged (`why`), beside it. Best effort: never throws.
void RecordStoreDamage(const std::string& db_path, const std::string& why);

// The recorded damage of the store at `db_path`, if any.
std::optional<std::string> RecordedStoreDamage(const std::string& db_path);

// Checks the store before anything is written to it. Returns why it must not be written
// (nullopt: it may). A store recorded as damaged that now passes quick_check (it was recovered
// or replaced) has its record removed and may be written.
std::optional<std::string> StoreDamage(Database& db);

// The message a refused command prints: what is wrong and how to recover.
std::string DamagedStoreMessage(const std::string& db_path, const std::string& why);

}  // namespace assay
