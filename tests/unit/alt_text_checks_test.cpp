// The alt-text checks (stages/alt_text_checks.h), table-driven: each case names the one
// finding expected (or none) for an alt-text, a role and an image size.
#include "stages/alt_text_checks.h"

#include <gtest/gtest.h>

#include <set>

namespace assay {
namespace {

struct Case {
  std::optional<std::string> alt;
  std::string role;
  std::string file_name;
  int size;                     // square image of this many pixels
  std::set<std::string> fails;  // the flags expected at 1; every other flag at 0
};

AltTextFacts Facts(const Case& c) {
  AltTextFacts f;
  f.alt_text = c.alt;
  f.role = c.role;
  f.file_name = c.file_name;
  f.width = f.height = c.size;
  // A tiny dictionary stands in for hunspell's: only whether a stem is a word matters here.
  f.is_word = [](const std::string& w) { return w == "print" || w == "fax" || w == "castle"; };
  return f;
}

TEST(AltTextChecks, EachDefectIsFoundAndGoodAltTextsPass) {
  const std::string long_alt =
      "The castle seen from the river on a bright afternoon: the keep rises behind two curtain "
      "walls, a drawbridge crosses the moat on the left, gardens climb the slope below the "
      "chapel, and a row of fishing boats lies along the near bank under old willow trees. "
      "Behind the castle, a line of low hills fades into the haze of a summer evening, and a "
      "narrow road winds from the village gate up to the outer bailey past a mill.";
  const Case cases[] = {
      // Good: the W3C tutorial's own alt-texts and roles.
      {"Push the cap down and turn it counter-clockwise (from right to left)",
       "informative",
       "counter-clockwise.jpg",
       400,
       {}},
      {"Fax:", "informative", "fax.png", 24, {}},
      {"PDF", "informative", "pdfdocument.png", 32, {}},
      {"Search", "functional", "searchbutton.png", 120, {}},
      {"Word document", "informative", "worddocument.png", 32, {}},
      {"", "decorative", "flourish.png", 300, {}},
      {std::nullopt, "decorative", "flourish.png", 300, {}},
      {"", "functional-redundant", "w3c.png", 60, {}},
      {"", "group", "star-half.png", 20, {}},
      {"Print", "functional", "print.png", 30, {}},
      {"3.5 out of 5 stars", "group", "star-full.png", 20, {}},
      {"A bowl of apples, pears, and plums", "informative", "fruit.jpg", 400, {}},
      // Missing.
      {std::nullopt, "informative", "p.jpg", 400, {"alt_text.missing"}},
      {"  ", "informative", "p.jpg", 400, {"alt_text.missing"}},
      {std::nullopt, "group", "star.png", 20, {"alt_text.missing"}},
      // File names.
      {"IMG_2031.jpg",
       "informative",
       "p.jpg",
       400,
       {"alt_text.filename_like", "alt_text.boilerplate", "alt_text.too_short"}},
      {"IMG_2031.jpg",
       "informative",
       "p.jpg",
       32,
       {"alt_text.filename_like", "alt_text.boilerplate"}},
      {"DSC00042", "informative", "p.jpg", 400, {"alt_text.filename_like", "alt_text.too_short"}},
      {"photo-final-v2",
       "informative",
       "p.jpg",
       400,
       {"alt_text.filename_like", "alt_text.too_short"}},
      {"Screenshot 2021-03-04 at 10.22.11",
       "informative",
       "p.png",
       400,
       {"alt_text.filename_like"}},
      {"worddocument", "informative", "worddocument.png", 32, {"alt_text.filename_like"}},
      {"castle-etching",
       "group",
       "castle-etching.jpg",
       400,
       {"alt_text.filename_like", "alt_text.too_short"}},
      // Boilerplate.
      {"image", "informative", "p.jpg", 32, {"alt_text.boilerplate"}},
      {"Photo of", "informative", "p.jpg", 400, {"alt_text.boilerplate"}},
      {"untitled", "functional", "p.jpg", 400, {"alt_text.boilerplate"}},
      // Too short for the role and size; too long.
      {"Castle", "informative", "c.jpg", 400, {"alt_text.too_short"}},
      {long_alt, "informative", "c.jpg", 400, {"alt_text.too_long"}},
      {"Go to the search page of this website and type what you are looking for in the box, then "
       "press the button",
       "functional",
       "s.png",
       30,
       {"alt_text.too_long"}},
      // Keyword lists.
      {"castle, tower, wall, ruins", "informative", "c.jpg", 400, {"alt_text.keyword_list"}},
      {"#castle #ruins at dusk", "informative", "c.jpg", 400, {"alt_text.keyword_list"}},
      // Language.
      {"Ein altes Schloss mit einem hohen Turm und einer Mauer aus grauem Stein.",
       "informative",
       "c.jpg",
       400,
       {"alt_text.language_mismatch"}},
      // CLD2 declines this one; its function words are Spanish.
      {"Un castillo antiguo con una torre alta y una muralla de piedra a su alrededor.",
       "informative",
       "c.jpg",
       400,
       {"alt_text.language_mismatch"}},
  };
  for (const Case& c : cases) {
    const AltTextFindings f = CheckAltText(Facts(c), AltTextLimits{});
    for (const auto& [name, value] : f.metrics) {
      if (name == "alt_text.chars" || name == "alt_text.words") continue;
      EXPECT_EQ(value, c.fails.count(name) ? 1 : 0)
          << name << " for \"" << c.alt.value_or("(none)") << "\" (" << c.role << ")";
    }
    EXPECT_EQ(f.reasons.size(), c.fails.size()) << c.alt.value_or("(none)");
  }
}

TEST(AltTextChecks, ImageOfTextIsComparedWithItsOcrText) {
  AltTextFacts f;
  f.role = "image-of-text";
  f.file_name = "repeat1.png";
  f.width = 120, f.height = 40;
  f.ocr_text = "0.3333";
  f.alt_text = "0.3333 recurring.";
  EXPECT_EQ(CheckAltText(f, {}).metrics.at("alt_text.ocr_agreement"), 1.0);
  f.alt_text = "Push the cap down and turn it";
  EXPECT_EQ(CheckAltText(f, {}).metrics.at("alt_text.ocr_agreement"), 0.0);
  f.ocr_text = "";  // OCR read nothing: no comparison
  EXPECT_EQ(CheckAltText(f, {}).metrics.count("alt_text.ocr_agreement"), 0u);
}

TEST(AltTextChecks, CaptionNamingAnotherFigureIsFound) {
  AltTextFacts f;
  f.alt_text = "A bar chart of sales by quarter";
  f.file_name = "figure-2.png";
  f.width = f.height = 400;
  f.caption = "Figure 2: Sales by quarter.";
  EXPECT_EQ(CheckAltText(f, {}).metrics.at("alt_text.caption_figure_mismatch"), 0);
  f.caption = "Fig. 5: Sales by quarter.";
  EXPECT_EQ(CheckAltText(f, {}).metrics.at("alt_text.caption_figure_mismatch"), 1);
  EXPECT_EQ(FigureNumber("Abbildung 12: Umsatz"), 12);
  EXPECT_EQ(FigureNumber("configure 3 things"), std::nullopt);
  EXPECT_EQ(CaptionSequenceBreaks({"Figure 1: a", "no label", "Figure 2: b", "Figure 2: c",
                                   "Figure 1: d", "Figure 3: e"}),
            2);
}

}  // namespace
}  // namespace assay
