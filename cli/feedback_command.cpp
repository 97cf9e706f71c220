// `assay feedback import FILE --out DIR [--as NAME] [--json]` and
// `assay feedback list --out DIR [--doc DOC] [--flagged] [--json]`: model-evaluation results.
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/store_access.h"
#include "core/feedback.h"

namespace assay::cli {

void SetupFeedback(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("feedback", "model-evaluation results: import, list");
  cmd->require_subcommand(1);

  struct ImportArgs {
    std::string file, out = "out", actor;
    bool json = false;
  };
  auto a = std::make_shared<ImportArgs>();
  const char* user = std::getenv("USER");
  a->actor = user && *user ? user : "unknown";
  CLI::App* import =
      cmd->add_subcommand("import",
                          "import results (JSONL or CSV) keyed by doc_id or release+key; flagged "
                          "documents get a queue item \"model evaluation\"");
  import->add_option("file", a->file, "results file (.jsonl or .csv)")->required();
  import->add_option("--out", a->out, "output folder holding assay.db")->capture_default_str();
  import->add_option("--as", a->actor, "who imports, for the queue's audit trail")
      ->default_str("$USER");
  import->add_flag("--json", a->json, "print JSON");
  import->callback([=] {
    // Exit codes: 0 every line imported (or the file was imported before), 4 some lines were
    // not (unknown doc_id, bad value: each named; the others are imported), 2 an unreadable
    // file or no store, 3 a store that cannot be written.
    *exit_code = WithStore(a->out, [&](Store& store) {
      auto r = ImportFeedback(store, a->file, a->actor);
  if (!r.ok()) {
    std::cerr << "assay feedback import: " << ForTerminal(r.error().message) << "\n";
    return kExitUsage;
  }
  const FeedbackImport& f = r.value();
  if (a->json) {
    std::cout << DumpJson(f.ToJson()) << "\n";
  } else if (f.already_imported) {
    std::cout << ForTerminal(f.file) << " (sha256 " << f.sha256.substr(0, 12)
              << ") was imported before: nothing to do\n";
  } else {
    for (const std::string& p : f.problems) std::cerr << "not imported: " << ForTerminal(p) << "\n";
    std::cout << "imported " << f.imported << " of " << f.lines << " results from "
              << ForTerminal(f.file) << " (" << f.format << "); " << f.flagged
              << " flagged: " << f.queue_opened << " queue items opened, " << f.queue_updated
              << " updated\n";
  }
  return f.problems.empty() ? kExitOk : kExitDocErrors;
});
}  // namespace assay::cli
);

struct ListArgs {
  std::string out = "out", doc;
  bool flagged = false, json = false;
};
auto l = std::make_shared<ListArgs>();
CLI::App* list = cmd->add_subcommand("list", "stored results, newest import first");
list->add_option("--out", l->out, "output folder holding assay.db")->capture_default_str();
list->add_option("--doc", l->doc, "only this document (a unique doc_id prefix)");
list->add_flag("--flagged", l->flagged, "only flagged results");
list->add_flag("--json", l->json, "print JSON");
list->callback([=] {
  *exit_code = WithStoreForReading(l->out, [&](Store& store) {
    auto rows =
        ListFeedback(store, l->doc.empty() ? std::nullopt : std::optional(l->doc), l->flagged);
    if (!rows.ok()) {
      std::cerr << "assay feedback list: " << ForTerminal(rows.error().message) << "\n";
      return kExitUsage;
    }
    if (l->json) {
      std::cout << DumpJson(rows.value()) << "\n";
      return kExitOk;
    }
    if (rows.value().empty()) std::cout << "no model feedback\n";
    for (const Json& r : rows.value()) {
      std::cout << r["doc_id"].get<std::string>().substr(0, 12) << "  score " << r["score"].dump()
                << (r["flagged"].get<bool>() ? "  FLAGGED" : "") << "  "
                << ForTerminal(r["path"].get<std::string>())
                << (r["note"].is_null() ? ""
                                        : "  \"" + ForTerminal(r["note"].get<std::string>()) + "\"")
                << "  (" << ForTerminal(r["source_file"].get<std::string>()) << ", "
                << r["imported_at"].get<std::string>() << ")\n";
    }
    return kExitOk;
  });
});
}

}  // namespace assay::cli
