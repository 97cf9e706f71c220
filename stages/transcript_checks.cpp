#include "stages/transcript_checks.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "core/language.h"
#include "core/text_metrics.h"

namespace assay {
namespace {

std::vector<uint32_t> DecodeCueCodePoints(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + n > s.size()) n = 1;
    uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// The characters Windows-1252 gives the bytes 0x80-0x9F: a UTF-8 continuation byte read as
// Windows-1252 becomes one of them (or a Latin-1 character 0xA0-0xBF).
bool IsCp1252Special(uint32_t cp) {
  static const uint32_t kSpecials[] = {0x20AC, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017D, 0x2018,
                                       0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
                                       0x2122, 0x0161, 0x203A, 0x0153, 0x017E, 0x0178};
  return std::find(std::begin(kSpecials), std::end(kSpecials), cp) != std::end(kSpecials);
}

bool IsMisreadContinuation(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || IsCp1252Special(cp);
}

std::string CueSecondsText(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

double RoundCueRate(double v) { return std::round(v * 100.0) / 100.0; }
double RoundCueSeconds(double v) { return std::round(v * 1000.0) / 1000.0; }

std::string NormalCueText(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::string PrimaryLanguageSubtag(std::string code) {
  code = code.substr(0, code.find_first_of("-_"));
  for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return code;
}

}  // namespace

int CountEncodingDamage(std::string_view utf8) {
  const std::vector<uint32_t> cps = DecodeCueCodePoints(utf8);
  int damage = 0;
  for (size_t i = 0; i < cps.size(); ++i) {
    const uint32_t c = cps[i];
    const uint32_t next = i + 1 < cps.size() ? cps[i + 1] : 0;
    if (c == 0xFFFD || (c >= 0x80 && c <= 0x9F)) {
      ++damage;
    } else if (c == 0xE2 && next == 0x20AC) {  // "â€" + one more: ’ “ ” – — … read as 1252
      ++damage;
      i += i + 2 < cps.size() ? 2 : 1;
    } else if ((c == 0xC2 || c == 0xC3 || c == 0xC5 || c == 0xD0 || c == 0xD1) &&
               IsMisreadContinuation(next)) {  // "Ã©" for é, "Ð¿" for п
      ++damage;
      ++i;
    }
  }
  return damage;
}

int CountCueCharacters(std::string_view utf8) { return static_cast<int>(CodePointCount(utf8)); }

TranscriptCheckResult CheckTranscript(const ParsedTranscript& parsed,
                                      const TranscriptCheckOptions& options) {
  TranscriptCheckResult r;
  Transcript& t = r.transcript;
  t.format = parsed.format;
  t.declared_language = options.declared_language;
  t.media_duration = options.media_duration;
  auto cue_metric = [&](int cue, const char* name, double value) {
    r.cue_metrics["cue:" + std::to_string(cue)][std::string("transcript.cue_") + name] = value;
  };
  auto finding = [&](int cue, const char* kind, const std::string& detail) {
    t.findings.push_back(TranscriptFinding{cue, kind, detail});
  };

  int unparseable = 0, out_of_order = 0, overlaps = 0, nonpositive = 0, empty = 0,
      duplicates = 0, damaged = 0, words_outside = 0, past_end = 0, missing_speakers = 0;
  std::vector<double> cps_values;
  const ParsedCue* previous = nullptr;  // the last timed cue, in file order
  std::string previous_text;            // of the last cue with text
  int with_text = 0, with_speaker = 0;
  for (const ParsedCue& c : parsed.cues) {
    if (!c.text.empty()) {
      ++with_text;
      if (!c.speaker.empty()) ++with_speaker;
    }
  }
  const bool speakers_expected =
      with_speaker > 0 && with_speaker >= options.speaker_majority * with_text;

  std::string all_text;
  for (const ParsedCue& c : parsed.cues) {
    if (!c.text.empty()) all_text += c.text + "\n";
    if (!c.timed()) {
      ++unparseable;
      cue_metric(c.cue, "unparseable", 1);
      finding(c.cue, "unparseable", c.timing_error);
    } else {
      t.segments.push_back(TranscriptSegment{c.cue, c.start, c.end, c.text, c.speaker, c.words});
      const double duration = c.end - c.start;
      if (duration <= 0) {
        ++nonpositive;
        cue_metric(c.cue, "nonpositive_duration", 1);
        finding(c.cue, "nonpositive_duration", "ends at " + CueSecondsText(c.end) +
                                                   ", not after its start " + CueSecondsText(c.start));
      }
      if (previous != nullptr && c.start < previous->start) {
        ++out_of_order;
        cue_metric(c.cue, "out_of_order", 1);
        finding(c.cue, "out_of_order", "starts at " + CueSecondsText(c.start) +
                                           ", before cue " + std::to_string(previous->cue) +
                                           " (" + CueSecondsText(previous->start) + ")");
      } else if (previous != nullptr && c.start < previous->end) {
        const double overlap = RoundCueSeconds(std::min(previous->end, c.end) - c.start);
        if (overlap > 0) {
          ++overlaps;
          cue_metric(c.cue, "overlap_s", overlap);
          finding(c.cue, "overlap", "starts " + CueSecondsText(overlap) + " before cue " +
                                        std::to_string(previous->cue) + " ends");
        }
      }
      if (duration > 0 && !c.text.empty()) {
        const double cps = RoundCueRate(CountCueCharacters(c.text) / duration);
        cue_metric(c.cue, "cps", cps);
        cps_values.push_back(cps);
      }
      double outside = 0;
      for (const TranscriptWord& w : c.words) {
        const double d = std::max({c.start - w.start, w.end - c.end, 0.0});
        if (d > 0) ++words_outside;
        outside = std::max(outside, d);
      }
      if (outside > 0) {
        cue_metric(c.cue, "words_outside_s", RoundCueSeconds(outside));
        finding(c.cue, "words_outside", "a word timing lies " + CueSecondsText(RoundCueSeconds(outside)) +
                                            " outside the segment");
      }
      if (options.media_duration && c.end > *options.media_duration) {
        const double over = RoundCueSeconds(c.end - *options.media_duration);
        if (over > 0) {
          ++past_end;
          cue_metric(c.cue, "past_media_end_s", over);
          finding(c.cue, "past_media_end",
                  "ends " + CueSecondsText(over) + " after the media (" +
                      CueSecondsText(*options.media_duration) + ")");
        }
      }
      previous = &c;
    }
    if (c.text.empty()) {
      ++empty;
      cue_metric(c.cue, "empty", 1);
      finding(c.cue, "empty", "no text");
      continue;
    }
    const std::string normal = NormalCueText(c.text);
    if (normal == previous_text) {
      ++duplicates;
      cue_metric(c.cue, "duplicate", 1);
      finding(c.cue, "duplicate", "repeats the text of the cue before it");
    }
    previous_text = normal;
    if (speakers_expected && c.speaker.empty()) {
      ++missing_speakers;
      cue_metric(c.cue, "missing_speaker", 1);
      finding(c.cue, "missing_speaker",
              "no speaker, where " + std::to_string(with_speaker) + " of " +
                  std::to_string(with_text) + " cues name one");
    }
    if (const int d = CountEncodingDamage(c.text) + CountEncodingDamage(c.speaker); d > 0) {
      damaged += d;
      cue_metric(c.cue, "encoding_damage", d);
      finding(c.cue, "encoding_damage",
              std::to_string(d) + " damaged character(s) (mojibake or U+FFFD)");
    }
  }
  std::stable_sort(t.findings.begin(), t.findings.end(),
                   [](const TranscriptFinding& a, const TranscriptFinding& b) {
                     return a.cue < b.cue;
                   });

  // Time covered: the union of the cues' intervals; gaps between them (and, with media,
  // before the first and after the last), within the media when its length is known.
  std::vector<std::pair<double, double>> spans;
  for (const TranscriptSegment& s : t.segments) {
    double a = s.start, b = s.end;
    if (options.media_duration) b = std::min(b, *options.media_duration);
    if (b > a) spans.emplace_back(a, b);
  }
  std::sort(spans.begin(), spans.end());
  double speech = 0, gap_total = 0, gap_longest = 0;
  double cursor = options.media_duration ? 0 : (spans.empty() ? 0 : spans.front().first);
  for (const auto& [a, b] : spans) {
    if (a > cursor) {
      gap_total += a - cursor;
      gap_longest = std::max(gap_longest, a - cursor);
    }
    if (b > cursor) {
      speech += b - std::max(a, cursor);
      cursor = b;
    }
  }
  if (options.media_duration && *options.media_duration > cursor) {
    gap_total += *options.media_duration - cursor;
    gap_longest = std::max(gap_longest, *options.media_duration - cursor);
  }

  auto& m = r.metrics;
  m["transcript.cues"] = static_cast<double>(parsed.cues.size());
  m["transcript.unparseable_cues"] = unparseable;
  m["transcript.out_of_order"] = out_of_order;
  m["transcript.overlaps"] = overlaps;
  m["transcript.nonpositive_durations"] = nonpositive;
  m["transcript.empty_cues"] = empty;
  m["transcript.duplicate_cues"] = duplicates;
  m["transcript.missing_speakers"] = missing_speakers;
  m["transcript.speaker_share"] = with_text > 0 ? RoundCueSeconds(double(with_speaker) / with_text) : 0;
  m["transcript.encoding_damage"] = damaged;
  m["transcript.words_outside"] = words_outside;
  m["transcript.speech_s"] = RoundCueSeconds(speech);
  m["transcript.gap_total_s"] = RoundCueSeconds(gap_total);
  m["transcript.gap_longest_s"] = RoundCueSeconds(gap_longest);
  if (!cps_values.empty()) {
    std::vector<double> sorted = cps_values;
    std::sort(sorted.begin(), sorted.end());
    m["transcript.cps_max"] = sorted.back();
    m["transcript.cps_median"] = sorted[sorted.size() / 2];
  }
  if (options.media_duration) {
    m["transcript.media_duration_s"] = RoundCueSeconds(*options.media_duration);
    m["transcript.past_media_end"] = past_end;
    m["transcript.coverage"] =
        *options.media_duration > 0 ? RoundCueSeconds(speech / *options.media_duration) : 0;
  }
  t.language = DetectLanguage(all_text);
  m["transcript.language_undetermined"] = t.language == "un" ? 1 : 0;
  if (options.declared_language) {
    m["transcript.language_mismatch"] =
        t.language != "un" && PrimaryLanguageSubtag(t.language) != PrimaryLanguageSubtag(*options.declared_language)
            ? 1
            : 0;
  }
  return r;
}

}  // namespace assay
