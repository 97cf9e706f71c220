// `assay merge SHARD_OUT... --into DIR`: the command line of core/merge.h.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/format.h"
#include "core/document.h"
#include "core/exit_codes.h"
#include "core/merge.h"
#include "core/path_text.h"

namespace assay::cli {

void SetupMerge(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<MergeOptions>();
  auto shards = std::make_shared<std::vector<std::string>>();
  auto into = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "combine the stores of finished shards (assay run --shard K/N) into one; idempotent "
      "(docs/scale.md)");
  cmd->add_option("shards", *shards,
                  "output folders of the shards, each with its "
                  "shard-K-of-N.done")
      ->required();
  cmd->add_option("--into", *into, "folder of the merged store (INTO/assay.db, created)")
      ->required();
  cmd->add_flag("--allow-mixed", opt->allow_mixed,
                "merge shards made with different processing versions or contract sets");
  cmd->add_flag("--json", *json, "print the report as JSON");
  cmd->callback([opt, shards, into, json, exit_code] {
    opt->shards.assign(shards->begin(), shards->end());
    opt->into = *into;
    auto merged = MergeShards(*opt);
    if (auto* f = std::get_if<MergeFailure>(&merged)) {
      std::cerr << "assay merge: " << ForTerminal(f->message) << "\n";
      *exit_code = f->exit_code;
      return;
    }
    const MergeReport& r = std::get<MergeReport>(merged);
    if (*json) {
      Json list = Json::array();
      for (const MergedShard& s : r.shards) {
        list.push_back({{"path", s.path},
                        {"shard", s.shard},
                        {"store_id", s.store_id},
                        {"already_merged", s.already_merged},
                        {"runs", s.runs},
                        {"documents", s.documents},
                        {"shared_documents", s.shared_documents},
                        {"transformations", s.transformations},
                        {"folded", s.folded}});
      }
      std::cout << DumpJson({{"into", PathToText(*into)},
                             {"documents", r.documents},
                             {"seconds", r.seconds},
                             {"shards", list}},
                            2)
                << "\n";
    } else {
      for (const MergedShard& s : r.shards) {
        std::cout << "shard " << s.shard << " (" << ForTerminal(s.path) << "): "
                  << (s.already_merged && s.runs == 0 && s.documents == 0 ? "merged before; " : "")
                  << s.documents << " documents added, " << s.shared_documents << " already there, "
                  << s.runs << " runs, " << s.transformations << " transformations\n";
      }
      std::cout << ForTerminal(PathToText(*into)) << "/assay.db: " << r.documents << " documents ("
                << r.seconds << " s)\n";
    }
    *exit_code = kExitOk;
  });
}

}  // namespace assay::cli
