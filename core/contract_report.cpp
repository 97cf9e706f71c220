#include "core/contract_report.h"

#include <iostream>

#include "contracts/contract.h"
#include "core/exit_codes.h"

namespace assay {

int CheckContracts(const std::filesystem::path& dir, const StageCatalog& catalog, bool json,
                   std::ostream& out) {
  auto set = LoadContracts(dir, catalog);
  if (!set.ok()) {
    if (json) {
      out << Json{{"ok", false}, {"error", set.error().message}}.dump(2) << "\n";
    } else {
      std::cerr << set.error().message << "\n";
    }
    return kExitUsage;
  }
  Json contracts = Json::array();
  for (const auto& [modality, c] : set.value().by_modality) {
    contracts.push_back({{"modality", modality},
                         {"version", c.version},
                         {"sha256", c.sha256},
                         {"path", c.path},
                         {"rules", c.rules.size()}});
  }
  if (json) {
    out << Json{{"ok", true}, {"sha256", set.value().sha256}, {"contracts", contracts}}.dump(2)
        << "\n";
    return kExitOk;
  }
  for (const Json& c : contracts) {
    out << "ok  " << c["path"].get<std::string>() << "  (" << c["modality"].get<std::string>()
        << " v" << c["version"] << ", " << c["rules"] << " rules, sha256 "
        << c["sha256"].get<std::string>().substr(0, 12) << ")\n";
  }
  out << "contract set sha256 " << set.value().sha256 << "\n";
  return kExitOk;
}

int ShowContract(const std::filesystem::path& dir, const StageCatalog& catalog,
                 const std::string& modality, bool json, std::ostream& out) {
  auto set = LoadContractSet(dir, catalog);
  if (!set.ok()) {
    std::cerr << set.error().message << "\n";
    return kExitUsage;
  }
  const Contract* c = set.value().For(modality);
  if (c == nullptr) {
    std::cerr << "no contract for modality '" << modality << "'\n";
    return kExitUsage;
  }
  if (json) {
    Json rules = Json::array();
    for (const Rule& r : c->rules) {
      rules.push_back({{"id", r.id},
                       {"metrics", r.metrics},
                       {"operator", r.Operator()},
                       {"threshold", r.Threshold()},
                       {"severity", r.severity},
                       {"scope", r.scope},
                       {"tags", r.tags},
                       {"if_missing", r.missing_passes ? "pass" : "fail"}});
    }
    out << Json{{"modality", c->modality}, {"version", c->version}, {"sha256", c->sha256},
                {"path", c->path},         {"rules", rules},        {"text", c->text}}
               .dump(2)
        << "\n";
    return kExitOk;
  }
  out << "# " << c->path << "  (version " << c->version << ", sha256 " << c->sha256 << ")\n"
      << c->text;
  return kExitOk;
}

}  // namespace assay
