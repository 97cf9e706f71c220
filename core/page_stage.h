// Page stages: stages whose work on a page depends only on that page and on the document as
// it was before the stage (rasterize, preprocess, handwriting, ocr). Written as RunPage (one
// page) plus Finish (the document-level metrics and note, from every page's outcome), they can
// run page-major (every page stage on one page, then the next page) and on a range of pages in
// another worker process: a page task (docs/page_tasks.md). Run() is the loop over the pages
// plus Finish, so a page stage still runs alone as any stage does.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/stage.h"

namespace assay {

// One page's part of a document's content (an element of its "pages", Document::ToContentJson),
// and back: what a page task hands over. PageFromContentJson(PageContentJson(p)) is `p`
// normalised (Document::Normalize), without its transient raster. Defined in core/document.cpp,
// beside the content they are part of.
CanonicalJson PageContentJson(const Page& page);
Page PageFromContentJson(const CanonicalJson& page_json);

// What a page stage did to one page. Serialisable: a page task sends it over the pipes.
struct PageOutcome {
  int page = 0;  // the page's number
  // The page's content after the stage (PageContentJson); null when not taken (Stage::Run).
  CanonicalJson content;
  // The page's part_metrics ("page:N") after the stage; `has_metrics` false when the page has
  // no such entry.
  std::map<std::string, double> metrics;
  bool has_metrics = false;
  std::string note;  // the page's fragment of the stage's note (joined in page order)
  // Numbers Finish aggregates (e.g. OCR's word count and confidence sum), stage-specific.
  CanonicalJson tally = CanonicalJson::object();
  double seconds = 0;  // time spent on the page: lineage's duration, never content

  CanonicalJson ToJson() const;
  // Throws nlohmann::json::exception on a malformed outcome.
  static PageOutcome FromJson(const CanonicalJson& j);
};

class PageStage : public Stage {
 public:
  // State a stage sets up once per run over pages (a chosen engine, an opened PDF) and lends to
  // every RunPage call of that run.
  struct Session {
    virtual ~Session() = default;
  };

  // Sets up the run: an error here fails the stage before any page. Default: no state.
  virtual Result<std::unique_ptr<Session>> Begin(const Document& doc, StageContext& ctx) const;

  // The stage on `page`. Reads of `doc` only what no page stage changes (path, password,
  // manifest facts), never other pages or document metrics: in a page-major run the other
  // pages are at other stages. Writes only `page`, and `out`: its metrics (the page's
  // part_metrics, given as they were), note and tally. An error fails the document.
  virtual Status RunPage(const Document& doc, Page& page, Session* session, StageContext& ctx,
                         PageOutcome& out) const = 0;

  // Sets the document-level metrics, modality and note from the outcomes of every page (in
  // page order; the pages' content and part metrics are already applied). Changes no page.
  virtual Result<StageReport> Finish(Document& doc,
                                     const std::vector<PageOutcome>& outcomes) const = 0;

  // Every page, in order, then Finish.
  Result<StageReport> Run(Document& doc, StageContext& ctx) const final;
};

// Runs `stage` on `page` of `doc`: `metrics` are the page's part metrics before the stage (null:
// none), the outcome has the page's content when `with_content`. Exceptions are returned as the stage's error, as
// the worker records them ("internal error: ...", "out of memory").
Result<PageOutcome> RunOnePage(const PageStage& stage, std::string_view stage_id,
                               const Document& doc, Page& page,
                               const std::map<std::string, double>* metrics,
                               PageStage::Session* session, StageContext& ctx, bool with_content);

// Puts an outcome (with content) into `doc`: the page's content (its raster is dropped) and
// its part metrics.
void ApplyPageOutcome(Document& doc, const PageOutcome& outcome);

}  // namespace assay
