// assay: turns a pile of raw documents into a training dataset you can trust.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "cli/format.h"
#include "core/exit_codes.h"
#include "core/version.h"

int main(int argc, char** argv) {
  CLI::App app{"assay: document ingestion with quality contracts and lineage"};
  app.set_version_flag("--version",
                       std::string(assay::kToolVersion) + " (" + assay::kGitCommit + ")");
  app.require_subcommand(1);
  int exit_code = assay::kExitOk;
  assay::cli::SetupRun(app, &exit_code);
  assay::cli::SetupStatus(app, &exit_code);
  assay::cli::SetupLineage(app, &exit_code);
  assay::cli::SetupExport(app, &exit_code);
  assay::cli::SetupEval(app, &exit_code);
  assay::cli::SetupQueue(app, &exit_code);
  assay::cli::SetupWorker(app, &exit_code);
  assay::cli::SetupContracts(app, &exit_code);
  assay::cli::SetupCatalog(app, &exit_code);
  assay::cli::SetupAnnotate(app, &exit_code);
  assay::cli::SetupStore(app, &exit_code);
  assay::cli::SetupMerge(app, &exit_code);
  assay::cli::SetupFeedback(app, &exit_code);
  assay::cli::SetupRelease(app, &exit_code);
  assay::cli::SetupServe(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return assay::kExitUsage;
  } catch (const std::exception& e) {
    // Nothing may end assay with an abort (exit 134): a failure nobody foresaw is still a
    // message and the documented code of a run-level failure.
    std::cerr << "assay: internal error: " << assay::ForTerminal(e.what()) << "\n";
    return assay::kExitInternal;
  } catch (...) {
    std::cerr << "assay: internal error (unknown exception)\n";
    return assay::kExitInternal;
  }
  return exit_code;
}
