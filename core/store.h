// The SQLite store: schema migrations, and every read and write of documents, runs and their
// lineage. Only the supervisor process holds a Store that writes. (The remediation queue's
// reads and actions live in core/queue.h, over the same Database.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "core/work.h"

namespace assay {

// The migrations compiled in from schemas/NNN_*.sql, in order; version N = the first N.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};
const std::vector<Migration>& Migrations();

struct RunRecord {
  std::string started_at;
  std::string tool_version;
  std::string git_commit;
  std::string config_hash;
  std::string config;     // canonical JSON: pipelines, parameters, contract set
  std::string libraries;  // JSON
  std::string tessdata_sha256;
  std::string host;
  std::string shard = "0/1";
  std::string argv;  // JSON
  int workers = 1;
};

// Paths in these records are raw bytes; the store writes them as path text (core/path_text.h)
// and GetDocument reads them back to bytes.
struct SourceRecord {
  std::string source_id;
  uint64_t bytes = 0;
  std::string mime;
  std::string path;
  std::string relative_path = {};                 // relative to the input root it was found under
  std::optional<std::string> resolved_path = {};  // the real path, when it differs from `path`
};

struct DocumentRecord {
  std::string doc_id;
  std::optional<std::string> source_id;
  std::string path;
  std::string container;
  std::optional<std::string> alt_text;
  std::optional<std::string> ground_truth;
  std::string tags = "[]";
  // Provenance (core/provenance.h): manifest facts, not identity.
  std::optional<std::string> license = {};
  std::optional<std::string> source_url = {};
  // What the manifest says about an image besides alt_text (part of its identity when given).
  std::optional<std::string> caption = {};
  std::optional<std::string> image_role = {};  // core/image_role.h
  std::optional<std::string> table_hints = {};  // core/table_hints.h (part of the identity)
  // A transcript's media file (raw path) and declared language: manifest facts, not identity.
  std::optional<std::string> media = {};
  std::optional<std::string> language = {};
};

// A document's contract decision, as the store records it.
struct ContractResultRow {
  std::string scope;  // "" or "page:N"
  std::string rule, metric;
  std::optional<double> value;
  std::string op, threshold_json, severity, outcome;
};
struct ContractDecisionRecord {
  std::string contract_sha256;
  std::string outcome;  // accepted | rejected
  std::vector<ContractResultRow> rows;
  Json reasons = Json::array();  // failures of severity reject, for the queue
};

struct RoutingConfig;  // core/routing.h
struct RoutedTask;

// The routing of a decided document, recorded with its decision (core/annotation_store.h):
// the routing file, and the tasks it routed (none for a document that is not accepted).
struct RoutingRecord {
  const RoutingConfig* config = nullptr;
  const std::vector<RoutedTask>* tasks = nullptr;
};

struct DocumentState {
  std::optional<std::string> outcome;  // nullopt = pending
  std::optional<std::string> processing_version;
  std::optional<int64_t> run_id;                      // the run that decided it
  CanonicalJson overrides = CanonicalJson::object();  // the document's own stage parameters
};

// A successful earlier transformation with a given reuse key whose delta is still stored.
struct PriorTransformation {
  int64_t transformation_id = 0;
  std::string output_sha256;
  std::string delta_sha256;
  std::string outcome;
  std::string note;
};

class Store {
 public:
  // Opens (creating if `create`) the database at `path` and migrates it forward. Refuses a
  // database written by a newer assay. With `for_writing`, refuses (before anything is
  // written to it) a store that is damaged or recorded as damaged (core/store_health.h):
  // the StoreError then has damaged() set and a message saying how to recover. Throws
  // StoreError on failure.
  Store(const std::filesystem::path& path, bool create, bool for_writing = true);

  Database& db() { return db_; }
  int schema_version();

  // Records a run as `running`, with this process's identity (core/process_identity.h).
  int64_t BeginRun(const RunRecord& run);
  // Marks `killed` every running run whose supervisor is known to be gone (on this host: its
  // pid no longer names the process that started it) and voids its leases. Returns how many.
  int MarkStaleRuns(const std::string& now);
  // True unless the run is finished, interrupted, killed, or its process is known to be gone.
  bool RunAlive(int64_t run_id);

  // Leases `doc_id` to `run_id` for processing, unless another run that is alive holds it:
  // returns that run's id then (and takes nothing). CommitResult and FinishRun release leases.
  std::optional<int64_t> TakeLease(const std::string& doc_id, int64_t run_id,
                                   const std::string& now);
  void ReleaseLease(const std::string& doc_id, int64_t run_id);
  // The canonical configuration a run recorded (RunRecord::config); nullopt for no such run.
  std::optional<std::string> RunConfig(int64_t run_id);
  // Records the run's end and releases the leases it still holds.
  void FinishRun(int64_t run_id, std::string_view status, const std::string& finished_at);

  // Ingest writes; call inside a Transaction.
  void RegisterSource(const SourceRecord& source, int64_t run_id, const std::string& now);
  void RegisterDocument(const DocumentRecord& doc, const std::string& now);

  std::optional<DocumentState> GetDocumentState(const std::string& doc_id);
  std::optional<DocumentRecord> GetDocument(const std::string& doc_id);
  // Sets the document's own stage parameters (kept for later runs).
  void SetDocumentOverrides(const std::string& doc_id, const CanonicalJson& overrides);

  // The first successful transformation with this reuse key whose delta is stored.
  std::optional<PriorTransformation> FindTransformation(const std::string& stage, int version,
                                                        const std::string& params_sha256,
                                                        const std::string& resources_sha256,
                                                        const std::string& input_sha256);
  std::optional<std::string> GetOutput(const std::string& sha256);

  // The document's content after its last stage, rebuilt from its stored deltas (or, for a
  // document decided before migration 3, read whole). nullopt when it has none (an error
  // before any stage). Throws StoreError when the stored outputs do not rebuild the recorded
  // state (a damaged store).
  std::optional<CanonicalJson> DocumentContent(const std::string& doc_id);

  // The source's first relative path in byte order, over every path it was seen at: the
  // path a stable export names, whatever the run, machine or shard.
  std::optional<std::string> FirstRelativePath(const std::string& source_id);

  // Counts of outcome and of modality (or container) over `doc_ids`.
  struct OutcomeCounts {
    std::map<std::string, int> outcomes, modalities;
    int documents = 0;
  };
  OutcomeCounts CountOutcomes(const std::vector<std::string>& doc_ids);

  // Stores a contract text under its hash (once).
  void RegisterContract(const std::string& sha256, const std::string& modality, int version,
                        const std::string& path, const std::string& text, const std::string& now);

  // Writes everything learned about one document in one transaction: its transformations
  // (linked to `queue_item` when a reprocess made them), outputs, metrics, the contract
  // decision, the outcome ("error" when result.error is set, else the decision's, else
  // "accepted"), the queue's reaction to it (core/queue.h) and, with `routing`, its
  // annotation tasks (an accepted document's are created or updated, another's withdrawn);
  // releases the document's lease.
  // Free text (notes, the error message) is bounded (core/bounded_text.h).
  void CommitResult(int64_t run_id, const std::string& processing_version, const WorkResult& result,
                    const std::string& now, const ContractDecisionRecord* decision = nullptr,
                    std::optional<int64_t> queue_item = std::nullopt,
                    const RoutingRecord* routing = nullptr);

  // Records a decided document's revised decision after a corpus-level step changed one of
  // its metrics (core/near_duplicate_step.h): the metric, the contract results (under
  // `run_id`, the step's run), the outcome, the queue's reaction and the annotation routing,
  // as CommitResult does. Call inside a Transaction.
  void RecordRevisedDecision(int64_t run_id, const std::string& doc_id, const std::string& metric,
                             double value, const ContractDecisionRecord& decision,
                             const std::string& now, const RoutingRecord& routing);

 private:
  void Migrate();
  // Only the latest decision is kept per document (runs keep the contract texts by hash):
  // the document's rule results become `decision`'s, or none when it is null.
  void ReplaceContractResults(int64_t run_id, const std::string& doc_id,
                              const ContractDecisionRecord* decision);
  Database db_;
};

}  // namespace assay
