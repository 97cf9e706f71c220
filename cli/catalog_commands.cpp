// `assay stages` and `assay metrics`: what the stages declare, from the declarations.
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "core/exit_codes.h"
#include "stages/catalog.h"

namespace assay::cli {
namespace {

std::string Joined(const nlohmann::ordered_json& list) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out.empty() ? "-" : out;
}

void PrintStages(std::ostream& out) {
  for (const auto& s : BuiltinCatalog().StagesJson()) {
    out << s["id"].get<std::string>() << " v" << s["version"] << ": "
        << s["summary"].get<std::string>() << "\n"
        << "  containers: " << Joined(s["containers"])
        << "; runs on: " << (s["modalities"].empty() ? "every modality" : Joined(s["modalities"]))
        << "; pixels: " << s["pixels"].get<std::string>()
        << "; libraries: " << Joined(s["libraries"]) << "\n";
    if (!s["establishes"].empty()) out << "  establishes: " << Joined(s["establishes"]) << "\n";
    for (const auto& p : s["params"]) {
      out << "  param " << p["name"].get<std::string>() << " (" << p["type"].get<std::string>()
          << ", default " << p["default"].dump();
      if (p.contains("min")) out << ", " << p["min"].dump() << ".." << p["max"].dump();
      if (p.contains("choices")) out << ", one of " << Joined(p["choices"]);
      if (p.contains("pattern")) out << ", matching " << p["pattern"].get<std::string>();
      out << "): " << p["meaning"].get<std::string>() << "\n";
    }
    for (const auto& m : s["metrics"]) {
      out << "  metric " << m["name"].get<std::string>()
          << (m["per_page"].get<bool>() ? " (also per page)" : "")
          << (m.value("per_cue", false) ? " (per cue)" : "") << ": "
          << m["meaning"].get<std::string>() << "\n";
    }
  }
}

void PrintMetrics(std::ostream& out) {
  for (const auto& m : BuiltinCatalog().MetricsJson()) {
    out << std::left << std::setw(30) << m["name"].get<std::string>() << std::setw(12)
        << m["stage"].get<std::string>() << (m["per_page"].get<bool>() ? "page " : m.value("per_cue", false) ? "cue  " : "     ")
        << m["meaning"].get<std::string>() << "\n";
  }
}

}  // namespace

void SetupCatalog(CLI::App& app, int* exit_code) {
  auto stages_json = std::make_shared<bool>(false);
  CLI::App* stages = app.add_subcommand(
      "stages", "every stage: version, containers, modalities, parameters, metrics");
  stages->add_flag("--json", *stages_json, "print JSON");
  stages->callback([=] {
    if (*stages_json) {
      std::cout << BuiltinCatalog().StagesJson().dump(2) << "\n";
    } else {
      PrintStages(std::cout);
    }
    *exit_code = kExitOk;
  });
  auto metrics_json = std::make_shared<bool>(false);
  CLI::App* metrics =
      app.add_subcommand("metrics", "every metric contracts may use, with its stage and meaning");
  metrics->add_flag("--json", *metrics_json, "print JSON");
  metrics->callback([=] {
    if (*metrics_json) {
      std::cout << BuiltinCatalog().MetricsJson().dump(2) << "\n";
    } else {
      PrintMetrics(std::cout);
    }
    *exit_code = kExitOk;
  });
}

}  // namespace assay::cli
