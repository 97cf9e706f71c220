#include "core/near_duplicate_step.h"

#include <map>
#include <set>
#include <sstream>

#include "core/annotation_store.h"
#include "core/near_duplicates.h"
#include "core/names.h"
#include "core/session.h"

namespace assay {
namespace {

struct Candidate {
  HashedImage image;
  std::optional<double> current;  // the stored image.near_duplicate
};

std::vector<Candidate> LoadCandidates(Database& db) {
  Statement q(db.handle(),
              "SELECT h.doc_id, h.phash, w.value * hh.value, s.value, n.value, d.source_id, h.windows "
              "FROM image_hashes h JOIN documents d ON d.doc_id = h.doc_id "
              "LEFT JOIN metrics w ON w.doc_id = h.doc_id AND w.scope = '' AND w.name = 'image.width' "
              "LEFT JOIN metrics hh ON hh.doc_id = h.doc_id AND hh.scope = '' AND hh.name = 'image.height' "
              "LEFT JOIN metrics s ON s.doc_id = h.doc_id AND s.scope = '' AND s.name = 'image.sharpness' "
              "LEFT JOIN metrics n ON n.doc_id = h.doc_id AND n.scope = '' AND n.name = ?1 "
              "WHERE d.outcome IN (?2, ?3) ORDER BY h.doc_id");
  q.Bind(1, std::string(kNearDuplicateMetric));
  q.Bind(2, std::string(outcome::kAccepted)).Bind(3, std::string(outcome::kRejected));
  std::vector<Candidate> out;
  while (q.Step()) {
    auto hash = ParseHashHex(q.Text(1));
    if (!hash) continue;  // the CHECK keeps the length; a damaged digit leaves it out
    Candidate c;
    // A document without a source (unreadable at ingest) has no hash; its doc_id stands in.
    c.image.doc_id = q.Text(0);
    c.image.source_id = q.IsNull(5) ? q.Text(0) : q.Text(5);
    c.image.hash = *hash;
    c.image.pixels = q.IsNull(2) ? 0 : q.Real(2);
    c.image.sharpness = q.IsNull(3) ? 0 : q.Real(3);
    if (!q.IsNull(4)) c.current = q.Real(4);
    std::istringstream windows(q.Text(6));
    for (std::string w; windows >> w;) {
      if (auto parsed = ParseHashHex(w)) c.image.windows.push_back(*parsed);
    }
    out.push_back(std::move(c));
  }
  return out;
}

// A decided video's sampled frames and its stored kFrameNearDuplicateMetric.
struct VideoCandidate {
  std::string doc_id;
  std::optional<double> current;
};

void LoadVideoFrameHashes(Database& db, std::vector<HashedFrame>& frames,
                          std::vector<VideoCandidate>& videos) {
  Statement q(db.handle(),
              "SELECT f.doc_id, f.frame, f.phash, d.source_id, n.value FROM video_frame_hashes f "
              "JOIN documents d ON d.doc_id = f.doc_id "
              "LEFT JOIN metrics n ON n.doc_id = f.doc_id AND n.scope = '' AND n.name = ?1 "
              "WHERE d.outcome IN (?2, ?3) ORDER BY f.doc_id, f.frame");
  q.Bind(1, std::string(kFrameNearDuplicateMetric));
  q.Bind(2, std::string(outcome::kAccepted)).Bind(3, std::string(outcome::kRejected));
  while (q.Step()) {
    auto hash = ParseHashHex(q.Text(2));
    if (!hash) continue;
    const std::string doc_id = q.Text(0);
    frames.push_back({doc_id, q.IsNull(3) ? doc_id : q.Text(3), q.Int(1), *hash});
    if (videos.empty() || videos.back().doc_id != doc_id) {
      videos.push_back({doc_id, q.IsNull(4) ? std::nullopt : std::optional<double>(q.Real(4))});
    }
  }
}

// Sets `metric` of `doc_id` to `value` and decides the document again under its contract.
bool RedecideWithMetric(Store& store, int64_t run_id, const ContractSet& contracts,
                        const RoutingConfig& routing, const std::string& now,
                        const std::string& doc_id, std::string_view metric, double value) {
  std::optional<RoutingUnit> stored = StoredRoutingUnit(store, doc_id);
  if (!stored) return false;  // never: candidates are read joined with their documents
  RoutingUnit& unit = *stored;
  unit.metrics[std::string(metric)] = value;
  const Contract* contract = contracts.For(unit.modality);
  if (contract == nullptr) return false;  // decided without one: an error, not a candidate
  const ContractOutcome decided = DecideAndRoute(*contract, routing, unit);
  store.RecordRevisedDecision(run_id, doc_id, std::string(metric), value, decided.decision, now,
                              RoutingRecord{&routing, &decided.tasks});
  return true;
}

}  // namespace

NearDuplicateSummary DecideNearDuplicates(Store& store, int64_t run_id,
                                          const ContractSet& contracts,
                                          const RoutingConfig& routing, const std::string& now) {
  Database& db = store.db();
  Transaction tx(db);
  const std::vector<Candidate> candidates = LoadCandidates(db);
  std::vector<HashedImage> images;
  for (const Candidate& c : candidates) images.push_back(c.image);
  const std::vector<NearDuplicateMember> members = GroupNearDuplicates(images);

  NearDuplicateSummary summary;
  summary.images = static_cast<int>(images.size());
  db.Exec("DELETE FROM near_duplicates");
  Statement ins(db.handle(),
                "INSERT INTO near_duplicates(doc_id, group_id, kept_doc_id, kept, distance, "
                "max_distance, reason, run_id, found_at) VALUES(?,?,?,?,?,?,?,?,?)");
  std::set<std::string> duplicates, groups;
  for (const NearDuplicateMember& m : members) {
    ins.Bind(1, m.doc_id).Bind(2, m.group_id).Bind(3, m.kept_doc_id).Bind(4, int(m.kept));
    ins.Bind(5, m.distance).Bind(6, kNearDuplicateMaxDistance).Bind(7, m.reason);
    ins.Bind(8, run_id).Bind(9, now).Run();
    groups.insert(m.group_id);
    if (!m.kept) duplicates.insert(m.doc_id);
  }
  summary.groups = static_cast<int>(groups.size());
  summary.duplicates = static_cast<int>(duplicates.size());

  for (const Candidate& c : candidates) {
    const double value = duplicates.count(c.image.doc_id) ? 1 : 0;
    if (c.current && *c.current == value) continue;
    if (RedecideWithMetric(store, run_id, contracts, routing, now, c.image.doc_id,
                           kNearDuplicateMetric, value)) {
      ++summary.redecided;
    }
  }

  // Video frames: against the images and each other's, never changing the images' groups.
  std::vector<HashedFrame> frames;
  std::vector<VideoCandidate> videos;
  LoadVideoFrameHashes(db, frames, videos);
  const std::vector<FrameNearDuplicate> copies = FindFrameNearDuplicates(images, frames);
  summary.frames = static_cast<int>(frames.size());
  summary.frame_copies = static_cast<int>(copies.size());
  db.Exec("DELETE FROM frame_near_duplicates");
  Statement fins(db.handle(),
                 "INSERT INTO frame_near_duplicates(doc_id, frame, of_doc_id, of_frame, distance, "
                 "max_distance, run_id, found_at) VALUES(?,?,?,?,?,?,?,?)");
  std::map<std::string, int> copies_of;
  for (const FrameNearDuplicate& f : copies) {
    fins.Bind(1, f.doc_id).Bind(2, f.frame).Bind(3, f.of_doc_id);
    if (f.of_frame) {
      fins.Bind(4, *f.of_frame);
    } else {
      fins.BindNull(4);
    }
    fins.Bind(5, f.distance).Bind(6, kNearDuplicateMaxDistance).Bind(7, run_id).Bind(8, now).Run();
    ++copies_of[f.doc_id];
  }
  for (const VideoCandidate& v : videos) {
    const auto n = copies_of.find(v.doc_id);
    const double value = n == copies_of.end() ? 0 : n->second;
    if (v.current && *v.current == value) continue;
    if (RedecideWithMetric(store, run_id, contracts, routing, now, v.doc_id,
                           kFrameNearDuplicateMetric, value)) {
      ++summary.redecided;
    }
  }
  tx.Commit();
  return summary;
}

double StoredFrameNearDuplicateMetric(Store& store, const std::string& doc_id) {
  Statement q(store.db().handle(), "SELECT count(*) FROM frame_near_duplicates WHERE doc_id=?");
  q.Bind(1, doc_id);
  return q.Step() ? static_cast<double>(q.Int(0)) : 0;
}

double StoredNearDuplicateMetric(Store& store, const std::string& doc_id) {
  Statement q(store.db().handle(), "SELECT kept FROM near_duplicates WHERE doc_id=?");
  q.Bind(1, doc_id);
  return q.Step() && q.Int(0) == 0 ? 1 : 0;
}

}  // namespace assay
