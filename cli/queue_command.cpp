// `assay queue`: the remediation queue of rejected and errored documents (core/queue.h).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/numeric_options.h"
#include "cli/store_access.h"
#include "core/exit_codes.h"
#include "core/queue.h"
#include "core/reprocess.h"
#include "stages/catalog.h"

namespace assay::cli {
namespace {

struct QueueArgs {
  std::string out = "out";
  bool json = false;
  int64_t item_id = 0;
  std::string actor;
  std::string note;
  std::string state, rule, modality;
  int64_t run_id = 0;
  bool dry_run = false, yes = false;
};

std::string DefaultActor() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "unknown";
}

// Queue item ids are SQLite row ids.
const CLI::Validator kItemId = WholeNumber(1, INT64_MAX, "");

CLI::App* AddQueueCommand(CLI::App& queue, const char* name, const char* help, QueueArgs* a) {
  CLI::App* cmd = queue.add_subcommand(name, help);
  cmd->add_option("--out", a->out, "output folder holding assay.db")->capture_default_str();
  return cmd;
}

void AddItemId(CLI::App* cmd, QueueArgs* a) {
  cmd->add_option("id", a->item_id, "queue item id (see `assay queue list`)")
      ->required()
      ->check(kItemId);
}

void AddActor(CLI::App* cmd, QueueArgs* a, bool required) {
  a->actor = DefaultActor();
  CLI::Option* o = cmd->add_option("--as", a->actor, "who acts, for the audit trail");
  if (required) {
    o->required();
  } else {
    o->default_str("$USER");
  }
}

// Prints the item after an action, or the reason it was refused.
int Report(const char* verb, const std::variant<QueueItem, QueueError>& r) {
  if (const auto* e = std::get_if<QueueError>(&r)) {
    std::cerr << "assay queue " << verb << ": " << ForTerminal(e->message) << "\n";
    return kExitRefused;
  }
  const QueueItem& it = std::get<QueueItem>(r);
  std::cout << "item " << it.item_id << " is " << it.state;
  if (it.assignee) std::cout << " (" << ForTerminal(*it.assignee) << ")";
  std::cout << ": " << ForTerminal(it.path) << "\n";
  return kExitOk;
}

using Action = std::variant<QueueItem, QueueError> (Queue::*)(int64_t, const std::string&,
                                                              const std::string&);

// The bulk filter of waive, reject and reprocess: --rule (required), --modality, --run.
void AddBulkFilter(CLI::App* cmd, QueueArgs* a) {
  cmd->add_option("--rule", a->rule,
                  "bulk: every active item failing this rule (errors: this stage)");
  cmd->add_option("--modality", a->modality, "bulk: only documents of this modality");
  cmd->add_option("--run", a->run_id, "bulk: only items opened by this run")
      ->check(WholeNumber(1, INT64_MAX, ""));
  cmd->add_flag("--dry-run", a->dry_run, "bulk: print how many items the filter hits, act on none");
  cmd->add_flag("--yes", a->yes, "bulk: act on every item the filter hits");
}

QueueFilter BulkFilter(const QueueArgs& a) {
  QueueFilter f;
  f.rule = a.rule;
  if (!a.modality.empty()) f.modality = a.modality;
  if (a.run_id > 0) f.run_id = a.run_id;
  return f;
}

// For a bulk action: prints how many items the filter hits; true when the action goes ahead,
// false for a dry run or without --yes (then the exit code is set: 0 for --dry-run, kExitUsage
// without --yes).
bool ConfirmBulk(const char* verb, const QueueArgs& a, Queue& q, int* code) {
  const int64_t n = q.Page(BulkFilter(a), 0, 0).total;
  std::cout << n << " active item" << (n == 1 ? "" : "s") << " match --rule "
            << ForTerminal(a.rule)
            << (a.modality.empty() ? "" : " --modality " + ForTerminal(a.modality))
            << (a.run_id > 0 ? " --run " + std::to_string(a.run_id) : "") << "\n";
  if (a.dry_run) {
    *code = kExitOk;
    return false;
  }
  if (!a.yes) {
    std::cerr << "assay queue " << verb << ": add --yes to " << verb << " them (or --dry-run)\n";
    *code = kExitUsage;
    return false;
  }
  return true;
}

// One item by id, or a bulk filter (--rule): exactly one of them.
bool CheckTarget(const char* verb, const QueueArgs& a, int64_t item_id) {
  const bool bulk = !a.rule.empty() || !a.modality.empty() || a.run_id > 0 || a.dry_run || a.yes;
  if (item_id > 0 && bulk) {
    std::cerr << "assay queue " << verb << ": give an item id or a filter (--rule ...), not both\n";
    return false;
  }
  if (item_id == 0 && a.rule.empty()) {
    std::cerr << "assay queue " << verb
              << ": give an item id, or --rule R for every item failing R\n";
    return false;
  }
  return true;
}

// resolve | waive | reject: a note is required (core refuses an empty one). waive and reject
// also act in bulk on the items of a filter, one transaction and audit event per item.
void SetupDecision(CLI::App& queue, int* exit_code, const char* name, const char* help,
                   Action action, bool bulk) {
  auto a = std::make_shared<QueueArgs>();
  CLI::App* cmd = AddQueueCommand(queue, name, help, a.get());
  if (bulk) {
    cmd->add_option("id", a->item_id, "queue item id (or a filter: --rule ...)")->check(kItemId);
    AddBulkFilter(cmd, a.get());
  } else {
    AddItemId(cmd, a.get());
  }
  cmd->add_option("--note", a->note, "why (recorded in the audit trail)")->required();
  AddActor(cmd, a.get(), false);
  cmd->callback([a, exit_code, name, action] {
    if (!CheckTarget(name, *a, a->item_id)) {
      *exit_code = kExitUsage;
      return;
    }
    *exit_code = WithStore(a->out, [&](Store& s) {
      Queue q(s.db());
      if (a->item_id > 0) return Report(name, (q.*action)(a->item_id, a->actor, a->note));
      int code = kExitOk;
      if (!ConfirmBulk(name, *a, q, &code)) return code;
      auto r = q.Bulk(BulkFilter(*a), name, a->actor, a->note);
      if (const auto* e = std::get_if<QueueError>(&r)) {
        std::cerr << "assay queue " << name << ": " << ForTerminal(e->message) << "\n";
        return kExitRefused;
      }
      const auto& done = std::get<Queue::BulkOutcome>(r);
      std::cout << done.acted.size() << " item" << (done.acted.size() == 1 ? "" : "s") << " "
                << (std::string(name) == "waive" ? "waived" : "rejected") << "\n";
      for (const QueueError& e : done.refused) {
        std::cerr << "assay queue " << name << ": " << ForTerminal(e.message) << "\n";
      }
      return done.refused.empty() ? kExitOk : kExitRefused;
    });
  });
}

}  // namespace

void SetupQueue(CLI::App& app, int* exit_code) {
  CLI::App* queue =
      app.add_subcommand("queue", "the remediation queue: rejected and errored documents");
  queue->require_subcommand(1);

  {
    auto a = std::make_shared<QueueArgs>();
    CLI::App* cmd = AddQueueCommand(*queue, "list", "queue items grouped by rule", a.get());
    cmd->add_option("--state", a->state, "open and claimed unless given")
        ->check(CLI::IsMember({"open", "claimed", "resolved", "waived", "rejected", "all"}));
    cmd->add_option("--rule", a->rule, "only items failing this rule (errors: this stage)");
    cmd->add_option("--modality", a->modality, "only documents of this modality");
    cmd->add_flag("--json", a->json, "print a JSON array of items");
    cmd->callback([a, exit_code] {
      *exit_code = WithStore(a->out, [&](Store& s) {
        QueueFilter f;
        if (!a->state.empty()) f.state = a->state;
        if (!a->rule.empty()) f.rule = a->rule;
        if (!a->modality.empty()) f.modality = a->modality;
        const std::vector<QueueItem> items = Queue(s.db()).List(f);
        if (a->json) {
          Json j = Json::array();
          for (const QueueItem& it : items) j.push_back(it.ToJson());
          std::cout << DumpJson(j, 2) << "\n";
        } else {
          PrintQueueList(items, std::cout);
        }
        return kExitOk;
      });
    });
  }
  {
    auto a = std::make_shared<QueueArgs>();
    CLI::App* cmd = AddQueueCommand(*queue, "show", "one item: reasons and audit trail", a.get());
    AddItemId(cmd, a.get());
    cmd->add_flag("--json", a->json, "print JSON: the item with its events");
    cmd->callback([a, exit_code] {
      *exit_code = WithStore(a->out, [&](Store& s) {
        Queue q(s.db());
        const std::optional<QueueItem> it = q.Get(a->item_id);
        if (!it) {
          std::cerr << "assay queue show: no queue item " << a->item_id << "\n";
          return kExitRefused;
        }
        const std::vector<QueueEvent> events = q.Events(a->item_id);
        if (a->json) {
          Json j = it->ToJson();
          j["events"] = Json::array();
          for (const QueueEvent& e : events) j["events"].push_back(e.ToJson());
          std::cout << DumpJson(j, 2) << "\n";
        } else {
          PrintQueueItem(*it, events, std::cout);
        }
        return kExitOk;
      });
    });
  }
  {
    auto a = std::make_shared<QueueArgs>();
    CLI::App* cmd = AddQueueCommand(*queue, "claim", "take an open item", a.get());
    AddItemId(cmd, a.get());
    AddActor(cmd, a.get(), true);
    cmd->callback([a, exit_code] {
      *exit_code = WithStore(a->out, [&](Store& s) {
        return Report("claim", Queue(s.db()).Claim(a->item_id, a->actor));
      });
    });
  }
  {
    auto a = std::make_shared<QueueArgs>();
    CLI::App* cmd =
        AddQueueCommand(*queue, "release", "give a claimed item back (assignee only)", a.get());
    AddItemId(cmd, a.get());
    AddActor(cmd, a.get(), true);
    cmd->add_option("--note", a->note, "why (recorded in the audit trail)");
    cmd->callback([a, exit_code] {
      *exit_code = WithStore(a->out, [&](Store& s) {
        return Report("release", Queue(s.db()).Release(a->item_id, a->actor, a->note));
      });
    });
  }
  SetupDecision(*queue, exit_code, "resolve", "close an item: the problem is fixed",
                &Queue::Resolve, /*bulk=*/false);
  SetupDecision(*queue, exit_code, "waive", "accept the document despite its failure",
                &Queue::Waive, /*bulk=*/true);
  SetupDecision(*queue, exit_code, "reject", "confirm the rejection: the document stays out",
                &Queue::Reject, /*bulk=*/true);
  {
    auto opt = std::make_shared<ReprocessOptions>();
    auto out = std::make_shared<std::string>("out");
    auto json = std::make_shared<bool>(false);
    auto bulk = std::make_shared<QueueArgs>();
    CLI::App* cmd =
        queue->add_subcommand("reprocess", "run the item's document again with changed parameters");
    cmd->add_option("id", opt->item_id, "queue item id (or a filter: --rule ...)")->check(kItemId);
    AddBulkFilter(cmd, bulk.get());
    cmd->add_option("--out", *out, "output folder holding assay.db")->capture_default_str();
    cmd->add_option("--set", opt->set,
                    "override a stage parameter for this document: stage.param=value (repeat)");
    opt->actor = DefaultActor();
    cmd->add_option("--as", opt->actor, "who asks, for the audit trail")->default_str("$USER");
    cmd->add_option("--timeout", opt->timeout_seconds, "seconds allowed for the document")
        ->capture_default_str()
        ->check(RealNumber(0.1, kMaxTimeoutSeconds, "seconds"));
    cmd->add_option("--max-memory", opt->max_memory_mb, "MiB of resident memory for the worker")
        ->capture_default_str()
        ->check(WholeNumber(kMinMemoryMiB, kMaxMemoryMiB, "MiB"));
    cmd->add_option("--routing", opt->routing_file,
                    "annotation routing file (TOML); default: the shipped one");
    cmd->add_option("--contracts", opt->contracts_dir,
                    "folder of contract files (*.toml); default: the shipped contracts");
    cmd->add_option("--config", opt->config_path,
                    "pipeline configuration (TOML) over the compiled default");
    cmd->add_option("--password-file", opt->password_file,
                    "the first line of FILE opens the document if it is an encrypted PDF "
                    "(never recorded)");
    cmd->add_flag("--json", *json, "print the result as JSON");
    cmd->callback([opt, out, json, exit_code, bulk] {
      opt->out_dir = *out;
      if (!CheckTarget("reprocess", *bulk, opt->item_id)) {
        *exit_code = kExitUsage;
        return;
      }
      if (opt->item_id == 0) {
        // Bulk: each item as `assay queue reprocess ID` would, one after the other; the exit
        // code is the worst of them (a refusal 5 over an error 4 over a rejection 1).
        std::vector<QueueItem> items;
        int code = WithStore(*out, [&](Store& s) {
          Queue q(s.db());
          int c = kExitOk;
          if (!ConfirmBulk("reprocess", *bulk, q, &c)) return c;
          items = q.List(BulkFilter(*bulk));
          return kExitOk;
        });
        for (const QueueItem& it : items) {
          ReprocessOptions one = *opt;
          one.item_id = it.item_id;
          const ReprocessResult r = ReprocessQueueItem(one, BuiltinCatalog());
          std::cout << "item " << it.item_id << ": "
                    << (r.error.empty() ? "document is now " + r.outcome : ForTerminal(r.error))
                    << "\n";
          if (r.exit_code == kExitUsage || r.exit_code == kExitInternal) {
            *exit_code = r.exit_code;
            return;
          }
          code = std::max(code, r.exit_code);
        }
        *exit_code = code;
        return;
      }
      const ReprocessResult r = ReprocessQueueItem(*opt, BuiltinCatalog());
      *exit_code = r.exit_code;
      if (!r.error.empty()) {
        std::cerr << "assay queue reprocess: " << ForTerminal(r.error) << "\n";
        return;
      }
      if (*json) {
        std::cout
            << Json{{"item", r.item ? r.item->ToJson() : Json()}, {"outcome", r.outcome}}.dump(2)
            << "\n";
      } else {
        std::cout << "document " << r.doc_id.substr(0, 12) << " is now " << r.outcome
                  << "; queue item " << opt->item_id << " is " << (r.item ? r.item->state : "?")
                  << "\n";
      }
    });
  }
}

}  // namespace assay::cli
