#include "stages/transcript_parse.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace assay {
namespace {

constexpr int64_t kMaxTranscriptHours = 9999;

std::string_view TrimCueSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view TranscriptWithoutBom(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  return s;
}

bool CueFieldIsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits into lines at \n, \r\n or \r; refuses a line longer than `max` (said by number).
Result<std::vector<std::string_view>> SplitCueLines(std::string_view text, size_t max) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n' && text[i] != '\r') continue;
    if (i - start > max) {
      return Error{"transcript", "line " + std::to_string(lines.size() + 1) + " is " +
                                     std::to_string(i - start) + " bytes, longer than the limit of " +
                                     std::to_string(max)};
    }
    lines.push_back(text.substr(start, i - start));
    if (i < text.size() && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  return lines;
}

// The blocks of an SRT or WebVTT file: runs of lines separated by blank lines.
std::vector<std::vector<std::string_view>> CueBlocks(const std::vector<std::string_view>& lines,
                                                     size_t from) {
  std::vector<std::vector<std::string_view>> blocks;
  std::vector<std::string_view> current;
  for (size_t i = from; i < lines.size(); ++i) {
    if (TrimCueSpace(lines[i]).empty()) {
      if (!current.empty()) blocks.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(lines[i]);
    }
  }
  if (!current.empty()) blocks.push_back(std::move(current));
  return blocks;
}

void DecodeCueEntities(std::string* s) {
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&amp;", "&"},       {"&lt;", "<"},  {"&gt;", ">"},           {"&nbsp;", "\xC2\xA0"},
      {"&lrm;", "\u200E"}, {"&rlm;", "\u200F"}, {"&quot;", "\""}, {"&apos;", "'"}};
  if (s->find('&') == std::string::npos) return;
  std::string out;
  for (size_t i = 0; i < s->size();) {
    bool done = false;
    if ((*s)[i] == '&') {
      for (const auto& [name, value] : kEntities) {
        if (std::string_view(*s).substr(i).starts_with(name)) {
          out += value;
          i += name.size();
          done = true;
          break;
        }
      }
    }
    if (!done) out += (*s)[i++];
  }
  *s = std::move(out);
}

// A speaker written before the text: "[Name] text" or "NAME: text" (capitals, as closed
// captions write it; "Note: ..." in sentence case is text, not a speaker).
bool TakeSpeakerPrefix(std::string* text, std::string* speaker) {
  std::string_view t = *text;
  if (t.starts_with("[")) {
    const size_t close = t.find(']');
    if (close == std::string_view::npos || close < 2 || close > 40) return false;
    std::string_view rest = TrimCueSpace(t.substr(close + 1));
    if (rest.empty()) return false;  // "[MUSIC]" alone is a sound, not a speaker
    *speaker = std::string(TrimCueSpace(t.substr(1, close - 1)));
    *text = std::string(rest);
    return !speaker->empty();
  }
  const size_t colon = t.find(": ");
  if (colon == std::string_view::npos || colon == 0 || colon > 32) return false;
  const std::string_view name = t.substr(0, colon);
  bool letter = false;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') letter = true;
    if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != ' ' && c != '.' &&
        c != '-' && c != '\'')
      return false;
  }
  if (!letter) return false;
  *speaker = std::string(name);
  *text = std::string(TrimCueSpace(t.substr(colon + 2)));
  return true;
}

// The text of an SRT or WebVTT cue's payload lines: the first voice tag (<v Name>, <v.cls
// Name>) names the speaker; every tag (<i>, <c.x>, <00:01.000>, <font ...>) is removed;
// entities are decoded.
void ReadCuePayload(const std::vector<std::string_view>& payload, ParsedCue* cue) {
  std::string joined;
  for (std::string_view line : payload) {
    if (!joined.empty()) joined += '\n';
    joined += TrimCueSpace(line);
  }
  std::string text;
  for (size_t i = 0; i < joined.size();) {
    if (joined[i] == '<') {
      const size_t close = joined.find('>', i);
      if (close != std::string::npos) {
        std::string_view tag = std::string_view(joined).substr(i + 1, close - i - 1);
        if (cue->speaker.empty() && tag.size() > 2 && tag[0] == 'v' &&
            (tag[1] == ' ' || tag[1] == '.' || tag[1] == '\t')) {
          const size_t space = tag.find_first_of(" \t");
          if (space != std::string_view::npos) {
            cue->speaker = std::string(TrimCueSpace(tag.substr(space + 1)));
          }
        }
        i = close + 1;
        continue;
      }
    }
    text += joined[i++];
  }
  DecodeCueEntities(&text);
  text = std::string(TrimCueSpace(text));
  while (!text.empty() && (text.front() == '\n' || text.back() == '\n')) {
    text = std::string(TrimCueSpace(text.front() == '\n' ? text.substr(1) : text.substr(0, text.size() - 1)));
  }
  if (cue->speaker.empty()) TakeSpeakerPrefix(&text, &cue->speaker);
  cue->speaker = ValidUtf8(cue->speaker);
  cue->text = ValidUtf8(text);
}

// "start --> end [settings]" into the cue's times; sets timing_error when it does not parse.
void ReadCueTiming(std::string_view line, bool hours_required, ParsedCue* cue) {
  const size_t arrow = line.find("-->");
  std::string why;
  auto start = ParseCueTimestamp(line.substr(0, arrow), hours_required, &why);
  if (!start) {
    cue->timing_error = "start time: " + why;
    return;
  }
  std::string_view rest = TrimCueSpace(line.substr(arrow + 3));
  const size_t space = rest.find_first_of(" \t");
  auto end = ParseCueTimestamp(rest.substr(0, space), hours_required, &why);
  if (!end) {
    cue->timing_error = "end time: " + why;
    return;
  }
  cue->start = *start;
  cue->end = *end;
}

Result<ParsedTranscript> ParseCueFile(std::string_view text, bool vtt,
                                      const TranscriptLimits& limits) {
  auto lines = SplitCueLines(text, limits.max_line_bytes);
  if (!lines.ok()) return lines.error();
  size_t from = 0;
  if (vtt) {  // the header runs to the first blank line
    while (from < lines.value().size() && !TrimCueSpace(lines.value()[from]).empty()) ++from;
  }
  ParsedTranscript out;
  out.format = vtt ? "vtt" : "srt";
  for (const auto& block : CueBlocks(lines.value(), from)) {
    const std::string_view first = TrimCueSpace(block[0]);
    if (vtt && (first == "NOTE" || first.starts_with("NOTE ") || first.starts_with("NOTE\t") ||
                first == "STYLE" || first == "REGION")) {
      continue;
    }
    if (out.cues.size() >= limits.max_cues) {
      return Error{"transcript", "more than " + std::to_string(limits.max_cues) + " cues"};
    }
    ParsedCue cue;
    cue.cue = static_cast<int>(out.cues.size()) + 1;
    size_t timing = block.size();
    if (block[0].find("-->") != std::string_view::npos) {
      timing = 0;
    } else if (block.size() > 1 && block[1].find("-->") != std::string_view::npos) {
      timing = 1;  // after the cue's number (SRT) or identifier (WebVTT)
    }
    if (timing == block.size()) {
      cue.timing_error = "no timing line (\"start --> end\")";
      ReadCuePayload({block.begin() + (block.size() > 1 && CueFieldIsDigits(first) ? 1 : 0), block.end()},
                     &cue);
    } else {
      ReadCueTiming(block[timing], !vtt, &cue);
      ReadCuePayload({block.begin() + static_cast<long>(timing) + 1, block.end()}, &cue);
    }
    out.cues.push_back(std::move(cue));
  }
  return out;
}

// A JSON time: a finite, non-negative number of seconds within range.
bool ReadJsonSeconds(const nlohmann::json& j, const char* key, double* out, std::string* why) {
  if (!j.contains(key)) {
    *why = std::string("no \"") + key + "\"";
    return false;
  }
  const nlohmann::json& v = j[key];
  if (!v.is_number()) {
    *why = std::string("\"") + key + "\" is not a number";
    return false;
  }
  const double s = v.get<double>();
  if (s < 0) {
    *why = std::string("\"") + key + "\" is negative";
    return false;
  }
  if (!(s <= kMaxTranscriptHours * 3600.0)) {
    *why = std::string("\"") + key + "\" is out of range";
    return false;
  }
  *out = s;
  return true;
}

Result<ParsedTranscript> ParseJsonTranscript(std::string_view text, const TranscriptLimits& limits) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    std::string m = e.what();
    if (auto cut = m.find("; last read"); cut != std::string::npos) m.resize(cut);
    return Error{"transcript", "the JSON transcript does not parse: " + ValidUtf8(m.substr(0, 200))};
  }
  const nlohmann::json* segments = nullptr;
  if (j.is_object() && j.contains("segments") && j["segments"].is_array()) {
    segments = &j["segments"];
  } else if (j.is_array()) {
    segments = &j;
  } else {
    return Error{"transcript", "the JSON transcript has no \"segments\" array"};
  }
  if (segments->size() > limits.max_cues) {
    return Error{"transcript", "more than " + std::to_string(limits.max_cues) + " cues"};
  }
  ParsedTranscript out;
  out.format = "json";
  for (const nlohmann::json& s : *segments) {
    ParsedCue cue;
    cue.cue = static_cast<int>(out.cues.size()) + 1;
    if (!s.is_object()) {
      cue.timing_error = "the segment is not an object";
      out.cues.push_back(std::move(cue));
      continue;
    }
    std::string why;
    double start = 0, end = 0;
    if (!ReadJsonSeconds(s, "start", &start, &why) || !ReadJsonSeconds(s, "end", &end, &why)) {
      cue.timing_error = why;
    } else {
      cue.start = start;
      cue.end = end;
    }
    if (s.contains("text") && s["text"].is_string()) {
      cue.text = ValidUtf8(TrimCueSpace(s["text"].get<std::string>()));
    }
    if (s.contains("speaker")) {
      if (s["speaker"].is_string()) cue.speaker = ValidUtf8(s["speaker"].get<std::string>());
      if (s["speaker"].is_number_integer()) cue.speaker = std::to_string(s["speaker"].get<int64_t>());
    }
    if (s.contains("words") && s["words"].is_array()) {
      for (const nlohmann::json& w : s["words"]) {
        TranscriptWord word;
        std::string unused;
        const char* key = w.is_object() && w.contains("word") ? "word" : "text";
        if (!w.is_object() || !ReadJsonSeconds(w, "start", &word.start, &unused) ||
            !ReadJsonSeconds(w, "end", &word.end, &unused) || !w.contains(key) ||
            !w[key].is_string()) {
          ++cue.words_dropped;  // e.g. WhisperX leaves numerals untimed
          continue;
        }
        word.word = ValidUtf8(TrimCueSpace(w[key].get<std::string>()));
        cue.words.push_back(std::move(word));
      }
    }
    out.cues.push_back(std::move(cue));
  }
  return out;
}

}  // namespace

std::string ValidUtf8(std::string_view b) {
  std::string out;
  out.reserve(b.size());
  for (size_t i = 0; i < b.size();) {
    const unsigned char c = b[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= b.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(b[i + k]) & 0xC0) == 0x80;
    if (ok && n > 1) {  // overlong forms, surrogates, beyond U+10FFFF
      uint32_t cp = c & (0xFF >> (n + 1));
      for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(b[i + k]) & 0x3F);
      static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (ok && n == 1 && c == 0) ok = false;  // NUL: never text
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(b.substr(i, n));
    i += n;
  }
  return out;
}

std::optional<double> ParseCueTimestamp(std::string_view text, bool hours_required,
                                        std::string* why) {
  const std::string_view t = TrimCueSpace(text);
  auto fail = [&](const std::string& reason) -> std::optional<double> {
    *why = reason + " (\"" + ValidUtf8(t.substr(0, 32)) + "\")";
    return std::nullopt;
  };
  if (t.empty()) return fail("empty");
  if (t[0] == '-') return fail("negative time");
  std::vector<std::string_view> parts;
  for (size_t from = 0;;) {
    const size_t colon = t.find(':', from);
    parts.push_back(t.substr(from, colon == std::string_view::npos ? std::string_view::npos : colon - from));
    if (colon == std::string_view::npos) break;
    from = colon + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) return fail("not [HH:]MM:SS.mmm");
  if (parts.size() == 2 && hours_required) return fail("no hours (HH:MM:SS,mmm)");
  int64_t hours = 0;
  if (parts.size() == 3) {
    if (!CueFieldIsDigits(parts[0])) return fail("hours are not digits");
    if (parts[0].size() > 4) return fail("hours out of range");
    hours = std::stoll(std::string(parts[0]));
    if (hours > kMaxTranscriptHours) return fail("hours out of range");
  }
  const std::string_view minutes = parts[parts.size() - 2];
  std::string_view seconds = parts.back();
  if (minutes.size() != 2 || !CueFieldIsDigits(minutes)) return fail("minutes are not two digits");
  const size_t sep = seconds.find_first_of(",.");
  if (sep != 2 || !CueFieldIsDigits(seconds.substr(0, 2))) return fail("seconds are not two digits");
  const std::string_view fraction = seconds.substr(3);
  if (fraction.empty() || fraction.size() > 3 || !CueFieldIsDigits(fraction)) {
    return fail("milliseconds are not 1 to 3 digits");
  }
  const int64_t m = std::stoll(std::string(minutes));
  const int64_t s = std::stoll(std::string(seconds.substr(0, 2)));
  if (m > 59) return fail("minutes above 59");
  if (s > 59) return fail("seconds above 59");
  int64_t ms = std::stoll(std::string(fraction));
  for (size_t k = fraction.size(); k < 3; ++k) ms *= 10;  // ",5" is half a second
  return static_cast<double>(((hours * 60 + m) * 60 + s) * 1000 + ms) / 1000.0;
}

std::string SniffTranscriptFormat(std::string_view head) {
  std::string_view h = TranscriptWithoutBom(head);
  if (h.starts_with("WEBVTT") &&
      (h.size() == 6 || h[6] == ' ' || h[6] == '\t' || h[6] == '\n' || h[6] == '\r')) {
    return "vtt";
  }
  if (h.find('\0') != std::string_view::npos) return "";  // binary
  size_t i = h.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return "";
  if (h[i] == '{' || h[i] == '[') {
    // Only the first bytes are here: look for the keys, not for a complete document.
    const std::string_view body = h.substr(i, 4096);
    const bool segments = h[i] == '{' && body.find("\"segments\"") != std::string_view::npos;
    const bool array = h[i] == '[' && h.find_first_not_of(" \t\r\n", i + 1) != std::string_view::npos &&
                       h[h.find_first_not_of(" \t\r\n", i + 1)] == '{';
    if ((segments || array) && body.find("\"start\"") != std::string_view::npos &&
        body.find("\"end\"") != std::string_view::npos) {
      return "json";
    }
    return "";
  }
  // SubRip: an optional cue number, then a timing line that parses.
  std::vector<std::string_view> first;
  for (size_t from = i; from < h.size() && first.size() < 2;) {
    size_t nl = h.find_first_of("\r\n", from);
    if (nl == std::string_view::npos) nl = h.size();
    first.push_back(TrimCueSpace(h.substr(from, nl - from)));
    from = h.find_first_not_of("\r\n", nl);
    if (from == std::string_view::npos) break;
  }
  for (size_t k = 0; k < first.size(); ++k) {
    const std::string_view line = first[k];
    const size_t arrow = line.find("-->");
    if (arrow == std::string_view::npos) {
      if (k == 0 && CueFieldIsDigits(line) && line.size() <= 9) continue;
      return "";
    }
    std::string why;
    return ParseCueTimestamp(line.substr(0, arrow), true, &why) ? "srt" : "";
  }
  return "";
}

Result<ParsedTranscript> ParseTranscript(std::string_view bytes, const TranscriptLimits& limits) {
  const std::string format = SniffTranscriptFormat(bytes.substr(0, 8192));
  const std::string_view text = TranscriptWithoutBom(bytes);
  if (format == "vtt") return ParseCueFile(text, true, limits);
  if (format == "srt") return ParseCueFile(text, false, limits);
  if (format == "json") return ParseJsonTranscript(text, limits);
  return Error{"transcript", "not a SubRip, WebVTT or JSON transcript"};
}

}  // namespace assay
