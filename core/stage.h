// The stage interface: what a stage declares (StageSpec) and what it does to one document
// inside a worker (Stage::Run).
//
// A new stage is one file in stages/ defining `const StageSpec& MyStage()` plus one line in
// stages/stage_list.inc; a pipeline configuration (stages/pipelines.toml or `--config`) names
// it. Everything else (parameter validation, the metric catalog, `assay stages`, resources,
// reuse, lineage) follows from the declaration.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/resource.h"
#include "core/result.h"

namespace assay {

// ---------------------------------------------------------------------------------------------
// Declarations.

enum class ParamType { kInt, kNumber, kString, kBool };

// One parameter of a stage. A value is valid when it has the type (an integral number is
// accepted for kInt and normalised to an integer; for kNumber an integral value is written as
// an integer, so 60 and 60.0 are one parameter value), lies in [min, max] for numbers, and for
// strings is one of `choices` (when given) and matches `pattern` (an ECMAScript regex the
// whole value must match, when given). Invalid values are refused where they enter (the
// configuration, `--set`, `queue reprocess --set`), never recorded without being used.
struct ParamSpec {
  std::string_view name;
  ParamType type;
  CanonicalJson default_value;
  double min = 0, max = 0;  // kInt, kNumber: inclusive bounds
  std::vector<std::string_view> choices = {};
  std::string_view pattern = {};
  std::string_view meaning = {};
};

// A metric a stage writes into Document::metrics (and, when `per_page`, into
// part_metrics["page:N"]; when `per_cue`, into part_metrics["cue:N"], a transcript's cues). A metric name is a lineage key: never renamed, never reused with
// another meaning. Exactly one stage declares each metric; a stage that writes a metric it does
// not declare fails the document (the catalog stays the truth about what a metric means).
struct MetricSpec {
  std::string_view name;
  bool per_page = false;
  std::string_view meaning = {};
  bool per_cue = false;
};

// How a stage relates to page pixels. kMakes: it sets page rasters (and records a RasterStep
// from which it can rebuild them, see Stage::RebuildRaster); kReads: it reads them through
// StageContext::Pixels; kNone: it never looks at pixels.
enum class Pixels { kNone, kReads, kMakes };

class Stage;

struct StageSpec {
  std::string_view id;  // stable lowercase key, a lineage key
  int version = 1;      // bumped whenever the stage's output can change for the same input
  std::string_view summary;
  // Containers whose pipelines may list the stage ("pdf", "image", ...).
  std::vector<std::string_view> containers = {};
  // Modalities it runs on; on a document of another modality (established by an earlier stage)
  // it is recorded as skipped. Empty: every modality, including a document not yet classified.
  std::vector<std::string_view> modalities = {};
  // Modalities this stage may assign to a document (the contract set must cover each).
  std::vector<std::string_view> establishes = {};
  std::vector<ParamSpec> params = {};
  std::vector<MetricSpec> metrics = {};
  // Libraries whose versions can change its output, by the names LibraryVersions() uses
  // ("poppler", "tesseract", "leptonica", "opencv", "hunspell"). Part of its reuse key.
  std::vector<std::string_view> libraries = {};
  // The resources it needs for a given (complete, valid) parameter set; their hashes are part
  // of its reuse key and lineage. Null: none.
  std::vector<ResourceRef> (*resources)(const CanonicalJson& params) = nullptr;
  Pixels pixels = Pixels::kNone;
  // True when the stage reads the document's ground truth (the manifest's): its hash is then
  // part of this stage's key, and of no other stage's.
  bool reads_ground_truth = false;
  // True when the stage reads what the manifest says about the image (alt-text, caption,
  // role, file name): their hash is then part of this stage's key (DescriptionSha256).
  bool reads_description = false;
  // True when the stage reads the manifest's table hints (core/table_hints.h): part of its key.
  bool reads_table_hints = false;
  // True when the stage reads the manifest's media file and declared language (a
  // transcript's): the media's SHA-256 and the language are then part of its key.
  bool reads_media = false;
  // Builds the stage from a complete, valid parameter set.
  std::unique_ptr<Stage> (*make)(const CanonicalJson& params) = nullptr;

  const ParamSpec* FindParam(std::string_view name) const;
  const MetricSpec* FindMetric(std::string_view name) const;
  bool RunsOn(std::string_view modality) const;
  bool AllowsContainer(std::string_view container) const;
};

// Checks `value` against `spec`; returns the canonical value or an error message such as
// "rasterize.dpi must be an integer from 1 to 2400, got -300". `stage` names the stage.
Result<CanonicalJson> ValidateParam(std::string_view stage, const ParamSpec& spec,
                                    const CanonicalJson& value);

// ---------------------------------------------------------------------------------------------
// Running.

// What a stage did with a document that did not fail it.
struct StageReport {
  std::string outcome = "ok";  // "ok", or "skipped" when there was nothing for it to do
  std::string note;            // why it was skipped, or what it noticed
};

// What a stage may use besides the document: the resources its plan step resolved (loaded
// once per worker and lent to every document), and page pixels.
class StageContext {
 public:
  using PixelSource = std::function<Result<PixHandle>(const Document&, Page&)>;
  StageContext(std::vector<std::pair<ResourceRef, LoadedResource*>> resources, PixelSource pixels,
               int64_t raster_budget_bytes = int64_t{512} << 20)
      : resources_(std::move(resources)),
        pixels_(std::move(pixels)),
        raster_budget_(raster_budget_bytes) {}

  // The loaded resource of `kind` this step declared (the first, if it declared several), or
  // nullptr. T is the kind's LoadedResource subclass.
  template <typename T>
  T* Resource(std::string_view kind) const {
    for (const auto& [ref, loaded] : resources_) {
      if (ref.kind == kind) return dynamic_cast<T*>(loaded);
    }
    return nullptr;
  }

  // The loaded resource `kind`/`name` this step declared, or nullptr.
  template <typename T>
  T* Resource(std::string_view kind, std::string_view name) const {
    for (const auto& [ref, loaded] : resources_) {
      if (ref.kind == kind && ref.name == name) return dynamic_cast<T*>(loaded);
    }
    return nullptr;
  }

  // The pixels of a page that has a raster: held in memory, or rebuilt from its raster steps
  // (bit for bit, checked against the recorded SHA-256). Rebuilt pixels are not kept on the
  // page, only in the handle returned; a stage that is done with held pixels may drop
  // page.raster to keep memory flat; asking again rebuilds them.
  Result<PixHandle> Pixels(const Document& doc, Page& page) const {
    if (page.raster) return page.raster;
    if (!pixels_) return Error{"worker", "no pixel source"};
    return pixels_(doc, page);
  }

  // For a stage that makes rasters: keeps `pix` as the page's pixels while the rasters this
  // stage keeps fit the worker's budget; beyond it the pixels are dropped (the page's raster
  // steps rebuild them when a stage needs them), so a long scan does not fill memory.
  void Hold(Page& page, PixHandle pix);

 private:
  std::vector<std::pair<ResourceRef, LoadedResource*>> resources_;
  PixelSource pixels_;
  int64_t raster_budget_;
  int64_t held_ = 0;
};

// A stage applied to one document. Run() must be deterministic for the same document,
// parameters, resources and library versions, use no globals, and change nothing outside
// `doc`. A failure is returned as an Error, never thrown (an exception that escapes is caught
// by the worker and recorded as an internal error of the stage).
class Stage {
 public:
  virtual ~Stage() = default;
  virtual Result<StageReport> Run(Document& doc, StageContext& ctx) const = 0;

  // Stages that make rasters (StageSpec::pixels == kMakes): make again the raster `step`
  // recorded for `page`, from `previous`, the raster of the page's preceding step (null for a
  // first step). Used when the pixels were dropped, or when a document restored from stored
  // outputs reaches a stage that reads pixels.
  virtual Result<PixHandle> RebuildRaster(const Document& doc, const Page& page,
                                          const RasterStep& step, PixHandle previous,
                                          StageContext& ctx) const;
};

}  // namespace assay
