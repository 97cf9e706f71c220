#include <iostream>

#include "cli/commands.h"
#include "core/contract_report.h"
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
  show->add_option("modality", *modality, "page_image, pdf_scan, pdf_mixed, pdf_text, photo")
      ->required();
  show->add_option("--contracts", *show_dir, "folder of contracts; default: the shipped ones");
  show->add_flag("--json", *show_json, "print JSON");
  show->callback([=] {
    *exit_code = ShowContract(*show_dir, BuiltinCatalog(), *modality, *show_json, std::cout);
  });
}

}  // namespace assay::cli
