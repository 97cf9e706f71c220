// alt_text: judges what the manifest says about an image (alt-text, caption, W3C role) with
// the checks of stages/alt_text_checks.h, and, in a PDF, whether the captions layout paired
// with figures name them in sequence. Each finding is an `alt_text.*` metric the contracts set
// thresholds on, and a sentence in the stage's note (docs/alt_text.md). An image the manifest
// says nothing about is skipped: nothing to judge.
//
// For an image of text it compares the alt-text with what OCR reads in the image: the page's
// text when the ocr stage read it (a page image), else Tesseract on the image here (photos
// are not given to the ocr stage).
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <memory>

#include "core/stage.h"
#include "stages/alt_text_checks.h"
#include "stages/hunspell_dictionary.h"
#include "stages/tesseract_model.h"

namespace assay {
namespace {

std::string FileName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The confident words Tesseract reads in `pix`, scaled up first so that an icon's or a
// button's few pixels of text are large enough to read, and flattened onto white so a
// transparent background does not turn black.
std::string ReadText(tesseract::TessBaseAPI& api, Pix* pix, double min_confidence) {
  Pix* flat = pixGetDepth(pix) == 32 && pixGetSpp(pix) == 4 ? pixRemoveAlpha(pix) : pixClone(pix);
  Pix* gray = flat ? pixConvertTo8(flat, 0) : nullptr;
  pixDestroy(&flat);
  if (gray == nullptr) return "";
  const int longer = std::max(pixGetWidth(gray), pixGetHeight(gray));
  const float scale = longer < 600 ? std::min(4.0f, 600.0f / static_cast<float>(longer)) : 1.0f;
  Pix* scaled = scale > 1.0f ? pixScale(gray, scale, scale) : pixClone(gray);
  pixDestroy(&gray);
  Pix* framed = scaled ? pixAddBorder(scaled, 16, 0xff) : nullptr;  // white margin
  pixDestroy(&scaled);
  if (framed == nullptr) return "";
  api.SetPageSegMode(tesseract::PSM_SPARSE_TEXT);
  api.SetImage(framed);
  std::string text;
  if (api.Recognize(nullptr) == 0) {
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (it) {
      do {
        if (it->Empty(tesseract::RIL_WORD)) continue;
        std::unique_ptr<char[]> w(it->GetUTF8Text(tesseract::RIL_WORD));
        if (w && it->Confidence(tesseract::RIL_WORD) >= min_confidence) {
          text += (text.empty() ? "" : " ") + std::string(w.get());
        }
      } while (it->Next(tesseract::RIL_WORD));
    }
  }
  api.Clear();
  pixDestroy(&framed);
  return text;
}

class AltTextStage : public Stage {
 public:
  explicit AltTextStage(const CanonicalJson& p)
      : language_(p.at("language").get<std::string>()),
        ocr_min_confidence_(p.at("ocr_min_confidence").get<double>()) {
    limits_.icon_max_px = p.at("icon_max_px");
    limits_.min_words = p.at("min_words");
    limits_.max_chars = p.at("max_chars");
    limits_.functional_max_chars = p.at("functional_max_chars");
    limits_.language_min_chars = p.at("language_min_chars");
  }

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    if (doc.container == "pdf") return RunPdf(doc);
    if (!doc.alt_text && !doc.caption && !doc.image_role) {
      return StageReport{"skipped", "the manifest gives no alt-text, caption or role"};
    }
    auto* dictionary = ctx.Resource<HunspellDictionary>("hunspell");
    if (dictionary == nullptr) return Error{"alt_text", "no dictionary was loaded"};
    AltTextFacts facts;
    facts.alt_text = doc.alt_text;
    facts.caption = doc.caption;
    facts.role = doc.image_role.value_or("informative");
    facts.file_name = FileName(doc.path);
    facts.width =
        static_cast<int>(doc.metrics.count("image.width") ? doc.metrics["image.width"] : 0);
    facts.height =
        static_cast<int>(doc.metrics.count("image.height") ? doc.metrics["image.height"] : 0);
    facts.expected_language = language_;
    facts.is_word = [&](const std::string& w) { return dictionary->hunspell->spell(w); };
    if (facts.role == "image-of-text" && !doc.pages.empty()) {
      const std::string page_text = doc.Text();
      if (!page_text.empty()) {
        facts.ocr_text = page_text;
      } else if (doc.pages.front().has_raster()) {
        auto* engine = ctx.Resource<TesseractEngine>("tesseract");
        if (engine == nullptr) return Error{"alt_text", "no Tesseract engine was loaded"};
        auto pix = ctx.Pixels(doc, doc.pages.front());
        if (!pix.ok()) return pix.error();
        facts.ocr_text = ReadText(engine->api, pix.value().get(), ocr_min_confidence_);
      }
    }
    AltTextFindings found = CheckAltText(facts, limits_);
    for (const auto& [name, value] : found.metrics) doc.metrics[name] = value;
    StageReport report;
    for (const std::string& r : found.reasons) report.note += (report.note.empty() ? "" : "; ") + r;
    return report;
  }

 private:
  // A PDF's figures and the captions layout paired with them, in reading order.
  Result<StageReport> RunPdf(Document& doc) const {
    std::vector<std::string> captions;
    int figures = 0;
    for (const Page& p : doc.pages) {
      for (const Figure& f : p.figures) {
        ++figures;
        if (!f.caption.empty()) captions.push_back(f.caption);
      }
    }
    if (figures == 0) return StageReport{"skipped", "no figure found"};
    const int breaks = CaptionSequenceBreaks(captions);
    doc.metrics["alt_text.caption_figure_mismatch"] = breaks;
    StageReport report;
    if (breaks > 0) {
      report.note = std::to_string(breaks) +
                    " figure caption(s) name a figure number out of sequence (a caption paired "
                    "with another figure, or a repeated number)";
    }
    return report;
  }

  AltTextLimits limits_;
  std::string language_;
  double ocr_min_confidence_;
};

constexpr const char* kLanguagePattern = "([a-z]{2,3}(-[A-Za-z]{2,4})?)?";

}  // namespace

const StageSpec& AltTextStageSpec() {
  static const StageSpec kSpec{
      .id = "alt_text",
      .version = 1,
      .summary =
          "alt-text and caption checks (missing, file name, boilerplate, length, language, OCR)",
      .containers = {"pdf", "image"},
      .modalities = {},  // images the manifest describes; a PDF's figure captions
      .establishes = {},
      .params = {{"dictionary",
                  ParamType::kString,
                  "en_US",
                  0,
                  0,
                  {},
                  "[A-Za-z][A-Za-z_-]*",
                  "hunspell dictionary: a file name's stem that is a word (\"print\") may be "
                  "the alt-text"},
                 {"functional_max_chars",
                  ParamType::kInt,
                  100,
                  1,
                  100000,
                  {},
                  {},
                  "longest alt-text of a functional image (a link or button label)"},
                 {"icon_max_px",
                  ParamType::kInt,
                  48,
                  0,
                  100000,
                  {},
                  {},
                  "an image whose longer side is at most this is an icon: one word may do"},
                 {"language",
                  ParamType::kString,
                  "en",
                  0,
                  0,
                  {},
                  kLanguagePattern,
                  "ISO 639-1 language alt-texts should be in (CLD2 codes); empty: not checked"},
                 {"language_min_chars",
                  ParamType::kInt,
                  25,
                  1,
                  100000,
                  {},
                  {},
                  "shorter alt-texts are not checked for their language"},
                 {"max_chars",
                  ParamType::kInt,
                  400,
                  1,
                  100000,
                  {},
                  {},
                  "longest alt-text of any other image"},
                 {"min_words",
                  ParamType::kInt,
                  2,
                  1,
                  1000,
                  {},
                  {},
                  "fewest words of an informative image larger than an icon"},
                 {"ocr_lang",
                  ParamType::kString,
                  "eng",
                  0,
                  0,
                  {},
                  "[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?(\\+[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?)*",
                  "Tesseract languages to read an image of text"},
                 {"ocr_min_confidence",
                  ParamType::kNumber,
                  50,
                  0,
                  100,
                  {},
                  {},
                  "OCR'd words below this confidence are not compared"}},
      .metrics =
          {{"alt_text.missing", false,
            "1 when a non-decorative image has no alt-text (empty is right for decorative, "
            "functional-redundant and, as a group member, group)"},
           {"alt_text.filename_like", false,
            "1 when the alt-text looks like a file name (extension, camera name, the file's own "
            "name)"},
           {"alt_text.boilerplate", false,
            "1 when the alt-text only says it is an image (\"image\", \"photo of\", "
            "\"untitled\")"},
           {"alt_text.too_short", false,
            "1 when the alt-text has fewer words than the image's role and size need"},
           {"alt_text.too_long", false, "1 when the alt-text is longer than its role allows"},
           {"alt_text.keyword_list", false,
            "1 when the alt-text is a list of keywords, hashtags or a repeated word"},
           {"alt_text.language_mismatch", false,
            "1 when CLD2 is sure the alt-text is in another language than expected"},
           {"alt_text.ocr_agreement", false,
            "image of text: share of the words OCR reads in the image that the alt-text has"},
           {"alt_text.caption_figure_mismatch", false,
            "photos: 1 when the caption names another figure number than the alt-text or file "
            "name; PDFs: figure captions whose number is out of sequence"},
           {"alt_text.chars", false, "characters of the alt-text"},
           {"alt_text.words", false, "words of the alt-text"}},
      .libraries = {"hunspell", "tesseract", "leptonica"},  // CLD2 states no version
      .resources =
          [](const CanonicalJson& p) {
            return std::vector<ResourceRef>{{"hunspell", p.at("dictionary").get<std::string>()},
                                            {"tesseract", p.at("ocr_lang").get<std::string>()}};
          },
      .pixels = Pixels::kReads,
      .reads_ground_truth = false,
      .reads_description = true,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<AltTextStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
