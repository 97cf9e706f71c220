// Routing at scale: N synthetic accepted documents (a mix of modalities, tags and metrics like
// the ones a run records) in a fresh store, routed with the shipped routing file. Prints the
// time of the pure routing (Route over the facts in memory) and of `annotate route` as the
// store does it (read every accepted document's facts, route, write tasks and their creation
// events in one transaction). Usage: route_bench [N] [DIR]  (bench/route_bench.sh).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "core/annotation_store.h"
#include "core/clock.h"
#include "core/routing.h"
#include "core/sha256.h"
#include "core/store.h"
#include "stages/catalog.h"

using namespace assay;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 100000;
  const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp/assay-route-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto routing = LoadRouting({}, BuiltinCatalog());
  if (!routing.ok()) {
    std::fprintf(stderr, "%s\n", routing.error().message.c_str());
    return 3;
  }
  const char* modalities[] = {"photo", "pdf_text", "page_image", "pdf_scan", "pdf_mixed"};
  const char* tags[] = {"[]", "[\"table\"]", "[\"circuit\"]", "[\"photo\"]", "[]"};
  std::vector<RoutingUnit> units;
  units.reserve(n);
  {
    Store store(dir / "assay.db", /*create=*/true);
    Transaction tx(store.db());
    Statement d(store.db().handle(),
                "INSERT INTO documents(doc_id, path, container, modality, tags, ingested_at, "
                "outcome) VALUES(?,?,?,?,?,'t','accepted')");
    Statement m(store.db().handle(),
                "INSERT INTO metrics(doc_id, scope, name, value) VALUES(?,?,?,?)");
    for (int i = 0; i < n; ++i) {
      RoutingUnit u;
      u.doc_id = Sha256Hex("synthetic " + std::to_string(i));
      u.modality = modalities[i % 5];
      const std::string tag = tags[(i / 5) % 5];
      if (tag != "[]") u.tags.push_back(tag.substr(2, tag.size() - 4));
      d.Bind(1, u.doc_id).Bind(2, "synthetic/" + std::to_string(i)).Bind(3, "pdf");
      d.Bind(4, u.modality).Bind(5, tag).Run();
      if (u.modality != "photo" && u.modality != "pdf_text") {
        // Deterministic spread of CER estimates over 0..4%, one page.
        const double cer = (i * 7919 % 4000) / 100000.0;
        u.metrics = {{"ocr.cer_estimate", cer}, {"ocr.low_conf_word_ratio", cer * 3}};
        u.part_metrics["page:1"] = u.metrics;
        for (const auto& [k, v] : u.metrics) {
          m.Bind(1, u.doc_id).Bind(2, "").Bind(3, k).Bind(4, v).Run();
          m.Bind(1, u.doc_id).Bind(2, "page:1").Bind(3, k).Bind(4, v).Run();
        }
      } else {
        u.metrics = {{"image.width", 800}, {"image.height", 600}};
        for (const auto& [k, v] : u.metrics)
          m.Bind(1, u.doc_id).Bind(2, "").Bind(3, k).Bind(4, v).Run();
      }
      units.push_back(std::move(u));
    }
    tx.Commit();
  }
  auto cpu = [] { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; };
  double t0 = MonotonicSeconds(), c0 = cpu();
  size_t tasks = 0;
  for (const RoutingUnit& u : units) tasks += Route(routing.value(), u).size();
  const double pure = MonotonicSeconds() - t0, pure_cpu = cpu() - c0;
  Store store(dir / "assay.db", /*create=*/false);
  t0 = MonotonicSeconds();
  c0 = cpu();
  const RouteSummary s = RouteStore(store, routing.value(), NowRfc3339());
  const double stored = MonotonicSeconds() - t0, stored_cpu = cpu() - c0;
  std::printf("documents %d, tasks %zu\n", n, tasks);
  std::printf("Route() in memory:        %.2f s wall, %.2f s CPU (%.0f documents/s)\n", pure,
              pure_cpu, n / pure);
  std::printf("annotate route (store):   %.2f s wall, %.2f s CPU (%.0f documents/s)\n", stored,
              stored_cpu, n / stored);
  std::printf("tasks by state:");
  for (const auto& [state, c] : s.states) std::printf(" %s=%d", state.c_str(), c);
  std::printf("\n");
  // Routing again with the same file only reads: nothing changes.
  t0 = MonotonicSeconds();
  c0 = cpu();
  RouteStore(store, routing.value(), NowRfc3339());
  std::printf("annotate route again:     %.2f s wall, %.2f s CPU (unchanged routing: no writes)\n",
              MonotonicSeconds() - t0, cpu() - c0);
  return 0;
}
