// A transcript as the content JSON holds it (the `transcript` stage makes it): its cues in
// file order with times, speaker and word timings, and the defects found at each cue.
//
// A cue is numbered by its place in the file (1-based), counting the cues whose timing line
// does not parse too, so "cue 17" names the same block in the file, in the findings, in the
// contract's `cue:17` scope and in the export.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace assay {

struct TranscriptWord {
  double start = 0, end = 0;  // seconds
  std::string word;
};

struct TranscriptSegment {
  int cue = 0;                // 1-based place in the file
  double start = 0, end = 0;  // seconds
  std::string text;           // markup (VTT tags) removed, lines joined by '\n'
  std::string speaker;        // empty when the cue names none
  std::vector<TranscriptWord> words;
};

// One defect at one cue: `kind` is a stable key (out_of_order, overlap, cps_high, ...), the
// name of the per-cue metric without its `transcript.cue_` prefix; `detail` says what was seen.
struct TranscriptFinding {
  int cue = 0;
  std::string kind;
  std::string detail;
};

struct Transcript {
  std::string format;    // srt | vtt | json
  std::string language;  // detected (ISO 639-1, "un" when unsure)
  std::optional<std::string> declared_language;  // the manifest's
  std::optional<double> media_duration;          // seconds, when the media was read
  std::vector<TranscriptSegment> segments;       // parsed cues, in file order
  std::vector<TranscriptFinding> findings;       // ordered by cue, then kind

  // The cues' texts in file order, one cue a line, "Speaker: text" when the cue names one.
  std::string Text() const;
  // Canonical JSON (sorted keys), times rounded to milliseconds.
  nlohmann::json ToJson() const;
  static Transcript FromJson(const nlohmann::json& j);
};

// Rounds seconds to milliseconds, the resolution of SRT and WebVTT.
double RoundSeconds(double s);

}  // namespace assay
