// The read-only subcommands over an output folder's store: status, lineage, export.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/exit_codes.h"
#include "core/report.h"

namespace assay::cli {
namespace {

// Runs `body` on the store of `out_dir`, turning a missing or unreadable store into a clear
// message and exit code.
template <typename F>
int WithStore(const std::string& out_dir, F body) {
  const std::filesystem::path db = std::filesystem::path(out_dir) / "assay.db";
  if (!std::filesystem::exists(db)) {
    std::cerr << "assay: no store at " << db << " (run `assay run ... --out " << out_dir
              << "` first)\n";
    return kExitUsage;
  }
  try {
    Store store(db, /*create=*/false);
    return body(store);
  } catch (const StoreError& e) {
    std::cerr << "assay: " << e.what() << "\n";
    return kExitInternal;
  }
}

struct Common {
  std::string out = "out";
  bool json = false;
};

CLI::App* AddCommon(CLI::App& app, const char* name, const char* help, Common* c, bool json) {
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("--out", c->out, "output folder holding assay.db")->capture_default_str();
  if (json) cmd->add_flag("--json", c->json, "print JSON");
  return cmd;
}

}  // namespace

void SetupStatus(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  CLI::App* cmd =
      AddCommon(app, "status", "outcomes, modalities, recent runs, errors", c.get(), true);
  cmd->callback([c, exit_code] {
    *exit_code = WithStore(c->out, [&](Store& s) { return PrintStatus(s, c->json, std::cout); });
  });
}

void SetupLineage(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  auto doc = std::make_shared<std::string>();
  CLI::App* cmd =
      AddCommon(app, "lineage", "everything recorded about one document", c.get(), true);
  cmd->add_option("doc", *doc, "doc_id or a unique prefix of it")->required();
  cmd->callback([c, doc, exit_code] {
    *exit_code =
        WithStore(c->out, [&](Store& s) { return PrintLineage(s, *doc, c->json, std::cout); });
  });
}

void SetupExport(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  auto format = std::make_shared<std::string>("jsonl");
  CLI::App* cmd =
      AddCommon(app, "export", "write every processed document as JSON Lines", c.get(), false);
  cmd->add_option("--format", *format, "output format")
      ->check(CLI::IsMember({"jsonl"}))
      ->capture_default_str();
  cmd->callback([c, exit_code] {
    *exit_code = WithStore(c->out, [&](Store& s) { return ExportJsonl(s, std::cout); });
  });
}

}  // namespace assay::cli
