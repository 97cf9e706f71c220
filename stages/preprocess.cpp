// preprocess: makes each page raster as readable as cheap measurements say it can be, before
// OCR. Per page: reduction of text larger than reading needs, orientation (0/90/180/270) from
// Tesseract's OSD, skew (Leptonica), and, only where the measurements call for them,
// denoising, background normalisation, contrast stretch, upscaling of small text and local
// (Sauvola) binarisation (stages/page_preprocess.h). A page that needs nothing keeps its
// raster untouched and costs only the measurements. A page that is changed records a raster
// step with the plan, the measurements and the OSD reading, from which the pixels are made
// again. What could not be decided (OSD unsure, page too small) or failed is a reason in the
// stage's note and the page keeps its pixels.
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>

#include <cmath>
#include <optional>

#include "core/page_stage.h"
#include "core/raster.h"
#include "stages/page_preprocess.h"
#include "stages/tesseract_model.h"

namespace assay {
namespace {

struct Orientation {
  int rotate_quads = 0;  // clockwise quarter turns that make the page upright
  int unsure_quads = 0;  // what OSD would turn when it is unsure (the OCR retry may try it)
  double confidence = 0;
  std::string script;
  std::string reason;  // why the orientation is unknown, empty when known
  bool osd_ran = false;
  std::optional<AscenderOrientation> ascenders;  // measured when the gate is on
};

// `stated_dpi`: the raster's own resolution, 0 when it states none (OSD then estimates it).
// A page Leptonica's ascender test (`ascenders`, measured with the page) finds upright beyond
// doubt (`min_upright`, 0: never) is not given to Tesseract's OSD, which costs ten times more:
// clean upright pages, the common case, do not pay for the rare turned one.
Orientation DetectOrientation(TesseractEngine* osd, Pix* pix, int stated_dpi, int min_side,
                              double min_confidence, const AscenderOrientation& ascenders,
                              double min_upright) {
  Orientation o;
  if (osd == nullptr) return o;
  if (pixGetWidth(pix) < min_side || pixGetHeight(pix) < min_side) {
    o.reason = "too small for orientation detection";
    return o;
  }
  if (min_upright > 0) {
    o.ascenders = ascenders;
    if (ascenders.Upright(min_upright)) return o;
  }
  o.osd_ran = true;
  osd->api.SetPageSegMode(tesseract::PSM_OSD_ONLY);
  osd->api.SetImage(pix);
  if (stated_dpi > 0) osd->api.SetSourceResolution(stated_dpi);
  int deg = 0;
  float conf = 0, script_conf = 0;
  const char* script = nullptr;
  const bool found = osd->api.DetectOrientationScript(&deg, &conf, &script, &script_conf);
  osd->api.Clear();
  if (!found) {
    o.reason = "orientation not detected (too little text)";
    return o;
  }
  o.confidence = std::round(static_cast<double>(conf) * 100) / 100;
  o.script = script != nullptr ? script : "";
  // OSD gives the page's clockwise rotation; turning it back is the rest of a full turn.
  const int quads = (4 - (deg / 90) % 4) % 4;
  if (o.confidence < min_confidence) {
    o.reason = "orientation unsure (OSD confidence " + std::to_string(o.confidence).substr(0, 5) +
               ")";
    o.unsure_quads = quads;
    return o;
  }
  o.rotate_quads = quads;
  return o;
}

class PreprocessStage : public PageStage {
 public:
  explicit PreprocessStage(const CanonicalJson& p)
      : orientation_(p.at("orientation")),
        min_osd_conf_(p.at("min_orientation_confidence")),
        min_side_(p.at("min_side_px")),
        min_upright_(p.at("min_upright_confidence")) {
    limits_.min_skew_deg = p.at("min_skew_deg");
    limits_.max_background_spread = p.at("max_background_spread");
    limits_.min_contrast = p.at("min_contrast");
    limits_.max_speckle_share = p.at("max_speckle_share");
    limits_.min_text_height_px = p.at("min_text_height_px");
    resolution_.text_height_px = p.at("text_height_px");
    resolution_.min_dpi = p.at("min_dpi");
    resolution_.probe_dpi = kProbeDpi;
  }

  struct OsdSession : Session {
    TesseractEngine* osd = nullptr;
  };

  Result<std::unique_ptr<Session>> Begin(const Document&, StageContext& ctx) const override {
    auto session = std::make_unique<OsdSession>();
    session->osd = orientation_ ? ctx.Resource<TesseractEngine>("tesseract") : nullptr;
    if (orientation_ && session->osd == nullptr) {
      return Error{"preprocess", "no OSD engine was loaded"};
    }
    return std::unique_ptr<Session>(std::move(session));
  }

  // Tally: {"changed": 0|1, "osd": 0|1} for a page with a raster, nothing for one without.
  Status RunPage(const Document& doc, Page& page, Session* session, StageContext& ctx,
                 PageOutcome& out) const override {
    if (!page.has_raster()) return Status();
    TesseractEngine* osd = static_cast<OsdSession&>(*session).osd;
    out.tally = {{"changed", 0}};
    auto pixels = ctx.Pixels(doc, page);
    if (!pixels.ok()) return pixels.error();
    Pix* pix = pixels.value().get();
    const int dpi = EffectiveDpi(page.raster_dpi(), pixGetWidth(pix), pixGetHeight(pix));
    const std::string where = "page " + std::to_string(page.number) + ": ";
    auto& m = out.metrics;

    // Text larger than reading needs is reduced first, and the page is measured and oriented
    // at the resolution it will be read at, as `rasterize` hands scanned PDF pages over: every
    // step after this one (OSD, OCR, layout, tables) then works on fewer pixels.
    double probe_height = 0;
    const int read_dpi = ReadingResolution(pix, dpi, resolution_, &probe_height);
    PreprocessPlan reduction;
    PixHandle reduced;
    if (read_dpi < dpi) {
      reduction.reduce = double(read_dpi) / dpi;
      reduced = ApplyPlan(pix, reduction, dpi);
    }
    Pix* seen = reduced ? reduced.get() : pix;
    const int seen_dpi = reduced ? read_dpi : dpi;
    const int seen_stated_dpi = reduced ? pixGetXRes(seen) : page.raster_dpi();

    AscenderOrientation ascenders;
    const bool gate = osd != nullptr && min_upright_ > 0;
    const PageMeasures measures = MeasurePage(seen, seen_dpi, gate ? &ascenders : nullptr);
    const Orientation o = DetectOrientation(osd, seen, seen_stated_dpi, min_side_, min_osd_conf_,
                                            ascenders, min_upright_);
    if (!o.reason.empty()) out.note += where + o.reason + "; ";
    out.tally["osd"] = o.osd_ran ? 1 : 0;
    PreprocessPlan plan = PlanPreprocessing(measures, limits_, o.rotate_quads);
    plan.reduce = reduction.reduce;
    m["preprocess.rotation_deg"] = plan.rotate_quads * 90;
    m["preprocess.skew_deg"] = measures.skew_deg;
    m["preprocess.operations"] = static_cast<double>(plan.Operations().size());
    if (o.osd_ran) m["preprocess.orientation_confidence"] = o.confidence;
    if (o.ascenders) m["preprocess.ascender_confidence"] = o.ascenders->up;
    if (plan.Empty()) {
      page.raster.reset();
      return Status();
    }
    // The reduced page as it is when nothing else was planned; otherwise the whole plan from
    // the page as it came, exactly as RebuildRaster makes it again.
    const bool only_reduced = reduced && plan.Operations().size() == 1;
    PixHandle made = only_reduced ? std::move(reduced) : ApplyPlan(pix, plan, dpi);
    if (!made) {
      // A step Leptonica cannot do on this page: OCR reads the page as it came.
      out.note += where + "preprocessing failed, page left as it was; ";
      m["preprocess.operations"] = 0;
      page.raster.reset();
      return Status();
    }
    out.tally["changed"] = 1;
    CanonicalJson facts = {{"plan", plan.ToJson()},
                           {"input_dpi", dpi},
                           {"measures", MeasuresJson(measures)},
                           {"measured_dpi", seen_dpi},
                           {"osd",
                            {{"confidence", o.confidence},
                             {"script", o.script},
                             {"unsure_quads", o.unsure_quads}}}};
    if (!o.osd_ran) facts.erase("osd");
    if (reduction.reduce != 1) facts["probe_text_height_px"] = probe_height;
    if (o.ascenders) facts["ascenders"] = {{"up", o.ascenders->up}, {"left", o.ascenders->left}};
    page.raster_steps.push_back(RasterStep{"preprocess", pixGetXRes(made.get()),
                                           PixSha256(made.get()), std::move(facts)});
    // The page keeps its own frame (width, height, unit): OCR maps what it finds in these
    // pixels back to it through the plan (PageFrame).
    ctx.Hold(page, made);
    return Status();
  }

  Result<StageReport> Finish(Document& doc,
                             const std::vector<PageOutcome>& outcomes) const override {
    int pages = 0, changed = 0, osd_pages = 0;
    std::string note;
    for (const PageOutcome& o : outcomes) {
      if (!o.tally.contains("changed")) continue;
      ++pages;
      changed += o.tally["changed"].get<int>();
      osd_pages += o.tally["osd"].get<int>();
      note += o.note;
    }
    if (pages == 0) return StageReport{"skipped", "no page has a raster"};
    doc.metrics["preprocess.pages_changed"] = changed;
    if (orientation_) doc.metrics["preprocess.osd_pages"] = osd_pages;
    return StageReport{"ok", note};
  }

  Result<PixHandle> RebuildRaster(const Document&, const Page& page, const RasterStep& step,
                                  PixHandle previous, StageContext&) const override {
    if (!previous) return Error{"preprocess", "no raster to preprocess"};
    const PreprocessPlan plan = PreprocessPlan::FromJson(step.facts.at("plan"));
    PixHandle made = ApplyPlan(previous.get(), plan, step.facts.at("input_dpi"));
    if (!made) {
      return Error{"preprocess", "page " + std::to_string(page.number) + " cannot be remade"};
    }
    return made;
  }

 private:
  static CanonicalJson MeasuresJson(const PageMeasures& m) {
    return {{"ink_level", m.ink_level},
            {"paper_level", m.paper_level},
            {"background_spread", m.background_spread},
            {"skew_deg", m.skew_deg},
            {"skew_confidence", m.skew_confidence},
            {"speckle_share", m.speckle_share},
            {"text_height_px", m.text_height_px}};
  }

  bool orientation_;
  double min_osd_conf_;
  int min_side_;
  double min_upright_;
  PreprocessLimits limits_;
  RenderResolutionLimits resolution_;    // max_dpi: each page's own
  static constexpr int kProbeDpi = 150;  // as rasterize's: text measured in ~7% steps
};

}  // namespace

const StageSpec& PreprocessStageSpec() {
  static const StageSpec kSpec{
      .id = "preprocess",
      // 2: the page keeps its frame; an image stating no dpi stays without one
      // 3: a page found upright by its ascenders skips OSD
      // 4: ... also when its sideways signal is up to 2/3 of the upright one (was 1/3); the
      //    turn OSD was unsure of is kept for the OCR retry (osd.unsure_quads)
      // 5: a page whose text is larger than reading needs is reduced (text_height_px) and
      //    measured at that resolution, as rasterize hands scanned PDF pages over
      .version = 5,
      .summary = "orientation, deskew and per-page image clean-up before OCR",
      .containers = {"pdf", "image"},
      .modalities = {"pdf_scan", "pdf_mixed", "page_image"},
      .establishes = {},
      .params = {{"orientation", ParamType::kBool, true, 0, 0, {}, {},
                  "detect the page orientation with Tesseract's OSD and turn the page upright"},
                 {"min_orientation_confidence", ParamType::kNumber, 2, 0, 100, {}, {},
                  "an OSD reading below this confidence leaves the page as it is"},
                 {"min_side_px", ParamType::kInt, 100, 1, 100000, {}, {},
                  "a smaller page is not given to orientation detection"},
                 {"min_upright_confidence", ParamType::kNumber, 12, 0, 1000, {}, {},
                  "a page Leptonica's ascender test finds upright with this confidence (and "
                  "3x its sideways one) skips OSD; 0: OSD on every page"},
                 {"min_skew_deg", ParamType::kNumber, 0.3, 0, 45, {}, {},
                  "a smaller measured skew is not corrected"},
                 {"max_background_spread", ParamType::kNumber, 40, 0, 255, {}, {},
                  "above this spread of paper gray levels the background is normalised"},
                 {"min_contrast", ParamType::kNumber, 110, 0, 255, {}, {},
                  "below this paper-ink contrast the contrast is stretched"},
                 {"max_speckle_share", ParamType::kNumber, 0.35, 0, 1, {}, {},
                  "above this share of speck components the page is denoised"},
                 {"min_text_height_px", ParamType::kNumber, 14, 0, 1000, {}, {},
                  "text whose median glyph height is below this is upscaled 2x"},
                 {"text_height_px", ParamType::kNumber, 16, 0, 200, {}, {},
                  "reduce a page whose median glyph height (measured on a 150-dpi copy) is "
                  "larger to the resolution giving it this height, rounded up to 25 dpi; 0: never"},
                 {"min_dpi", ParamType::kInt, 150, 36, 1200, {}, {},
                  "the lowest resolution text_height_px may reduce a page to"}},
      .metrics = {{"preprocess.pages_changed", false, "pages whose raster was preprocessed"},
                  {"preprocess.rotation_deg", true, "clockwise turn that made the page upright"},
                  {"preprocess.skew_deg", true, "measured skew, degrees (corrected when large)"},
                  {"preprocess.operations", true, "preprocessing operations applied to the page"},
                  {"preprocess.orientation_confidence", true,
                   "Tesseract OSD confidence (pages OSD read)"},
                  {"preprocess.ascender_confidence", true,
                   "Leptonica's upright signal (ascenders up minus down); >= "
                   "min_upright_confidence skips OSD"},
                  {"preprocess.osd_pages", false, "pages given to Tesseract's OSD"}},
      .libraries = {"tesseract", "leptonica"},
      .resources =
          [](const CanonicalJson& p) {
            if (!p.at("orientation").get<bool>()) return std::vector<ResourceRef>{};
            return std::vector<ResourceRef>{{"tesseract", "osd"}};
          },
      .pixels = Pixels::kMakes,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<PreprocessStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
