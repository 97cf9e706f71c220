// ocr: Tesseract over every page that has a raster (scanned PDF pages, page images), with the
// worker's Tesseract engine for `lang` (a resource: loaded once per worker and language set).
// Produces paragraph blocks of lines of words with boxes and confidences. A page with no ink
// (at most `blank_max_ink_fraction` of its pixels clearly darker than its paper) is not given to
// Tesseract. Photos are not OCR'd (their text, if any, is not the point of the example).
// Bounded retry: when a page reads badly by the CER estimate (stages/text_signals.h, with the
// `dictionary`), it is read again from stronger preprocessing variants of its pixels
// (stages/page_preprocess.h), at most `retry_max_passes` more times; the reading with the
// lowest estimate is kept (the earliest on a tie), and every pass is in the stage's note.
// The variants are a ladder (each adds to the one before); a rung that lowers the estimate by
// less than `retry_min_gain` of it ends the climb, unless the next one enlarges small text:
// the page's trouble is not what binarising and denoising fix (a script the model does not
// read, a form of tiny print), and a third reading costs as much as each of the first two.
// On the corpora's dev pages the third rung after a failed second changed the kept reading of
// 3 pages in 21, none to an acceptable one (docs/preprocess.md).
// Each read page gets `ocr.text_coverage`: the share of its text-like ink under word boxes.
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <memory>

#include "core/gray_histogram.h"
#include "core/page_stage.h"
#include "core/raster.h"
#include "stages/page_preprocess.h"
#include "stages/text_dictionaries.h"
#include "stages/tesseract_model.h"
#include "stages/text_signals.h"

namespace assay {
namespace {

// Tesseract's box in the pixels read.
PixelBox IteratorBox(const tesseract::ResultIterator& it, tesseract::PageIteratorLevel level) {
  PixelBox b{0, 0, 0, 0};
  it.BoundingBox(level, &b.x0, &b.y0, &b.x1, &b.y1);
  return b;
}

std::string Trimmed(const char* s) {
  std::string t(s);
  const auto first = t.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return t.substr(first, t.find_last_not_of(" \t\r\n") - first + 1);
}

// Share of the pixels clearly darker than the page's paper: 0 for a blank page. "Darker" is
// relative to the paper (its 95th-percentile gray, less kInkBelowPaper levels), not a fixed
// mid-gray: a faint or blurred 100-120 dpi page has light-gray text that never reaches 128
// and was skipped as blank. 60 levels: 6 sigma of a scanner's paper noise.
constexpr int kInkBelowPaper = 60;

double InkFraction(Pix* pix) {
  Pix* gray = GrayForReading(pix);
  if (gray == nullptr) return 1.0;  // cannot tell: let Tesseract look
  uint32_t paper = 255;
  if (!GrayRankValue(gray, std::max(1, pixGetWidth(gray) / 800), 0.95, &paper)) paper = 255;
  const int threshold =
      std::max(1, static_cast<int>(std::min<uint32_t>(paper, 255)) - kInkBelowPaper);
  Pix* binary = pixThresholdToBinary(gray, threshold);
  pixDestroy(&gray);
  if (binary == nullptr) return 1.0;
  l_int32 dark = 0;
  pixCountPixels(binary, &dark, nullptr);
  const double total = double(pixGetWidth(binary)) * pixGetHeight(binary);
  pixDestroy(&binary);
  return total > 0 ? dark / total : 1.0;
}

struct WordStats {
  int words = 0, low = 0;  // low: below the quality stage's default low confidence, 60
  double conf_sum = 0;
  double Mean() const { return words > 0 ? conf_sum / words : 0.0; }
  double LowRatio() const { return words > 0 ? double(low) / words : 0.0; }
};

// One OCR reading of a page.
struct Reading {
  std::vector<Block> blocks;
  WordStats stats;
  std::vector<PixelBox> boxes;  // word boxes in the pixels read
  double coverage = 1;
  double cer_estimate = 0;
  std::string variant = "as prepared";
};

// The operations of `variant` that `applied` did not do yet (geometry is already done).
PreprocessPlan Remaining(const PreprocessPlan& variant, const PreprocessPlan& applied) {
  PreprocessPlan d;
  d.denoise = variant.denoise && !applied.denoise;
  d.normalize_background = variant.normalize_background && !applied.normalize_background;
  d.upscale = applied.upscale == 1 ? variant.upscale : 1;
  d.binarize = variant.binarize && !applied.binarize;
  return d;
}

// lang=auto: the engine a page is read with, chosen by the script OSD sees on it; null, with
// the reason in `note`, when that script has no installed model.
struct PageLanguage {
  tesseract::TessBaseAPI* api = nullptr;
  bool latin = false;  // the CER estimate's dictionary fits it (retries make sense)
  std::string note;
  // No `api` because the named script's model is not installed; `note` says which, and the
  // caller says what came of the page (OSD names the wrong script at times: a German Antiqua
  // page came out "Thai" at 6.5).
  bool model_missing = false;
};

PageLanguage ChooseLanguage(TesseractEngine& engine, Pix* pix, int psm,
                            double min_script_confidence) {
  std::string script;
  std::string unsure;  // a script OSD named with too little confidence to act on
  if (pixGetWidth(pix) >= 100 && pixGetHeight(pix) >= 100) {
    engine.api.SetPageSegMode(tesseract::PSM_OSD_ONLY);
    engine.api.SetImage(pix);
    if (pixGetXRes(pix) > 0) engine.api.SetSourceResolution(pixGetXRes(pix));
    int deg = 0;
    float conf = 0, script_conf = 0;
    const char* name = nullptr;
    if (engine.api.DetectOrientationScript(&deg, &conf, &name, &script_conf) && name != nullptr) {
      // A German Antiqua page (OCR-D 462875_0008) came out "Thai" at 0.45 and went unread;
      // named scripts are at 3-6 on real pages. An unsure script is read as Latin.
      if (script_conf >= min_script_confidence) {
        script = name;
      } else {
        char conf_text[16];
        std::snprintf(conf_text, sizeof(conf_text), "%.2f", script_conf);
        unsure = std::string(name) + " unsure (confidence " + conf_text + ")";
      }
    }
    engine.api.Clear();
  }
  PageLanguage out;
  const std::string models = script.empty() ? engine.latin : ModelsForScript(script, engine.latin);
  if (models.empty()) {
    out.note = "script " + script + " has no Tesseract model in assay's table: not read";
    return out;
  }
  const bool latin = script.empty() || script == "Latin";
  if (!latin && std::find(engine.installed.begin(), engine.installed.end(), models) ==
                    engine.installed.end()) {
    out.note = "script " + script + ": its model " + models +
               " is not installed (Debian package tesseract-ocr-" + models + ")";
    out.model_missing = true;
    return out;
  }
  out.api = engine.ForLanguages(models);
  if (out.api == nullptr) {
    out.note = "script " + script + ": Tesseract cannot load " + models + ": not read";
    return out;
  }
  out.api->SetPageSegMode(static_cast<tesseract::PageSegMode>(psm));
  out.latin = latin;
  out.note = !script.empty()  ? "script " + script + ", read with " + models
             : unsure.empty() ? "script not detected, read with " + models
                              : "script " + unsure + ", read with " + models;
  return out;
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "+") + p;
  return out;
}

class OcrStage : public PageStage {
 public:
  explicit OcrStage(const CanonicalJson& params)
      : psm_(params.at("psm")),
        blank_ink_(params.at("blank_max_ink_fraction")),
        retry_passes_(params.at("retry_max_passes")),
        retry_above_(params.at("retry_above_cer_estimate")),
        retry_min_gain_(params.at("retry_min_gain")),
        retry_clean_pages_(params.at("retry_clean_pages")),
        dictionary_(params.at("dictionary")),
        auto_dictionaries_(params.at("auto_dictionaries")),
        auto_lang_(params.at("lang") == "auto"),
        auto_min_script_confidence_(params.at("auto_min_script_confidence")),
        auto_latin_max_cer_(params.at("auto_latin_max_cer_estimate")) {}

  struct EngineSession : Session {
    TesseractEngine* engine = nullptr;
    std::unique_ptr<TextDictionaries> dictionaries;
    const TextDictionaries* dictionary = nullptr;  // null when none was loaded
    bool auto_lang = false;
  };

  Result<std::unique_ptr<Session>> Begin(const Document&, StageContext& ctx) const override {
    auto s = std::make_unique<EngineSession>();
    s->engine = ctx.Resource<TesseractEngine>("tesseract");
    if (s->engine == nullptr) return Error{"ocr", "no Tesseract engine was loaded"};
    s->dictionaries = std::make_unique<TextDictionaries>(ctx, dictionary_, auto_dictionaries_);
    s->dictionary = s->dictionaries->ok() ? s->dictionaries.get() : nullptr;
    if (retry_passes_ > 0 && s->dictionary == nullptr) {
      return Error{"ocr", "no dictionary was loaded for the retry estimate"};
    }
    s->auto_lang = !s->engine->latin.empty();
    if (!s->auto_lang) s->engine->api.SetPageSegMode(static_cast<tesseract::PageSegMode>(psm_));
    return std::unique_ptr<Session>(std::move(s));
  }

  // Tally of a page with a raster: "blank" or "without_model" (1), or the reading's "words",
  // "low", "conf_sum" and "coverage". Nothing for a page without a raster.
  Status RunPage(const Document& doc, Page& page, Session* session, StageContext& ctx,
                 PageOutcome& out) const override {
    if (!page.has_raster()) return Status();
    auto& s = static_cast<EngineSession&>(*session);
    TesseractEngine* engine = s.engine;
    auto pixels = ctx.Pixels(doc, page);
    if (!pixels.ok()) return pixels.error();
    Pix* pix = pixels.value().get();
    if (InkFraction(pix) <= blank_ink_) {
      // Nothing to read; Tesseract would spend ~0.25 s finding that out.
      out.tally = {{"blank", 1}};
      page.raster.reset();  // free the pixels as soon as they are read
      return Status();
    }
    tesseract::TessBaseAPI* api = &engine->api;
    const TextDictionaries* estimate_with = s.dictionary;
    std::optional<Reading> checked;  // the Latin reading of a page OSD gave another script
    if (s.auto_lang) {
      PageLanguage chosen = ChooseLanguage(*engine, pix, psm_, auto_min_script_confidence_);
      if (chosen.model_missing) {
        // A page that reads well as Latin is not a page of another script read with the
        // wrong model (those estimate 0.3 and more: Russian and Arabic pages with eng).
        std::string outcome = ": not read";
        tesseract::TessBaseAPI* latin_api =
            estimate_with != nullptr && auto_latin_max_cer_ > 0 ? engine->ForLanguages(engine->latin)
                                                                : nullptr;
        if (latin_api != nullptr) {
          latin_api->SetPageSegMode(static_cast<tesseract::PageSegMode>(psm_));
          auto latin = Read(*latin_api, pix, page, estimate_with);
          if (!latin.ok()) return latin.error();
          const double estimate = latin.value().cer_estimate;
          if (estimate <= auto_latin_max_cer_) {
            outcome = ": reads as Latin (estimate " + Short(estimate) + "): read with " +
                      engine->latin;
            chosen.api = latin_api;
            chosen.latin = true;
            checked = std::move(latin.value());
          } else {
            outcome += " (as Latin: estimate " + Short(estimate) + ")";
          }
        }
        chosen.note += outcome;
      }
      out.note += "page " + std::to_string(page.number) + ": " + chosen.note + "; ";
      if (chosen.api == nullptr) {
        // Not a silent reading with some other model: the page has no text, and says why.
        out.tally = {{"without_model", 1}};
        out.metrics["ocr.model_missing"] = 1;
        page.raster.reset();
        return Status();
      }
      api = chosen.api;
      // The estimate's dictionary is for Latin-script text: elsewhere it cannot judge.
      if (!chosen.latin) estimate_with = nullptr;
    }
    Result<Reading> first = checked ? Result<Reading>(std::move(*checked))
                                    : Read(*api, pix, page, estimate_with);
    if (!first.ok()) return first.error();
    Reading best = std::move(first.value());
    int passes = 1, kept = 1;
    std::string tried;
    if (best.cer_estimate > retry_above_) {
      tried = "pass 1 estimate " + Short(best.cer_estimate);
      // One more reading, of `alt` (the prepared pixels turned `quads` further and/or made
      // again by `variant`): counted, noted, and kept when its estimate is lower (the earliest
      // on a tie). True when it was kept.
      const auto read_again = [&](Pix* alt, int quads, std::string variant) -> Result<bool> {
        auto again = Read(*api, alt, page, estimate_with, quads);
        if (!again.ok()) return again.error();
        ++passes;
        again.value().variant = std::move(variant);
        tried += ", pass " + std::to_string(passes) + " (" + again.value().variant +
                 ") estimate " + Short(again.value().cer_estimate);
        if (again.value().cer_estimate >= best.cer_estimate) return false;
        best = std::move(again.value());
        kept = passes;
        return true;
      };
      // A page OSD was unsure of is read turned first: a page still on its side reads as
      // noise whatever the tonal steps do (heavy scans: OSD confidence 0.05-0.86).
      bool turned = false;
      for (int quads : TurnCandidates(UnsureTurn(page))) {
        if (passes > retry_passes_) break;
        PixHandle alt = WrapPix(pixRotateOrth(pix, quads));
        if (!alt) continue;
        auto kept_turn = read_again(alt.get(), quads, "turn " + std::to_string(quads * 90));
        if (!kept_turn.ok()) return kept_turn.error();
        turned = turned || kept_turn.value();
      }
      if (!turned) {
        const PreprocessPlan applied = AppliedPlan(page);
        const int dpi = EffectiveDpi(page.raster_dpi(), pixGetWidth(pix), pixGetHeight(pix));
        const PageMeasures measures = MeasurePage(pix, dpi);
        const int room = retry_passes_ + 1 - passes;
        const std::vector<PreprocessPlan> variants =
            RetryPlans(applied, measures, PreprocessLimits{}, room, retry_clean_pages_);
        if (variants.empty() && room > 0) {
          // Say why: the page measured clean, or preprocess already did all a variant would.
          tried += RetryPlans(applied, measures, PreprocessLimits{}, room, true).empty()
                       ? "; no variant stronger than the prepared page"
                       : "; measured clean, text large enough: no variant to try";
        }
        for (size_t v = 0; v < variants.size(); ++v) {
          const PreprocessPlan& variant = variants[v];
          const PreprocessPlan extra = Remaining(variant, applied);
          PixHandle alt = ApplyPlan(pix, extra, dpi);
          if (!alt) continue;  // this variant cannot be made: the others may still help
          const double before = best.cer_estimate;
          auto kept_variant = read_again(alt.get(), 0, Joined(extra.Operations()));
          if (!kept_variant.ok()) return kept_variant.error();
          // Enlarging small text answers another trouble than the rung that failed.
          const bool next_enlarges =
              v + 1 < variants.size() && variants[v + 1].upscale != variant.upscale;
          if (before - best.cer_estimate < retry_min_gain_ * before && !next_enlarges) {
            if (v + 1 < variants.size()) tried += "; too little gain to go on";
            break;
          }
        }
      }
      out.note += "page " + std::to_string(page.number) + ": " + tried + "; kept pass " +
                  std::to_string(kept) + "; ";
    }
    page.blocks = std::move(best.blocks);
    page.text_source = "ocr";
    const WordStats& stats = best.stats;
    auto& m = out.metrics;
    m["ocr.word_count"] = stats.words;
    m["ocr.mean_confidence"] = stats.Mean();
    m["ocr.text_coverage"] = best.coverage;
    m["ocr.passes"] = passes;
    m["ocr.kept_pass"] = kept;
    out.tally = {{"words", stats.words},
                 {"low", stats.low},
                 {"conf_sum", stats.conf_sum},
                 {"coverage", best.coverage}};
    page.raster.reset();  // free the pixels as soon as they are read
    return Status();
  }

  Result<StageReport> Finish(Document& doc,
                             const std::vector<PageOutcome>& outcomes) const override {
    int pages = 0, blank = 0, without_model = 0;
    WordStats all;
    double coverage_sum = 0;
    std::string note;
    for (const PageOutcome& o : outcomes) {
      if (o.tally.empty()) continue;
      ++pages;
      blank += o.tally.value("blank", 0);
      without_model += o.tally.value("without_model", 0);
      if (o.tally.contains("words")) {
        all.words += o.tally["words"].get<int>();
        all.low += o.tally["low"].get<int>();
        all.conf_sum += o.tally["conf_sum"].get<double>();
        coverage_sum += o.tally["coverage"].get<double>();
      }
      note += o.note;
    }
    if (pages == 0) return StageReport{"skipped", "no page needs OCR"};
    doc.metrics["ocr.pages"] = pages;
    doc.metrics["ocr.blank_pages"] = blank;
    doc.metrics["ocr.word_count"] = all.words;
    doc.metrics["ocr.mean_confidence"] = all.Mean();
    if (auto_lang_) doc.metrics["ocr.pages_without_model"] = without_model;
    if (pages > blank + without_model) {
      doc.metrics["ocr.text_coverage"] = coverage_sum / (pages - blank - without_model);
    }
    return StageReport{"ok", note};
  }

 private:
  static std::string Short(double v) { return std::to_string(v).substr(0, 5); }

  // Reads `pix` (the page's pixels or a variant of them) into a Reading with its coverage
  // and, when the retry is on, its CER estimate. Tesseract is told the pixels' resolution
  // only when they state one: it estimates a better one from the text than any guess.
  Result<Reading> Read(tesseract::TessBaseAPI& api, Pix* pix, const Page& page,
                       const TextDictionaries* dictionary, int extra_quads = 0) const {
    api.SetImage(pix);
    if (pixGetXRes(pix) > 0) api.SetSourceResolution(pixGetXRes(pix));
    if (api.Recognize(nullptr) != 0) {
      api.Clear();
      return Error{"ocr", "Tesseract failed on page " + std::to_string(page.number)};
    }
    // Boxes on the page as its source has it (frame and unit), whatever turning, deskewing
    // and enlarging the pixels went through.
    const PreprocessPlan applied = AppliedPlan(page);
    // `extra_quads`: the retry turned the prepared pixels further. Turning and deskewing are
    // both rotations about the page's centre, so they add up in either order.
    const PageFrame frame{page.width,
                          page.height,
                          (applied.rotate_quads + extra_quads) % 4,
                          applied.deskew_deg,
                          double(pixGetWidth(pix)),
                          double(pixGetHeight(pix))};
    Page read;
    Reading r;
    ReadBlocks(api, frame, &read, &r.stats, &r.boxes);
    api.Clear();
    r.blocks = std::move(read.blocks);
    const int dpi = EffectiveDpi(pixGetXRes(pix), pixGetWidth(pix), pixGetHeight(pix));
    r.coverage = TextCoverage(pix, dpi, r.boxes);
    if (dictionary != nullptr) {
      read.blocks = r.blocks;
      const std::string text = read.Text();
      const DictionaryChoice choice = dictionary->For(text);
      const auto known = [&](const std::string& w) { return choice.dictionary->hunspell->spell(w); };
      r.cer_estimate = WithCoverage(
          EstimateCer(MeasureText(text, known), r.stats.Mean(), r.stats.LowRatio()), r.coverage);
    }
    return r;
  }

  // Walks Tesseract's results word by word, opening a block at each paragraph and a line at
  // each text line, as the CLI's text output does.
  static void ReadBlocks(tesseract::TessBaseAPI& api, const PageFrame& frame, Page* page,
                         WordStats* s, std::vector<PixelBox>* boxes) {
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (!it) return;
    using tesseract::RIL_PARA;
    using tesseract::RIL_TEXTLINE;
    using tesseract::RIL_WORD;
    do {
      if (it->Empty(RIL_WORD)) continue;
      if (it->IsAtBeginningOf(RIL_PARA) || page->blocks.empty()) {
        page->blocks.push_back(Block{"paragraph", 0, frame.ToPage(IteratorBox(*it, RIL_PARA)), {}});
      }
      Block& block = page->blocks.back();
      if (it->IsAtBeginningOf(RIL_TEXTLINE) || block.lines.empty()) {
        block.lines.push_back(Line{frame.ToPage(IteratorBox(*it, RIL_TEXTLINE)), {}});
      }
      std::unique_ptr<char[]> text(it->GetUTF8Text(RIL_WORD));
      Word w;
      w.text = text ? Trimmed(text.get()) : "";
      if (w.text.empty()) continue;
      const PixelBox pixel_box = IteratorBox(*it, RIL_WORD);
      w.bbox = frame.ToPage(pixel_box);
      boxes->push_back(pixel_box);
      w.confidence = it->Confidence(RIL_WORD);
      block.lines.back().words.push_back(std::move(w));
      ++s->words;
      s->conf_sum += block.lines.back().words.back().confidence;
      s->low += block.lines.back().words.back().confidence < 60 ? 1 : 0;
    } while (it->Next(RIL_WORD));
    // Regions Tesseract opened but found no word in carry no text.
    for (Block& b : page->blocks) {
      std::erase_if(b.lines, [](const Line& l) { return l.words.empty(); });
    }
    std::erase_if(page->blocks, [](const Block& b) { return b.lines.empty(); });
  }

  int psm_;
  double blank_ink_;
  int retry_passes_;
  double retry_above_;
  double retry_min_gain_;
  bool retry_clean_pages_;
  std::string dictionary_;
  std::string auto_dictionaries_;
  bool auto_lang_;  // lang=auto: the engine's `latin` is set (AutoLanguageResource)
  double auto_min_script_confidence_;
  double auto_latin_max_cer_;
};

}  // namespace

const StageSpec& OcrStageSpec() {
  static const StageSpec kSpec{
      .id = "ocr",
      // 6: the retry ladder stops at a rung that gains too little
      // 7: the retry estimate checks a reading with the dictionary of its language
      // 8: the retry's strong rung enlarges small text only as far as it needs (<= 2x)
      // 9: text coverage leaves ruling lines out (a clean ruled table was read three times);
      //    a page whose turn OSD was unsure of is read turned by the retry first
      // 10: a page measured clean with text large enough is not read again from tonal variants
      // 11: lang=auto reads a page whose script OSD is unsure of (auto_min_script_confidence),
      //     or whose missing model's script it reads well without (auto_latin_max_cer_estimate),
      //     with auto_latin instead of refusing it
      .version = 11,
      .summary = "Tesseract OCR of page rasters: words, lines, blocks, confidences",
      .containers = {"pdf", "image"},
      // page_handwritten: the reading is a draft for the people who transcribe the page.
      .modalities = {"pdf_scan", "pdf_mixed", "page_image", "page_handwritten"},
      .establishes = {},
      .params =
          {{"blank_max_ink_fraction",
            ParamType::kNumber,
            0.0002,
            0,
            1,
            {},
            {},
            "a page with at most this share of pixels 60 levels darker than its paper is blank: "
            "not OCR'd"},
           {"auto_dictionaries",
            ParamType::kString,
            kDefaultAutoDictionaries,
            0,
            0,
            {},
            kDictionaryListPattern,
            "dictionary=auto: the hunspell dictionaries to choose from by the reading's "
            "language (CLD2); the first when none is for it"},
           {"dictionary",
            ParamType::kString,
            kDictionaryByLanguage,
            0,
            0,
            {},
            kDictionaryPattern,
            "hunspell dictionary of the CER estimate that decides a retry, or auto: by the "
            "language of each reading, among auto_dictionaries"},
           {"lang",
            ParamType::kString,
            "eng",
            0,
            0,
            {},
            "[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?(\\+[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?)*",
            "Tesseract languages, as its -l option (eng, eng+deu, script/Latin), or auto: "
            "per page by the script OSD sees, among the installed models"},
           {"auto_latin",
            ParamType::kString,
            "eng",
            0,
            0,
            {},
            "[A-Za-z0-9_]+(\\+[A-Za-z0-9_]+)*",
            "lang=auto: the models a Latin-script page (or one whose script OSD cannot "
            "tell) is read with"},
           {"auto_latin_max_cer_estimate",
            ParamType::kNumber,
            0.1,
            0,
            1,
            {},
            {},
            "lang=auto: a page whose script (as OSD names it) has no installed model is read "
            "once with auto_latin, and kept when its CER estimate is at most this (OSD named the "
            "wrong script); 0: such a page is not read"},
           {"auto_min_script_confidence",
            ParamType::kNumber,
            1,
            0,
            100,
            {},
            {},
            "lang=auto: a script OSD names with a lower confidence is not acted on; the page "
            "is read as Latin (auto_latin)"},
           {"psm",
            ParamType::kInt,
            3,
            3,
            13,
            {},
            {},
            "Tesseract page segmentation mode (3: automatic; 6: one block; ...)"},
           {"retry_above_cer_estimate",
            ParamType::kNumber,
            0.02,
            0,
            1,
            {},
            {},
            "a page whose estimated CER is above this is read again from a variant"},
           {"retry_max_passes",
            ParamType::kInt,
            2,
            0,
            2,
            {},
            {},
            "most extra OCR passes per page (stronger preprocessing variants)"},
           {"retry_min_gain",
            ParamType::kNumber,
            0.1,
            0,
            1,
            {},
            {},
            "a retry that lowers the page's CER estimate by less than this share of it is the "
            "last (0: every variant is tried)"},
           {"retry_clean_pages",
            ParamType::kBool,
            false,
            0,
            0,
            {},
            {},
            "also retry a page measured clean (contrast, even background, few specks) whose "
            "text needs no enlarging; its variants are only tonal"}},
      .metrics = {{"ocr.pages", false, "pages given to OCR"},
                  {"ocr.blank_pages", false, "OCR pages skipped for having no ink"},
                  {"ocr.word_count", true, "words OCR found"},
                  {"ocr.mean_confidence", true, "mean Tesseract word confidence, 0..100"},
                  {"ocr.text_coverage", true,
                   "share of the page's text-like ink under recognised word boxes"},
                  {"ocr.passes", true, "OCR passes over the page (1 + retries)"},
                  {"ocr.model_missing", true,
                   "lang=auto: 1 when the page's script has no installed model (not read)"},
                  {"ocr.pages_without_model", false,
                   "lang=auto: pages not read because their script has no installed model"},
                  {"ocr.kept_pass", true, "the pass whose reading was kept"}},
      .libraries = {"tesseract", "leptonica", "hunspell"},
      .resources =
          [](const CanonicalJson& p) {
            const std::string lang = p.at("lang");
            std::vector<ResourceRef> r{
                {"tesseract", lang == "auto" ? AutoLanguageResource(p.at("auto_latin")) : lang}};
            if (p.at("retry_max_passes").get<int>() > 0) {
              for (ResourceRef& d : DictionaryResources(p.at("dictionary"), p.at("auto_dictionaries"))) {
                r.push_back(std::move(d));
              }
            }
            return r;
          },
      .pixels = Pixels::kReads,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<OcrStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
