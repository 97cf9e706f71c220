#include "cli/commands.h"
#include "core/run.h"

namespace assay::cli {

void SetupRun(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "ingest INPUTs (files, folders, JSONL manifests), process them, record lineage");
  cmd->add_option("inputs", opt->inputs, "files, folders (recursive) or .jsonl manifests")
      ->required();
  cmd->add_option("--out", opt->out_dir, "output folder; the store is OUT/assay.db")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", opt->jobs, "worker processes (default: one per core)");
  cmd->add_option("--timeout", opt->timeout_seconds, "seconds allowed per document")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-memory", opt->max_memory_mb, "MiB of resident memory per worker")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{64}, int64_t{1} << 20));
  cmd->add_option("--max-file-size", opt->max_file_mb, "MiB; larger files are recorded as errors")
      ->capture_default_str();
  cmd->add_option("--exclude", opt->exclude, "skip files or folders matching this glob (repeat)");
  cmd->add_option("--set", opt->set, "override a stage parameter: stage.param=value (repeat)");
  cmd->add_option("--contracts", opt->contracts_dir,
                  "folder of contract files (*.toml); default: the shipped contracts");
  cmd->add_flag("--json", opt->json, "print the summary as JSON; no progress");
  cmd->add_flag("--retry-errors", opt->retry_errors,
                "process again documents that ended in error in an earlier run");
  cmd->add_flag("--fault-injection", opt->fault_injection)->group("");  // tests only
  cmd->callback([opt, exit_code, &app] {
    opt->argv = {"assay", "run"};
    for (const std::string& s : opt->inputs) opt->argv.push_back(s);
    (void)app;
    *exit_code = RunBatch(*opt);
  });
}

}  // namespace assay::cli
