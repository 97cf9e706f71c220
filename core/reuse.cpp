#include "core/reuse.h"

#include <algorithm>

#include "core/clock.h"
#include "core/delta.h"

namespace assay {

FinishedPrefix FindFinishedPrefix(Store& store, const Plan& plan, const std::string& first_input,
                                  const WorkRequest& req) {
  FinishedPrefix prefix;
  prefix.state = InitialContent(plan.container);
  prefix.state_sha256 = first_input;
  for (const PlannedStage& s : plan.stages) {
    const std::string input = StageInputSha256(prefix.state_sha256, *s.spec, req);
    auto prior = store.FindTransformation(std::string(s.spec->id), s.spec->version, s.params_sha256,
                                          s.resources_sha256, input);
    if (!prior) break;
    auto delta = store.GetOutput(prior->delta_sha256);
    // A damaged output is not reused: the stage runs again.
    auto next =
        delta ? ReplayDelta(prefix.state, *delta, prior->delta_sha256, input, prior->output_sha256)
              : std::nullopt;
    if (!next) break;
    TransformationRecord t;
    t.seq = static_cast<int>(prefix.records.size());
    t.stage = std::string(s.spec->id);
    t.stage_version = s.spec->version;
    t.params = s.params;
    t.resources = s.ResourcesJson();
    t.resources_sha256 = s.resources_sha256;
    t.input_sha256 = input;
    t.output_sha256 = prior->output_sha256;
    t.delta_sha256 = prior->delta_sha256;
    t.started_at = NowRfc3339();
    t.outcome = prior->outcome;
    t.note = prior->note;
    t.reused_from = prior->transformation_id;
    prefix.records.push_back(std::move(t));
    prefix.state = std::move(*next);
    prefix.state_sha256 = prior->output_sha256;
  }
  return prefix;
}

WorkResult ResultFromPrefix(const std::string& doc_id, FinishedPrefix prefix) {
  WorkResult r;
  r.doc_id = doc_id;
  const Document doc = Document::FromContentJson(prefix.state);
  r.modality = doc.modality;
  r.metrics = doc.metrics;
  r.part_metrics = doc.part_metrics;
  r.image_hashes = doc.image_hashes;
  r.frame_hashes = FrameHashesOf(doc);
  r.page_count = static_cast<int>(doc.pages.size());
  r.output_sha256 = prefix.state_sha256;
  r.transformations = std::move(prefix.records);
  return r;
}

WorkResult WithPrefix(const FinishedPrefix& prefix, WorkResult rest) {
  if (prefix.records.empty()) return rest;
  // The worker ran from `ran_from` (the prefix's end, or 0 when it had to run the whole plan
  // again); a failure outside any stage (a crash) comes after the whole prefix.
  const int whole = static_cast<int>(prefix.records.size());
  const int kept = rest.ran_from >= 0 ? std::min(rest.ran_from, whole) : whole;
  std::vector<TransformationRecord> all(prefix.records.begin(), prefix.records.begin() + kept);
  for (TransformationRecord& t : rest.transformations) {
    if (rest.ran_from < 0) {
      t.seq = kept;
      t.input_sha256 = prefix.state_sha256;
    }
    all.push_back(std::move(t));
  }
  rest.transformations = std::move(all);
  if (rest.output_sha256.empty() && kept == whole) rest.output_sha256 = prefix.state_sha256;
  return rest;
}

}  // namespace assay
