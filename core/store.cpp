#include "core/store.h"

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
  Statement s(db_.handle(), "SELECT outcome, processing_version FROM documents WHERE doc_id=?");
  s.Bind(1, doc_id);
  if (!s.Step()) return std::nullopt;
  DocumentState st;
  if (!s.IsNull(0)) st.outcome = s.Text(0);
  if (!s.IsNull(1)) st.processing_version = s.Text(1);
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

void Store::CommitResult(int64_t run_id, const std::string& processing_version, const WorkResult& r,
                         const std::string& now) {
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
              "duration_ms, outcome, note) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const TransformationRecord& x : r.transformations) {
    const std::string params = x.params.dump();
    t.Bind(1, r.doc_id).Bind(2, run_id).Bind(3, processing_version).Bind(4, x.seq);
    t.Bind(5, x.stage).Bind(6, x.stage_version).Bind(7, params);
    t.Bind(8, Sha256Hex(params)).Bind(9, x.input_sha256);
    if (x.output_sha256.empty()) {
      t.BindNull(10);
    } else {
      t.Bind(10, x.output_sha256);
    }
    t.Bind(11, x.started_at).Bind(12, x.duration_ms).Bind(13, x.outcome).Bind(14, x.note).Run();
  }
  Statement del(db_.handle(), "DELETE FROM metrics WHERE doc_id=?");
  del.Bind(1, r.doc_id).Run();
  Statement m(db_.handle(), "INSERT INTO metrics(doc_id, scope, name, value) VALUES(?,'',?,?)");
  for (const auto& [name, value] : r.metrics)
    m.Bind(1, r.doc_id).Bind(2, name).Bind(3, value).Run();

  Statement d(db_.handle(),
              "UPDATE documents SET modality=?, processing_version=?, outcome=?, error_stage=?, "
              "error_message=?, output_sha256=?, page_count=?, run_id=?, processed_at=? "
              "WHERE doc_id=?");
  d.Bind(1, r.modality.empty() ? std::nullopt : std::optional<std::string>(r.modality));
  d.Bind(2, processing_version).Bind(3, r.error ? "error" : "accepted");
  d.Bind(4, r.error ? std::optional<std::string>(r.error->stage) : std::nullopt);
  d.Bind(5, r.error ? std::optional<std::string>(r.error->message) : std::nullopt);
  d.Bind(6, r.output_sha256.empty() ? std::nullopt : std::optional<std::string>(r.output_sha256));
  d.Bind(7, r.page_count).Bind(8, run_id).Bind(9, now).Bind(10, r.doc_id).Run();
  tx.Commit();
}

}  // namespace assay
