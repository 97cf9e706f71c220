// The alt-text checks of the `alt_text` stage, as pure functions over what is known of one
// image (docs/alt_text.md): is the alt-text missing, a file name, boilerplate, too short or
// too long for the image's role and size, a keyword list, in another language, at odds with
// the text the image shows, or naming another figure than its caption? They are patterns:
// an alt-text that fluently describes another image passes them all (except, for an image of
// text, the comparison with its OCR'd text).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace assay {

// What is known of one image.
struct AltTextFacts {
  std::optional<std::string> alt_text;  // absent: the manifest gives none
  std::optional<std::string> caption;
  std::string role = "informative";  // core/image_role.h
  std::string file_name;             // the file's own name, without folders
  int width = 0, height = 0;         // pixels
  // ISO 639-1 code the alt-text should be in; empty: not checked.
  std::string expected_language = "en";
  // The text OCR read in the image (for an image of text); absent when not read.
  std::optional<std::string> ocr_text;
  // True when a word is in the dictionary (tells the stem "print" from "worddocument").
  std::function<bool(const std::string&)> is_word;
};

// The thresholds, from the stage's parameters (docs/alt_text.md says how they were chosen).
struct AltTextLimits {
  int icon_max_px = 48;            // longer side at most this: an icon, one word can be right
  int min_words = 2;               // for an informative image larger than an icon
  int max_chars = 400;             // longer: a long description pasted into the alt-text
  int functional_max_chars = 100;  // a link's or button's label
  int language_min_chars = 25;     // shorter text is not checked for its language
  double ocr_min_words = 1;        // fewer OCR'd words: no comparison
};

// Findings: each an `alt_text.*` metric (0/1 flags, or a measured value), and a sentence a
// reviewer can read for each problem found.
struct AltTextFindings {
  std::map<std::string, double> metrics;
  std::vector<std::string> reasons;
};

AltTextFindings CheckAltText(const AltTextFacts& facts, const AltTextLimits& limits);

// The number a figure label names ("Figure 3", "Fig. 3b:", "figure-3.png" -> 3), if any.
std::optional<int> FigureNumber(const std::string& text);

// Captions of a document's figures in reading order: how many name a figure number that does
// not follow the numbers before it (a repeat, or a step back), i.e. a caption paired with
// another figure than its own.
int CaptionSequenceBreaks(const std::vector<std::string>& captions);

}  // namespace assay
