#include "core/work.h"

#include <cstdint>
#include <limits>
#include <stdexcept>

#include "core/clock.h"
#include "core/names.h"
#include "core/path_text.h"
#include "core/sha256.h"

namespace assay {
namespace {

// The integer at `key` of `j`, within T's range. nlohmann would convert 1e300 or 2^40 to int
// with a plain cast, which is undefined behaviour (found by fuzzing): refused instead.
template <typename T, typename J>
T IntegerAt(const J& j, const char* key) {
  const auto& v = j.at(key);
  if (v.is_number_integer()) {
    if (v.is_number_unsigned()
            ? v.template get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max())
            : v.template get<int64_t>() >= int64_t(std::numeric_limits<T>::min()) &&
                  v.template get<int64_t>() <= int64_t(std::numeric_limits<T>::max())) {
      return static_cast<T>(v.template get<int64_t>());
    }
  }
  throw std::out_of_range(std::string(key) + " must be an integer within range, got " +
                          v.dump().substr(0, 24));
}

}  // namespace

Json WorkRequest::ToJson() const {
  Json j = {{"doc_id", doc_id},
            {"source_sha256", source_sha256},
            {"path", PathToText(path)},  // bytes on the wire as path text: JSON is UTF-8
            {"container", container}};
  if (alt_text) j["alt_text"] = *alt_text;
  if (caption) j["caption"] = *caption;
  if (image_role) j["image_role"] = *image_role;
  if (table_hints) j["table_hints"] = *table_hints;
  if (ground_truth) j["ground_truth"] = PathToText(*ground_truth);
  // The password is in the request only: a worker never writes it anywhere.
  if (password) j["password"] = PathToText(*password);  // any bytes, like a path
  if (ground_truth_sha256) j["ground_truth_sha256"] = *ground_truth_sha256;
  if (media) j["media"] = PathToText(*media);
  if (media_sha256) j["media_sha256"] = *media_sha256;
  if (language) j["language"] = *language;
  if (spill_dir) j["spill_dir"] = PathToText(*spill_dir);
  j["plan"] = plan;
  j["start_at"] = start_at;
  if (state) {
    j["state"] = *state;
    j["state_sha256"] = state_sha256;
  }
  return j;
}

WorkRequest WorkRequest::FromJson(const CanonicalJson& j) {
  WorkRequest r;
  r.doc_id = j.at("doc_id");
  r.source_sha256 = j.at("source_sha256");
  r.path = PathFromText(j.at("path").get<std::string>());
  r.container = j.at("container");
  if (j.contains("alt_text")) r.alt_text = j["alt_text"].get<std::string>();
  if (j.contains("caption")) r.caption = j["caption"].get<std::string>();
  if (j.contains("image_role")) r.image_role = j["image_role"].get<std::string>();
  if (j.contains("table_hints")) r.table_hints = j["table_hints"].get<std::string>();
  if (j.contains("ground_truth")) {
    r.ground_truth = PathFromText(j["ground_truth"].get<std::string>());
  }
  if (j.contains("password")) r.password = PathFromText(j["password"].get<std::string>());
  if (j.contains("ground_truth_sha256")) {
    r.ground_truth_sha256 = j["ground_truth_sha256"].get<std::string>();
  }
  if (j.contains("media")) r.media = PathFromText(j["media"].get<std::string>());
  if (j.contains("media_sha256")) r.media_sha256 = j["media_sha256"].get<std::string>();
  if (j.contains("language")) r.language = j["language"].get<std::string>();
  if (j.contains("spill_dir")) r.spill_dir = PathFromText(j["spill_dir"].get<std::string>());
  r.plan = j.at("plan");
  r.start_at = IntegerAt<int>(j, "start_at");
  if (j.contains("state")) {
    r.state = j["state"];
    r.state_sha256 = j.at("state_sha256");
  }
  return r;
}

Json WorkResult::ToJson() const {
  Json ts = Json::array();
  for (const TransformationRecord& t : transformations) {
    Json tj = {{"seq", t.seq},
               {"stage", t.stage},
               {"stage_version", t.stage_version},
               {"params", t.params},
               {"resources", t.resources},
               {"resources_sha256", t.resources_sha256},
               {"input_sha256", t.input_sha256},
               {"output_sha256", t.output_sha256},
               {"delta_sha256", t.delta_sha256},
               {"started_at", t.started_at},
               {"duration_ms", t.duration_ms},
               {"outcome", t.outcome},
               {"note", t.note}};
    if (t.reused_from) tj["reused_from"] = *t.reused_from;
    ts.push_back(std::move(tj));
  }
  Json j = {{"doc_id", doc_id},         {"modality", modality},
            {"transformations", ts},    {"outputs", outputs},
            {"metrics", metrics},       {"part_metrics", part_metrics},
            {"page_count", page_count}, {"output_sha256", output_sha256},
            {"ran_from", ran_from}};
  if (error) j["error"] = {{"stage", error->stage}, {"message", error->message}};
  if (!image_hashes.empty()) j["image_hashes"] = image_hashes;
  if (!frame_hashes.empty()) j["frame_hashes"] = frame_hashes;
  if (!page_tasks.empty()) {
    Json tasks = Json::array();
    for (const PageTaskNote& t : page_tasks) {
      tasks.push_back({{"block_first", t.block_first},
                       {"block_end", t.block_end},
                       {"first_page", t.first_page},
                       {"last_page", t.last_page},
                       {"helper", t.helper},
                       {"outcome", t.outcome},
                       {"helper_pages", t.helper_pages}});
    }
    j["page_tasks"] = std::move(tasks);
  }
  return j;
}

WorkResult WorkResult::FromJson(const Json& j) {
  WorkResult r;
  r.doc_id = j.at("doc_id");
  r.modality = j.at("modality");
  for (const Json& t : j.at("transformations")) {
    TransformationRecord rec;
    rec.seq = IntegerAt<int>(t, "seq");
    rec.stage = t.at("stage");
    rec.stage_version = IntegerAt<int>(t, "stage_version");
    rec.params = CanonicalJson::parse(t.at("params").dump());
    rec.resources = CanonicalJson::parse(t.at("resources").dump());
    rec.resources_sha256 = t.at("resources_sha256");
    rec.input_sha256 = t.at("input_sha256");
    rec.output_sha256 = t.at("output_sha256");
    rec.delta_sha256 = t.at("delta_sha256");
    rec.started_at = t.at("started_at");
    rec.duration_ms = t.at("duration_ms");
    rec.outcome = t.at("outcome");
    rec.note = t.at("note");
    if (t.contains("reused_from")) rec.reused_from = IntegerAt<int64_t>(t, "reused_from");
    r.transformations.push_back(std::move(rec));
  }
  r.outputs = j.at("outputs").get<std::map<std::string, std::string>>();
  r.metrics = j.at("metrics").get<std::map<std::string, double>>();
  r.part_metrics = j.at("part_metrics").get<std::map<std::string, std::map<std::string, double>>>();
  r.page_count = IntegerAt<int>(j, "page_count");
  r.output_sha256 = j.at("output_sha256");
  r.ran_from = j.contains("ran_from") ? IntegerAt<int>(j, "ran_from") : -1;
  if (j.contains("error")) r.error = Error{j["error"].at("stage"), j["error"].at("message")};
  if (j.contains("image_hashes")) r.image_hashes = j["image_hashes"].get<std::vector<std::string>>();
  if (j.contains("frame_hashes")) {
    r.frame_hashes = j["frame_hashes"].get<std::vector<std::pair<int64_t, std::string>>>();
  }
  if (j.contains("page_tasks")) {
    for (const Json& t : j["page_tasks"]) {
      r.page_tasks.push_back(PageTaskNote{IntegerAt<int>(t, "block_first"),
                                          IntegerAt<int>(t, "block_end"),
                                          IntegerAt<int>(t, "first_page"),
                                          IntegerAt<int>(t, "last_page"), t.at("helper"),
                                          t.at("outcome"), IntegerAt<int>(t, "helper_pages")});
    }
  }
  return r;
}

std::vector<std::pair<int64_t, std::string>> FrameHashesOf(const Document& doc) {
  std::vector<std::pair<int64_t, std::string>> out;
  if (!doc.video.is_object() || !doc.video.contains("frames")) return out;
  for (const CanonicalJson& f : doc.video.at("frames")) {
    out.emplace_back(f.at("index").get<int64_t>(), f.at("phash").get<std::string>());
  }
  return out;
}

std::string FirstInputSha256(const WorkRequest& req) {
  if (!req.alt_text) return req.source_sha256;
  return Sha256Hex(req.source_sha256 + "\nwith alt_text");
}

std::optional<std::string> DescriptionSha256(const WorkRequest& req) {
  if (!req.alt_text && !req.caption && !req.image_role) return std::nullopt;
  CanonicalJson d = CanonicalJson::object();
  if (req.alt_text) d["alt_text"] = *req.alt_text;
  if (req.caption) d["caption"] = *req.caption;
  if (req.image_role) d["image_role"] = *req.image_role;
  const size_t slash = req.path.find_last_of('/');
  d["file_name"] = PathToText(slash == std::string::npos ? req.path : req.path.substr(slash + 1));
  return Sha256Hex(DumpCanonical(d));
}

std::string StageInputSha256(const std::string& state_sha256, const StageSpec& stage,
                             const WorkRequest& req) {
  std::string input = state_sha256;
  if (stage.reads_ground_truth && req.ground_truth_sha256) {
    input = Sha256Hex(input + "\nground truth " + *req.ground_truth_sha256);
  }
  if (stage.reads_description) {
    if (auto description = DescriptionSha256(req)) {
      input = Sha256Hex(input + "\ndescription " + *description);
    }
  }
  if (stage.reads_table_hints && req.table_hints) {
    input = Sha256Hex(input + "\ntable hints " + Sha256Hex(*req.table_hints));
  }
  if (stage.reads_media && req.media_sha256) {
    input = Sha256Hex(input + "\nmedia " + *req.media_sha256);
  }
  if (stage.reads_media && req.language) {
    input = Sha256Hex(input + "\nlanguage " + *req.language);
  }
  return input;
}

WorkResult ErrorResult(const std::string& doc_id, const std::string& input_sha256, Error error) {
  WorkResult r;
  r.doc_id = doc_id;
  TransformationRecord t;
  t.stage = error.stage;
  t.stage_version = 1;
  t.input_sha256 = input_sha256;
  t.started_at = NowRfc3339();
  t.outcome = std::string(step::kError);
  t.note = error.message;
  r.transformations.push_back(std::move(t));
  r.error = std::move(error);
  return r;
}

}  // namespace assay
