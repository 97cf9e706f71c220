#include "core/transcript.h"

#include <cmath>

#include "core/document.h"

namespace assay {

double RoundSeconds(double s) {
  if (!std::isfinite(s)) return 0;
  return std::round(s * 1000.0) / 1000.0;
}

std::string Transcript::Text() const {
  std::string out;
  for (const TranscriptSegment& s : segments) {
    if (s.text.empty()) continue;
    if (!out.empty()) out += "\n";
    std::string flat = s.text;
    for (char& c : flat) if (c == '\n') c = ' ';
    out += s.speaker.empty() ? flat : s.speaker + ": " + flat;
  }
  return out;
}

CanonicalJson Transcript::ToJson() const {
  CanonicalJson segs = CanonicalJson::array();
  for (const TranscriptSegment& s : segments) {
    CanonicalJson sj = {{"cue", s.cue},
                        {"start", RoundSeconds(s.start)},
                        {"end", RoundSeconds(s.end)},
                        {"text", s.text}};
    if (!s.speaker.empty()) sj["speaker"] = s.speaker;
    if (!s.words.empty()) {
      CanonicalJson words = CanonicalJson::array();
      for (const TranscriptWord& w : s.words) {
        words.push_back(
            {{"start", RoundSeconds(w.start)}, {"end", RoundSeconds(w.end)}, {"word", w.word}});
      }
      sj["words"] = std::move(words);
    }
    segs.push_back(std::move(sj));
  }
  CanonicalJson findings_json = CanonicalJson::array();
  for (const TranscriptFinding& f : findings) {
    findings_json.push_back({{"cue", f.cue}, {"kind", f.kind}, {"detail", f.detail}});
  }
  CanonicalJson j = {{"format", format},
                     {"language", language},
                     {"segments", std::move(segs)},
                     {"findings", std::move(findings_json)}};
  if (declared_language) j["declared_language"] = *declared_language;
  if (media_duration) j["media_duration"] = RoundSeconds(*media_duration);
  return j;
}

Transcript Transcript::FromJson(const CanonicalJson& j) {
  Transcript t;
  t.format = j.at("format");
  t.language = j.at("language");
  if (j.contains("declared_language")) t.declared_language = j["declared_language"];
  if (j.contains("media_duration")) t.media_duration = j["media_duration"].get<double>();
  for (const CanonicalJson& sj : j.at("segments")) {
    TranscriptSegment s;
    s.cue = sj.at("cue");
    s.start = sj.at("start");
    s.end = sj.at("end");
    s.text = sj.at("text");
    s.speaker = sj.value("speaker", "");
    if (sj.contains("words")) {
      for (const CanonicalJson& wj : sj["words"]) {
        s.words.push_back(TranscriptWord{wj.at("start"), wj.at("end"), wj.at("word")});
      }
    }
    t.segments.push_back(std::move(s));
  }
  for (const CanonicalJson& fj : j.at("findings")) {
    t.findings.push_back(TranscriptFinding{fj.at("cue"), fj.at("kind"), fj.at("detail")});
  }
  return t;
}

}  // namespace assay
