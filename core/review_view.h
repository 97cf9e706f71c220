// What `assay serve` shows of one queue item: the item and its audit trail, the failed rules,
// the document's pages with the boxes of its words, blocks, tables and figures, its text and
// tables, and its lineage. Read-only; the formatting for people is the page's (cli/web/).
#pragma once

#include <cstdint>

#include "core/result.h"
#include "core/store.h"

namespace assay {

// {"item": QueueItem JSON, "events": [...], "rules": [failed reasons], "document": {"doc_id",
// "container", "modality", "outcome", "pages": [{"page", "width", "height", "unit",
// "text_source", "words": [[x0,y0,x1,y1]...], "blocks": [{"type","bbox","text"}], "tables":
// [{"bbox","n_rows","n_cols","rows"}], "figures": [{"bbox","caption"}]}], "text", and a video's
// "video" and a transcript's "transcript" as the export has them (ExportVideoJson,
// ExportTranscriptJson)},
// "lineage": LineageView}. Error (stage "usage") for an unknown item.
Result<Json> ReviewItemView(Store& store, int64_t item_id);

}  // namespace assay
