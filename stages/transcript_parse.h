// Reading a transcript file: SubRip (.srt), WebVTT and a JSON transcript with segments (the
// shape speech-recognition tools such as Whisper write: {"segments": [{"start", "end",
// "text", "speaker"?, "words"?: [{"start", "end", "word"}]}]}, or a top-level array of such
// segments). The format is told from the content, never from the file name.
//
// A cue whose timing does not parse is kept, marked with the reason, so a checker can say
// where the file is broken; only a file that is not a transcript at all (or exceeds the
// limits) is an error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/transcript.h"

namespace assay {

struct ParsedCue {
  int cue = 0;                // 1-based place in the file
  std::string timing_error;   // empty when the timing parsed
  double start = 0, end = 0;  // seconds (0 when the timing did not parse)
  std::string text;           // markup removed, valid UTF-8 (bad bytes -> U+FFFD)
  std::string speaker;
  std::vector<TranscriptWord> words;
  int words_dropped = 0;  // word timings that were not numbers
  bool timed() const { return timing_error.empty(); }
};

struct ParsedTranscript {
  std::string format;  // srt | vtt | json
  std::vector<ParsedCue> cues;
};

struct TranscriptLimits {
  size_t max_line_bytes = size_t{1} << 20;  // SRT and WebVTT lines
  size_t max_cues = 200000;
};

// "srt", "vtt", "json", or "" when `head` (the first bytes of a file) is none of them.
// WebVTT: the "WEBVTT" signature; SubRip: a first block with a "-->" timing line after an
// optional number; JSON: an object with a "segments" array, or an array of objects with
// "start" keys.
std::string SniffTranscriptFormat(std::string_view head);

// Parses a whole file. Errors: not a transcript (binary, no signature), a line or cue count
// over the limits, JSON that does not parse or lacks segments.
Result<ParsedTranscript> ParseTranscript(std::string_view bytes,
                                         const TranscriptLimits& limits = {});

// One timestamp: [H...:]MM:SS[,.]f{1,3} (hours optional for WebVTT, required for SubRip;
// minutes and seconds two digits below 60). Returns seconds, or nullopt with *why set
// (negative, out of range, malformed). Hours above 9999 are refused as out of range.
std::optional<double> ParseCueTimestamp(std::string_view text, bool hours_required,
                                        std::string* why);

// Replaces each byte sequence that is not valid UTF-8 with U+FFFD.
std::string ValidUtf8(std::string_view bytes);

}  // namespace assay
