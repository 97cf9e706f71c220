#include "cli/commands.h"
#include "core/worker.h"
#include "stages/catalog.h"

namespace assay::cli {

void SetupWorker(CLI::App& app, int* exit_code) {
  auto faults = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("__worker", "internal: a worker process of `assay run`");
  cmd->group("");  // hidden from --help
  cmd->add_flag("--fault-injection", *faults);
  cmd->callback([=] {
    WorkerOptions options;
    options.allow_fault_injection = *faults;
    *exit_code = WorkerMain(BuiltinCatalog(), options);
  });
}

}  // namespace assay::cli
