// The transcript parsers (stages/transcript_parse.h): SubRip, WebVTT (cue settings, voice
// tags, NOTE blocks), JSON segments, timestamp edge cases and hostile input.
#include "stages/transcript_parse.h"

#include <gtest/gtest.h>

#include <random>

namespace assay {
namespace {

TEST(TranscriptParse, Timestamps) {
  struct TimestampCase {
    const char* text;
    bool hours_required;
    double seconds;  // < 0: refused
    const char* why;  // part of the reason when refused
  };
  const TimestampCase cases[] = {
      {"00:00:01,000", true, 1.0, ""},
      {"00:01:02.500", true, 62.5, ""},
      {"01:00:00,001", true, 3600.001, ""},
      {"00:00:01,5", true, 1.5, ""},      // one fraction digit: tenths
      {"00:00:01,05", true, 1.05, ""},
      {" 00:00:07,250 ", true, 7.25, ""},  // spaces around
      {"123:00:00,000", true, 442800, ""},  // hours above 99 are a long recording
      {"9999:59:59,999", true, 9999 * 3600 + 3599.999, ""},
      {"00:05.000", false, 5.0, ""},  // WebVTT: hours optional
      {"00:05.000", true, -1, "no hours"},
      {"10000:00:00,000", true, -1, "hours out of range"},
      {"99999999999999999999:00:00,000", true, -1, "hours out of range"},
      {"-00:00:01,000", true, -1, "negative"},
      {"00:60:00,000", true, -1, "minutes above 59"},
      {"00:00:60,000", true, -1, "seconds above 59"},
      {"00:00:01,0000", true, -1, "milliseconds"},
      {"00:00:01", true, -1, "seconds"},
      {"0:0:1,000", true, -1, "minutes"},
      {"aa:bb:cc,ddd", true, -1, "hours are not digits"},
      {"", true, -1, "empty"},
      {"00:00:00:00,000", true, -1, "not [HH:]MM:SS.mmm"},
  };
  for (const TimestampCase& c : cases) {
    std::string why;
    auto s = ParseCueTimestamp(c.text, c.hours_required, &why);
    if (c.seconds >= 0) {
      ASSERT_TRUE(s.has_value()) << c.text << ": " << why;
      EXPECT_DOUBLE_EQ(*s, c.seconds) << c.text;
    } else {
      EXPECT_FALSE(s.has_value()) << c.text;
      EXPECT_NE(why.find(c.why), std::string::npos) << c.text << ": " << why;
    }
  }
}

TEST(TranscriptParse, SubRip) {
  const std::string srt =
      "\xEF\xBB\xBF"  // a BOM
      "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello there.\r\n\r\n"
      "2\n00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:5 Y2:9\n<i>Two</i> lines\nof text\n\n"
      "3\n00:00:05,000 -> 00:00:06,000\nbroken arrow\n\n"
      "4\n00:00:07,000 --> 00:00:08,000\nALICE: I said so.\n\n"
      "5\n00:00:09,000 --> 00:00:10,000\n[Bob] No you did not &amp; never.\n\n\n"
      "6\n00:00:11,000 --> 00:00:12,000\n[MUSIC]\n";
  auto r = ParseTranscript(srt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& cues = r.value().cues;
  EXPECT_EQ(r.value().format, "srt");
  ASSERT_EQ(cues.size(), 6u);
  EXPECT_EQ(cues[0].cue, 1);
  EXPECT_DOUBLE_EQ(cues[0].start, 1.0);
  EXPECT_DOUBLE_EQ(cues[0].end, 2.5);
  EXPECT_EQ(cues[0].text, "Hello there.");
  EXPECT_EQ(cues[1].text, "Two lines\nof text");  // tags removed, coordinates ignored
  EXPECT_FALSE(cues[2].timed());
  EXPECT_EQ(cues[2].timing_error, "no timing line (\"start --> end\")");
  EXPECT_EQ(cues[2].text, "00:00:05,000 -> 00:00:06,000\nbroken arrow");
  EXPECT_EQ(cues[3].speaker, "ALICE");
  EXPECT_EQ(cues[3].text, "I said so.");
  EXPECT_EQ(cues[4].speaker, "Bob");
  EXPECT_EQ(cues[4].text, "No you did not & never.");
  EXPECT_EQ(cues[5].speaker, "");  // a sound label alone is not a speaker
  EXPECT_EQ(cues[5].text, "[MUSIC]");
}

TEST(TranscriptParse, SentenceCaseColonIsNotASpeaker) {
  auto r = ParseTranscript("1\n00:00:01,000 --> 00:00:02,000\nNote: this is text.\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().cues[0].speaker, "");
  EXPECT_EQ(r.value().cues[0].text, "Note: this is text.");
}

TEST(TranscriptParse, WebVtt) {
  const std::string vtt =
      "WEBVTT - a title\nKind: captions\nLanguage: en\n\n"
      "NOTE a comment\nthat spans lines\n\n"
      "STYLE\n::cue { color: yellow }\n\n"
      "intro\n00:01.000 --> 00:04.000 align:start position:10% line:0\n"
      "<v Roger Bingham>We are in New York City</v>\n\n"
      "00:00:04.000 --> 00:00:06.500\n<v.loud Neil deGrasse Tyson><c.yellow>Hi</c> &lt;there&gt;\n\n"
      "00:06.500 --> 00:07.000\n<00:06.600>karaoke <00:06.800>words\n\n"
      "00:07.000 --> 00:-8.000\nbad end\n";
  auto r = ParseTranscript(vtt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().format, "vtt");
  const auto& cues = r.value().cues;
  ASSERT_EQ(cues.size(), 4u);  // NOTE and STYLE are no cues
  EXPECT_DOUBLE_EQ(cues[0].start, 1.0);
  EXPECT_DOUBLE_EQ(cues[0].end, 4.0);
  EXPECT_EQ(cues[0].speaker, "Roger Bingham");
  EXPECT_EQ(cues[0].text, "We are in New York City");
  EXPECT_EQ(cues[1].speaker, "Neil deGrasse Tyson");
  EXPECT_EQ(cues[1].text, "Hi <there>");
  EXPECT_EQ(cues[2].text, "karaoke words");
  EXPECT_FALSE(cues[3].timed());
  EXPECT_NE(cues[3].timing_error.find("end time"), std::string::npos);
}

TEST(TranscriptParse, JsonSegments) {
  const std::string json = R"({"language": "en", "segments": [
    {"id": 0, "start": 0.0, "end": 2.5, "text": " Hello world.", "speaker": "SPEAKER_00",
     "words": [{"start": 0.0, "end": 0.4, "word": " Hello"}, {"start": 0.5, "end": 1.0, "word": "world."},
               {"word": "42"}]},
    {"start": "x", "end": 3, "text": "bad start"},
    {"start": -1, "end": 3, "text": "negative"},
    {"start": 3, "end": 4, "speaker": 2, "text": "numbered speaker"},
    "not an object"
  ]})";
  auto r = ParseTranscript(json);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().format, "json");
  const auto& cues = r.value().cues;
  ASSERT_EQ(cues.size(), 5u);
  EXPECT_EQ(cues[0].text, "Hello world.");
  EXPECT_EQ(cues[0].speaker, "SPEAKER_00");
  ASSERT_EQ(cues[0].words.size(), 2u);
  EXPECT_EQ(cues[0].words[0].word, "Hello");
  EXPECT_EQ(cues[0].words_dropped, 1);
  EXPECT_EQ(cues[1].timing_error, "\"start\" is not a number");
  EXPECT_EQ(cues[2].timing_error, "\"start\" is negative");
  EXPECT_EQ(cues[3].speaker, "2");
  EXPECT_EQ(cues[4].timing_error, "the segment is not an object");

  auto array = ParseTranscript(R"([{"start": 1, "end": 2, "text": "a"}])");
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(array.value().cues.size(), 1u);
}

TEST(TranscriptParse, SniffsByContentNotName) {
  EXPECT_EQ(SniffTranscriptFormat("WEBVTT\n\n00:01.000 --> 00:02.000\nx\n"), "vtt");
  EXPECT_EQ(SniffTranscriptFormat("WEBVTT"), "vtt");
  EXPECT_EQ(SniffTranscriptFormat("WEBVTTX\n"), "");
  EXPECT_EQ(SniffTranscriptFormat("\n\n1\n00:00:01,000 --> 00:00:02,000\nx\n"), "srt");
  EXPECT_EQ(SniffTranscriptFormat("00:00:01,000 --> 00:00:02,000\nx\n"), "srt");
  EXPECT_EQ(SniffTranscriptFormat("1\nhello\n"), "");
  EXPECT_EQ(SniffTranscriptFormat("Dear reader,\n00:00:01,000 --> 00:00:02,000\n"), "");
  EXPECT_EQ(SniffTranscriptFormat(R"({"segments": [{"start": 0, "end": 1, "text": "x"}]})"), "json");
  EXPECT_EQ(SniffTranscriptFormat(R"([{"start": 0, "end": 1}])"), "json");
  EXPECT_EQ(SniffTranscriptFormat(R"({"name": "package", "start": 1, "end": 2})"), "");
  EXPECT_EQ(SniffTranscriptFormat(R"([1, 2, 3])"), "");
  EXPECT_EQ(SniffTranscriptFormat(std::string("1\n00:00:01,000 --> \0", 20)), "");
}

TEST(TranscriptParse, HostileInputGivesClearErrors) {
  // Binary junk (as if named .srt): not a transcript.
  std::mt19937 rng(7);
  std::string junk(64 * 1024, '\0');
  for (char& c : junk) c = static_cast<char>(rng());
  auto r = ParseTranscript(junk);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "not a SubRip, WebVTT or JSON transcript");

  // A 100 MB line after a valid first cue: refused by the line limit, quickly.
  std::string big = "1\n00:00:01,000 --> 00:00:02,000\n";
  big.append(size_t{100} << 20, 'a');
  r = ParseTranscript(big);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 3 is 104857600 bytes, longer than the limit"),
            std::string::npos)
      << r.error().message;
  // A 100 MB line with no signature at all: not a transcript.
  r = ParseTranscript(std::string(size_t{100} << 20, 'x'));
  ASSERT_FALSE(r.ok());

  // Negative times and hours over the limit: cues marked unparseable, with the reason.
  r = ParseTranscript(
      "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n-00:00:01,000 --> 00:00:02,000\nneg\n\n"
      "3\n10000:00:00,000 --> 10000:00:01,000\nfar\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().cues.size(), 3u);
  EXPECT_TRUE(r.value().cues[0].timed());
  EXPECT_EQ(r.value().cues[1].timing_error, "start time: negative time (\"-00:00:01,000\")");
  EXPECT_EQ(r.value().cues[2].timing_error, "start time: hours out of range (\"10000:00:00,000\")");

  // Bytes that are not UTF-8 become U+FFFD (counted as encoding damage); a NUL byte in the
  // first 8 KiB makes it binary, not a transcript (UTF-16 files too).
  r = ParseTranscript("1\n00:00:01,000 --> 00:00:02,000\nca\xE9 ok\xFF\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().cues[0].text, "ca\xEF\xBF\xBD ok\xEF\xBF\xBD");
  r = ParseTranscript(std::string("1\n00:00:01,000 --> 00:00:02,000\nca") + '\0' + "ok\n");
  ASSERT_FALSE(r.ok());

  // JSON that does not parse, or has no segments; deep nesting does not crash.
  r = ParseTranscript(R"({"segments": [{"start": 0, "end": 1, "text": "x"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("does not parse"), std::string::npos);
  std::string deep = R"([{"start": 0, "end": 1, "x": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}]";
  r = ParseTranscript(deep);
  EXPECT_TRUE(r.ok());

  // The cue limit.
  std::string many;
  for (int i = 0; i < 20; ++i) many += "00:00:01,000 --> 00:00:02,000\nx\n\n";
  TranscriptLimits limits;
  limits.max_cues = 10;
  r = ParseTranscript(many, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "more than 10 cues");
}

}  // namespace
}  // namespace assay
