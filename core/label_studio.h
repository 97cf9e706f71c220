// The file formats of annotation round trips: tasks out (Label Studio's task JSON, or JSON
// Lines) and votes in (Label Studio's JSON export, or JSON Lines). Pure conversions: the store
// side is core/annotation_store.h.
//
// Checked against Label Studio's documentation, 1.x (HumanSignal/label-studio,
// docs/source/guide/tasks.md "Basic Label Studio JSON format" and
// docs/source/includes/task_format.md "Label Studio JSON format of annotated tasks"; online at
// labelstud.io/guide/tasks and labelstud.io/guide/task_format). The field-by-field mapping is in
// docs/annotation.md.
#pragma once

#include <string>
#include <vector>

#include "core/annotation_store.h"
#include "core/document.h"
#include "core/result.h"

namespace assay {

// How exported tasks point at their image files.
struct ImageLinks {
  std::string mode = "local-files";  // local-files: /data/local-files/?d=PATH; data-url: embedded
  std::string root = "/";            // local-files: PATH is relative to this folder
};

// Label Studio's import format: a JSON array of {"data": {...}} tasks. `data` carries
// assay_task_id (the key votes come back with), the question, the label set, the text and the
// image link; tasks in adjudication carry the earlier votes as predictions.
Result<Json> LabelStudioTasks(const std::vector<TaskForExport>& tasks, const ImageLinks& links);

// Label Studio's labeling configuration (XML) for a task type's tasks: the image (for
// show = "image"), the text, and a single-choice Choices named "label" over the label set.
std::string LabelStudioConfig(const std::vector<std::string>& labels, bool show_image);

// One JSON object per task (the same facts as Label Studio's `data`).
Json JsonlTask(const TaskForExport& task);

// Votes from a Label Studio JSON export (an array of tasks with "annotations"). The task is
// data.assay_task_id; the annotator completed_by (a user id, or an object with an email);
// the label the single choice of the result whose from_name is "label"; cancelled (skipped)
// annotations are not votes. Errors name the file and the record, all at once.
Result<std::vector<ImportedVote>> ParseLabelStudioExport(const std::string& text,
                                                         const std::string& path);

// Votes from JSON Lines: {"task_id": N, "annotator": "...", "label": "...",
// "annotated_at"?: "...", "ref"?: "..."} per line; any other key is an error.
Result<std::vector<ImportedVote>> ParseJsonlVotes(const std::string& text, const std::string& path);

}  // namespace assay
