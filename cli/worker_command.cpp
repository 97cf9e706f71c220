#include "cli/commands.h"
#include "core/worker.h"

namespace assay::cli {

void SetupWorker(CLI::App& app, int* exit_code) {
  auto overrides = std::make_shared<std::string>("{}");
  auto faults = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("__worker", "internal: a worker process of `assay run`");
  cmd->group("");  // hidden from --help
  cmd->add_option("--overrides", *overrides);
  cmd->add_flag("--fault-injection", *faults);
  cmd->callback([=] {
    WorkerOptions options;
    options.overrides = Json::parse(*overrides);
    options.allow_fault_injection = *faults;
    *exit_code = WorkerMain(options);
  });
}

}  // namespace assay::cli
