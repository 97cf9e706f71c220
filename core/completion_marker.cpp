#include "core/completion_marker.h"

#include "core/document.h"
#include "core/sha256.h"

namespace assay {

std::string CompletionMarker::ToJson() const {
  Json j = {{"shard", shard.Text()},
            {"index", shard.index},
            {"count", shard.count},
            {"store_id", store_id},
            {"run_id", run_id},
            {"finished_at", finished_at},
            {"tool_version", tool_version},
            {"processing_identity", processing_identity},
            {"contracts_sha256", contracts_sha256},
            {"inputs", inputs},
            {"documents", documents},
            {"outcomes", outcomes},
            {"pages", pages}};
  return j.dump(2) + "\n";
}

Result<CompletionMarker> CompletionMarker::FromJson(const std::string& text) {
  try {
    const CanonicalJson j = CanonicalJson::parse(text);
    CompletionMarker m;
    auto spec = ParseShard(j.at("shard").get<std::string>());
    if (!spec.ok()) return spec.error();
    m.shard = spec.value();
    m.store_id = j.at("store_id").get<std::string>();
    m.run_id = j.at("run_id").get<int64_t>();
    m.finished_at = j.at("finished_at").get<std::string>();
    m.tool_version = j.at("tool_version").get<std::string>();
    m.processing_identity = j.at("processing_identity").get<std::string>();
    m.contracts_sha256 = j.at("contracts_sha256").get<std::string>();
    m.inputs = j.at("inputs").get<int>();
    m.documents = j.at("documents").get<int>();
    m.outcomes = j.at("outcomes").get<std::map<std::string, int>>();
    m.pages = j.at("pages").get<int>();
    return m;
  } catch (const std::exception& e) {
    return Error{"merge", std::string("not a completion marker: ") + e.what()};
  }
}

std::optional<RunIdentity> IdentityOfRun(Store& store, int64_t run_id) {
  Statement q(store.db().handle(),
              "SELECT tool_version, config, libraries FROM runs WHERE run_id=?");
  q.Bind(1, run_id);
  if (!q.Step()) return std::nullopt;
  CanonicalJson config = CanonicalJson::parse(q.Text(1), nullptr, /*allow_exceptions=*/false);
  RunIdentity id;
  id.tool_version = q.Text(0);
  if (config.is_object() && config.contains("contracts") && config["contracts"].is_string()) {
    id.contracts_sha256 = config["contracts"].get<std::string>();
    config.erase("contracts");  // compared on its own: a different message
  }
  id.processing_identity = Sha256Hex(id.tool_version + "\n" + config.dump() + "\n" + q.Text(2));
  return id;
}

std::string StoreIdOf(Store& store) {
  Statement q(store.db().handle(), "SELECT store_id FROM store_identity LIMIT 1");
  if (!q.Step()) throw StoreError("the store has no identity (schemas/009_shards.sql)");
  return q.Text(0);
}

}  // namespace assay
