#include "core/work.h"

#include "core/clock.h"
#include "core/sha256.h"

namespace assay {

Json WorkRequest::ToJson() const {
  Json j = {{"doc_id", doc_id},
            {"source_sha256", source_sha256},
            {"path", path},
            {"container", container}};
  if (alt_text) j["alt_text"] = *alt_text;
  return j;
}

WorkRequest WorkRequest::FromJson(const Json& j) {
  WorkRequest r;
  r.doc_id = j.at("doc_id");
  r.source_sha256 = j.at("source_sha256");
  r.path = j.at("path");
  r.container = j.at("container");
  if (j.contains("alt_text")) r.alt_text = j["alt_text"].get<std::string>();
  return r;
}

Json WorkResult::ToJson() const {
  Json ts = Json::array();
  for (const TransformationRecord& t : transformations) {
    ts.push_back({{"seq", t.seq},
                  {"stage", t.stage},
                  {"stage_version", t.stage_version},
                  {"params", t.params},
                  {"input_sha256", t.input_sha256},
                  {"output_sha256", t.output_sha256},
                  {"started_at", t.started_at},
                  {"duration_ms", t.duration_ms},
                  {"outcome", t.outcome},
                  {"note", t.note}});
  }
  Json j = {{"doc_id", doc_id},
            {"modality", modality},
            {"transformations", ts},
            {"outputs", outputs},
            {"metrics", metrics},
            {"page_count", page_count},
            {"output_sha256", output_sha256}};
  if (error) j["error"] = {{"stage", error->stage}, {"message", error->message}};
  return j;
}

WorkResult WorkResult::FromJson(const Json& j) {
  WorkResult r;
  r.doc_id = j.at("doc_id");
  r.modality = j.at("modality");
  for (const Json& t : j.at("transformations")) {
    TransformationRecord rec;
    rec.seq = t.at("seq");
    rec.stage = t.at("stage");
    rec.stage_version = t.at("stage_version");
    rec.params = t.at("params");
    rec.input_sha256 = t.at("input_sha256");
    rec.output_sha256 = t.at("output_sha256");
    rec.started_at = t.at("started_at");
    rec.duration_ms = t.at("duration_ms");
    rec.outcome = t.at("outcome");
    rec.note = t.at("note");
    r.transformations.push_back(std::move(rec));
  }
  r.outputs = j.at("outputs").get<std::map<std::string, std::string>>();
  r.metrics = j.at("metrics").get<std::map<std::string, double>>();
  r.page_count = j.at("page_count");
  r.output_sha256 = j.at("output_sha256");
  if (j.contains("error")) r.error = Error{j["error"].at("stage"), j["error"].at("message")};
  return r;
}

std::string FirstInputSha256(const std::string& source_sha256, bool has_alt_text) {
  return has_alt_text ? Sha256Hex(source_sha256 + "\nwith alt_text") : source_sha256;
}

WorkResult ErrorResult(const std::string& doc_id, const std::string& input_sha256, Error error) {
  WorkResult r;
  r.doc_id = doc_id;
  TransformationRecord t;
  t.stage = error.stage;
  t.stage_version = 1;
  t.input_sha256 = input_sha256;
  t.started_at = NowRfc3339();
  t.outcome = "error";
  t.note = error.message;
  r.transformations.push_back(std::move(t));
  r.error = std::move(error);
  return r;
}

}  // namespace assay
