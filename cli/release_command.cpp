// `assay release create | validate | diff` (docs/releases.md). Parsing and printing only.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/store_access.h"
#include "core/exit_codes.h"
#include "core/release_create.h"
#include "core/release_diff.h"
#include "core/release_validate.h"

namespace assay::cli {
namespace {

struct CreateArgs {
  std::string name, out = "out", to, split;
  std::vector<std::string> modalities, tags, sources, licenses, metrics;
  int64_t run = -1;
  double shard_mib = 64;
  int jobs = 0;
  bool json = false;
};

void SetupCreate(CLI::App& release, int* exit_code, const std::shared_ptr<std::string>& argv_json) {
  auto a = std::make_shared<CreateArgs>();
  CLI::App* cmd = release.add_subcommand("create", "write a release of the store's accepted documents");
  cmd->add_option("name", a->name, "release name (A-Z a-z 0-9 . _ -); immutable once created")->required();
  cmd->add_option("--out", a->out, "output folder holding assay.db")->capture_default_str();
  cmd->add_option("--to", a->to, "folder to write the release into (absent or empty)")->required();
  cmd->add_option("--modality", a->modalities, "only this modality (repeatable)");
  cmd->add_option("--tag", a->tags, "only documents with this manifest tag (repeatable: any)");
  cmd->add_option("--source", a->sources, "only sources whose path matches this glob (repeatable: any)");
  cmd->add_option("--license", a->licenses, "only records with this licence (repeatable: any)");
  cmd->add_option("--metric", a->metrics, "NAME:MIN:MAX, inclusive; an empty bound is open (repeatable: all)");
  cmd->add_option("--run", a->run, "only documents decided by this run");
  cmd->add_option("--split", a->split, "e.g. train=0.8,val=0.1,test=0.1 (grouped, seeded by the name)");
  cmd->add_option("--shard-mib", a->shard_mib, "image shard size in MiB")->capture_default_str();
  cmd->add_option("-j,--jobs", a->jobs, "threads building records (default: one per core)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--json", a->json, "print the outcome as JSON");
  cmd->callback([a, exit_code, argv_json] {
    ReleaseOptions o;
    o.name = a->name;
    o.to = a->to;
    o.argv_json = *argv_json;
    o.filter.modalities = a->modalities;
    o.filter.tags = a->tags;
    o.filter.source_globs = a->sources;
    o.filter.licenses = a->licenses;
    if (a->run >= 0) o.filter.run_id = a->run;
    for (const std::string& m : a->metrics) {
      auto r = ParseMetricRange(m);
      if (!r.ok()) {
        std::cerr << "assay release create: " << r.error().message << "\n";
        *exit_code = kExitUsage;
        return;
      }
      o.filter.metrics.push_back(r.value());
    }
    if (!a->split.empty()) {
      auto s = ParseSplits(a->split);
      if (!s.ok()) {
        std::cerr << "assay release create: " << s.error().message << "\n";
        *exit_code = kExitUsage;
        return;
      }
      o.splits = s.value();
    }
    if (!(a->shard_mib >= 1 && a->shard_mib <= 1 << 20)) {
      std::cerr << "assay release create: --shard-mib must be 1 to 1048576\n";
      *exit_code = kExitUsage;
      return;
    }
    o.shard_bytes = static_cast<uint64_t>(a->shard_mib * (1 << 20));
    o.jobs = a->jobs > 0 ? a->jobs : std::max(1u, std::thread::hardware_concurrency());
    *exit_code = WithStore(a->out, [&](Store& s) {
      auto r = CreateRelease(s, o, a->json ? nullptr : &std::cerr);
      if (!r.ok()) {
        std::cerr << "assay release create: " << ForTerminal(r.error().message) << "\n";
        return r.error().stage == "usage" ? kExitUsage : kExitInternal;
      }
      const ReleaseCreated& c = r.value();
      const char* kind = c.kind == ReleaseCreated::Kind::kCreated     ? "created"
                         : c.kind == ReleaseCreated::Kind::kUnchanged ? "unchanged"
                                                                      : "refused";
      if (a->json) {
        std::cout << DumpJson(Json{{"release", o.name}, {"result", kind}, {"content_sha256", c.content_sha256},
                                   {"existing_sha256", c.existing_sha256}, {"existing_path", c.existing_path},
                                   {"counts", c.counts}},
                              2)
                  << "\n";
      } else if (c.kind == ReleaseCreated::Kind::kCreated) {
        std::cout << "release " << o.name << ": " << c.documents << " documents written to "
                  << ForTerminal(o.to.string()) << "\ncontent_sha256 " << c.content_sha256 << "\n";
      } else if (c.kind == ReleaseCreated::Kind::kUnchanged) {
        std::cout << "release " << o.name << " already exists with the same content ("
                  << ForTerminal(c.existing_path) << "); nothing written\n";
      }
      if (c.kind == ReleaseCreated::Kind::kRefused) {
        std::cerr << "assay release create: release " << o.name << " already exists with other content (content_sha256 "
                  << c.existing_sha256 << " at " << ForTerminal(c.existing_path) << "; this selection gives "
                  << c.content_sha256 << "); releases are immutable: choose a new name\n";
        return kExitRefused;
      }
      return kExitOk;
    });
  });
}

void SetupValidate(CLI::App& release, int* exit_code) {
  auto dir = std::make_shared<std::string>();
  auto junit = std::make_shared<std::string>();
  auto store = std::make_shared<std::string>();
  auto reproduce = std::make_shared<int>(0);
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = release.add_subcommand("validate", "check a release folder (exit 6 when a check fails)");
  cmd->add_option("dir", *dir, "the release folder")->required();
  cmd->add_option("--junit", *junit, "also write a JUnit XML report to FILE");
  cmd->add_option("--reproduce", *reproduce, "re-process N sampled documents and compare (needs --store)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--store", *store, "the output folder (assay.db) the release was made from");
  cmd->add_flag("--json", *json, "print the report as JSON");
  cmd->callback([=] {
    if (!std::filesystem::is_directory(*dir)) {
      std::cerr << "assay release validate: " << ForTerminal(*dir) << " is not a folder\n";
      *exit_code = kExitUsage;
      return;
    }
    ValidateOptions o;
    o.dir = *dir;
    o.reproduce = *reproduce;
    if (!store->empty()) o.store_dir = *store;
    o.assay_binary = std::filesystem::read_symlink("/proc/self/exe");
    const ValidationReport report = ValidateRelease(o);
    if (!junit->empty()) {
      std::ofstream x(*junit, std::ios::binary | std::ios::trunc);
      x << report.JUnitXml();
      if (!x) {
        std::cerr << "assay release validate: cannot write " << ForTerminal(*junit) << "\n";
        *exit_code = kExitInternal;
        return;
      }
    }
    if (*json) {
      std::cout << DumpJson(report.ToJson(), 2) << "\n";
    } else {
      for (const ValidationCheck& c : report.checks) {
        std::cout << (c.failures.empty() ? (c.skipped ? "skip " : "ok   ") : "FAIL ") << c.name
                  << (c.note.empty() ? "" : "  (" + c.note + ")") << "\n";
        for (const std::string& f : c.failures) std::cout << "     " << ForTerminal(f) << "\n";
      }
      std::cout << (report.ok() ? "release is valid\n" : "release is NOT valid\n");
    }
    *exit_code = report.ok() ? kExitOk : kExitInvalidRelease;
  });
}

void SetupDiff(CLI::App& release, int* exit_code) {
  auto a = std::make_shared<std::string>();
  auto b = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = release.add_subcommand("diff", "what changed between two release folders");
  cmd->add_option("a", *a, "the earlier release folder")->required();
  cmd->add_option("b", *b, "the later release folder")->required();
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([=] {
    auto d = DiffReleases(*a, *b);
    if (!d.ok()) {
      std::cerr << "assay release diff: " << ForTerminal(d.error().message) << "\n";
      *exit_code = kExitUsage;
      return;
    }
    std::cout << (*json ? DumpJson(d.value(), 2) + "\n" : ForTerminal(DiffText(d.value())));
    *exit_code = kExitOk;
  });
}

}  // namespace

void SetupRelease(CLI::App& app, int* exit_code) {
  CLI::App* release = app.add_subcommand("release", "reproducible dataset releases");
  release->require_subcommand(1);
  auto argv_json = std::make_shared<std::string>("[]");
  SetupCreate(*release, exit_code, argv_json);
  SetupValidate(*release, exit_code);
  SetupDiff(*release, exit_code);
}

}  // namespace assay::cli
