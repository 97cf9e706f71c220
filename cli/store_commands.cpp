// The read-only subcommands over an output folder's store: status, lineage, export.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/store_access.h"
#include "core/clock.h"
#include "core/exit_codes.h"
#include "core/store_views.h"
#include "stages/video_frames_export.h"

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
    *exit_code = WithStore(c->out, [&](Store& s) {
      s.MarkStaleRuns(NowRfc3339());  // a run whose supervisor is gone shows as killed
      const Json status = StatusView(s);
      if (c->json) {
        std::cout << DumpJson(status, 2) << "\n";
      } else {
        PrintStatus(status, std::cout);
      }
      return kExitOk;
    });
  });
}

void SetupLineage(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  auto doc = std::make_shared<std::string>();
  CLI::App* cmd =
      AddCommon(app, "lineage", "everything recorded about one document", c.get(), true);
  cmd->add_option("doc", *doc, "doc_id or a unique prefix of it")->required();
  cmd->callback([c, doc, exit_code] {
    *exit_code = WithStoreForReading(c->out, [&](Store& s) {
      auto lineage = LineageView(s, *doc);
      if (!lineage.ok()) {
        std::cerr << "assay lineage: " << lineage.error().message << "\n";
        return kExitUsage;
      }
      if (c->json) {
        std::cout << DumpJson(lineage.value(), 2) << "\n";
      } else {
        PrintLineage(lineage.value(), std::cout);
      }
      return kExitOk;
    });
  });
}

void SetupExport(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<Common>();
  auto format = std::make_shared<std::string>("jsonl");
  auto stable = std::make_shared<bool>(false);
  auto to = std::make_shared<std::string>();
  CLI::App* cmd = AddCommon(app, "export",
                            "write every processed document as JSON Lines, or as Markdown "
                            "files",
                            c.get(), false);
  cmd->add_option("--format", *format,
                  "output format: jsonl (stdout), markdown, csv (tables) or frames (videos' "
                  "sampled frames as PNG; the last three --to DIR)")
      ->check(CLI::IsMember({"jsonl", "markdown", "csv", "frames"}))
      ->capture_default_str();
  cmd->add_option("--to", *to,
                  "markdown: the folder that receives one <doc_id>.md per document; csv: one "
                  "<doc_id>.p<page>.t<n>.csv per table; frames: <doc_id>/<frame>.png per sampled frame");
  cmd->add_flag("--stable", *stable,
                "leave out volatile facts (times, run and reuse numbers); name sources by their "
                "path relative to their input root: byte-identical across runs and machines");
  cmd->callback([c, format, stable, to, exit_code] {  // keeps the options' targets alive
    if (*format != "jsonl" && to->empty()) {
      std::cerr << "assay export: --format " << *format << " needs --to DIR\n";
      *exit_code = kExitUsage;
      return;
    }
    *exit_code = WithStoreForReading(c->out, [&](Store& s) {
      if (*format == "markdown") return ExportMarkdown(s, *to, &std::cerr);
      if (*format == "csv") return ExportTablesCsv(s, *to, &std::cerr);
      if (*format == "frames") return ExportVideoFrames(s, *to, &std::cerr);
      return ExportJsonl(s, std::cout, *stable, &std::cerr);
    });
  });
}

}  // namespace assay::cli
