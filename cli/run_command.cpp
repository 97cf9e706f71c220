// `assay run`: the command line and the summary it prints (core/run.h does the work).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/numeric_options.h"
#include "cli/format.h"
#include "cli/progress.h"
#include "core/document.h"
#include "core/exit_codes.h"
#include "core/path_text.h"
#include "core/run.h"
#include "stages/catalog.h"

namespace assay::cli {
namespace {

void PrintSummary(const RunOptions& opt, const RunResult& r, bool json) {
  const RunSummary& s = *r.summary;
  const double pps = s.seconds > 0 ? s.pages / s.seconds : 0;
  if (json) {
    Json j = {{"run_id", s.run_id},       {"out", PathToText(opt.out_dir.string())},
              {"documents", s.documents}, {"processed", s.processed},
              {"reused", s.reused},       {"ignored", s.ignored},
              {"outcomes", s.outcomes},   {"modalities", s.modalities},
              {"pages", s.pages},         {"seconds", s.seconds},
              {"pages_per_second", pps},  {"exit_code", r.exit_code}};
    if (opt.shard) {
      j["shard"] = opt.shard->Text();
      j["other_shards_inputs"] = s.other_shards;
      j["completion_marker"] =
          s.marker_written ? Json(PathToText((opt.out_dir / opt.shard->MarkerName()).string()))
                           : Json(nullptr);
    }
    Json unreadable = Json::array();
    for (const std::string& f : s.unreadable_folders) unreadable.push_back(PathToText(f));
    j["unreadable_folders"] = s.unreadable_folders.size();
    j["unreadable_folder_paths"] = std::move(unreadable);
    j["input_notices"] = s.notices;
    j["near_duplicates"] = {{"images", s.near_duplicates.images},
                            {"groups", s.near_duplicates.groups},
                            {"duplicates", s.near_duplicates.duplicates},
                            {"redecided", s.near_duplicates.redecided},
                            {"video_frames", s.near_duplicates.frames},
                            {"video_frame_copies", s.near_duplicates.frame_copies}};
    std::cout << DumpJson(j, 2) << "\n";
    return;
  }
  std::printf("run %lld: %d documents (%d processed, %d already done) in %.1f s\n",
              static_cast<long long>(s.run_id), s.documents, s.processed, s.reused, s.seconds);
  if (s.ignored > 0) std::printf("  ignored: %d files (--exclude, .assayignore)\n", s.ignored);
  if (opt.shard) {
    std::printf("  shard %s: %d inputs left to the other shards; %s\n", opt.shard->Text().c_str(),
                s.other_shards,
                s.marker_written ? ("complete: " + ForTerminal(PathToText(
                                                       (opt.out_dir / opt.shard->MarkerName())
                                                           .string())))
                                       .c_str()
                                 : "not complete (no marker): run it again to finish");
  }
  if (!s.unreadable_folders.empty()) {
    std::printf("  unreadable: %zu folders not read (permission denied?):\n",
                s.unreadable_folders.size());
    for (const std::string& f : s.unreadable_folders) {
      std::printf("    %s\n", ForTerminal(PathToText(f)).c_str());
    }
  }
  for (const std::string& n : s.notices) std::printf("  note: %s\n", ForTerminal(n).c_str());
  std::printf("  modalities:");
  for (const auto& [k, v] : s.modalities) std::printf(" %s=%d", k.c_str(), v);
  std::printf("\n  outcomes:  ");
  for (const auto& [k, v] : s.outcomes) std::printf(" %s=%d", k.c_str(), v);
  std::printf("\n  pages: %d processed, %.2f pages/s\n", s.pages, pps);
  if (s.near_duplicates.groups > 0) {
    std::printf("  near-duplicates: %d groups over the store's %d images, %d copies not kept "
                "(%d decisions revised)\n",
                s.near_duplicates.groups, s.near_duplicates.images, s.near_duplicates.duplicates,
                s.near_duplicates.redecided);
  }
  if (s.near_duplicates.frame_copies > 0) {
    std::printf("  video frames: %d of the store's %d sampled frames are near-copies of an image "
                "or of another video's frame\n",
                s.near_duplicates.frame_copies, s.near_duplicates.frames);
  }
  const std::string out = ForTerminal(PathToText(opt.out_dir.string()));
  std::printf("  store: %s/assay.db\n", out.c_str());
  if (s.outcomes.count("error") || s.outcomes.count("rejected")) {
    std::printf("  remediation queue: assay queue list --out %s\n", out.c_str());
  }
  if (r.exit_code == 130) std::printf("  interrupted: run the same command again to resume\n");
}

}  // namespace

void SetupRun(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<RunOptions>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "run", "ingest INPUTs (files, folders, JSONL manifests), process them, record lineage");
  cmd->add_option("inputs", opt->inputs, "files, folders (recursive) or .jsonl manifests")
      ->required();
  cmd->add_option("--out", opt->out_dir, "output folder; the store is OUT/assay.db")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", opt->jobs,
                  "worker processes (default: one per core); at most one per core and as many "
                  "as the available memory holds at --max-memory each")
      ->check(WholeNumber(1, kMaxJobs, "workers"));
  cmd->add_option("--timeout", opt->timeout_seconds, "seconds allowed per document")
      ->capture_default_str()
      ->check(RealNumber(0.1, kMaxTimeoutSeconds, "seconds"));
  cmd->add_option("--max-memory", opt->max_memory_mb, "MiB of resident memory per worker")
      ->capture_default_str()
      ->check(WholeNumber(kMinMemoryMiB, kMaxMemoryMiB, "MiB"));
  cmd->add_option("--max-file-size", opt->max_file_mb, "MiB; larger files are recorded as errors")
      ->capture_default_str()
      ->check(WholeNumber(1, kMaxMemoryMiB, "MiB"));
  cmd->add_option("--exclude", opt->exclude, "skip files or folders matching this glob (repeat)");
  cmd->add_flag("--allow-outside-inputs", opt->allow_outside_inputs,
                "read manifest paths that leave the manifest's folder and symlinks pointing "
                "outside their input folder (refused by default; docs/security.md)");
  cmd->add_option("--password-file", opt->password_file,
                  "the first line of FILE opens encrypted PDFs that have no manifest "
                  "\"password\" (never recorded)");
  cmd->add_option("--config", opt->config_path,
                  "pipeline configuration (TOML) over the compiled default; see "
                  "docs/configuration.md");
  cmd->add_option("--set", opt->set, "override a stage parameter: stage.param=value (repeat)");
  cmd->add_option("--contracts", opt->contracts_dir,
                  "folder of contract files (*.toml); default: the shipped contracts");
  cmd->add_option("--routing", opt->routing_file,
                  "annotation routing file (TOML); default: the shipped "
                  "contracts/routing/default.toml (docs/annotation.md)");
  cmd->add_flag("--json", *json, "print the summary as JSON; no progress");
  cmd->add_flag("--retry-errors", opt->retry_errors,
                "process again documents that ended in error in an earlier run");
  cmd->add_flag("--fault-injection", opt->fault_injection)->group("");  // tests only
  auto shard = std::make_shared<std::string>();
  auto shards = std::make_shared<int>(0);
  cmd->add_option("--shard", *shard,
                  "process only shard K of N (K from 0): the inputs whose path relative to "
                  "their input root hashes to K; default: from SLURM_ARRAY_TASK_ID or "
                  "JOB_COMPLETION_INDEX (docs/scale.md)");
  cmd->add_option("--shards", *shards,
                  "the number of shards N when K comes from SLURM_ARRAY_TASK_ID or "
                  "JOB_COMPLETION_INDEX")
      ->envname("ASSAY_SHARDS")
      ->check(WholeNumber(1, kMaxShards, "shards"));
  cmd->callback([opt, json, exit_code, shard, shards] {
    auto resolved = ResolveShard(*shard, *shards > 0 ? std::optional<int>(*shards) : std::nullopt,
                                 [](const char* name) { return std::getenv(name); });
    if (!resolved.ok()) {
      std::cerr << "assay run: " << ForTerminal(resolved.error().message) << "\n";
      *exit_code = kExitUsage;
      return;
    }
    opt->shard = resolved.value();
    opt->argv = {"assay", "run"};
    for (const std::string& s : opt->inputs) opt->argv.push_back(s);
    std::unique_ptr<Progress> progress;
    RunObserver observer;
    observer.started = [&](int64_t n) {
      progress = std::make_unique<Progress>(n, !*json && ProgressWanted());
    };
    observer.document_done = [&](int pages) { progress->Add(pages); };
    observer.finished = [&] { progress->Finish(); };
    observer.notice = [](const std::string& s) { std::cerr << "assay run: " << s << "\n"; };
    const RunResult r = RunBatch(*opt, BuiltinCatalog(), observer);
    *exit_code = r.exit_code;
    if (!r.error.empty()) std::cerr << "assay run: " << ForTerminal(r.error) << "\n";
    if (r.summary) PrintSummary(*opt, r, *json);
  });
}

}  // namespace assay::cli
