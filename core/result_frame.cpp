#include "core/result_frame.h"

#include <cmath>

#include "core/names.h"
#include "core/sha256.h"

namespace assay {
namespace {

// nlohmann's message without its "[json.exception.type_error.302] " prefix.
std::string WithoutJsonPrefix(const std::string& what) {
  const size_t end = what.rfind("] ", what.find(' '));
  return what.starts_with("[json.exception.") && end != std::string::npos ? what.substr(end + 2)
                                                                          : what;
}

// What makes a decoded result unfit to record; empty when it is fit.
std::string Unfit(const WorkResult& r) {
  int last_seq = -1;
  for (const TransformationRecord& t : r.transformations) {
    if (t.seq <= last_seq) return "transformation positions out of order";
    last_seq = t.seq;
    if (t.outcome != step::kOk && t.outcome != step::kSkipped && t.outcome != step::kError) {
      return "unknown transformation outcome " + FrameExcerpt(t.outcome);
    }
    if (!std::isfinite(t.duration_ms) || t.duration_ms < 0) return "a negative duration";
  }
  for (const auto& [sha, content] : r.outputs) {
    if (Sha256Hex(content) != sha) return "an output that does not match its hash";
    // An output is a JSON Patch: a later run replays it.
    const Json patch = Json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (!patch.is_array()) return "an output that is not a JSON Patch";
  }
  if (r.page_count < 0) return "a negative page count";
  return "";
}

}  // namespace

std::string FrameExcerpt(const std::string& bytes) {
  constexpr size_t kMax = 40;
  std::string out = "\"";
  for (char c : bytes.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out + (bytes.size() > kMax ? "\"..." : "\"");
}

Result<WorkResult> DecodeResultFrame(const std::string& frame, const WorkRequest& request) {
  const std::string malformed = "worker sent a malformed result: ";
  const Json j = Json::parse(frame, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"worker", malformed + "not JSON: " + FrameExcerpt(frame)};
  if (!j.is_object()) {
    return Error{"worker", malformed + "a JSON " + j.type_name() + ", not an object"};
  }
  WorkResult r;
  try {
    r = WorkResult::FromJson(j);
  } catch (const std::exception& e) {
    return Error{"worker", malformed + "not a result (" + WithoutJsonPrefix(e.what()) + ")"};
  }
  if (r.doc_id != request.doc_id) {
    return Error{"worker", malformed + "it is for document " + FrameExcerpt(r.doc_id) + ", not " +
                               request.doc_id};
  }
  if (const std::string why = Unfit(r); !why.empty()) return Error{"worker", malformed + why};
  return r;
}

}  // namespace assay
