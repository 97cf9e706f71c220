#include <iostream>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/store_access.h"
#include "core/contract_report.h"
#include "core/contract_whatif.h"
#include "stages/catalog.h"

namespace assay::cli {

void SetupContracts(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("contracts", "check or show quality contracts");
  cmd->require_subcommand(1);

  auto check_dir = std::make_shared<std::string>();
  auto check_json = std::make_shared<bool>(false);
  CLI::App* check = cmd->add_subcommand("check", "load a folder of contracts strictly");
  check->add_option("dir", *check_dir, "folder of *.toml contracts")->required();
  check->add_flag("--json", *check_json, "print JSON");
  check->callback(
      [=] { *exit_code = CheckContracts(*check_dir, BuiltinCatalog(), *check_json, std::cout); });

  auto modality = std::make_shared<std::string>();
  auto show_dir = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  CLI::App* show = cmd->add_subcommand("show", "print the contract of a modality");
  show->add_option("modality", *modality,
                   "page_image, pdf_scan, pdf_mixed, pdf_text, photo, page_handwritten, transcript, "
                   "video")
      ->required();
  show->add_option("--contracts", *show_dir, "folder of contracts; default: the shipped ones");
  show->add_flag("--json", *show_json, "print JSON");
  show->callback([=] {
    *exit_code = ShowContract(*show_dir, BuiltinCatalog(), *modality, *show_json, std::cout);
  });

  auto whatif_dir = std::make_shared<std::string>();
  auto whatif_out = std::make_shared<std::string>();
  auto whatif_json = std::make_shared<bool>(false);
  CLI::App* whatif = cmd->add_subcommand(
      "whatif", "decide the stored documents again with another contract set, without a run");
  whatif->add_option("dir", *whatif_dir, "folder of *.toml contracts to try")->required();
  whatif->add_option("--out", *whatif_out, "output folder holding assay.db")->required();
  whatif->add_flag("--json", *whatif_json, "print JSON");
  whatif->callback([=] {
    // Exit codes: 0 no outcome would change, 1 some would, 2 a contract set that does not
    // load (or no store), 3 a store that cannot be read.
    auto contracts = LoadContracts(*whatif_dir, BuiltinCatalog());
    if (!contracts.ok()) {
      std::cerr << "assay contracts whatif: " << ForTerminal(contracts.error().message) << "\n";
      *exit_code = kExitUsage;
      return;
    }
    *exit_code = WithStoreForReading(*whatif_out, [&](Store& store) {
      const Json report = EvaluateWhatIf(store, contracts.value()).ToJson();
      if (*whatif_json) {
        std::cout << DumpJson(report) << "\n";
      } else {
        PrintWhatIf(report, std::cout);
      }
      return report["flips"].empty() ? kExitOk : kExitRejected;
    });
  });
}

}  // namespace assay::cli
