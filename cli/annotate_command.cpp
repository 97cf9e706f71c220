// `assay annotate`: routing to annotator pools, Label Studio / JSONL round trips, agreement,
// adjudication (docs/annotation.md). Parsing and printing only: core/routing.h,
// core/annotation_store.h and core/label_studio.h do the work.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "core/annotation_store.h"
#include "core/clock.h"
#include "core/exit_codes.h"
#include "core/label_studio.h"
#include "core/routing.h"
#include "core/sha256.h"
#include "stages/catalog.h"

namespace assay::cli {
namespace {

std::string ReadAll(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void PrintStatus(const Json& s) {
  if (s["routing"].is_null()) {
    std::printf(
        "no annotation tasks yet (documents are routed when accepted; or run "
        "`assay annotate route`)\n");
    return;
  }
  std::printf("routing %s (%s)\n", s["routing"]["sha256"].get<std::string>().substr(0, 12).c_str(),
              s["routing"]["path"].get<std::string>().c_str());
  std::printf("tasks:");
  for (const auto& [state, n] : s["tasks"].items())
    std::printf(" %s=%lld", state.c_str(), n.get<long long>());
  std::printf("\n");
  for (const auto& [name, p] : s["pools"].items()) {
    std::printf(
        "pool %-12s open %lld, adjudication %lld, capacity %s%s\n", name.c_str(),
        p["open"].get<long long>(), p["adjudication"].get<long long>(),
        p["capacity"].is_null() ? "?" : std::to_string(p["capacity"].get<long long>()).c_str(),
        p["over_capacity"].get<bool>() ? "  OVER CAPACITY" : "");
    for (const auto& [type, states] : p["task_types"].items()) {
      std::printf("  %-20s", type.c_str());
      for (const auto& [state, n] : states.items())
        std::printf(" %s=%lld", state.c_str(), n.get<long long>());
      std::printf("\n");
    }
  }
  const Json& q = s["adjudication_queue"];
  std::printf("adjudication queue: %zu task%s\n", q.size(), q.size() == 1 ? "" : "s");
  for (const Json& t : q) {
    std::string votes;
    for (const Json& v : t["votes"]) {
      votes += (votes.empty() ? "" : ", ") + v["annotator"].get<std::string>() + "=" +
               v["label"].get<std::string>();
    }
    std::printf("  #%lld %s %s %s%s agreement %.3f < %.3f  [%s]\n", t["task_id"].get<long long>(),
                t["pool"].get<std::string>().c_str(), t["task_type"].get<std::string>().c_str(),
                t["path"].get<std::string>().c_str(),
                t["region"].get<std::string>().empty()
                    ? ""
                    : (" " + t["region"].get<std::string>()).c_str(),
                t["agreement"].is_null() ? 0.0 : t["agreement"].get<double>(),
                t["agreement_required"].get<double>(), votes.c_str());
  }
}

std::string Num(const Json& v) {
  if (v.is_null()) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
  return buf;
}

void PrintAgreement(const Json& a) {
  bool any = false;
  for (const auto& [type, t] : a["task_types"].items()) {
    if (t["tasks_with_votes"].get<long long>() == 0) continue;
    any = true;
    std::printf("%s: %lld tasks with votes (%s)\n", type.c_str(),
                t["tasks_with_votes"].get<long long>(), t["level"].get<std::string>().c_str());
    std::printf("  Krippendorff's alpha (nominal): %s\n",
                Num(t["krippendorff_alpha_nominal"]).c_str());
    if (t.contains("krippendorff_alpha_interval")) {
      std::printf("  Krippendorff's alpha (interval): %s\n",
                  Num(t["krippendorff_alpha_interval"]).c_str());
    }
    if (t["fleiss_kappa"].is_null()) {
      std::printf("  Fleiss' kappa: n/a (no task with 2+ votes)\n");
    } else {
      std::printf("  Fleiss' kappa: %s over %lld tasks of %lld votes\n",
                  Num(t["fleiss_kappa"]["value"]).c_str(),
                  t["fleiss_kappa"]["tasks"].get<long long>(),
                  t["fleiss_kappa"]["votes_per_task"].get<long long>());
    }
    for (const Json& c : t["cohen_kappa"]) {
      std::printf("  Cohen's kappa %s / %s: %s over %lld tasks\n",
                  c["annotators"][0].get<std::string>().c_str(),
                  c["annotators"][1].get<std::string>().c_str(), Num(c["kappa"]).c_str(),
                  c["tasks"].get<long long>());
    }
    for (const auto& [who, r] : t["annotators"].items()) {
      std::printf("  annotator %-24s agrees with consensus %lld/%lld (%s), reliability %.3f\n",
                  who.c_str(), r["agreed_with_consensus"].get<long long>(),
                  r["rated"].get<long long>(), Num(r["agreement"]).c_str(),
                  r["reliability"].get<double>());
    }
  }
  if (!any) std::printf("no votes imported yet\n");
}

}  // namespace

void SetupAnnotate(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "annotate", "annotation routing, Label Studio round trips, agreement, adjudication");
  cmd->require_subcommand(1);

  // check
  {
    auto file = std::make_shared<std::string>();
    CLI::App* c = cmd->add_subcommand("check", "load a routing file strictly");
    c->add_option("file", *file, "routing file (TOML)")->required();
    c->callback([=] {
      auto r = LoadRouting(*file, BuiltinCatalog());
      if (!r.ok()) {
        std::cerr << r.error().message << "\n";
        *exit_code = kExitUsage;
        return;
      }
      std::printf("ok  %s  (%zu pools, %zu task types, %zu rules; sha256 %s)\n", file->c_str(),
                  r.value().pools.size(), r.value().task_types.size(), r.value().rules.size(),
                  r.value().sha256.c_str());
      *exit_code = kExitOk;
    });
  }

  // route
  {
    auto out = std::make_shared<std::string>("out");
    auto routing = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    CLI::App* c = cmd->add_subcommand(
        "route", "route every accepted document again (after a routing file change)");
    c->add_option("--out", *out, "output folder holding assay.db")->capture_default_str();
    c->add_option("--routing", *routing, "routing file; default: the shipped one");
    c->add_flag("--json", *json, "print JSON");
    c->callback([=] {
      auto r = LoadRouting(*routing, BuiltinCatalog());
      if (!r.ok()) {
        std::cerr << "assay annotate route: " << r.error().message << "\n";
        *exit_code = kExitUsage;
        return;
      }
      *exit_code = WithStore(*out, [&](Store& s) {
        const RouteSummary sum = RouteStore(s, r.value(), NowRfc3339());
        if (*json) {
          std::cout << DumpJson({{"routing_sha256", r.value().sha256},
                                 {"documents", sum.documents},
                                 {"tasks", sum.states},
                                 {"seconds", sum.seconds}},
                                2)
                    << "\n";
        } else {
          std::printf("routed %d accepted documents with routing %s in %.2f s\n  tasks:",
                      sum.documents, r.value().sha256.substr(0, 12).c_str(), sum.seconds);
          for (const auto& [state, n] : sum.states) std::printf(" %s=%d", state.c_str(), n);
          std::printf("\n");
        }
        return kExitOk;
      });
    });
  }

  // export
  {
    struct Opt {
      std::string out = "out", pool, format = "label-studio", to, task_type, images = "local-files",
                  root = "/", label_config;
      bool adjudication = false;
    };
    auto o = std::make_shared<Opt>();
    CLI::App* c = cmd->add_subcommand("export", "write a pool's open tasks for annotators");
    c->add_option("--out", o->out, "output folder holding assay.db")->capture_default_str();
    c->add_option("--pool", o->pool, "annotator pool")->required();
    c->add_option("--format", o->format, "label-studio (task JSON) or jsonl")
        ->check(CLI::IsMember({"label-studio", "jsonl"}))
        ->capture_default_str();
    c->add_option("--to", o->to, "write to FILE instead of stdout");
    c->add_option("--task-type", o->task_type,
                  "only tasks of this type (one Label Studio project)");
    c->add_flag("--adjudication", o->adjudication,
                "export the tasks in adjudication for this pool (earlier votes as predictions)");
    c->add_option("--images", o->images,
                  "image links: local-files (/data/local-files/?d=) or "
                  "data-url (embedded)")
        ->check(CLI::IsMember({"local-files", "data-url"}))
        ->capture_default_str();
    c->add_option("--local-files-root", o->root,
                  "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT: local-files paths are relative to it")
        ->capture_default_str();
    c->add_option("--label-config", o->label_config,
                  "also write Label Studio's labeling configuration (XML) to this file");
    c->callback([=] {
      *exit_code = WithStore(o->out, [&](Store& s) {
        {
          Statement p(s.db().handle(),
                      "SELECT 1 FROM annotation_tasks WHERE pool=? OR adjudication_pool=? LIMIT 1");
          p.Bind(1, o->pool).Bind(2, o->pool);
          if (!p.Step()) {
            std::string pools;
            Statement all(s.db().handle(), "SELECT DISTINCT pool FROM annotation_tasks ORDER BY 1");
            while (all.Step()) pools += (pools.empty() ? "" : ", ") + all.Text(0);
            std::cerr << "assay annotate export: no task was ever routed to pool '" << o->pool
                      << "' (pools with tasks: " << (pools.empty() ? "none" : pools) << ")\n";
            return kExitUsage;
          }
        }
        std::vector<TaskForExport> tasks = TasksForPool(s, o->pool, o->adjudication);
        if (!o->task_type.empty()) {
          std::erase_if(tasks, [&](const TaskForExport& t) { return t.task_type != o->task_type; });
        }
        std::string text;
        if (o->format == "label-studio") {
          auto j = LabelStudioTasks(tasks, ImageLinks{o->images, o->root});
          if (!j.ok()) {
            std::cerr << "assay annotate export: " << j.error().message << "\n";
            return kExitUsage;
          }
          text = DumpJson(j.value(), 2) + "\n";
        } else {
          for (const TaskForExport& t : tasks) text += DumpJson(JsonlTask(t)) + "\n";
        }
        if (!o->label_config.empty()) {
          std::vector<std::string> labels;
          bool image = false;
          for (const TaskForExport& t : tasks) {
            image = image || t.container == "image";
            for (const std::string& l : t.labels) {
              if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
            }
          }
          std::ofstream f(o->label_config, std::ios::binary);
          f << LabelStudioConfig(labels, image);
          if (!f) {
            std::cerr << "assay annotate export: cannot write " << o->label_config << "\n";
            return kExitInternal;
          }
        }
        if (o->to.empty()) {
          std::cout << text;
        } else {
          // Written whole or not at all: a temporary file renamed into place.
          const std::string tmp = o->to + ".part";
          {
            std::ofstream f(tmp, std::ios::binary);
            f << text;
            if (!f) {
              std::cerr << "assay annotate export: cannot write " << o->to << "\n";
              return kExitInternal;
            }
          }
          std::filesystem::rename(tmp, o->to);
          std::fprintf(stderr, "%zu tasks of pool %s written to %s\n", tasks.size(),
                       o->pool.c_str(), o->to.c_str());
        }
        return kExitOk;
      });
    });
  }

  // import
  {
    auto file = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>("out");
    auto format = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    CLI::App* c = cmd->add_subcommand(
        "import", "import votes (Label Studio JSON export, or JSONL): all or nothing");
    c->add_option("file", *file, "Label Studio JSON export or JSONL votes")->required();
    c->add_option("--out", *out, "output folder holding assay.db")->capture_default_str();
    c->add_option("--format", *format, "label-studio or jsonl (default: by extension)")
        ->check(CLI::IsMember({"label-studio", "jsonl"}));
    c->add_flag("--json", *json, "print JSON");
    c->callback([=] {
      bool ok = false;
      const std::string text = ReadAll(*file, &ok);
      if (!ok) {
        std::cerr << "assay annotate import: cannot read " << *file << "\n";
        *exit_code = kExitUsage;
        return;
      }
      const std::string fmt = !format->empty() ? *format
                              : std::filesystem::path(*file).extension() == ".jsonl"
                                  ? "jsonl"
                                  : "label-studio";
      auto votes =
          fmt == "jsonl" ? ParseJsonlVotes(text, *file) : ParseLabelStudioExport(text, *file);
      if (!votes.ok()) {
        std::cerr << "assay annotate import: " << votes.error().message << "\n";
        *exit_code = kExitUsage;
        return;
      }
      *exit_code = WithStore(*out, [&](Store& s) {
        auto r = ImportVotes(s, *file, fmt, Sha256Hex(text), votes.value(), NowRfc3339());
        if (!r.ok()) {
          std::cerr << "assay annotate import: " << r.error().message << "\n";
          return kExitUsage;
        }
        const ImportSummary& sum = r.value();
        if (*json) {
          std::cout << DumpJson({{"import_id", sum.import_id},
                                 {"votes_added", sum.votes_added},
                                 {"already_imported", sum.already_imported},
                                 {"tasks", sum.states}},
                                2)
                    << "\n";
        } else {
          std::printf("import %lld: %d votes added, %d already imported\n  tasks now:",
                      static_cast<long long>(sum.import_id), sum.votes_added, sum.already_imported);
          for (const auto& [state, n] : sum.states) std::printf(" %s=%d", state.c_str(), n);
          std::printf("\n");
        }
        return kExitOk;
      });
    });
  }

  // status, agreement
  for (const char* name : {"status", "agreement"}) {
    auto out = std::make_shared<std::string>("out");
    auto json = std::make_shared<bool>(false);
    const bool status = std::string(name) == "status";
    CLI::App* c = cmd->add_subcommand(
        name, status ? "tasks per pool and state, load against capacity, adjudication queue"
                     : "agreement per task type (Cohen, Fleiss, Krippendorff) and per annotator");
    c->add_option("--out", *out, "output folder holding assay.db")->capture_default_str();
    c->add_flag("--json", *json, "print JSON");
    c->callback([=] {
      *exit_code = WithStore(*out, [&](Store& s) {
        const Json j = status ? AnnotationStatus(s, BuiltinCatalog()) : AgreementReport(s);
        if (*json) {
          std::cout << DumpJson(j, 2) << "\n";
        } else if (status) {
          PrintStatus(j);
        } else {
          PrintAgreement(j);
        }
        return kExitOk;
      });
    });
  }

  // show: one task with its votes and audit trail
  {
    auto out = std::make_shared<std::string>("out");
    auto id = std::make_shared<int64_t>(0);
    CLI::App* c =
        cmd->add_subcommand("show", "one task: routing reason, votes, audit trail (JSON)");
    c->add_option("task", *id, "task id")->required();
    c->add_option("--out", *out, "output folder holding assay.db")->capture_default_str();
    c->callback([=] {
      *exit_code = WithStore(*out, [&](Store& s) {
        Statement q(s.db().handle(),
                    "SELECT doc_id, region, task_type, pool, state, label, agreement, reason, "
                    "routing_sha256 FROM annotation_tasks WHERE task_id=?");
        q.Bind(1, *id);
        if (!q.Step()) {
          std::cerr << "assay annotate show: no task " << *id << "\n";
          return kExitUsage;
        }
        Json votes = Json::array();
        Statement v(s.db().handle(),
                    "SELECT annotator, label, annotated_at, source_ref, import_id FROM "
                    "annotations WHERE task_id=? ORDER BY vote_id");
        v.Bind(1, *id);
        while (v.Step()) {
          votes.push_back({{"annotator", v.Text(0)},
                           {"label", v.Text(1)},
                           {"annotated_at", v.Text(2)},
                           {"ref", v.Text(3)},
                           {"import_id", v.Int(4)}});
        }
        const Json j = {{"task_id", *id},
                        {"doc_id", q.Text(0)},
                        {"region", q.Text(1)},
                        {"task_type", q.Text(2)},
                        {"pool", q.Text(3)},
                        {"state", q.Text(4)},
                        {"label", q.IsNull(5) ? Json() : Json(q.Text(5))},
                        {"agreement", q.IsNull(6) ? Json() : Json(q.Real(6))},
                        {"routing_sha256", q.Text(8)},
                        {"reason", Json::parse(q.Text(7))},
                        {"votes", votes},
                        {"events", TaskEvents(s, *id)}};
        std::cout << DumpJson(j, 2) << "\n";
        return kExitOk;
      });
    });
  }

  // adjudicate
  {
    auto out = std::make_shared<std::string>("out");
    auto id = std::make_shared<int64_t>(0);
    auto label = std::make_shared<std::string>();
    auto actor = std::make_shared<std::string>();
    auto note = std::make_shared<std::string>();
    CLI::App* c = cmd->add_subcommand("adjudicate", "decide a task in adjudication");
    c->add_option("task", *id, "task id")->required();
    c->add_option("--label", *label, "the label decided")->required();
    c->add_option("--as", *actor, "who decides")->required();
    c->add_option("--note", *note, "why");
    c->add_option("--out", *out, "output folder holding assay.db")->capture_default_str();
    c->callback([=] {
      *exit_code = WithStore(*out, [&](Store& s) {
        Status st = Adjudicate(s, *id, *label, *actor, *note, NowRfc3339());
        if (!st.ok()) {
          std::cerr << "assay annotate adjudicate: " << st.error().message << "\n";
          return st.error().stage == "refused" ? kExitRefused : kExitUsage;
        }
        std::printf("task %lld adjudicated: %s\n", static_cast<long long>(*id), label->c_str());
        return kExitOk;
      });
    });
  }
}

}  // namespace assay::cli
