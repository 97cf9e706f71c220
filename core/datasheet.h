// The datasheet of a release ("Datasheets for Datasets", Gebru et al.: the sections that apply
// to a document dataset made by assay): datasheet.json holds every figure, datasheet.md and
// datasheet.html (with inline SVG plots) are renderings of that JSON, so the three never
// disagree. Deterministic: no times, hosts or run numbers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/store.h"

namespace assay {

// Facts gathered while `release create` streams the released records.
class DatasheetBuilder {
 public:
  // One released record, with facts the record does not hold.
  void Add(const Json& record, const std::string& language, const std::string& input_root,
           const Json& tags);
  // A document of the store left out of the release, and why ("rejected", "filter: tag", ...).
  void Exclude(const std::string& reason) { ++excluded_[reason]; }
  // Reads the documents that model feedback flagged (table model_feedback, when the store has
  // it), so the datasheet can count those in the release. Call before Add.
  void LoadFeedback(Store& store);
  // A duplicate left out (also counted as an exclusion).
  void Duplicate(const Json& entry);

  // The datasheet as JSON. `release` holds name, content_sha256, splits, filters, counts and
  // the processing facts of the manifest; the store gives the store-wide sections (contract
  // pass rates per rule, queue state, annotation agreement, model feedback).
  Json Build(Store& store, const Json& release) const;

 private:
  int documents_ = 0, waived_ = 0, pages_ = 0;
  std::map<std::string, int> modality_, language_, root_, tag_, license_, split_, page_count_;
  std::map<std::string, std::vector<double>> metrics_;
  std::map<std::string, int> excluded_;
  std::vector<Json> duplicates_;
  std::map<std::string, int> warnings_;
  std::set<std::string> flagged_;
  int flagged_in_release_ = 0;  // contract warnings by rule among released documents
};

std::string DatasheetMarkdown(const Json& sheet);
std::string DatasheetHtml(const Json& sheet);

}  // namespace assay
