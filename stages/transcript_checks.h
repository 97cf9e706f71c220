// The checks of a parsed transcript: what is wrong at which cue, as per-cue metrics (scope
// "cue:N", which contract rules with `scope = "cue"` judge, so a failure names its cue) and as
// document counts, plus findings (cue, kind, detail) for the export.
//
// No threshold lives here: a per-cue metric is written whenever the defect is there at all
// (an overlap of 10 ms, a word 20 ms outside its segment, a cue ending 0.1 s after the media),
// with its size as the value, and the contract says how much is too much. Characters per
// second are written for every timed cue with text, for the same reason.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/transcript.h"
#include "stages/transcript_parse.h"

namespace assay {

struct TranscriptCheckOptions {
  std::optional<double> media_duration;          // seconds; nullopt without readable media
  std::optional<std::string> declared_language;  // the manifest's, e.g. "en" or "en-GB"
  // A cue without a speaker is a finding when at least this share of the cues with text
  // name one (a transcript with labels on most cues has lost some).
  double speaker_majority = 0.5;
};

struct TranscriptCheckResult {
  Transcript transcript;
  std::map<std::string, double> metrics;                            // transcript.*
  std::map<std::string, std::map<std::string, double>> cue_metrics;  // "cue:N" -> metrics
};

TranscriptCheckResult CheckTranscript(const ParsedTranscript& parsed,
                                      const TranscriptCheckOptions& options);

// Encoding damage in UTF-8 text: U+FFFD replacement characters, C1 control characters and
// UTF-8 read as Windows-1252/Latin-1 ("Ã©" for é, "â€™" for ’), one per damaged character.
int CountEncodingDamage(std::string_view utf8);

// Characters (code points; a line break counts as one) of a cue's text.
int CountCueCharacters(std::string_view utf8);

}  // namespace assay
