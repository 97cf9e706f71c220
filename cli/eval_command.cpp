// assay eval: scores a store's outputs against ground truth (core/eval.h).
#include <fstream>
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "core/eval.h"
#include "core/exit_codes.h"

namespace assay::cli {
namespace {

void PrintEval(const Json& report, std::ostream& out) {
  const Json& s = report["summary"];
  out << std::fixed << std::setprecision(3);
  out << "documents matched to ground truth: " << s.value("documents", 0) << "\n";
  if (s.contains("text")) {
    const Json& t = s["text"];
    out << "text (" << t["documents"].get<int>() << " documents, mean): CER "
        << t["cer"].get<double>() << " (order-free " << t["cer_order_free"].get<double>()
        << "), WER " << t["wer"].get<double>() << " (order-free "
        << t["wer_order_free"].get<double>() << ")\n";
  }
  if (!s["regions"].empty()) {
    out << "regions at IoU >= 0.5:\n  category   precision  recall  f1     tp  fp  fn\n";
    for (const auto& [cat, m] : s["regions"].items()) {
      out << "  " << std::left << std::setw(10) << cat << std::right << " " << std::setw(9)
          << m["precision"].get<double>() << " " << std::setw(7) << m["recall"].get<double>() << " "
          << std::setw(6) << m["f1"].get<double>() << " " << std::setw(4) << m["tp"].get<int>()
          << std::setw(4) << m["fp"].get<int>() << std::setw(4) << m["fn"].get<int>() << "\n";
    }
  }
  if (s.contains("reading_order")) {
    out << "reading order: " << s["reading_order"]["correct"].get<double>() << " of "
        << s["reading_order"]["pairs"].get<int>() << " consecutive pairs in order\n";
  }
  if (s.contains("tables")) {
    const Json& t = s["tables"];
    out << "tables (" << t["documents"].get<int>() << " documents, " << t.value("truth_tables", 0)
        << " truth tables, " << t.value("matched_tables", 0) << " matched):\n";
    if (t.contains("adjacency_macro_f1")) {
      out << "  cell adjacency F1: macro " << t["adjacency_macro_f1"].get<double>() << ", micro "
          << t["adjacency_micro"]["f1"].get<double>() << "\n";
      out << "  cell text F1: " << t["cell_text_f1"].get<double>() << " (micro "
          << t["cell_text_micro"]["f1"].get<double>() << ")\n";
      out << "  grid shape accuracy: " << t["grid_shape_accuracy"].get<double>() << "\n";
    }
    if (t.contains("detection")) {
      const Json& d = t["detection"];
      out << "  detection at IoU >= 0.5: precision " << d["precision"].get<double>() << ", recall "
          << d["recall"].get<double>() << ", F1 " << d["f1"].get<double>() << "\n";
    }
  }
  if (s.contains("headings")) {
    const Json& h = s["headings"];
    out << "headings: recall " << h["recall"].get<double>() << ", precision "
        << h["precision"].get<double>() << ", level accuracy " << h["level_accuracy"].get<double>()
        << " (" << h["truth"].get<int>() << " in the ground truth)\n";
  }
}

}  // namespace

void SetupEval(CLI::App& app, int* exit_code) {
  auto out_dir = std::make_shared<std::string>("out");
  auto gt = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto records = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "score the store's outputs against ground truth: text CER/WER, layout regions, "
      "reading order, headings, tables");
  cmd->add_option("--out", *out_dir, "output folder holding assay.db")->capture_default_str();
  cmd->add_option("--gt", *gt, "ground-truth folder (S.gt.txt, S.layout.json, manifest.csv)")
      ->required();
  cmd->add_option("--records", *records,
                  "score this JSON Lines file of export records instead of the store (another "
                  "tool's output in the export format)");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([out_dir, gt, json, records, exit_code] {
    auto print = [&](const Result<Json>& report) {
      if (!report.ok()) {
        std::cerr << "assay eval: " << report.error().message << "\n";
        return kExitUsage;
      }
      if (*json) {
        std::cout << DumpJson(report.value(), 2) << "\n";
      } else {
        PrintEval(report.value(), std::cout);
      }
      return kExitOk;
    };
    if (!records->empty()) {
      std::ifstream in(*records, std::ios::binary);
      if (!in) {
        std::cerr << "assay eval: cannot read " << *records << "\n";
        *exit_code = kExitUsage;
        return;
      }
      std::vector<Json> recs;
      for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        Json r = Json::parse(line, nullptr, false);
        if (r.is_discarded() || !r.is_object()) {
          std::cerr << "assay eval: not a JSON record in " << *records << "\n";
          *exit_code = kExitUsage;
          return;
        }
        recs.push_back(std::move(r));
      }
      *exit_code = print(EvaluateRecords(recs, *gt));
      return;
    }
    *exit_code = WithStoreForReading(*out_dir, [&](Store& s) { return print(EvaluateStore(s, *gt)); });
  });
}

}  // namespace assay::cli
