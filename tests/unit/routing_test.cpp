// Routing files load strictly and route deterministically; the metric names come from the stage
// catalog only, so a metric a new stage declares (here a stand-in charts stage declaring
// `chart.count`) is usable in a routing rule without any change to the routing code.
#include "core/routing.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "stages/catalog.h"

namespace assay {
namespace {

const StageSpec& ChartsStandInSpec() {
  static const StageSpec kSpec{
      .id = "charts_stand_in",
      .version = 1,
      .summary = "declares chart.count the way a charts stage would",
      .containers = {"pdf"},
      .metrics = {{"chart.count", false, "charts found"}},
      .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> { return nullptr; },
  };
  return kSpec;
}

const StageCatalog& WithCharts() {
  static const StageCatalog kCatalog = [] {
    std::vector<const StageSpec*> stages = BuiltinStageSpecs();
    stages.push_back(&ChartsStandInSpec());
    return StageCatalog(stages, BuiltinResourceKinds(), LibraryVersions());
  }();
  return kCatalog;
}

const char* kBase = R"([routing]
version = 1
adjudication_pool = "specialist"

[[pool]]
name = "general"
expertise = ["images"]
capacity = 10

[[pool]]
name = "specialist"
expertise = ["images", "tables"]
capacity = 5

[[task_type]]
name = "table_header_check"
question = "Header right?"
labels = ["yes", "no"]
expertise = ["tables"]

[[task_type]]
name = "caption_check"
question = "Alt text right?"
labels = ["yes", "no"]

[[complexity]]
tags = ["table"]
weight = 1

[[complexity]]
metric = "ocr.cer_estimate"
from = 0.0
to = 0.04
weight = 1
)";

Result<RoutingConfig> ParseRules(const std::string& rules,
                            const StageCatalog& catalog = BuiltinCatalog()) {
  return ParseRouting(std::string(kBase) + rules, "r.toml", catalog);
}

// "r.toml:N" for line n of the rules appended to kBase.
std::string At(int n) {
  const auto base = std::count(kBase, kBase + std::char_traits<char>::length(kBase), '\n');
  return "r.toml:" + std::to_string(base + n);
}

std::string ErrorOf(const std::string& rules, const StageCatalog& catalog = BuiltinCatalog()) {
  auto r = ParseRules(rules, catalog);
  return r.ok() ? "(loaded)" : r.error().message;
}

TEST(Routing, ShippedFileLoads) {
  auto r = LoadRouting({}, BuiltinCatalog());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().path, "builtin:default.toml");
  EXPECT_EQ(r.value().rules.size(), 7u);
  EXPECT_EQ(r.value().sha256.size(), 64u);
}

// The shipped handwriting rules (docs/handwriting.md): a handwritten page goes to two
// transcribers; a printed page's handwritten lines to one, only when they hold 5% of its ink.
TEST(Routing, ShippedFileSendsHandwritingToTranscribers) {
  auto r = LoadRouting({}, BuiltinCatalog());
  ASSERT_TRUE(r.ok()) << r.error().message;
  RoutingUnit hand{"d1", "page_handwritten", {}, {}, {}};
  hand.part_metrics["page:1"] = {{"page.handwritten", 1}, {"handwriting.share", 0.9},
                                 {"handwriting.regions", 12}};
  const auto tasks = Route(r.value(), hand);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].task_type, "handwriting_transcription");
  EXPECT_EQ(tasks[0].region, "page:1");
  EXPECT_EQ(tasks[0].pool, "transcribers");
  EXPECT_EQ(tasks[0].votes, 2);
  EXPECT_EQ(tasks[0].rule, "handwritten_pages");

  RoutingUnit notes{"d2", "pdf_scan", {}, {}, {}};
  notes.part_metrics["page:1"] = {{"page.handwritten", 0}, {"handwriting.share", 0.12},
                                  {"handwriting.regions", 3}};
  notes.part_metrics["page:2"] = {{"page.handwritten", 0}, {"handwriting.share", 0.03},
                                  {"handwriting.regions", 1}};
  std::vector<std::string> regions;
  for (const RoutedTask& t : Route(r.value(), notes)) {
    if (t.task_type != "handwriting_transcription") continue;
    EXPECT_EQ(t.rule, "handwritten_lines");
    EXPECT_EQ(t.votes, 1);
    regions.push_back(t.region);
  }
  EXPECT_EQ(regions, (std::vector<std::string>{"page:1"}));
}

TEST(Routing, MetricsComeFromTheCatalog) {
  const std::string rule = R"(
[[rule]]
id = "charts"
metric = "chart.count"
min = 1
task = "table_header_check"
pool = "specialist"
votes = 3
agreement = 0.66
)";
  // Not declared by any built-in stage yet: an error naming file:line:column.
  EXPECT_EQ(ErrorOf(rule), At(4) + ":10: unknown metric 'chart.count' (see `assay metrics`)");
  // Declared by a stage of the catalog: loads, and routes on it.
  auto r = ParseRules(rule, WithCharts());
  ASSERT_TRUE(r.ok()) << r.error().message;
  RoutingUnit u{"doc", "pdf_text", {}, {{"chart.count", 2}}, {}};
  auto tasks = Route(r.value(), u);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].pool, "specialist");
  EXPECT_EQ(tasks[0].votes, 3);
  EXPECT_EQ(tasks[0].reason["matched"][0]["metric"], "chart.count");
  EXPECT_EQ(tasks[0].reason["matched"][0]["value"], 2.0);
  u.metrics["chart.count"] = 0;
  EXPECT_TRUE(Route(r.value(), u).empty());
}

TEST(Routing, BadFilesNameTheirPosition) {
  const struct {
    const char* rules;
    std::string error;
  } cases[] = {
      {"[[rule]]\nid = \"a\"\ntask = \"caption_check\"\npool = \"general\"\nvotes = 1\n"
       "agreement = 1.0\nsampel = 0.1\n",
       At(7) + ":1: unknown key 'sampel' in rule"},
      {"[[rule]]\nid = \"a\"\ntask = \"caption_check\"\npool = \"genral\"\nvotes = 1\n"
       "agreement = 1.0\n",
       At(4) + ":8: unknown pool 'genral' (pools: general, specialist)"},
      {"[[rule]]\nid = \"a\"\ntask = \"caption_chek\"\npool = \"general\"\nvotes = 1\n"
       "agreement = 1.0\n",
       At(3) + ":8: unknown task_type 'caption_chek' (task types: table_header_check, "
               "caption_check)"},
      {"[[rule]]\nid = \"a\"\ntask = \"table_header_check\"\npool = \"general\"\nvotes = 1\n"
       "agreement = 1.0\n",
       At(4) + ":8: pool 'general' lacks the expertise 'tables' that task_type "
               "'table_header_check' requires"},
      {"[[rule]]\nid = \"a\"\nmodality = \"scan\"\ntask = \"caption_check\"\npool = "
       "\"general\"\nvotes = 1\nagreement = 1.0\n",
       At(3) + ":12: unknown modality 'scan'"},
      {"[[rule]]\nid = \"a\"\nmetric = \"ocr.cer\"\ntask = \"caption_check\"\npool = "
       "\"general\"\nvotes = 1\nagreement = 1.0\n",
       At(1) + ": rule 'a' has no threshold (min, max, equals or in)"},
      {"[[rule]]\nid = \"a\"\ntask = \"caption_check\"\npool = \"general\"\nagreement = 1.0\n",
       At(1) + ": rule 'a' has no votes"},
      {"[[rule]]\nid = \"a\"\ntask = \"caption_check\"\npool = \"general\"\nvotes = 1\n"
       "agreement = 1.0\nsample = 0\n",
       At(7) + ":10: sample must be in (0, 1]"},
      {"[[rule]]\nid = \"a\"\ntask = \"caption_check\"\npool = \"general\"\nvotes = 1\n"
       "agreement = 1.0\n[[rule.when]]\nmetric = \"ocr.cer\"\nmaximum = 0.1\n",
       At(9) + ":1: unknown key 'maximum' in rule.when"},
      {"[[rule]]\nid = \"a\"\ntask = \"caption_check\"\npool = \"general\"\nvotes = 1\n"
       "agreement = 1.0\nconsensus = \"mostly\"\n",
       At(7) + ":13: consensus must be"},
      {"[extra]\n", At(1) + ":2: unknown table or key 'extra'"},
  };
  for (const auto& c : cases) {
    const std::string e = ErrorOf(c.rules);
    EXPECT_EQ(e.rfind(c.error, 0), 0u) << c.rules << "\n  got: " << e;
  }
  EXPECT_NE(ErrorOf("").find("(loaded)"), std::string::npos);
  auto truncated = ParseRouting(std::string(kBase).substr(0, 120), "t.toml", BuiltinCatalog());
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().message.rfind("t.toml:", 0), 0u) << truncated.error().message;
}

TEST(Routing, FirstMatchPerTaskTypePagesAndComplexity) {
  auto r = ParseRules(R"(
[[rule]]
id = "tagged"
tags = ["table"]
task = "table_header_check"
pool = "specialist"
votes = 3
agreement = 0.66

[[rule]]
id = "never_reached_for_tagged"
task = "table_header_check"
pool = "specialist"
votes = 5
agreement = 0.8

[[rule]]
id = "bad_pages"
scope = "page"
metric = "ocr.cer_estimate"
min = 0.01
max = 0.02
task = "caption_check"
pool = "general"
votes = 2
agreement = 1.0
consensus = "unanimity"
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  RoutingUnit u{
      "d1",
      "pdf_scan",
      {"table"},
      {{"ocr.cer_estimate", 0.02}},
      {{"page:1", {{"ocr.cer_estimate", 0.015}}}, {"page:2", {{"ocr.cer_estimate", 0.03}}}}};
  auto tasks = Route(r.value(), u);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].rule, "tagged");
  EXPECT_EQ(tasks[0].votes, 3);
  // complexity: tag term 1 (weight 1), cer 0.02 / 0.04 = 0.5 (weight 1) -> 0.75
  EXPECT_DOUBLE_EQ(tasks[0].complexity, 0.75);
  EXPECT_EQ(tasks[1].region, "page:1");
  EXPECT_EQ(tasks[1].consensus, "unanimity");
  // The page's own metric, not the document's: 0.015 / 0.04 = 0.375 -> (1 + 0.375) / 2
  EXPECT_DOUBLE_EQ(tasks[1].complexity, 0.6875);
  u.tags.clear();
  tasks = Route(r.value(), u);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].rule, "never_reached_for_tagged");
}

TEST(Routing, SamplingIsDeterministicAndNearItsRate) {
  auto r = ParseRules(R"(
[[rule]]
id = "photos"
modality = "photo"
task = "caption_check"
pool = "general"
votes = 1
agreement = 1.0
sample = 0.1
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  int sampled = 0;
  for (int i = 0; i < 10000; ++i) {
    RoutingUnit u{"doc" + std::to_string(i), "photo", {}, {}, {}};
    auto a = Route(r.value(), u), b = Route(r.value(), u);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].sampled, b[0].sampled);
    sampled += a[0].sampled;
  }
  EXPECT_NEAR(sampled, 1000, 100);  // binomial sd 30
  EXPECT_EQ(SampleDraw("h", "d", "", "t"), SampleDraw("h", "d", "", "t"));
  EXPECT_NE(SampleDraw("h", "d", "", "t"), SampleDraw("h2", "d", "", "t"));
}

}  // namespace
}  // namespace assay
