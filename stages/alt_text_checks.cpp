#include "stages/alt_text_checks.h"

#include <algorithm>
#include <regex>
#include <set>

#include "core/image_role.h"
#include "core/language.h"
#include "core/text_metrics.h"
#include "core/whitespace.h"

namespace assay {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A letter or digit; a byte of a multi-byte UTF-8 character counts as a letter, so words of
// any script stay whole.
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u);
}

// Runs of letters and digits, lowercased: "Print this page." -> print, this, page.
std::vector<std::string> Tokens(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (IsWordByte(c)) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Whitespace-separated words holding at least one letter or digit.
int AlnumWordCount(const std::string& s) {
  int n = 0;
  bool in_word = false, has_alnum = false;
  for (char c : s + " ") {
    if (std::isspace(static_cast<unsigned char>(c))) {
      n += in_word && has_alnum;
      in_word = has_alnum = false;
    } else {
      in_word = true;
      has_alnum = has_alnum || IsWordByte(c);
    }
  }
  return n;
}

int AlnumCount(const std::string& s) {
  return static_cast<int>(std::count_if(s.begin(), s.end(), IsWordByte));
}

// Characters, not bytes (UTF-8 continuation bytes are not counted).
int CharCount(const std::string& s) { return static_cast<int>(CodePointCount(s)); }

bool AllDigits(const std::string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

std::string Stem(const std::string& file_name) {
  const auto dot = file_name.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? file_name : file_name.substr(0, dot);
}

// Why the alt-text looks like a file name rather than words, or nullopt.
std::optional<std::string> FileNameLike(const std::string& alt, const std::string& file_name,
                                        const std::function<bool(const std::string&)>& is_word) {
  static const std::regex kExtension(
      R"(\S\.(jpe?g|png|gif|bmp|tiff?|webp|svg|heic|heif|avif|pdf|eps|raw|cr2|nef|psd)\b)",
      std::regex::icase);
  static const std::regex kCamera(
      R"(^(img|dsc[nf]?|dcim|pxl|mvimg|gopr|gp|sam|cimg|imag|dji|wp|vid|p|photo|image|pic|scan|screenshot|screen shot|whatsapp image)[\s_-]*\d{3,})",
      std::regex::icase);
  static const std::regex kTimestamp(
      R"(\d{4}[-_.]?\d{2}[-_.]?\d{2}[\s_T-]+(at\s+)?\d{1,2}[.:_-]?\d{2})", std::regex::icase);
  // One token joined the way files are named: a letter run running into 3+ digits
  // ("scan0003"), or a version/copy suffix ("photo-final-v2", "logo.copy").
  static const std::regex kJoined(
      R"([a-z][-.]?\d{3,}|[-.](v\d+|rev\d*|final|copy|edit|draft|\d)\b)", std::regex::icase);
  const std::string lower = Lower(alt);
  const std::string name = Lower(file_name), stem = Lower(Stem(file_name));
  if (!name.empty() && (lower == name)) return "it is the file's own name";
  if (std::regex_search(alt, kExtension)) return "it ends in a file extension";
  if (std::regex_search(alt, kCamera)) return "it is a camera or screenshot file name";
  if (std::regex_search(alt, kTimestamp)) return "it is a date-time stamp";
  const bool one_token = alt.find_first_of(" \t\r\n") == std::string::npos;
  if (one_token && alt.find('_') != std::string::npos) return "it is one token joined by '_'";
  if (one_token && std::regex_search(alt, kJoined)) return "it is one token named like a file";
  if (!stem.empty() && lower == stem) {
    // "print" for print.png is a word that happens to be the name; "worddocument" is not.
    const bool plain_word =
        std::all_of(stem.begin(), stem.end(),
                    [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }) &&
        is_word && is_word(stem);
    if (!plain_word) return "it is the file's name without its extension";
  }
  return std::nullopt;
}

// True when every word says only "an image" (image, photo, untitled, ...): nothing about what
// it shows.
bool Boilerplate(const std::vector<std::string>& tokens) {
  static const std::set<std::string> kGeneric = {
      "a",       "an",        "the",       "of",       "this",       "is",          "here",
      "my",      "image",     "images",    "img",      "photo",      "photos",      "photograph",
      "picture", "pictures",  "pic",       "graphic",  "graphics",   "untitled",    "icon",
      "logo",    "figure",    "fig",       "alt",      "text",       "placeholder", "spacer",
      "blank",   "default",   "thumbnail", "thumb",    "screenshot", "screen",      "shot",
      "stock",   "clipart",   "clip",      "art",      "banner",     "file",        "null",
      "none",    "undefined", "na",        "n",        "insert",     "description", "caption",
      "see",     "below",     "above",     "attached", "attachment", "jpg",         "jpeg",
      "png",     "gif",       "unnamed",   "noname",   "dsc",        "untitled1",   "copy"};
  bool any = false;
  for (const std::string& t : tokens) {
    if (AllDigits(t)) continue;  // "Image 3"
    if (!kGeneric.count(t)) return false;
    any = true;
  }
  return any;
}

// Why the alt-text reads as a list of search keywords rather than a description, or nullopt.
std::optional<std::string> KeywordList(const std::string& alt,
                                       const std::vector<std::string>& tokens) {
  // Three or more short items between separators, none joined by "and"/"or" the way a
  // sentence lists things.
  std::vector<std::string> parts;
  std::string cur;
  for (char c : alt + ",") {
    if (c == ',' || c == ';' || c == '|' || c == '\n') {
      if (!TrimWhitespace(cur).empty()) parts.push_back(TrimWhitespace(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (parts.size() >= 3) {
    bool all_short = true, sentence_like = false;
    for (const std::string& p : parts) {
      all_short = all_short && AlnumWordCount(p) <= 3;
      const std::string l = Lower(p);
      sentence_like = sentence_like || l.starts_with("and ") || l.starts_with("or ") ||
                      l.starts_with("& ") || l.find(" and ") != std::string::npos ||
                      l.find(" or ") != std::string::npos;
    }
    if (all_short && !sentence_like) {
      return std::to_string(parts.size()) + " short items between separators, not a sentence";
    }
  }
  int hashtags = 0;
  for (size_t i = 0; i < alt.size(); ++i) {
    hashtags += alt[i] == '#' && i + 1 < alt.size() && IsWordByte(alt[i + 1]) &&
                (i == 0 || std::isspace(static_cast<unsigned char>(alt[i - 1])));
  }
  if (hashtags >= 2) return std::to_string(hashtags) + " hashtags";
  std::map<std::string, int> counts;
  for (const std::string& t : tokens) {
    if (t.size() >= 4 && !AllDigits(t) && ++counts[t] >= 3) {
      return "\"" + t + "\" repeated " + std::to_string(counts[t]) + " times";
    }
  }
  return std::nullopt;
}

// Function words of a few languages: a fallback for short text CLD2 will not decide on. Words
// two languages share ("a", "in", "de", "la") count for each; English's list leaves out those
// it shares, so that an English alt-text is one that has at least one of them.
const std::vector<std::pair<std::string, std::set<std::string>>>& FunctionWords() {
  static const std::vector<std::pair<std::string, std::set<std::string>>> kWords = {
      {"en", {"the",  "an",  "of",   "and",  "with", "to",  "is",    "are", "at", "by", "for",
              "from", "its", "this", "that", "his",  "her", "their", "on",  "or", "it", "was"}},
      {"de", {"der", "die", "das", "und", "mit", "ein", "eine", "einer", "einem", "einen", "ist",
              "im",  "auf", "aus", "von", "zu",  "den", "dem",  "des",   "nicht", "sie"}},
      {"fr",
       {"le", "la", "les", "un", "une", "des", "et", "avec", "de", "du", "dans", "sur", "pour",
        "est", "au", "aux", "en", "il", "elle"}},
      {"es",
       {"el", "la", "los", "las", "un", "una", "y", "con", "de", "del", "en", "por", "para", "es",
        "su", "sus", "al", "a"}},
      {"it",
       {"il", "lo", "la", "le", "gli", "un", "una", "e", "con", "di", "del", "della", "in", "per",
        "su", "al", "alla"}},
      {"nl",
       {"de", "het", "een", "en", "met", "van", "in", "op", "is", "zijn", "voor", "aan", "bij"}},
      {"pt",
       {"o", "a", "os", "as", "um", "uma", "e", "com", "de", "do", "da", "em", "para", "seu",
        "sua"}},
  };
  return kWords;
}

// The language whose function words the text has most of, when the expected language's has
// none and another's has at least two; else "un".
std::string LanguageByFunctionWords(const std::vector<std::string>& tokens,
                                    const std::string& expected) {
  std::string best = "un";
  int best_count = 1, expected_count = -1;
  for (const auto& [lang, words] : FunctionWords()) {
    int n = 0;
    for (const std::string& t : tokens) n += words.count(t) > 0;
    if (lang == expected) expected_count = n;
    if (lang != expected && n > best_count) best = lang, best_count = n;
  }
  return expected_count == 0 ? best : "un";
}

std::string Quote(const std::string& s) {
  std::string q = s.size() > 60 ? s.substr(0, 57) + "..." : s;
  return "\"" + q + "\"";
}

}  // namespace

std::optional<int> FigureNumber(const std::string& text) {
  static const std::regex kLabel(
      R"((^|[^a-z])(fig|figure|abb|abbildung|plate)\.?[\s_-]*(\d{1,3})(?!\d))", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(text, m, kLabel)) return std::nullopt;
  return std::stoi(m[3].str());
}

int CaptionSequenceBreaks(const std::vector<std::string>& captions) {
  int breaks = 0, last = 0;
  for (const std::string& c : captions) {
    const auto n = FigureNumber(c);
    if (!n) continue;
    if (*n <= last) ++breaks;
    last = std::max(last, *n);
  }
  return breaks;
}

AltTextFindings CheckAltText(const AltTextFacts& f, const AltTextLimits& limits) {
  AltTextFindings out;
  auto& m = out.metrics;
  for (const char* name : {"alt_text.missing", "alt_text.filename_like", "alt_text.boilerplate",
                           "alt_text.too_short", "alt_text.too_long", "alt_text.keyword_list",
                           "alt_text.language_mismatch", "alt_text.caption_figure_mismatch"}) {
    m[name] = 0;
  }
  const std::string alt = f.alt_text ? TrimWhitespace(*f.alt_text) : "";
  m["alt_text.chars"] = CharCount(alt);
  m["alt_text.words"] = AlnumWordCount(alt);

  // A caption naming another figure than the alt-text or the file name does.
  if (f.caption) {
    if (const auto cap = FigureNumber(*f.caption)) {
      const auto in_alt = FigureNumber(alt);
      const auto in_name = FigureNumber(Stem(f.file_name));
      if (in_alt && *in_alt != *cap) {
        m["alt_text.caption_figure_mismatch"] = 1;
        out.reasons.push_back("the caption names figure " + std::to_string(*cap) +
                              ", the alt-text figure " + std::to_string(*in_alt));
      } else if (in_name && *in_name != *cap) {
        m["alt_text.caption_figure_mismatch"] = 1;
        out.reasons.push_back("the caption names figure " + std::to_string(*cap) +
                              ", the file name figure " + std::to_string(*in_name));
      }
    }
  }

  if (alt.empty()) {
    if (EmptyAltIsRight(f.role)) return out;
    if (f.alt_text && EmptyAltMayBeCarriedElsewhere(f.role)) return out;
    m["alt_text.missing"] = 1;
    out.reasons.push_back(std::string(f.alt_text ? "empty" : "no") +
                          " alt-text for an image of role " + f.role);
    return out;
  }

  const std::vector<std::string> tokens = Tokens(alt);
  if (auto why = FileNameLike(alt, f.file_name, f.is_word)) {
    m["alt_text.filename_like"] = 1;
    out.reasons.push_back("alt-text " + Quote(alt) + " looks like a file name: " + *why);
  }
  if (Boilerplate(tokens)) {
    m["alt_text.boilerplate"] = 1;
    out.reasons.push_back("alt-text " + Quote(alt) + " says only that this is an image");
  }
  const bool empty_is_right = EmptyAltIsRight(f.role);
  const bool functional = f.role == "functional";
  const bool icon =
      f.width > 0 && f.height > 0 && std::max(f.width, f.height) <= limits.icon_max_px;
  if (!empty_is_right) {
    const int words = AlnumWordCount(alt);
    const int min_words = functional || icon || f.role == "image-of-text" ? 1 : limits.min_words;
    if (AlnumCount(alt) < 2 || words < min_words) {
      m["alt_text.too_short"] = 1;
      out.reasons.push_back("alt-text " + Quote(alt) + " has " + std::to_string(words) +
                            " word(s); a " + (icon ? "icon" : f.role) + " image of " +
                            std::to_string(f.width) + "x" + std::to_string(f.height) +
                            " px needs at least " + std::to_string(min_words));
    }
  }
  const int max_chars = functional ? limits.functional_max_chars : limits.max_chars;
  if (CharCount(alt) > max_chars) {
    m["alt_text.too_long"] = 1;
    out.reasons.push_back("alt-text of " + std::to_string(CharCount(alt)) +
                          " characters; at most " + std::to_string(max_chars) + " for a " + f.role +
                          " image (a long description belongs beside the image)");
  }
  if (auto why = KeywordList(alt, tokens)) {
    m["alt_text.keyword_list"] = 1;
    out.reasons.push_back("alt-text reads as a keyword list: " + *why);
  }
  if (!f.expected_language.empty() && CharCount(alt) >= limits.language_min_chars &&
      AlnumWordCount(alt) >= 4) {
    std::string lang = DetectLanguage(alt);
    // CLD2 declines some short sentences ("Un castillo antiguo con una torre alta..."): then
    // function words decide, for the languages listed.
    if (lang == "un" && AlnumWordCount(alt) >= 5)
      lang = LanguageByFunctionWords(tokens, f.expected_language);
    if (lang != "un" && lang != f.expected_language) {
      m["alt_text.language_mismatch"] = 1;
      out.reasons.push_back("alt-text is in language " + lang + ", expected " +
                            f.expected_language);
    }
  }
  if (f.role == "image-of-text" && f.ocr_text) {
    std::vector<std::string> read;
    for (const std::string& t : Tokens(*f.ocr_text)) {
      if (t.size() >= 2 || AllDigits(t)) read.push_back(t);
    }
    if (static_cast<double>(read.size()) >= limits.ocr_min_words) {
      const std::set<std::string> said(tokens.begin(), tokens.end());
      const auto found = std::count_if(read.begin(), read.end(),
                                       [&](const std::string& t) { return said.count(t) > 0; });
      const double agreement = static_cast<double>(found) / static_cast<double>(read.size());
      m["alt_text.ocr_agreement"] = agreement;
      if (agreement < 0.5) {
        out.reasons.push_back("the image reads " + Quote(*f.ocr_text) + "; the alt-text has " +
                              std::to_string(found) + " of its " + std::to_string(read.size()) +
                              " words");
      }
    }
  }
  return out;
}

}  // namespace assay
