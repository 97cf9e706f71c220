#include "contracts/contract.h"

#include <gtest/gtest.h>

#include <fstream>

#include "stages/catalog.h"
#include "tests/unit/test_paths.h"

namespace assay {
namespace {

const char kHeader[] = "[contract]\nmodality = \"page_image\"\nversion = 2\n";

struct BadContract {
  std::string body;     // appended after kHeader (3 lines)
  std::string message;  // exact error
};

TEST(ContractTest, BadContractsFailToLoadWithFileAndLine) {
  const BadContract cases[] = {
      {"[[rule]]\nid = \"cer\"\nmetirc = \"ocr.cer\"\nmax = 0.02\nseverity = \"reject\"\n",
       "c.toml:6:1: unknown key 'metirc' in rule (expected id, metric, min, max, equals, in, "
       "severity, scope, tags, if_missing, description)"},
      {"[[rule]]\nid = \"cer\"\nmetric = \"ocr.cre\"\nmax = 0.02\nseverity = \"reject\"\n",
       "c.toml:6:10: unknown metric 'ocr.cre' (see `assay metrics`)"},
      {"[[rule]]\nid = \"cer\"\nmetric = \"ocr.cer\"\nmaximum = 0.02\nseverity = \"reject\"\n",
       "c.toml:7:1: unknown key 'maximum' in rule (expected id, metric, min, max, equals, in, "
       "severity, scope, tags, if_missing, description)"},
      {"[[rule]]\nid = \"cer\"\nmetric = \"ocr.cer\"\nseverity = \"reject\"\n",
       "c.toml:4: rule 'cer' has no threshold (min, max, equals or in)"},
      {"[[rule]]\nid = \"cer\"\nmetric = \"ocr.cer\"\nmax = 0.02\n",
       "c.toml:4: rule 'cer' has no severity"},
      {"[[rule]]\nid = \"cer\"\nmetric = \"ocr.cer\"\nmax = 0.02\nseverity = \"fatal\"\n",
       "c.toml:8:12: severity must be \"reject\" or \"warn\""},
      {"[[rule]]\nid = \"cer\"\nmetric = \"ocr.cer\"\nmax = \"2%\"\nseverity = \"warn\"\n",
       "c.toml:7:7: max must be a number"},
      {"[[rule]]\nid = \"cer\"\nmetric = \"ocr.cer\"\nmax = 1\nequals = 0\nseverity = \"warn\"\n",
       "c.toml:4: rule 'cer' mixes min/max, equals and in: use one"},
      {"[[rule]]\nid = \"a\"\nmetric = \"ocr.cer\"\nmax = 1\nseverity = \"warn\"\n"
       "[[rule]]\nid = \"a\"\nmetric = \"ocr.cer\"\nmax = 1\nseverity = \"warn\"\n",
       "c.toml:9:1: duplicate rule id 'a'"},
      {"[[rule]]\nid = \"p\"\nmetric = \"ocr.cer\"\nscope = \"page\"\nmax = 1\nseverity = "
       "\"warn\"\n",
       "c.toml:4: metric 'ocr.cer' is not measured per page"},
      {"[[rule]]\nid = \"c\"\nmetric = \"ocr.cer\"\nscope = \"cue\"\nmax = 1\nseverity = "
       "\"warn\"\n",
       "c.toml:4: metric 'ocr.cer' is not measured per cue"},
      {"[[rule]]\nid = \"c\"\nmetric = \"transcript.cue_cps\"\nscope = \"page\"\nmax = 1\n"
       "severity = \"warn\"\n",
       "c.toml:4: metric 'transcript.cue_cps' is not measured per page"},
      {"[rules]\nid = 1\n",
       "c.toml:4:2: unknown table or key 'rules' (expected [contract], [[rule]])"},
      {"[[rule]\n", "c.toml:4:8: Error while parsing table header: expected ']', saw '\\n'"},
  };
  for (const BadContract& c : cases) {
    auto parsed = ParseContract(kHeader + c.body, "c.toml", BuiltinCatalog());
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.error().message, c.message) << c.body;
  }
}

TEST(ContractTest, HeaderIsCheckedToo) {
  auto typo = ParseContract("[contract]\nmodality = \"page_image\"\nverison = 1\n", "h.toml",
                            BuiltinCatalog());
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().message,
            "h.toml:3:1: unknown key 'verison' in [contract] (expected modality, version, "
            "description)");
  auto modality =
      ParseContract("[contract]\nmodality = \"scan\"\nversion = 1\n", "h.toml", BuiltinCatalog());
  ASSERT_FALSE(modality.ok());
  EXPECT_TRUE(modality.error().message.starts_with("h.toml:2:12: unknown modality"));
  auto none = ParseContract("[contract]\nmodality = \"photo\"\n", "h.toml", BuiltinCatalog());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "h.toml: [contract] has no version");
}

Contract Parse(const std::string& rules) {
  auto c = ParseContract(kHeader + rules, "t.toml", BuiltinCatalog());
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.value();
}

struct EvalCase {
  std::string rule;  // one [[rule]] body
  std::map<std::string, double> metrics;
  std::vector<std::string> tags;
  std::string outcome;  // accepted | rejected
  std::string rule_outcome;
};

TEST(ContractTest, EvaluateEveryOperatorSeverityAndMissingMetric) {
  const std::string reject = "severity = \"reject\"\n";
  const EvalCase cases[] = {
      {"metric = \"ocr.cer\"\nmax = 0.02\n" + reject, {{"ocr.cer", 0.02}}, {}, "accepted", "pass"},
      {"metric = \"ocr.cer\"\nmax = 0.02\n" + reject, {{"ocr.cer", 0.03}}, {}, "rejected", "fail"},
      {"metric = \"ocr.cer\"\nmax = 0.02\nseverity = \"warn\"\n",
       {{"ocr.cer", 0.5}},
       {},
       "accepted",
       "fail"},
      {"metric = \"image.dpi\"\nmin = 200\n" + reject,
       {{"image.dpi", 150}},
       {},
       "rejected",
       "fail"},
      {"metric = \"image.dpi\"\nmin = 200\nmax = 600\n" + reject,
       {{"image.dpi", 700}},
       {},
       "rejected",
       "fail"},
      {"metric = \"image.pages\"\nequals = 1\n" + reject,
       {{"image.pages", 1}},
       {},
       "accepted",
       "pass"},
      {"metric = \"image.dpi\"\nin = [300, 600]\n" + reject,
       {{"image.dpi", 400}},
       {},
       "rejected",
       "fail"},
      // Missing metric: fails unless if_missing = "pass".
      {"metric = \"ocr.cer\"\nmax = 0.02\n" + reject, {}, {}, "rejected", "fail"},
      {"metric = \"ocr.cer\"\nmax = 0.02\nif_missing = \"pass\"\n" + reject,
       {},
       {},
       "accepted",
       "not_applicable"},
      // Preference list: the measured value wins over the estimate.
      {"metric = [\"ocr.cer\", \"ocr.cer_estimate\"]\nmax = 0.02\n" + reject,
       {{"ocr.cer", 0.01}, {"ocr.cer_estimate", 0.5}},
       {},
       "accepted",
       "pass"},
      {"metric = [\"ocr.cer\", \"ocr.cer_estimate\"]\nmax = 0.02\n" + reject,
       {{"ocr.cer_estimate", 0.5}},
       {},
       "rejected",
       "fail"},
      // Tags limit a rule to some documents.
      {"metric = \"ocr.cer\"\nmax = 0.02\ntags = [\"scan\"]\n" + reject,
       {{"ocr.cer", 0.5}},
       {"born_digital"},
       "accepted",
       "not_applicable"},
      {"metric = \"ocr.cer\"\nmax = 0.02\ntags = [\"scan\"]\n" + reject,
       {{"ocr.cer", 0.5}},
       {"scan"},
       "rejected",
       "fail"},
  };
  for (const EvalCase& c : cases) {
    const Contract contract = Parse("[[rule]]\nid = \"r\"\n" + c.rule);
    const Decision d = Evaluate(contract, c.metrics, {}, c.tags);
    EXPECT_EQ(d.outcome, c.outcome) << c.rule;
    ASSERT_EQ(d.results.size(), 1u);
    EXPECT_EQ(d.results[0].outcome, c.rule_outcome) << c.rule;
  }
}

TEST(ContractTest, FailuresCarryValueAndThreshold) {
  const Contract c = Parse(
      "[[rule]]\nid = \"cer\"\nmetric = [\"ocr.cer\", \"ocr.cer_estimate\"]\nmax = 0.02\n"
      "severity = \"reject\"\n");
  const Decision d = Evaluate(c, {{"ocr.cer_estimate", 0.031}}, {}, {});
  EXPECT_EQ(d.Failures("reject").dump(),
            R"([{"rule":"cer","metric":"ocr.cer_estimate","value":0.031,"threshold":0.02,)"
            R"("operator":"max","severity":"reject"}])");
  EXPECT_EQ(d.Failures("warn").dump(), "[]");
}

TEST(ContractTest, PageScopedRulesRunOnEveryPage) {
  const Contract c = Parse(
      "[[rule]]\nid = \"page_cer\"\nmetric = \"ocr.cer_estimate\"\nscope = \"page\"\n"
      "max = 0.05\nseverity = \"reject\"\n");
  const PartMetrics parts = {{"page:1", {{"ocr.cer_estimate", 0.01}}},
                             {"page:2", {{"ocr.cer_estimate", 0.2}}}};
  const Decision d = Evaluate(c, {}, parts, {});
  EXPECT_EQ(d.outcome, "rejected");
  ASSERT_EQ(d.results.size(), 2u);
  EXPECT_EQ(d.results[1].scope, "page:2");
  EXPECT_EQ(d.Failures("reject")[0]["scope"], "page:2");
  // A document without pages of that kind: not applicable, not a failure.
  EXPECT_EQ(Evaluate(c, {}, {}, {}).outcome, "accepted");
}

TEST(ContractTest, CueScopedRulesNameTheCue) {
  const Contract c = Parse(
      "[[rule]]\nid = \"cps\"\nmetric = \"transcript.cue_cps\"\nscope = \"cue\"\n"
      "max = 25\nseverity = \"reject\"\nif_missing = \"pass\"\n");
  const PartMetrics parts = {{"cue:1", {{"transcript.cue_cps", 14}}},
                             {"cue:7", {{"transcript.cue_cps", 40}}},
                             {"cue:9", {{"transcript.cue_empty", 1}}}};
  const Decision d = Evaluate(c, {}, parts, {});
  EXPECT_EQ(d.outcome, "rejected");
  ASSERT_EQ(d.Failures("reject").size(), 1u);
  EXPECT_EQ(d.Failures("reject")[0]["scope"], "cue:7");
  EXPECT_EQ(d.Failures("reject")[0]["value"], 40);
  EXPECT_EQ(d.results[2].outcome, "not_applicable");  // cue 9 has no rate
}

TEST(ContractTest, ShippedContractsLoadAndCoverEveryModality) {
  auto builtin = BuiltinContracts(BuiltinCatalog());
  ASSERT_TRUE(builtin.ok()) << builtin.error().message;
  for (const std::string& m : BuiltinCatalog().Modalities())
    EXPECT_NE(builtin.value().For(m), nullptr);
  auto from_dir = LoadContracts(testing::SourceDir() / "contracts", BuiltinCatalog());
  ASSERT_TRUE(from_dir.ok()) << from_dir.error().message;
  EXPECT_EQ(from_dir.value().sha256, builtin.value().sha256);
}

TEST(ContractTest, ASetMissingAModalityIsRefused) {
  const auto dir = testing::TempDir();
  std::ofstream(dir / "page.toml") << kHeader;
  auto set = LoadContracts(dir, BuiltinCatalog());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message, dir.string() + ": no contract for modality 'page_handwritten'");
}

}  // namespace
}  // namespace assay
