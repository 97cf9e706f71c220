// `assay store vacuum|backup`: upkeep of an output folder's store (core/store_upkeep.h).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "core/document.h"
#include "core/exit_codes.h"
#include "core/signals.h"
#include "core/store_upkeep.h"

namespace assay::cli {
namespace {

struct UpkeepArgs {
  std::string out = "out";
  std::string to;
  bool json = false;
};

int ExitFor(const Error& e) {
  if (e.stage == "usage") return kExitUsage;
  if (e.stage == "refused") return kExitRefused;
  return kExitInternal;
}

}  // namespace

void SetupStore(CLI::App& app, int* exit_code) {
  CLI::App* store = app.add_subcommand("store", "upkeep of the store: vacuum, backup");
  store->require_subcommand(1);
  {
    auto a = std::make_shared<UpkeepArgs>();
    CLI::App* cmd = store->add_subcommand(
        "vacuum",
        "remove outputs nothing references, then compact the store (no run may be "
        "working on it)");
    cmd->add_option("--out", a->out, "output folder holding assay.db")->capture_default_str();
    cmd->add_flag("--json", a->json, "print the report as JSON");
    cmd->callback([a, exit_code] {
      *exit_code = WithStore(a->out, [&](Store& s) {
        auto r = VacuumStore(s);
        if (!r.ok()) {
          std::cerr << "assay store vacuum: " << r.error().message << "\n";
          return ExitFor(r.error());
        }
        const VacuumReport& v = r.value();
        if (a->json) {
          std::cout << DumpJson({{"bytes_before", v.bytes_before},
                                 {"bytes_after", v.bytes_after},
                                 {"outputs_removed", v.outputs_removed},
                                 {"output_bytes_removed", v.output_bytes_removed}},
                                2)
                    << "\n";
        } else {
          std::cout << "removed " << v.outputs_removed << " unreferenced outputs ("
                    << v.output_bytes_removed << " bytes); store " << v.bytes_before << " -> "
                    << v.bytes_after << " bytes\n";
        }
        return kExitOk;
      });
    });
  }
  {
    auto a = std::make_shared<UpkeepArgs>();
    CLI::App* cmd = store->add_subcommand(
        "backup", "copy the store to FILE with SQLite's online backup (safe while a run writes)");
    cmd->add_option("--out", a->out, "output folder holding assay.db")->capture_default_str();
    cmd->add_option("--to", a->to, "the copy to write (must not exist)")->required();
    cmd->add_flag("--json", a->json, "print the report as JSON");
    cmd->callback([a, exit_code] {
      InstallStopHandlers();
      *exit_code = WithStoreForReading(a->out, [&](Store& s) {
        auto r = BackupStore(s, a->to, StopRequested);
        if (!r.ok()) {
          std::cerr << "assay store backup: " << r.error().message << "\n";
          return ExitFor(r.error());
        }
        const BackupReport& b = r.value();
        if (a->json) {
          std::cout << DumpJson({{"to", a->to},
                                 {"pages", b.pages},
                                 {"bytes", b.bytes},
                                 {"steps", b.steps},
                                 {"seconds", b.seconds},
                                 {"integrity_check", "ok"}},
                                2)
                    << "\n";
        } else {
          std::cout << "backup of " << a->out << "/assay.db written to " << a->to << ": " << b.bytes
                    << " bytes in " << b.steps << " steps, " << b.seconds
                    << " s; integrity_check ok\n";
        }
        return kExitOk;
      });
    });
  }
}

}  // namespace assay::cli
