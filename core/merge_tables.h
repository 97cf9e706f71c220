// How `assay merge` (core/merge.h) treats each table of the store. One table, one line: a
// migration that adds a table adds its line here, and tests/unit/merge_tables_test.cpp fails
// while a table of the schema has none (so nothing is silently left behind by a merge).
#pragma once

#include <string_view>
#include <vector>

namespace assay {

enum class MergeAs {
  kExcluded,     // not copied; `why` says why
  kKeyed,        // natural primary key (content hash, path): copied unless the key is there
  kNumbered,     // INTEGER id: renumbered in the merged store, references remapped (merge_ids)
  kDocuments,    // one row per doc_id: the first shard that decided a document provides it
  kPerDocument,  // a document's latest decision (metrics, contract results): copied with the
                 // documents row, never mixed from two shards
};

// A column holding an id of a kNumbered table, remapped on the way in.
struct ColumnRef {
  std::string_view column;
  std::string_view table;
  // The row belongs to the referenced one (an event of a queue item): not copied when that
  // one was folded into a row already in the merged store.
  bool owner = false;
};

struct TableMerge {
  std::string_view table;
  MergeAs as;
  std::string_view id_column = {};  // kNumbered
  std::vector<ColumnRef> refs = {};
  // kNumbered: SQL selecting (old_id: shard id, new_id: id in the merged store or NULL) of rows
  // that duplicate a row already merged from another shard (the same document decided twice) and
  // are folded into it instead of copied. Schema `s` is the shard, `main` the merged store, ?1 the
  // shard's store id, temp.taken the documents this shard provides.
  std::string_view fold_sql = {};
  // SQL selecting one text per row that cannot be merged (a person's work on the same thing in
  // two shards); any row refuses the merge with that text.
  std::string_view conflict_sql = {};
  std::string_view why = {};  // kExcluded
};

// Every table of the schema, in the order a merge copies them (referenced tables first).
const std::vector<TableMerge>& MergeTables();

}  // namespace assay
