// One Setup function per subcommand (CLI11): each adds its subcommand to `app` and, when the
// subcommand runs, stores the command's exit code in *exit_code. Argument parsing only.
#pragma once

#include <CLI/CLI.hpp>

namespace assay::cli {

void SetupRun(CLI::App& app, int* exit_code);
void SetupStatus(CLI::App& app, int* exit_code);
void SetupLineage(CLI::App& app, int* exit_code);
void SetupExport(CLI::App& app, int* exit_code);
void SetupEval(CLI::App& app, int* exit_code);    // scores against ground truth
void SetupQueue(CLI::App& app, int* exit_code);   // list, show, claim, ... reprocess
void SetupWorker(CLI::App& app, int* exit_code);  // hidden: the supervisor's worker process
void SetupContracts(CLI::App& app, int* exit_code);
void SetupCatalog(CLI::App& app, int* exit_code);  // stages, metrics
void SetupAnnotate(CLI::App& app, int* exit_code);  // route, export, import, status, ...
void SetupStore(CLI::App& app, int* exit_code);    // store vacuum, backup
void SetupMerge(CLI::App& app, int* exit_code);    // merge shard stores
void SetupFeedback(CLI::App& app, int* exit_code);  // feedback import, list
void SetupRelease(CLI::App& app, int* exit_code);  // release create, validate, diff
void SetupServe(CLI::App& app, int* exit_code);    // the queue in a browser

}  // namespace assay::cli
