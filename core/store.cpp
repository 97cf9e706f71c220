#include "core/store.h"

#include "core/queue.h"
#include "core/sha256.h"

namespace assay {

Store::Store(const std::filesystem::path& path, bool create) : db_(path.string(), create) {
  db_.Exec("PRAGMA journal_mode=WAL");
  db_.Exec("PRAGMA synchronous=NORMAL");
  db_.Exec("PRAGMA foreign_keys=ON");
  Migrate();
}

int Store::schema_version() {
  Statement s(db_.handle(), "PRAGMA user_version");
  s.Step();
  return static_cast<int>(s.Int(0));
}

void Store::Migrate() {
  const int current = schema_version();
  const int latest = Migrations().empty() ? 0 : Migrations().back().version;
  if (current > latest) {
    throw StoreError("the database has schema version " + std::to_string(current) +
                     " but this assay knows only up to " + std::to_string(latest) +
                     ": use a newer assay");
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    Transaction tx(db_);
    db_.Exec(m.sql);
    db_.Exec("PRAGMA user_version=" + std::to_string(m.version));
    tx.Commit();
  }
}

int64_t Store::BeginRun(const RunRecord& r) {
  Statement s(db_.handle(),
              "INSERT INTO runs(started_at, tool_version, git_commit, config_hash, config, "
              "libraries, tessdata_sha256, host, shard, argv, workers) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.started_at).Bind(2, r.tool_version).Bind(3, r.git_commit).Bind(4, r.config_hash);
  s.Bind(5, r.config).Bind(6, r.libraries).Bind(7, r.tessdata_sha256).Bind(8, r.host);
  s.Bind(9, r.shard).Bind(10, r.argv).Bind(11, r.workers);
  s.Run();
  return db_.LastInsertId();
}

void Store::FinishRun(int64_t run_id, const std::string& status, const std::string& finished_at) {
  Statement s(db_.handle(), "UPDATE runs SET status=?, finished_at=? WHERE run_id=?");
  s.Bind(1, status).Bind(2, finished_at).Bind(3, run_id).Run();
}

void Store::RegisterSource(const SourceRecord& src, int64_t run_id, const std::string& now) {
  Statement s(db_.handle(),
              "INSERT OR IGNORE INTO sources(source_id, bytes, mime, first_seen_at) "
              "VALUES(?,?,?,?)");
  s.Bind(1, src.source_id).Bind(2, static_cast<int64_t>(src.bytes)).Bind(3, src.mime);
  s.Bind(4, now).Run();
  Statement p(db_.handle(),
              "INSERT INTO source_paths(source_id, path, first_seen_at, last_run_id) "
              "VALUES(?,?,?,?) ON CONFLICT(source_id, path) DO UPDATE SET "
              "last_run_id=excluded.last_run_id");
  p.Bind(1, src.source_id).Bind(2, src.path).Bind(3, now).Bind(4, run_id).Run();
}

void Store::RegisterDocument(const DocumentRecord& d, const std::string& now) {
  // Manifest facts (ground truth, tags) may change between runs; the content identity cannot.
  Statement s(db_.handle(),
              "INSERT INTO documents(doc_id, source_id, path, container, alt_text, "
              "ground_truth, tags, ingested_at) VALUES(?,?,?,?,?,?,?,?) "
              "ON CONFLICT(doc_id) DO UPDATE SET ground_truth=excluded.ground_truth, "
              "tags=excluded.tags");
  s.Bind(1, d.doc_id).Bind(2, d.source_id).Bind(3, d.path).Bind(4, d.container);
  s.Bind(5, d.alt_text).Bind(6, d.ground_truth).Bind(7, d.tags).Bind(8, now).Run();
}

std::optional<DocumentState> Store::GetDocumentState(const std::string& doc_id) {
  Statement s(db_.handle(),
              "SELECT outcome, processing_version, param_overrides FROM documents WHERE doc_id=?");
  s.Bind(1, doc_id);
  if (!s.Step()) return std::nullopt;
  DocumentState st;
  if (!s.IsNull(0)) st.outcome = s.Text(0);
  if (!s.IsNull(1)) st.processing_version = s.Text(1);
  st.overrides = Json::parse(s.Text(2));
  return st;
}

std::optional<Store::PriorTransformation> Store::FindTransformation(
    const std::string& stage, int version, const std::string& params_sha256,
    const std::string& input_sha256) {
  Statement q(db_.handle(),
              "SELECT transformation_id, output_sha256, outcome FROM transformations "
              "WHERE stage=? AND stage_version=? AND params_sha256=? AND input_sha256=? AND "
              "outcome IN ('ok','skipped') AND output_sha256 IS NOT NULL "
              "ORDER BY transformation_id LIMIT 1");
  q.Bind(1, stage).Bind(2, version).Bind(3, params_sha256).Bind(4, input_sha256);
  if (!q.Step()) return std::nullopt;
  return PriorTransformation{q.Int(0), q.Text(1), q.Text(2)};
}

std::optional<std::string> Store::GetOutput(const std::string& sha256) {
  Statement q(db_.handle(), "SELECT content FROM outputs WHERE sha256=?");
  q.Bind(1, sha256);
  if (!q.Step()) return std::nullopt;
  return q.Text(0);
}

void Store::RegisterContract(const std::string& sha256, const std::string& modality, int version,
                             const std::string& path, const std::string& text,
                             const std::string& now) {
  Statement s(db_.handle(),
              "INSERT OR IGNORE INTO contracts(sha256, modality, version, path, text, "
              "first_seen_at) VALUES(?,?,?,?,?,?)");
  s.Bind(1, sha256).Bind(2, modality).Bind(3, version).Bind(4, path).Bind(5, text).Bind(6, now);
  s.Run();
}

namespace {

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

void Store::CommitResult(int64_t run_id, const std::string& processing_version,
                         const WorkResult& r, const std::string& now,
                         const ContractDecisionRecord* decision,
                         std::optional<int64_t> queue_item) {
  Transaction tx(db_);
  Statement out(db_.handle(),
                "INSERT OR IGNORE INTO outputs(sha256, media_type, bytes, content) "
                "VALUES(?, 'application/json', ?, ?)");
  for (const auto& [sha, content] : r.outputs) {
    out.Bind(1, sha).Bind(2, static_cast<int64_t>(content.size())).Bind(3, content).Run();
  }
  Statement t(db_.handle(),
              "INSERT INTO transformations(doc_id, run_id, processing_version, seq, stage, "
              "stage_version, params, params_sha256, input_sha256, output_sha256, started_at, "
              "duration_ms, outcome, note, queue_item_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const TransformationRecord& x : r.transformations) {
    const std::string params = x.params.dump();
    t.Bind(1, r.doc_id).Bind(2, run_id).Bind(3, processing_version).Bind(4, x.seq);
    t.Bind(5, x.stage).Bind(6, x.stage_version).Bind(7, params);
    t.Bind(8, Sha256Hex(params)).Bind(9, x.input_sha256).Bind(10, NonEmpty(x.output_sha256));
    t.Bind(11, x.started_at).Bind(12, x.duration_ms).Bind(13, x.outcome).Bind(14, x.note);
    if (queue_item) {
      t.Bind(15, *queue_item);
    } else {
      t.BindNull(15);
    }
    t.Run();
  }

  Statement del(db_.handle(), "DELETE FROM metrics WHERE doc_id=?");
  del.Bind(1, r.doc_id).Run();
  Statement m(db_.handle(), "INSERT INTO metrics(doc_id, scope, name, value) VALUES(?,?,?,?)");
  for (const auto& [name, value] : r.metrics) {
    m.Bind(1, r.doc_id).Bind(2, "").Bind(3, name).Bind(4, value).Run();
  }
  for (const auto& [scope, values] : r.part_metrics) {
    for (const auto& [name, value] : values) {
      m.Bind(1, r.doc_id).Bind(2, scope).Bind(3, name).Bind(4, value).Run();
    }
  }

  // Only the latest decision is kept per document; runs keep the contract texts by hash.
  Statement clear(db_.handle(), "DELETE FROM contract_results WHERE doc_id=?");
  clear.Bind(1, r.doc_id).Run();
  if (decision != nullptr && !r.error) {
    Statement c(db_.handle(),
                "INSERT INTO contract_results(doc_id, run_id, contract_sha256, scope, rule, "
                "metric, value, operator, threshold, severity, outcome) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    for (const ContractResultRow& row : decision->rows) {
      c.Bind(1, r.doc_id).Bind(2, run_id).Bind(3, decision->contract_sha256).Bind(4, row.scope);
      c.Bind(5, row.rule).Bind(6, row.metric);
      if (row.value) {
        c.Bind(7, *row.value);
      } else {
        c.BindNull(7);
      }
      c.Bind(8, row.op).Bind(9, row.threshold_json).Bind(10, row.severity).Bind(11, row.outcome);
      c.Run();
    }
  }

  const std::string outcome = r.error ? "error" : decision ? decision->outcome : "accepted";
  Statement d(db_.handle(),
              "UPDATE documents SET modality=?, processing_version=?, outcome=?, error_stage=?, "
              "error_message=?, output_sha256=?, page_count=?, run_id=?, processed_at=?, "
              "contract_sha256=? WHERE doc_id=?");
  d.Bind(1, NonEmpty(r.modality)).Bind(2, processing_version).Bind(3, outcome);
  d.Bind(4, r.error ? NonEmpty(r.error->stage) : std::nullopt);
  d.Bind(5, r.error ? std::optional<std::string>(r.error->message) : std::nullopt);
  d.Bind(6, NonEmpty(r.output_sha256)).Bind(7, r.page_count).Bind(8, run_id).Bind(9, now);
  d.Bind(10, decision && !r.error ? NonEmpty(decision->contract_sha256) : std::nullopt);
  d.Bind(11, r.doc_id).Run();

  Json reasons = Json::array();
  if (r.error) {
    reasons.push_back({{"stage", r.error->stage}, {"message", r.error->message}});
  } else if (decision != nullptr) {
    reasons = decision->reasons;
  }
  RecordQueueDecision(db_, r.doc_id, outcome, reasons, run_id, now, queue_item);
  tx.Commit();
}

}  // namespace assay
