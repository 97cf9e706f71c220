#include "core/worker.h"

#include <leptonica/allheaders.h>
#include <poppler/poppler-config.h>
#include <sqlite3.h>
#include <tesseract/baseapi.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <hunspell/hunspell.hxx>
#include <opencv2/core/version.hpp>
#include <thread>

#include "core/clock.h"
#include "core/ipc.h"
#include "core/sha256.h"
#include "core/stage_registry.h"
#include "core/work.h"
#include "stages/pdf_support.h"

namespace assay {
namespace {

// Deliberate failures, so tests can prove a crashing, hanging or ballooning document costs
// only itself. Enabled only by the hidden --fault-injection flag of the worker.
void InjectFault(const std::string& path) {
  if (path.find("__assay_fault_crash__") != std::string::npos) std::raise(SIGSEGV);
  if (path.find("__assay_fault_hang__") != std::string::npos) {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  if (path.find("__assay_fault_balloon__") != std::string::npos) {
    for (;;) {
      char* p = new char[64 << 20];
      std::memset(p, 1, 64 << 20);
    }
  }
}

WorkResult Process(const WorkRequest& req, const std::vector<std::unique_ptr<Stage>>& plan,
                   StageContext& ctx) {
  WorkResult result;
  result.doc_id = req.doc_id;
  const auto actual = Sha256File(req.path);
  const std::string first_input = FirstInputSha256(req);
  if (!actual) {
    return ErrorResult(req.doc_id, first_input, {"worker", "the file can no longer be read"});
  }
  if (*actual != req.source_sha256) {
    return ErrorResult(req.doc_id, first_input,
                       {"worker", "the file changed after it was ingested"});
  }
  Document doc;
  doc.doc_id = req.doc_id;
  doc.source_sha256 = req.source_sha256;
  doc.path = req.path;
  doc.container = req.container;
  doc.alt_text = req.alt_text;
  doc.ground_truth_path = req.ground_truth;

  std::string input = first_input;
  int seq = 0;
  for (const auto& stage : plan) {
    TransformationRecord rec;
    rec.seq = seq++;
    rec.stage = std::string(stage->id());
    rec.stage_version = stage->version();
    rec.params = stage->params();
    rec.input_sha256 = input;
    rec.started_at = NowRfc3339();
    const double t0 = MonotonicSeconds();
    Result<StageReport> report = Error{rec.stage, ""};
    try {
      report = stage->Run(doc, ctx);
    } catch (const std::bad_alloc&) {
      report = Error{rec.stage, "out of memory"};
    } catch (const std::exception& e) {
      report = Error{rec.stage, std::string("internal error: ") + e.what()};
    }
    rec.duration_ms = (MonotonicSeconds() - t0) * 1000.0;
    if (!report.ok()) {
      rec.outcome = "error";
      rec.note = report.error().message;
      result.transformations.push_back(std::move(rec));
      result.error = report.error();
      break;
    }
    rec.outcome = report.value().outcome;
    rec.note = report.value().note;
    std::string content = doc.ToContentJson().dump(-1, ' ', false, Json::error_handler_t::replace);
    rec.output_sha256 = Sha256Hex(content);
    input = rec.output_sha256;
    result.outputs.emplace(rec.output_sha256, std::move(content));
    result.output_sha256 = rec.output_sha256;
    result.transformations.push_back(std::move(rec));
  }
  result.modality = doc.modality;
  result.metrics = doc.metrics;
  result.part_metrics = doc.part_metrics;
  result.page_count = static_cast<int>(doc.pages.size());
  return result;
}

Json LibraryVersions(tesseract::TessBaseAPI& api) {
  char* lept = getLeptonicaVersion();
  Json j = {{"tesseract", api.Version()},
            {"leptonica", lept ? lept : "unknown"},
            {"poppler", POPPLER_VERSION},
            {"opencv", CV_VERSION},
            {"sqlite", sqlite3_libversion()}};
  lept_free(lept);
  return j;
}

}  // namespace

int WorkerMain(const WorkerOptions& options) {
  // Keep the protocol channel private: anything a library prints goes to stderr (the log).
  const int out = ::dup(STDOUT_FILENO);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  const int in = STDIN_FILENO;

  auto fatal = [&](const std::string& message) {
    WriteFrame(out, Json{{"fatal", message}}.dump());
    return 3;
  };

  std::map<std::string, std::vector<std::unique_ptr<Stage>>> plans;
  for (const char* container : {"pdf", "image"}) {
    auto plan = BuildPlan(PlanFor(container), options.overrides);
    if (!plan.ok()) return fatal(plan.error().stage + ": " + plan.error().message);
    plans[container] = std::move(plan.value());
  }
  const std::string lang =
      options.overrides.contains("ocr") ? options.overrides["ocr"].value("lang", "eng") : "eng";

  const std::string dictionary = plans["pdf"].back()->params().value("dictionary", "en_US");
  const std::string dic_path = "/usr/share/hunspell/" + dictionary + ".dic";
  const std::string aff_path = "/usr/share/hunspell/" + dictionary + ".aff";
  const auto dictionary_sha = Sha256File(dic_path);
  if (!dictionary_sha) {
    return fatal("no hunspell dictionary " + dic_path + ": install hunspell-en-us");
  }
  Hunspell hunspell(aff_path.c_str(), dic_path.c_str());

  InitPoppler();
  tesseract::TessBaseAPI api;
  if (api.Init(nullptr, lang.c_str(), tesseract::OEM_DEFAULT) != 0) {
    return fatal("Tesseract cannot load language '" + lang + "': install tesseract-ocr-" + lang +
                 " or set TESSDATA_PREFIX");
  }
  const std::string traineddata = std::string(api.GetDatapath()) + lang + ".traineddata";
  const auto tessdata_sha = Sha256File(traineddata);
  Json hello = {{"libraries", LibraryVersions(api)},
                {"tessdata", traineddata},
                {"tessdata_sha256", tessdata_sha.value_or("unreadable")},
                {"dictionary", dic_path},
                {"dictionary_sha256", *dictionary_sha}};
  if (!WriteFrame(out, Json{{"hello", hello}}.dump())) return 0;

  StageContext ctx;
  ctx.tesseract = &api;
  ctx.dictionary = &hunspell;
  ctx.dictionary = &hunspell;
  while (auto frame = ReadFrame(in)) {
    WorkRequest req = WorkRequest::FromJson(Json::parse(*frame));
    if (options.allow_fault_injection) InjectFault(req.path);
    WorkResult result;
    if (!req.overrides.empty()) {
      // This document has its own parameters (`queue reprocess --set`): its own plan.
      Json merged = options.overrides;
      for (const auto& [stage, params] : req.overrides.items()) {
        for (const auto& [k, v] : params.items()) merged[stage][k] = v;
      }
      auto own = BuildPlan(PlanFor(req.container), merged);
      result = own.ok() ? Process(req, own.value(), ctx)
                        : ErrorResult(req.doc_id, req.source_sha256, own.error());
    } else if (auto plan = plans.find(req.container); plan != plans.end()) {
      result = Process(req, plan->second, ctx);
    } else {
      result = ErrorResult(req.doc_id, req.source_sha256,
                           {"worker", "no plan for container " + req.container});
    }
    if (!WriteFrame(out, result.ToJson().dump(-1, ' ', false, Json::error_handler_t::replace))) {
      break;
    }
  }
  return 0;
}

}  // namespace assay
