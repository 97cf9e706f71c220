// The transcript checks (stages/transcript_checks.h): each defect is found at its cue, a
// clean transcript has no finding, and the document measures add up.
#include "stages/transcript_checks.h"

#include <gtest/gtest.h>

#include <set>

namespace assay {
namespace {

ParsedCue TranscriptCueAt(int n, double start, double end, std::string text, std::string speaker = "") {
  ParsedCue c;
  c.cue = n;
  c.start = start;
  c.end = end;
  c.text = std::move(text);
  c.speaker = std::move(speaker);
  return c;
}

std::set<std::pair<int, std::string>> FoundFindings(const TranscriptCheckResult& r) {
  std::set<std::pair<int, std::string>> out;
  for (const TranscriptFinding& f : r.transcript.findings) out.insert({f.cue, f.kind});
  return out;
}

TEST(TranscriptChecks, CleanTranscriptHasNoFindings) {
  ParsedTranscript t;
  t.format = "srt";
  t.cues = {TranscriptCueAt(1, 0.5, 3.0, "The quick brown fox jumps.", "A"),
            TranscriptCueAt(2, 3.2, 6.0, "Over the lazy dog, twice.", "B"),
            TranscriptCueAt(3, 7.0, 9.5, "And then it rested a while.", "A")};
  TranscriptCheckOptions o;
  o.media_duration = 10.0;
  const TranscriptCheckResult r = CheckTranscript(t, o);
  EXPECT_TRUE(r.transcript.findings.empty());
  EXPECT_EQ(r.metrics.at("transcript.cues"), 3);
  EXPECT_EQ(r.metrics.at("transcript.overlaps"), 0);
  EXPECT_DOUBLE_EQ(r.metrics.at("transcript.speech_s"), 7.8);
  // Gaps: 0.5 before, 0.2, 1.0 between, 0.5 after.
  EXPECT_DOUBLE_EQ(r.metrics.at("transcript.gap_total_s"), 2.2);
  EXPECT_DOUBLE_EQ(r.metrics.at("transcript.gap_longest_s"), 1.0);
  EXPECT_DOUBLE_EQ(r.metrics.at("transcript.coverage"), 0.78);
  EXPECT_EQ(r.metrics.at("transcript.speaker_share"), 1);
  EXPECT_DOUBLE_EQ(r.cue_metrics.at("cue:1").at("transcript.cue_cps"), 10.4);  // 26 chars / 2.5 s
  EXPECT_EQ(r.cue_metrics.at("cue:1").size(), 1u);  // only the rate on a clean cue
}

TEST(TranscriptChecks, EachDefectAtItsCue) {
  ParsedTranscript t;
  t.format = "json";
  ParsedCue unparseable;
  unparseable.cue = 8;
  unparseable.timing_error = "start time: negative time";
  unparseable.text = "lost";
  unparseable.speaker = "A";
  ParsedCue words = TranscriptCueAt(12, 40, 42, "with words", "A");
  words.words = {{40.0, 40.5, "with"}, {41.5, 42.3, "words"}};
  t.cues = {TranscriptCueAt(1, 0, 2, "Hello there my friend.", "A"),
            TranscriptCueAt(2, 5, 7, "Second cue.", "B"),
            TranscriptCueAt(3, 3, 4, "Went back in time.", "A"),        // out of order
            TranscriptCueAt(4, 8, 10, "Fine again here.", "A"),
            TranscriptCueAt(5, 9.5, 11, "Starts inside four.", "B"),     // overlap 0.5 s
            TranscriptCueAt(6, 12, 12, "Zero length.", "A"),             // nonpositive
            TranscriptCueAt(7, 13, 14, "", "A"),                          // empty
            unparseable,
            TranscriptCueAt(9, 15, 16, "Said twice.", "A"),
            TranscriptCueAt(10, 17, 18, "said  TWICE.", "A"),  // repeats 9 (case, spacing aside)
            TranscriptCueAt(11, 19, 20, "No speaker here."),              // missing speaker
            words,                                             // a word 0.3 s outside
            TranscriptCueAt(13, 43, 44, "caf\xC3\x83\xC2\xA9 don\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2t", "A"),  // mojibake x2
            TranscriptCueAt(14, 45, 52, "Runs past the end.", "A")};
  TranscriptCheckOptions o;
  o.media_duration = 50.0;
  const TranscriptCheckResult r = CheckTranscript(t, o);
  const std::set<std::pair<int, std::string>> expected = {
      {3, "out_of_order"},   {5, "overlap"},         {6, "nonpositive_duration"},
      {7, "empty"},          {8, "unparseable"},     {10, "duplicate"},
      {11, "missing_speaker"}, {12, "words_outside"}, {13, "encoding_damage"},
      {14, "past_media_end"}};
  EXPECT_EQ(FoundFindings(r), expected);
  EXPECT_DOUBLE_EQ(r.cue_metrics.at("cue:5").at("transcript.cue_overlap_s"), 0.5);
  EXPECT_DOUBLE_EQ(r.cue_metrics.at("cue:12").at("transcript.cue_words_outside_s"), 0.3);
  EXPECT_EQ(r.cue_metrics.at("cue:13").at("transcript.cue_encoding_damage"), 2);
  EXPECT_DOUBLE_EQ(r.cue_metrics.at("cue:14").at("transcript.cue_past_media_end_s"), 2.0);
  EXPECT_EQ(r.metrics.at("transcript.unparseable_cues"), 1);
  EXPECT_EQ(r.metrics.at("transcript.out_of_order"), 1);
  EXPECT_EQ(r.metrics.at("transcript.past_media_end"), 1);
  EXPECT_EQ(r.transcript.segments.size(), 13u);  // the unparseable cue has no segment
  EXPECT_EQ(r.cue_metrics.count("cue:6"), 1u);
  EXPECT_EQ(r.cue_metrics.at("cue:6").count("transcript.cue_cps"), 0u);  // no rate at 0 s
}

TEST(TranscriptChecks, SpeakersOnlyExpectedWhereMostCuesHaveOne) {
  ParsedTranscript t;
  t.cues = {TranscriptCueAt(1, 0, 1, "one", "A"), TranscriptCueAt(2, 1, 2, "two"), TranscriptCueAt(3, 2, 3, "three")};
  EXPECT_TRUE(CheckTranscript(t, {}).transcript.findings.empty());  // 1 of 3: no convention
}

TEST(TranscriptChecks, EncodingDamage) {
  EXPECT_EQ(CountEncodingDamage("plain ASCII, café, naïve, São Paulo, Ärger, ½"), 0);
  EXPECT_EQ(CountEncodingDamage("NÃO Âge"), 0);  // capitals of Portuguese and French
  EXPECT_EQ(CountEncodingDamage("cafÃ©"), 1);
  EXPECT_EQ(CountEncodingDamage("donâ€™t â€œquoteâ€\x9d"), 3);
  EXPECT_EQ(CountEncodingDamage("bad \xEF\xBF\xBD byte"), 1);
  EXPECT_EQ(CountEncodingDamage("\xD0\x9F\xD1\x80\xD0\xB8"), 0);  // Привет's first letters
  EXPECT_EQ(CountEncodingDamage("Ã"), 0);
}

TEST(TranscriptChecks, LanguageAgainstDeclared) {
  ParsedTranscript t;
  t.cues = {TranscriptCueAt(1, 0, 5, "The committee met on Tuesday to discuss the new budget for the "
                         "library, and after a long debate the members agreed to extend the "
                         "opening hours on weekends during the winter months.")};
  TranscriptCheckOptions o;
  o.declared_language = "en-GB";
  auto r = CheckTranscript(t, o);
  EXPECT_EQ(r.transcript.language, "en");
  EXPECT_EQ(r.metrics.at("transcript.language_mismatch"), 0);
  o.declared_language = "de";
  r = CheckTranscript(t, o);
  EXPECT_EQ(r.metrics.at("transcript.language_mismatch"), 1);
  EXPECT_EQ(CheckTranscript(t, {}).metrics.count("transcript.language_mismatch"), 0u);
}

}  // namespace
}  // namespace assay
