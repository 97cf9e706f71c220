// The stage interface: one processor applied to one document inside a worker.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/document.h"
#include "core/result.h"

namespace tesseract {
class TessBaseAPI;
}
class Hunspell;

namespace assay {

// Expensive per-worker state, created once per worker process and lent to every stage.
struct StageContext {
  tesseract::TessBaseAPI* tesseract = nullptr;  // initialised with the run's language
  Hunspell* dictionary = nullptr;               // the quality stage's word list
};

// What a stage did with a document that did not fail it.
struct StageReport {
  std::string outcome = "ok";  // "ok", or "skipped" when the stage does not apply
  std::string note;            // why it was skipped, or what it noticed
};

// A stage has a stable id, an integer version bumped whenever its output can change, and
// canonical parameters (a JSON object with sorted keys). All three go into lineage and into
// the document's processing_version. Run() must be deterministic for the same document,
// parameters and library versions, use no globals and write nothing outside `doc`.
// A failure is returned as an Error, never thrown.
class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view id() const = 0;
  virtual int version() const = 0;
  virtual const nlohmann::json& params() const = 0;
  virtual Result<StageReport> Run(Document& doc, StageContext& ctx) const = 0;
};

}  // namespace assay
