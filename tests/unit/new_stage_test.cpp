// What adding a stage takes: the stage's file (tests/unit/line_count_stage.cpp), one line in a
// catalog, and a pipeline configuration that names it. Everything else follows from the
// declaration: validation, planning, running, metrics for contracts, the listing.
#include <gtest/gtest.h>

#include "contracts/contract.h"
#include "core/document_runner.h"
#include "core/pipeline_config.h"
#include "core/plan.h"
#include "core/sha256.h"
#include "stages/catalog.h"
#include "tests/unit/test_paths.h"

namespace assay {

const StageSpec& LineCountStageSpec();

namespace {

// A stage that writes a metric it does not declare.
const StageSpec& SneakyStageSpec() {
  struct Sneaky : Stage {
    Result<StageReport> Run(Document& doc, StageContext&) const override {
      doc.metrics["text.secret"] = 1;
      return StageReport{};
    }
  };
  static const StageSpec kSpec{.id = "sneaky",
                               .version = 1,
                               .summary = "writes an undeclared metric",
                               .containers = {"pdf"},
                               .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> {
                                 return std::make_unique<Sneaky>();
                               }};
  return kSpec;
}

const StageCatalog& TestCatalog() {
  static const StageCatalog kCatalog = [] {
    std::vector<const StageSpec*> stages = BuiltinStageSpecs();
    stages.push_back(&LineCountStageSpec());  // the registration line
    stages.push_back(&SneakyStageSpec());
    return StageCatalog(stages, BuiltinResourceKinds(), LibraryVersions());
  }();
  return kCatalog;
}

WorkResult RunWith(const std::string& config_text, const std::string& sample) {
  auto base = DefaultPipelineConfig(TestCatalog());
  auto over = ParsePipelineConfig(config_text, "test.toml", TestCatalog());
  EXPECT_TRUE(over.ok()) << over.error().message;
  Planner planner(TestCatalog(), Overlay(base.value(), over.value()), ParamLayer::object());
  WorkRequest req;
  req.path = testing::SamplePath(sample);
  req.source_sha256 = Sha256File(req.path).value();
  req.doc_id = req.source_sha256;
  req.container = "pdf";
  req.plan = planner.For("pdf").value().ToJson();
  DocumentRunner runner(TestCatalog());
  return runner.Run(req);
}

TEST(NewStageTest, ANewStageIsOneFileOneLineAndAPipelineThatNamesIt) {
  const WorkResult r = RunWith(
      "[pipeline.pdf]\nstages = [\"pdf_text\", \"line_count\", \"quality\"]\n"
      "[params.line_count]\nmin_words = 2\n",
      "born_digital.pdf");
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.transformations.size(), 3u);
  EXPECT_EQ(r.transformations[1].stage, "line_count");
  EXPECT_EQ(DumpCanonical(r.transformations[1].params), R"({"min_words":2})");
  EXPECT_GT(r.metrics.at("text.lines"), 5);
  // Its metric is in the catalog, so a contract may use it; `assay stages` lists it.
  EXPECT_EQ(TestCatalog().FindMetric("text.lines").stage, &LineCountStageSpec());
  auto contract = ParseContract(
      "[contract]\nmodality = \"pdf_text\"\nversion = 1\n[[rule]]\nid = \"lines\"\n"
      "metric = \"text.lines\"\nmin = 1\nseverity = \"reject\"\n",
      "c.toml", TestCatalog());
  EXPECT_TRUE(contract.ok()) << contract.error().message;
  EXPECT_NE(TestCatalog().StagesJson().dump().find("\"line_count\""), std::string::npos);
  // Its parameters are validated like every other stage's.
  auto bad = ParsePipelineConfig("[params.line_count]\nmin_words = 0\n", "t.toml", TestCatalog());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "t.toml:2:13: line_count.min_words must be an integer from 1 to "
            "1000, got 0");
}

TEST(NewStageTest, AStageThatWritesAnUndeclaredMetricFailsTheDocument) {
  const WorkResult r =
      RunWith("[pipeline.pdf]\nstages = [\"pdf_text\", \"sneaky\"]\n", "born_digital.pdf");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->stage, "sneaky");
  EXPECT_EQ(r.error->message, "wrote metric 'text.secret', which the stage does not declare");
}

}  // namespace
}  // namespace assay
