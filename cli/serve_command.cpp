// `assay serve`: the remediation queue in a browser (cli/serve_routes.h, docs/review.md).
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/serve_auth.h"
#include "cli/serve_routes.h"
#include "cli/store_access.h"
#include "core/exit_codes.h"

namespace assay::cli {
namespace {

struct ServeArgs {
  std::string out = "out";
  std::string bind = "127.0.0.1:8080";
  std::string token_file;
  bool read_only = false;
  std::string contracts, routing, config;  // what a reprocess from the page runs with
};

int Serve(const ServeArgs& a) {
  ServeOptions o;
  o.out_dir = a.out;
  o.reprocess.contracts_dir = a.contracts;
  o.reprocess.routing_file = a.routing;
  o.reprocess.config_path = a.config;
  o.read_only = a.read_only;
  if (!ParseBind(a.bind, &o.host, &o.port)) {
    std::cerr << "assay serve: --bind is HOST:PORT, e.g. 127.0.0.1:8080, not "
              << ForTerminal(a.bind) << "\n";
    return kExitUsage;
  }
  const char* user = std::getenv("USER");
  o.local_user = user && *user ? user : "local";
  bool generated = false;
  if (!a.token_file.empty()) {
    std::ifstream in(a.token_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cerr << "assay serve: cannot read --token-file " << ForTerminal(a.token_file) << "\n";
      return kExitUsage;
    }
    auto parsed = ParseTokenFile(text.str());
    if (!parsed.ok()) {
      std::cerr << "assay serve: " << ForTerminal(a.token_file) << ": "
                << ForTerminal(parsed.error().message) << "\n";
      return kExitUsage;
    }
    o.reviewers = std::move(parsed.value());
  } else if (!IsLoopbackHost(o.host)) {
    // Reachable from other machines: never without a token.
    o.reviewers.push_back(Reviewer{"reviewer", RandomHex(16)});
    generated = true;
  }
  // Check the store opens before listening (same messages as every other command). A server
  // that may write checks the store for damage here, once, like any command that writes; the
  // requests then open it without that scan (cli/serve_routes.cpp OpenStore).
  const auto open = [](Store&) { return kExitOk; };
  const int opened = o.read_only ? WithStoreForReading(a.out, open) : WithStore(a.out, open);
  if (opened != kExitOk) return opened;

  // SIGINT/SIGTERM stop the server from a thread of their own: no handler runs inside a
  // request, and a reprocess under way finishes its transaction first.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server server;
  // A browser keeps its connection alive; without TCP_NODELAY each small answer after the
  // first waits for the browser's delayed ACK (Nagle), ~40-50 ms a request, measured.
  server.set_tcp_nodelay(true);
  Sessions sessions;
  InstallRoutes(server, o, sessions);
  int port = o.port;
  if (port == 0) {
    port = server.bind_to_any_port(o.host);
  } else if (!server.bind_to_port(o.host, port)) {
    port = -1;
  }
  if (port < 0) {
    std::cerr << "assay serve: cannot listen on " << ForTerminal(a.bind) << "\n";
    return kExitInternal;
  }
  const std::string shown_host =
      o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  std::cout << "assay serve: http://" << shown_host << ":" << port << "/"
            << (o.read_only ? " (read-only)" : "") << "\n";
  if (generated) {
    std::cout << "assay serve: token for reviewer \"reviewer\": " << o.reviewers[0].secret << "\n";
  } else if (!o.reviewers.empty()) {
    std::cout << "assay serve: " << o.reviewers.size() << " reviewer token(s) from "
              << ForTerminal(a.token_file) << "\n";
  }
  std::cout << std::flush;
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  server.listen_after_bind();
  // listen returned: by a signal (the stopper is done) or an error (wake the stopper).
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return kExitOk;
}

}  // namespace

void SetupServe(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd =
      app.add_subcommand("serve", "review the remediation queue in a browser (docs/review.md)");
  cmd->add_option("--out", a->out, "output folder holding assay.db")->capture_default_str();
  cmd->add_option("--bind", a->bind,
                  "HOST:PORT to listen on (port 0: any free one); another host than localhost "
                  "requires a token")
      ->capture_default_str();
  cmd->add_option("--token-file", a->token_file,
                  "reviewer tokens, one name:secret per line (sent as Authorization: Bearer "
                  "SECRET or through the login form)");
  cmd->add_flag("--read-only", a->read_only, "show the queue; refuse every action");
  // As `assay queue reprocess` takes them: a reprocess from the page is judged by the same
  // contracts (and routed, configured) as the run that filed the item.
  cmd->add_option("--contracts", a->contracts,
                  "folder of contract files (*.toml) a reprocess is judged by; default: the "
                  "shipped contracts")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--routing", a->routing,
                  "annotation routing file (TOML) for a reprocess; default: the shipped one")
      ->check(CLI::ExistingFile);
  cmd->add_option("--config", a->config,
                  "pipeline configuration (TOML) over the compiled default, for a reprocess")
      ->check(CLI::ExistingFile);
  cmd->callback([a, exit_code] { *exit_code = Serve(*a); });
}

}  // namespace assay::cli
