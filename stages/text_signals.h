// Signals of text quality that need no ground truth, and the measures that do.
// Pure functions: the quality stage feeds them a dictionary lookup.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace assay {

struct TextSignals {
  int chars = 0;             // non-space code points
  int tokens = 0;            // whitespace-separated
  int alpha_words = 0;       // tokens that are letters only (after outer punctuation), 2+ long
  int dictionary_words = 0;  // of alpha_words, those the dictionary knows
  int garbage_chars = 0;     // code points outside letters, digits, common punctuation
  int broken_tokens = 0;     // letters mixed with digits or symbols inside one token

  double DictionaryWordRatio() const;  // 0 when there is no alphabetic word
  double GarbageCharRatio() const;
  double BrokenWordRatio() const;
};

TextSignals MeasureText(std::string_view text,
                        const std::function<bool(const std::string&)>& in_dictionary);

// The OCR character error rate estimated from signals alone (docs/cer_estimate.md gives the
// calibration). `low_conf_word_ratio` is the share of OCR words with confidence below 60.
double EstimateCer(const TextSignals& s, double mean_confidence, double low_conf_word_ratio);

// The estimate corrected by `text_coverage` (the share of the page's text-like ink under
// recognised words): words never found leave no trace in the signals above, but each missing
// character is an error. The uncovered share beyond what figures and specks explain on clean
// pages is taken as a floor of the CER.
double WithCoverage(double cer_estimate, double text_coverage);

// Headings of a ground-truth text: Markdown `#` lines, a title-like first line, and short
// title-like lines standing alone (blank line before, blank or no line after, at most 10 words,
// starting with a capital or a digit, no sentence punctuation at the end).
std::vector<std::string> GroundTruthHeadings(std::string_view text);

// Share of `headings` found intact (whitespace-normalised) in `text`; nullopt-like -1 when
// there are none.
double HeadingRecall(const std::vector<std::string>& headings, std::string_view text);

// Share of `headings` that some heading block reads (`heading_blocks`: the texts of the title
// and heading blocks), whitespace-normalised, allowing a section number before it
// ("2.1 Methods" reads "Methods"); -1 when there are none.
double HeadingBlockRecall(const std::vector<std::string>& headings,
                          const std::vector<std::string>& heading_blocks);

// True for a block's text that looks like a heading: one or two lines, at most 12 words,
// starting with a capital or a digit, not ending in sentence punctuation.
bool LooksLikeHeading(std::string_view block_text);

}  // namespace assay
