// transcript: reads a SubRip, WebVTT or JSON transcript (stages/transcript_parse.h), the
// duration of the media the manifest gives beside it (libavformat), and checks the cues
// (stages/transcript_checks.h): timings that do not parse or go back, overlaps, durations,
// characters per second, empty and repeated cues, missing speakers, encoding damage, word
// timings outside their segment, cues past the media's end, gaps and coverage, and the
// language against the declared one. Per-cue metrics (scope "cue:N") let the contract name
// the cue that fails; the findings go into the content and the export.
#include <fstream>
#include <sstream>

#include "core/stage.h"
#include "stages/media_duration.h"
#include "stages/transcript_checks.h"
#include "stages/transcript_parse.h"

namespace assay {
namespace {

class TranscriptStage : public Stage {
 public:
  explicit TranscriptStage(const CanonicalJson& params)
      : max_bytes_(params.at("max_file_mib").get<int64_t>() << 20),
        speaker_majority_(params.at("speaker_majority").get<double>()) {
    limits_.max_line_bytes = params.at("max_line_kib").get<size_t>() << 10;
    limits_.max_cues = params.at("max_cues").get<size_t>();
  }

  Result<StageReport> Run(Document& doc, StageContext& /*ctx*/) const override {
    std::ifstream in(doc.path, std::ios::binary | std::ios::ate);
    if (!in) return Error{"transcript", "the file cannot be read"};
    const std::streamoff size = in.tellg();
    if (size > max_bytes_) {
      return Error{"transcript", "a transcript of " + std::to_string(size >> 20) +
                                     " MiB is larger than transcript.max_file_mib (" +
                                     std::to_string(max_bytes_ >> 20) + ")"};
    }
    std::string bytes(static_cast<size_t>(size), '\0');
    in.seekg(0);
    in.read(bytes.data(), size);
    auto parsed = ParseTranscript(bytes, limits_);
    if (!parsed.ok()) return parsed.error();

    TranscriptCheckOptions options;
    options.declared_language = doc.declared_language;
    options.speaker_majority = speaker_majority_;
    std::string note;
    bool media_unreadable = false;
    if (doc.media_path) {
      auto duration = ReadMediaDuration(*doc.media_path);
      if (duration.ok()) {
        options.media_duration = duration.value();
      } else {
        media_unreadable = true;
        note = duration.error().message;
      }
    }
    TranscriptCheckResult checked = CheckTranscript(parsed.value(), options);
    doc.modality = "transcript";
    doc.pages.clear();
    doc.metrics.insert(checked.metrics.begin(), checked.metrics.end());
    if (doc.media_path) doc.metrics["transcript.media_unreadable"] = media_unreadable ? 1 : 0;
    for (auto& [scope, m] : checked.cue_metrics) doc.part_metrics[scope] = std::move(m);
    const size_t findings = checked.transcript.findings.size();
    doc.transcript = std::move(checked.transcript);
    // Lineage says what was found where, first few in full (the export has all).
    std::ostringstream said;
    said << parsed.value().format << ", " << parsed.value().cues.size() << " cues, "
         << findings << " finding(s)";
    int shown = 0;
    for (const TranscriptFinding& f : doc.transcript->findings) {
      if (++shown > 8) {
        said << "; ...";
        break;
      }
      said << "; cue " << f.cue << " " << f.kind;
    }
    if (!note.empty()) said << "; media: " << note;
    return StageReport{"ok", said.str()};
  }

 private:
  int64_t max_bytes_;
  double speaker_majority_;
  TranscriptLimits limits_;
};

}  // namespace

const StageSpec& TranscriptStageSpec() {
  static const StageSpec kSpec{
      .id = "transcript",
      .version = 1,
      .summary = "parse a SubRip, WebVTT or JSON transcript; timing, speaker, encoding, "
                 "language and media-coverage checks per cue",
      .containers = {"transcript"},
      .modalities = {},
      .establishes = {"transcript"},
      .params = {{"max_file_mib", ParamType::kInt, 64, 1, 4096, {}, {},
                  "larger transcript files are an error of the document"},
                 {"max_line_kib", ParamType::kInt, 1024, 1, 1 << 20, {}, {},
                  "a longer line in an SRT or WebVTT file is an error of the document"},
                 {"max_cues", ParamType::kInt, 200000, 1, 100000000, {}, {},
                  "more cues are an error of the document"},
                 {"speaker_majority", ParamType::kNumber, 0.5, 0, 1, {}, {},
                  "a cue without a speaker is a finding when at least this share of the cues "
                  "with text name one"}},
      .metrics =
          {{"transcript.cues", false, "cues in the file (those whose timing does not parse too)"},
           {"transcript.unparseable_cues", false, "cues whose timing line does not parse"},
           {"transcript.out_of_order", false, "cues starting before the cue before them"},
           {"transcript.overlaps", false, "cues starting before the cue before them ends"},
           {"transcript.nonpositive_durations", false, "cues ending at or before their start"},
           {"transcript.empty_cues", false, "cues without text"},
           {"transcript.duplicate_cues", false, "cues repeating the text of the cue before"},
           {"transcript.missing_speakers", false,
            "cues without a speaker where most cues name one (transcript.speaker_majority)"},
           {"transcript.speaker_share", false, "share of the cues with text that name a speaker"},
           {"transcript.encoding_damage", false,
            "damaged characters: U+FFFD, C1 controls, UTF-8 read as Windows-1252 (Ã©, â€™)"},
           {"transcript.words_outside", false, "word timings outside their segment"},
           {"transcript.cps_max", false, "highest characters per second of a cue"},
           {"transcript.cps_median", false, "median characters per second of the cues"},
           {"transcript.speech_s", false, "seconds covered by cues (their union)"},
           {"transcript.gap_total_s", false,
            "seconds between cues (with media: also before the first and after the last)"},
           {"transcript.gap_longest_s", false, "the longest such gap, seconds"},
           {"transcript.media_duration_s", false, "duration of the manifest's media, seconds"},
           {"transcript.coverage", false, "share of the media's duration covered by cues"},
           {"transcript.past_media_end", false, "cues ending after the media's end"},
           {"transcript.media_unreadable", false,
            "1 when the manifest names media whose duration cannot be read (the reason is in "
            "lineage)"},
           {"transcript.language_undetermined", false,
            "1 when CLD2 is not sure of the transcript's language"},
           {"transcript.language_mismatch", false,
            "1 when CLD2 is sure the transcript is in another language than the manifest "
            "declares"},
           {.name = "transcript.cue_unparseable",
            .meaning = "1: the cue's timing line does not parse",
            .per_cue = true},
           {.name = "transcript.cue_out_of_order",
            .meaning = "1: the cue starts before the timed cue before it",
            .per_cue = true},
           {.name = "transcript.cue_overlap_s",
            .meaning = "seconds the cue starts before the cue before it ends",
            .per_cue = true},
           {.name = "transcript.cue_nonpositive_duration",
            .meaning = "1: the cue ends at or before its start",
            .per_cue = true},
           {.name = "transcript.cue_cps",
            .meaning = "characters per second of the cue (every timed cue with text)",
            .per_cue = true},
           {.name = "transcript.cue_empty", .meaning = "1: the cue has no text", .per_cue = true},
           {.name = "transcript.cue_duplicate",
            .meaning = "1: the cue repeats the text of the cue before it",
            .per_cue = true},
           {.name = "transcript.cue_missing_speaker",
            .meaning = "1: no speaker where most cues name one",
            .per_cue = true},
           {.name = "transcript.cue_encoding_damage",
            .meaning = "damaged characters in the cue",
            .per_cue = true},
           {.name = "transcript.cue_words_outside_s",
            .meaning = "seconds the farthest word timing lies outside the segment",
            .per_cue = true},
           {.name = "transcript.cue_past_media_end_s",
            .meaning = "seconds the cue ends after the media's end",
            .per_cue = true}},
      .libraries = {"libavformat"},  // CLD2 states no version
      .reads_media = true,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<TranscriptStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
