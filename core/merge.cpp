#include "core/merge.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/clock.h"
#include "core/completion_marker.h"
#include "core/exit_codes.h"
#include "core/merge_tables.h"
#include "core/path_text.h"
#include "core/store.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

// A merge refused while copying (a person's work in two shards): rolls the shard back.
struct MergeRefusal {
  std::string message;
};

struct ShardInput {
  fs::path dir;
  std::string path_text;
  CompletionMarker marker;
  std::string marker_text;
};

MergeFailure Refused(const std::string& message) { return {kExitRefused, message}; }

// Runs `sql`, binding ?1 to `store_id` when it has one; returns the rows it changed.
int64_t Exec(Database& db, const std::string& sql, const std::string& store_id = {}) {
  Statement s(db.handle(), sql);
  if (sql.find("?1") != std::string::npos) s.Bind(1, store_id);
  s.Run();
  return sqlite3_changes(db.handle());
}

int64_t Count(Database& db, const std::string& sql, const std::string& store_id = {}) {
  Statement s(db.handle(), sql);
  if (sql.find("?1") != std::string::npos) s.Bind(1, store_id);
  return s.Step() ? s.Int(0) : 0;
}

std::vector<std::string> Columns(Database& db, const std::string& schema, std::string_view table) {
  Statement q(db.handle(), "SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid");
  q.Bind(1, table).Bind(2, schema);
  std::vector<std::string> out;
  while (q.Step()) out.push_back(q.Text(0));
  return out;
}

// The primary key columns of a table of the merged store (every keyed table has one).
std::vector<std::string> PrimaryKey(Database& db, std::string_view table) {
  Statement q(db.handle(),
              "SELECT name FROM pragma_table_info(?1, 'main') WHERE pk > 0 ORDER BY pk");
  q.Bind(1, table);
  std::vector<std::string> out;
  while (q.Step()) out.push_back(q.Text(0));
  if (out.empty())
    throw StoreError("table " + std::string(table) + " has no primary key to merge by");
  return out;
}

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// The expression that reads column `c` of shard row `x` into the merged store.
std::string ColumnExpr(const TableMerge& t, const std::string& c) {
  for (const ColumnRef& r : t.refs) {
    if (r.column == c) {
      return "(SELECT new_id FROM main.merge_ids WHERE store_id = ?1 AND tbl = '" +
             std::string(r.table) + "' AND old_id = x." + c + ")";
    }
  }
  // A run keeps its shard ("K/N" in runs.shard) and says which store it came from.
  if (t.table == "runs" && c == "merged_from") return "?1";
  if (t.table == "runs" && c == "merged_run_id") return "x.run_id";
  return "x." + c;
}

std::string Exprs(const TableMerge& t, const std::vector<std::string>& cols) {
  std::vector<std::string> e;
  for (const std::string& c : cols) e.push_back(ColumnExpr(t, c));
  return Join(e, ", ");
}

// Copies one table of the attached shard `s` into `main`. Returns the rows copied.
int64_t MergeTable(Database& db, const TableMerge& t, const std::string& store_id) {
  const std::string table(t.table);
  if (Columns(db, "s", table).empty()) return 0;  // not in the shard's schema
  if (!t.conflict_sql.empty()) {
    Statement q(db.handle(), std::string(t.conflict_sql));
    q.Bind(1, store_id);
    if (q.Step()) throw MergeRefusal{q.Text(0)};
  }
  std::vector<std::string> cols = Columns(db, "main", table);
  switch (t.as) {
    case MergeAs::kExcluded:
      return 0;
    case MergeAs::kKeyed: {
      // Rows whose key is here are skipped before their other columns are read (SQLite reads
      // columns lazily): a shard merged again does not re-read its outputs' contents.
      std::vector<std::string> same;
      for (const std::string& k : PrimaryKey(db, table)) same.push_back("m." + k + " = x." + k);
      return Exec(db,
                  "INSERT OR IGNORE INTO main." + table + "(" + Join(cols, ", ") + ") SELECT " +
                      Exprs(t, cols) + " FROM s." + table +
                      " x WHERE NOT EXISTS (SELECT 1 FROM main." + table + " m WHERE " +
                      Join(same, " AND ") + ")",
                  store_id);
    }
    case MergeAs::kDocuments: {
      std::vector<std::string> set;
      for (const std::string& c : cols) {
        if (c != "doc_id") set.push_back(c + " = excluded." + c);
      }
      return Exec(db,
                  "INSERT INTO main.documents(" + Join(cols, ", ") + ") SELECT " + Exprs(t, cols) +
                      " FROM s.documents x WHERE x.doc_id IN (SELECT doc_id FROM temp.taken) "
                      "ON CONFLICT(doc_id) DO UPDATE SET " +
                      Join(set, ", "),
                  store_id);
    }
    case MergeAs::kPerDocument:
      Exec(db, "DELETE FROM main." + table + " WHERE doc_id IN (SELECT doc_id FROM temp.taken)");
      return Exec(db,
                  "INSERT INTO main." + table + "(" + Join(cols, ", ") + ") SELECT " +
                      Exprs(t, cols) + " FROM s." + table +
                      " x WHERE x.doc_id IN (SELECT doc_id FROM temp.taken)",
                  store_id);
    case MergeAs::kNumbered:
      break;
  }
  const std::string id(t.id_column);
  const std::string map_row = "main.merge_ids(store_id, tbl, old_id, new_id, folded)";
  if (!t.fold_sql.empty()) {
    Exec(db,
         "INSERT OR IGNORE INTO " + map_row + " SELECT ?1, '" + table +
             "', f.old_id, f.new_id, 1 FROM (" + std::string(t.fold_sql) + ") f",
         store_id);
  }
  for (const ColumnRef& r : t.refs) {
    if (!r.owner) continue;
    Exec(db,
         "INSERT OR IGNORE INTO " + map_row + " SELECT ?1, '" + table + "', x." + id +
             ", NULL, 1 FROM s." + table +
             " x JOIN main.merge_ids p ON p.store_id = ?1 AND p.tbl = '" + std::string(r.table) +
             "' AND p.old_id = x." + std::string(r.column) + " WHERE p.folded = 1",
         store_id);
  }
  // New ids follow the merged store's largest, in the shard's order.
  Exec(db, "DROP TABLE IF EXISTS temp.fresh");
  Exec(db,
       "CREATE TEMP TABLE fresh AS SELECT x." + id + " AS old_id, (SELECT COALESCE(MAX(" + id +
           "), 0) FROM main." + table + ") + ROW_NUMBER() OVER (ORDER BY x." + id +
           ") AS new_id FROM s." + table +
           " x WHERE NOT EXISTS (SELECT 1 FROM main.merge_ids m WHERE m.store_id = ?1 AND "
           "m.tbl = '" +
           table + "' AND m.old_id = x." + id + ")",
       store_id);
  Exec(db,
       "INSERT INTO " + map_row + " SELECT ?1, '" + table + "', old_id, new_id, 0 FROM temp.fresh",
       store_id);
  std::vector<std::string> rest;
  for (const std::string& c : cols) {
    if (c != id) rest.push_back(c);
  }
  const int64_t n = Exec(db,
                         "INSERT INTO main." + table + "(" + id + ", " + Join(rest, ", ") +
                             ") SELECT f.new_id, " + Exprs(t, rest) + " FROM s." + table +
                             " x JOIN temp.fresh f ON f.old_id = x." + id + " ORDER BY f.new_id",
                         store_id);
  Exec(db, "DROP TABLE temp.fresh");
  return n;
}

// Reads the shard folder's completion marker, or says why it has none.
std::variant<ShardInput, MergeFailure> ReadShard(const fs::path& dir) {
  ShardInput in;
  in.dir = dir;
  in.path_text = PathToText(dir.string());
  const fs::path db = dir / "assay.db";
  std::error_code ec;
  if (!fs::exists(db, ec)) {
    return MergeFailure{kExitUsage, in.path_text + ": no store (assay.db) there"};
  }
  std::vector<fs::path> markers;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (ShardOfMarkerName(it->path().filename().string())) markers.push_back(it->path());
  }
  Store store(db, /*create=*/false, /*for_writing=*/false);  // migrates an older store forward
  if (markers.empty()) {
    Statement q(store.db().handle(), "SELECT shard FROM runs ORDER BY run_id DESC LIMIT 1");
    std::string shard = q.Step() ? q.Text(0) : "";
    auto spec = ParseShard(shard);
    if (shard.empty()) {
      return Refused(in.path_text + ": no completion marker (shard-K-of-N.done) and no run " +
                     "recorded: the shard did not finish (stopped while starting); re-submit it");
    }
    if (!spec.ok() || spec.value().count == 1) {
      return Refused(in.path_text + ": no completion marker (shard-K-of-N.done): not the " +
                     "output of a finished `assay run --shard K/N`");
    }
    return Refused("shard " + shard + " (" + in.path_text + ") has no completion marker " +
                   PathToText((dir / spec.value().MarkerName()).string()) +
                   ": it did not finish; re-submit array index " +
                   std::to_string(spec.value().index) + " and merge again");
  }
  if (markers.size() > 1) {
    return Refused(in.path_text + ": several completion markers; a folder holds one shard");
  }
  std::ifstream f(markers.front(), std::ios::binary);
  std::stringstream text;
  text << f.rdbuf();
  in.marker_text = text.str();
  auto marker = CompletionMarker::FromJson(in.marker_text);
  if (!marker.ok()) {
    return Refused(PathToText(markers.front().string()) + ": " + marker.error().message);
  }
  in.marker = marker.value();
  if (in.marker.shard.MarkerName() != markers.front().filename().string()) {
    return Refused(PathToText(markers.front().string()) + ": says shard " + in.marker.shard.Text());
  }
  if (in.marker.store_id != StoreIdOf(store)) {
    return Refused(PathToText(markers.front().string()) +
                   ": the marker was written for another store (its store_id differs)");
  }
  return in;
}

struct KnownShard {
  std::string shard, where, processing_identity, contracts_sha256;
};

}  // namespace

std::variant<MergeReport, MergeFailure> MergeShards(const MergeOptions& opt) {
  const double t0 = MonotonicSeconds();
  if (opt.shards.empty()) return MergeFailure{kExitUsage, "no shard folders given"};
  try {
    std::vector<ShardInput> inputs;
    for (const fs::path& dir : opt.shards) {
      std::error_code ec;
      if (fs::exists(opt.into, ec) && fs::equivalent(dir, opt.into, ec)) {
        return MergeFailure{kExitUsage, PathToText(dir.string()) + " is the --into folder"};
      }
      auto read = ReadShard(dir);
      if (auto* f = std::get_if<MergeFailure>(&read)) return *f;
      inputs.push_back(std::get<ShardInput>(std::move(read)));
    }
    std::sort(inputs.begin(), inputs.end(), [](const ShardInput& a, const ShardInput& b) {
      return std::tie(a.marker.shard.index, a.marker.store_id) <
             std::tie(b.marker.shard.index, b.marker.store_id);
    });

    std::error_code ec;
    fs::create_directories(opt.into, ec);
    if (ec) {
      return MergeFailure{kExitInternal,
                          "cannot create " + PathToText(opt.into.string()) + ": " + ec.message()};
    }
    Store target(opt.into / "assay.db", /*create=*/true);
    Database& db = target.db();
    const std::string target_id = StoreIdOf(target);

    // What is known of the corpus's shards: merged before, and given now.
    std::vector<KnownShard> known;
    {
      Statement q(db.handle(),
                  "SELECT shard, path, processing_identity, contracts_sha256 FROM merged_shards");
      while (q.Step()) known.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3)});
    }
    for (const ShardInput& in : inputs) {
      if (in.marker.store_id == target_id) {
        return MergeFailure{kExitUsage, in.path_text + " holds the --into store itself"};
      }
      known.push_back({in.marker.shard.Text(), in.path_text, in.marker.processing_identity,
                       in.marker.contracts_sha256});
    }
    // One split, complete: a shard left out would silently drop its part of the corpus.
    std::map<int, std::set<int>> by_count;
    for (const KnownShard& k : known) {
      auto spec = ParseShard(k.shard);
      if (spec.ok()) by_count[spec.value().count].insert(spec.value().index);
    }
    if (by_count.size() > 1) {
      return Refused("the shards come from different splits (" + known.front().shard + " in " +
                     known.front().where + ", " + known.back().shard + " in " + known.back().where +
                     ")");
    }
    const auto& [count, present] = *by_count.begin();
    std::vector<std::string> missing;
    for (int k = 0; k < count; ++k) {
      if (!present.count(k)) missing.push_back(ShardSpec{k, count}.Text());
    }
    if (!missing.empty()) {
      return Refused("shard" + std::string(missing.size() > 1 ? "s " : " ") + Join(missing, ", ") +
                     " missing: give the output folder of every shard (with its " +
                     ShardSpec{std::stoi(missing.front()), count}.MarkerName() + ")");
    }
    if (!opt.allow_mixed) {
      for (const KnownShard& k : known) {
        const KnownShard& first = known.front();
        if (k.contracts_sha256 != first.contracts_sha256) {
          return Refused("shard " + k.shard + " (" + k.where + ") used another contract set than " +
                         "shard " + first.shard + " (" + first.where +
                         "); --allow-mixed merges them anyway");
        }
        if (k.processing_identity != first.processing_identity) {
          return Refused("shard " + k.shard + " (" + k.where + ") has another processing " +
                         "version (tool, pipelines, parameters, models or libraries) than shard " +
                         first.shard + " (" + first.where + "); --allow-mixed merges them anyway");
        }
      }
    }

    MergeReport report;
    for (const ShardInput& in : inputs) {
      MergedShard m;
      m.path = in.path_text;
      m.shard = in.marker.shard.Text();
      m.store_id = in.marker.store_id;
      m.already_merged =
          Count(db, "SELECT COUNT(*) FROM merged_shards WHERE store_id = ?1", m.store_id) > 0;
      {
        Statement a(db.handle(), "ATTACH DATABASE ?1 AS s");
        a.Bind(1, (in.dir / "assay.db").string()).Run();
      }
      try {
        Transaction tx(db);
        Exec(db, "PRAGMA defer_foreign_keys = ON");
        Exec(db, "DROP TABLE IF EXISTS temp.taken");
        // The documents this shard provides: new here, or decided here while still pending.
        Exec(db,
             "CREATE TEMP TABLE taken AS SELECT d.doc_id FROM s.documents d "
             "LEFT JOIN main.documents t ON t.doc_id = d.doc_id "
             "WHERE t.doc_id IS NULL OR (t.outcome IS NULL AND d.outcome IS NOT NULL)");
        m.documents = Count(db, "SELECT COUNT(*) FROM temp.taken");
        m.shared_documents = Count(db, "SELECT COUNT(*) FROM s.documents") - m.documents;
        for (const TableMerge& t : MergeTables()) {
          const int64_t n = MergeTable(db, t, m.store_id);
          if (t.table == "runs") m.runs = n;
          if (t.table == "transformations") m.transformations = n;
        }
        m.folded =
            Count(db, "SELECT COUNT(*) FROM main.merge_ids WHERE store_id = ?1 AND folded = 1",
                  m.store_id);
        Statement r(db.handle(),
                    "INSERT OR IGNORE INTO merged_shards(store_id, shard, path, marker, "
                    "processing_identity, contracts_sha256, merged_at, folded) "
                    "VALUES(?,?,?,?,?,?,?,?)");
        r.Bind(1, m.store_id).Bind(2, m.shard).Bind(3, m.path).Bind(4, in.marker_text);
        r.Bind(5, in.marker.processing_identity).Bind(6, in.marker.contracts_sha256);
        r.Bind(7, NowRfc3339()).Bind(8, m.folded).Run();
        Statement u(db.handle(),
                    "UPDATE merged_shards SET folded = ? WHERE store_id = ? AND folded <> ?");
        u.Bind(1, m.folded).Bind(2, m.store_id).Bind(3, m.folded).Run();
        Exec(db, "DROP TABLE temp.taken");
        tx.Commit();
      } catch (...) {
        Exec(db, "DETACH DATABASE s");
        throw;
      }
      Exec(db, "DETACH DATABASE s");
      report.shards.push_back(std::move(m));
    }
    report.documents = Count(db, "SELECT COUNT(*) FROM documents");
    report.seconds = MonotonicSeconds() - t0;
    return report;
  } catch (const MergeRefusal& r) {
    return Refused(r.message);
  } catch (const StoreError& e) {
    return MergeFailure{kExitInternal, e.what()};
  }
}

}  // namespace assay
