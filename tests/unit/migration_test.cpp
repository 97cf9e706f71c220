// Migrating a store that holds data: a version-1 store (schemas/001_initial.sql only) with the
// rows a run writes is opened by Store and must reach the latest version with every row intact.
// Nothing here names the latest version: a migration 003, 004... is checked as it is added.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/store.h"
#include "tests/unit/test_paths.h"

namespace assay {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Columns that a later migration fills from existing data instead of leaving their declared
// default: "table.column". Add one here, with the expected values checked in its own test,
// when a migration backfills.
const std::vector<std::string> kBackfilledColumns = {};

// What a run of an assay with schema version 1 wrote: two runs (one killed), two sources seen
// at three paths, an accepted, an errored and a pending document, their stage outputs,
// transformations and metrics.
constexpr std::string_view kVersion1Rows = R"sql(
INSERT INTO runs(run_id, started_at, finished_at, status, tool_version, git_commit, config_hash,
                 config, libraries, tessdata_sha256, host, shard, argv, workers)
VALUES (1, '2024-05-02T09:00:00Z', '2024-05-02T09:03:12Z', 'finished', '0.1.0', 'abc1234',
        'c0ffee', '{"pdf":[]}', '{"poppler":"22.12.0"}', 'feed', 'builder', '0/1',
        '["assay","run","in"]', 2),
       (2, '2024-05-03T10:00:00Z', NULL, 'running', '0.1.0', 'abc1234', 'c0ffee', '{"pdf":[]}',
        '{"poppler":"22.12.0"}', 'feed', 'builder', '0/1', '["assay","run","in","-j","4"]', 4);
INSERT INTO sources(source_id, bytes, mime, first_seen_at)
VALUES ('s_pdf', 51234, 'application/pdf', '2024-05-02T09:00:01Z'),
       ('s_png', 812345, 'image/png', '2024-05-02T09:00:01Z');
INSERT INTO source_paths(source_id, path, first_seen_at, last_run_id)
VALUES ('s_pdf', 'in/report.pdf', '2024-05-02T09:00:01Z', 2),
       ('s_pdf', 'in/copy of report.pdf', '2024-05-03T10:00:01Z', 2),
       ('s_png', 'in/scan.png', '2024-05-02T09:00:01Z', 1);
INSERT INTO documents(doc_id, source_id, path, container, modality, alt_text, ground_truth, tags,
                      ingested_at, processing_version, outcome, error_stage, error_message,
                      output_sha256, page_count, run_id, processed_at)
VALUES ('d_pdf', 's_pdf', 'in/report.pdf', 'pdf', 'pdf_text', NULL, 'in/report.gt.txt',
        '["finance"]', '2024-05-02T09:00:01Z', 'pv1', 'accepted', NULL, NULL, 'o_quality', 3, 1,
        '2024-05-02T09:01:00Z'),
       ('d_png', 's_png', 'in/scan.png', 'image', NULL, 'a scanned letter', NULL, '[]',
        '2024-05-02T09:00:01Z', 'pv2', 'error', 'ocr', 'timeout: still running after 300 s',
        NULL, NULL, 1, '2024-05-02T09:03:00Z'),
       ('d_bad', NULL, 'in/unreadable.pdf', 'unreadable', NULL, NULL, NULL, '[]',
        '2024-05-03T10:00:01Z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO outputs(sha256, media_type, bytes, content)
VALUES ('o_text', 'application/json', 16, '{"text":"Hello"}'),
       ('o_quality', 'application/json', 22, X'7B2274657874223A2248656C6C6F222C2271223A317D');
INSERT INTO transformations(transformation_id, doc_id, run_id, processing_version, seq, stage,
                            stage_version, params, params_sha256, input_sha256, output_sha256,
                            started_at, duration_ms, outcome, note)
VALUES (1, 'd_pdf', 1, 'pv1', 0, 'pdf_text', 1, '{}', 'p0', 's_pdf', 'o_text',
        '2024-05-02T09:00:02Z', 12.5, 'ok', ''),
       (2, 'd_pdf', 1, 'pv1', 1, 'rasterize', 1, '{"dpi":300}', 'p1', 'o_text', 'o_text',
        '2024-05-02T09:00:02Z', 0.1, 'skipped', 'every page has a text layer'),
       (3, 'd_pdf', 1, 'pv1', 2, 'quality', 2, '{}', 'p2', 'o_text', 'o_quality',
        '2024-05-02T09:00:03Z', 3.25, 'ok', ''),
       (4, 'd_png', 1, 'pv2', 0, 'image_load', 1, '{}', 'p3', 's_png', 'o_text',
        '2024-05-02T09:00:02Z', 40, 'ok', ''),
       (5, 'd_png', 1, 'pv2', 1, 'ocr', 1, '{"lang":"eng"}', 'p4', 'o_text', NULL,
        '2024-05-02T09:00:03Z', 300000, 'error', 'timeout');
INSERT INTO metrics(doc_id, scope, name, value)
VALUES ('d_pdf', '', 'pdf.pages', 3), ('d_pdf', '', 'text.chars', 5123.0),
       ('d_pdf', 'page:2', 'text.chars', 1702.5), ('d_png', '', 'image.dpi', 300);
)sql";

// Every row of `table` (in rowid order), each column as an SQL literal (quote()), so a changed
// type (3 -> '3', 1.0 -> 1) shows as a difference.
Rows Snapshot(sqlite3* db, const std::string& table, const std::vector<std::string>& columns) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", quote(\"" : "quote(\"") + columns[i] + "\")";
  }
  sql += " FROM \"" + table + "\" ORDER BY rowid";
  Rows rows;
  Statement q(db, sql);
  while (q.Step()) {
    rows.emplace_back();
    for (size_t i = 0; i < columns.size(); ++i) rows.back().push_back(q.Text(static_cast<int>(i)));
  }
  return rows;
}

// Column name -> declared default (SQL text; empty when there is none, i.e. NULL).
std::map<std::string, std::string> Columns(sqlite3* db, const std::string& table) {
  std::map<std::string, std::string> out;
  Statement q(db, "SELECT name, dflt_value FROM pragma_table_info(?)");
  q.Bind(1, table);
  while (q.Step()) out[q.Text(0)] = q.IsNull(1) ? "" : q.Text(1);
  return out;
}

std::vector<std::string> Tables(sqlite3* db) {
  std::vector<std::string> out;
  Statement q(db,
              "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
              "ORDER BY name");
  while (q.Step()) out.push_back(q.Text(0));
  return out;
}

int64_t Count(sqlite3* db, const std::string& sql) {
  Statement q(db, sql);
  EXPECT_TRUE(q.Step()) << sql;
  return q.Int(0);
}

TEST(MigrationTest, VersionOneStoreWithDataMigratesToTheLatestKeepingEveryRow) {
  ASSERT_FALSE(Migrations().empty());
  ASSERT_EQ(Migrations().front().version, 1);
  const auto path = testing::TempDir() / "v1.db";

  // The version-1 store, as an assay of that version left it.
  std::map<std::string, std::vector<std::string>> v1_columns;
  std::map<std::string, Rows> v1_rows;
  {
    Database db(path.string(), true);
    Transaction tx(db);
    db.Exec(Migrations().front().sql);
    db.Exec("PRAGMA user_version=1");
    db.Exec(kVersion1Rows);
    tx.Commit();
    for (const std::string& table : Tables(db.handle())) {
      for (const auto& [column, dflt] : Columns(db.handle(), table)) {
        v1_columns[table].push_back(column);
      }
      v1_rows[table] = Snapshot(db.handle(), table, v1_columns[table]);
    }
  }
  ASSERT_EQ(v1_rows["documents"].size(), 3u);
  ASSERT_EQ(v1_rows["transformations"].size(), 5u);

  Store store(path, /*create=*/false);
  sqlite3* db = store.db().handle();
  EXPECT_EQ(store.schema_version(), Migrations().back().version);
  {
    Statement q(db, "PRAGMA integrity_check");
    ASSERT_TRUE(q.Step());
    EXPECT_EQ(q.Text(0), "ok");
  }
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);

  for (const auto& [table, columns] : v1_columns) {
    SCOPED_TRACE("table " + table);
    // Every row of version 1, every column, unchanged.
    EXPECT_EQ(Snapshot(db, table, columns), v1_rows[table]);
    // Columns added since hold their declared default in every existing row.
    for (const auto& [column, dflt] : Columns(db, table)) {
      if (std::find(columns.begin(), columns.end(), column) != columns.end()) continue;
      if (std::find(kBackfilledColumns.begin(), kBackfilledColumns.end(), table + "." + column) !=
          kBackfilledColumns.end()) {
        continue;
      }
      EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM \"" + table + "\" WHERE \"" + column +
                              "\" IS NOT (" + (dflt.empty() ? "NULL" : dflt) + ")"),
                0)
          << "new column " << table << "." << column << " (default "
          << (dflt.empty() ? "NULL" : dflt) << ") is not at its default in an old row";
    }
  }

  // The columns migration 2 added, by name: what later code relies on for old rows.
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM documents WHERE contract_sha256 IS NULL"), 3);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM documents WHERE param_overrides = '{}'"), 3);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM transformations WHERE queue_item_id IS NULL"), 5);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM queue_items"), 0);

  // And the store reads old rows as its own.
  auto accepted = store.GetDocumentState("d_pdf");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->outcome, "accepted");
  EXPECT_EQ(accepted->processing_version, "pv1");
  EXPECT_EQ(accepted->overrides, Json::object());
  auto pending = store.GetDocumentState("d_bad");
  ASSERT_TRUE(pending);
  EXPECT_FALSE(pending->outcome);
  // Transformations made before their key covered resources are never reused...
  EXPECT_FALSE(store.FindTransformation("pdf_text", 1, "p0", "", "s_pdf"));
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM transformations WHERE resources_sha256 IS NULL"), 5);
  // ...but what they made is still read: before migration 3 a document's output was whole.
  EXPECT_EQ(store.GetOutput("o_quality"), "{\"text\":\"Hello\",\"q\":1}");
  auto content = store.DocumentContent("d_pdf");
  ASSERT_TRUE(content);
  EXPECT_EQ(DumpCanonical(*content), R"({"q":1,"text":"Hello"})");
}

TEST(MigrationTest, ReopeningAMigratedStoreChangesNothing) {
  const auto path = testing::TempDir() / "v1.db";
  {
    Database db(path.string(), true);
    Transaction tx(db);
    db.Exec(Migrations().front().sql);
    db.Exec("PRAGMA user_version=1");
    db.Exec(kVersion1Rows);
    tx.Commit();
  }
  std::map<std::string, Rows> first;
  {
    Store store(path, false);
    for (const std::string& table : Tables(store.db().handle())) {
      std::vector<std::string> columns;
      for (const auto& [column, dflt] : Columns(store.db().handle(), table)) {
        columns.push_back(column);
      }
      first[table] = Snapshot(store.db().handle(), table, columns);
    }
  }
  Store again(path, false);
  EXPECT_EQ(again.schema_version(), Migrations().back().version);
  for (const auto& [table, rows] : first) {
    std::vector<std::string> columns;
    for (const auto& [column, dflt] : Columns(again.db().handle(), table)) {
      columns.push_back(column);
    }
    EXPECT_EQ(Snapshot(again.db().handle(), table, columns), rows) << table;
  }
}

}  // namespace
}  // namespace assay
