// Every table of the schema has a merge rule (core/merge_tables.h): a migration that adds a
// table without saying how `assay merge` treats it fails here, instead of a merge that drops it.
#include "core/merge_tables.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/store.h"
#include "test_paths.h"

namespace assay {
namespace {

TEST(MergeTablesTest, EveryTableOfTheSchemaHasARule) {
  const auto dir = testing::TempDir();
  Store store(dir / "assay.db", /*create=*/true);
  std::set<std::string> ruled;
  for (const TableMerge& t : MergeTables()) {
    EXPECT_TRUE(ruled.insert(std::string(t.table)).second) << "twice: " << t.table;
    if (t.as == MergeAs::kExcluded) {
      EXPECT_FALSE(t.why.empty()) << t.table << " needs a why";
    }
    if (t.as == MergeAs::kNumbered) {
      EXPECT_FALSE(t.id_column.empty()) << t.table;
    }
  }
  Statement q(store.db().handle(),
              "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'");
  std::set<std::string> tables;
  while (q.Step()) tables.insert(q.Text(0));
  for (const std::string& t : tables) {
    EXPECT_TRUE(ruled.count(t)) << "table " << t << " has no line in core/merge_tables.cpp: "
                                << "say how `assay merge` treats it (or why it is excluded)";
  }
  for (const std::string& t : ruled) {
    EXPECT_TRUE(tables.count(t)) << "core/merge_tables.cpp names " << t << ", not in the schema";
  }
}

TEST(MergeTablesTest, ReferencesPointAtNumberedTablesMergedBefore) {
  std::set<std::string> numbered_so_far;
  for (const TableMerge& t : MergeTables()) {
    if (t.as == MergeAs::kNumbered) numbered_so_far.insert(std::string(t.table));
    for (const ColumnRef& r : t.refs) {
      EXPECT_TRUE(numbered_so_far.count(std::string(r.table)))
          << t.table << "." << r.column << " refers to " << r.table
          << ", which is not a numbered table merged before it";
    }
  }
}

}  // namespace
}  // namespace assay
