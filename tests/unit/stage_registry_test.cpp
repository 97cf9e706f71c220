#include "core/stage_registry.h"

#include <gtest/gtest.h>

#include <set>

namespace assay {
namespace {

TEST(StageRegistryTest, EveryPlannedStageIsInTheTableOnce) {
  std::set<std::string> ids;
  for (const StageInfo& s : StageTable()) EXPECT_TRUE(ids.insert(std::string(s.id)).second);
  for (const char* container : {"pdf", "image"}) {
    for (const std::string& id : PlanFor(container)) EXPECT_TRUE(ids.count(id)) << id;
  }
  EXPECT_TRUE(PlanFor("unsupported").empty());
}

TEST(StageRegistryTest, BuiltStagesCarryIdVersionAndCanonicalParams) {
  auto plan = BuildPlan(PlanFor("pdf"), nlohmann::json::object());
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan.value().size(), 4u);
  EXPECT_EQ(plan.value()[0]->id(), "pdf_text");
  EXPECT_EQ(plan.value()[1]->id(), "rasterize");
  EXPECT_EQ(plan.value()[2]->id(), "ocr");
  EXPECT_EQ(plan.value()[3]->id(), "quality");
  EXPECT_GE(plan.value()[2]->version(), 1);
  EXPECT_EQ(plan.value()[1]->params().dump(), R"({"dpi":300,"max_megapixels":60})");
}

TEST(StageRegistryTest, OverridesChangeParams) {
  auto plan = BuildPlan({"ocr"}, {{"ocr", {{"psm", 6}}}});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan.value()[0]->params()["psm"], 6);
}

struct BadOverride {
  nlohmann::json overrides;
  std::string message;
};

TEST(StageRegistryTest, BadOverridesAreRefusedWithAReason) {
  const BadOverride cases[] = {
      {{{"orc", {{"psm", 6}}}}, "unknown stage 'orc'"},
      {{{"ocr", {{"pms", 6}}}}, "unknown parameter 'pms'"},
      {{{"ocr", {{"psm", "six"}}}}, "parameter 'psm' has the wrong type"},
      {{{"ocr", {{"psm", 42}}}}, "psm must be between 0 and 13"},
  };
  for (const BadOverride& c : cases) {
    auto plan = BuildPlan(PlanFor("pdf"), c.overrides);
    ASSERT_FALSE(plan.ok()) << c.overrides.dump();
    EXPECT_EQ(plan.error().message, c.message);
  }
}

}  // namespace
}  // namespace assay
