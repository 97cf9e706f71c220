// The read-only subcommands over an output folder's store: status, lineage, export.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "core/exit_codes.h"
#include "core/report.h"

namespace assay::cli {
namespace {

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
  auto stable = std::make_shared<bool>(false);
  CLI::App* cmd =
      AddCommon(app, "export", "write every processed document as JSON Lines", c.get(), false);
  cmd->add_option("--format", *format, "output format")
      ->check(CLI::IsMember({"jsonl"}))
      ->capture_default_str();
  cmd->add_flag("--stable", *stable,
                "leave out volatile facts (times, run and reuse numbers); name sources by their "
                "path relative to their input root: byte-identical across runs and machines");
  cmd->callback([c, format, stable, exit_code] {  // keeps --format's target alive
    *exit_code = WithStore(c->out, [&](Store& s) { return ExportJsonl(s, std::cout, *stable); });
  });
}

}  // namespace assay::cli
