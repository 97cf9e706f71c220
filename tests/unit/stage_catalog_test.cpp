// The stage declarations, parameter validation, pipeline configuration and planning.
#include "core/stage_catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/ingest.h"
#include "core/pipeline_config.h"
#include "core/plan.h"
#include "stages/catalog.h"
#include "tests/unit/test_paths.h"

namespace assay {
namespace {

const StageCatalog& Catalog() { return BuiltinCatalog(); }

TEST(StageCatalogTest, BuiltinDeclarationsAreConsistent) {
  const StageCatalog& c = Catalog();
  std::set<std::string> containers(KnownContainers().begin(), KnownContainers().end());
  for (const StageSpec* s : c.stages()) {
    SCOPED_TRACE(std::string(s->id));
    EXPECT_GE(s->version, 1);
    EXPECT_FALSE(s->containers.empty());
    for (std::string_view k : s->containers) EXPECT_TRUE(containers.count(std::string(k)));
    // Every resource a stage asks for with its defaults is a known kind.
    CanonicalJson defaults = CanonicalJson::object();
    for (const ParamSpec& p : s->params) defaults[std::string(p.name)] = p.default_value;
    if (s->resources != nullptr) {
      for (const ResourceRef& r : s->resources(defaults)) {
        EXPECT_NE(c.FindResource(r.kind), nullptr) << r.kind;
      }
    }
    for (const MetricSpec& m : s->metrics) {
      EXPECT_EQ(c.FindMetric(m.name).stage, s) << m.name;
      EXPECT_FALSE(m.meaning.empty()) << m.name;
    }
  }
  EXPECT_EQ(c.Modalities(),
            (std::vector<std::string>{"page_handwritten", "page_image", "pdf_mixed", "pdf_scan",
                                      "pdf_text", "photo", "transcript", "video"}));
  EXPECT_EQ(c.FindMetric("no.such").metric, nullptr);
  for (const char* lib : {"hunspell", "leptonica", "opencv", "poppler", "tesseract"}) {
    EXPECT_TRUE(c.libraries().contains(lib)) << lib;
  }
}

TEST(StageCatalogTest, MistakesInDeclarationsAreRefused) {
  static const StageSpec a{
      .id = "a",
      .version = 1,
      .summary = "a",
      .containers = {"pdf"},
      .metrics = {{"x.m", false, "m"}},
      .make = [](const CanonicalJson&) -> std::unique_ptr<Stage> { return nullptr; }};
  static const StageSpec b{.id = "b",
                           .version = 1,
                           .summary = "b",
                           .containers = {"pdf"},
                           .metrics = {{"x.m", false, "m again"}},
                           .make = a.make};
  static const StageSpec bad_default{
      .id = "c",
      .version = 1,
      .summary = "c",
      .containers = {"pdf"},
      .params = {{"dpi", ParamType::kInt, 5000, 1, 100, {}, {}, "out of its own range"}},
      .make = a.make};
  EXPECT_THROW(StageCatalog({&a, &a}, {}, CanonicalJson::object()), std::logic_error);
  EXPECT_THROW(StageCatalog({&a, &b}, {}, CanonicalJson::object()), std::logic_error);
  EXPECT_THROW(StageCatalog({&bad_default}, {}, CanonicalJson::object()), std::logic_error);
  EXPECT_NO_THROW(StageCatalog({&a}, {}, CanonicalJson::object()));
}

struct ParamCase {
  std::string stage, param;
  CanonicalJson value;
  std::string expected;  // canonical value dumped, or the error message
};

TEST(ParamValidationTest, ValuesAreCheckedAndCanonical) {
  const ParamCase cases[] = {
      {"rasterize", "dpi", 300, "300"},
      {"rasterize", "dpi", 300.0, "300"},
      {"rasterize", "dpi", -300, "rasterize.dpi must be an integer from 36 to 1200, got -300"},
      {"rasterize", "dpi", 1.5, "rasterize.dpi must be an integer from 36 to 1200, got 1.5"},
      {"rasterize", "dpi", 1e12,
       "rasterize.dpi must be an integer from 36 to 1200, got 1000000000000.0"},
      {"rasterize", "dpi", "300", "rasterize.dpi must be an integer from 36 to 1200, got \"300\""},
      {"rasterize", "max_megapixels", 60.0, "60"},
      {"rasterize", "max_megapixels", 12.5, "12.5"},
      {"ocr", "lang", "eng+deu", "\"eng+deu\""},
      {"ocr", "lang", "script/Latin", "\"script/Latin\""},
      {"ocr", "lang", "../../etc/passwd",
       "ocr.lang must be a value matching "
       "[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?(\\+[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?)*, got "
       "\"../../etc/passwd\""},
      {"ocr", "psm", 2, "ocr.psm must be an integer from 3 to 13, got 2"},
      {"ocr", "psm", true, "ocr.psm must be an integer from 3 to 13, got true"},
  };
  for (const ParamCase& c : cases) {
    const StageSpec* stage = Catalog().FindStage(c.stage);
    ASSERT_NE(stage, nullptr);
    const ParamSpec* spec = stage->FindParam(c.param);
    ASSERT_NE(spec, nullptr);
    auto v = ValidateParam(stage->id, *spec, c.value);
    EXPECT_EQ(v.ok() ? v.value().dump() : v.error().message, c.expected) << c.value.dump();
  }
}

TEST(SetOptionsTest, ParsedValidatedAndRefusedWithAReason) {
  auto ok = ParseSetOptions({"ocr.lang=eng+deu", "ocr.psm=6", "rasterize.max_megapixels=60.0"},
                            Catalog());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(DumpCanonical(ok.value()),
            R"({"ocr":{"lang":"eng+deu","psm":6},"rasterize":{"max_megapixels":60}})");
  const std::pair<std::string, std::string> bad[] = {
      {"rasterize.dpi=-300", "rasterize.dpi must be an integer from 36 to 1200, got -300"},
      {"rasterize.dpi=1e12",
       "rasterize.dpi must be an integer from 36 to 1200, got 1000000000000.0"},
      {"orc.psm=6", "unknown stage 'orc'"},
      {"ocr.pms=6", "unknown parameter 'pms' of stage 'ocr'"},
      {"ocr.psm", "--set expects stage.param=value, got 'ocr.psm'"},
      {".psm=6", "--set expects stage.param=value, got '.psm=6'"},
      // Not numbers for JSON: refused as the text they are, and shown briefly.
      {"image_load.max_megapixels=nan",
       "image_load.max_megapixels must be a number from 1 to 10000, got \"nan\""},
      {"image_load.max_megapixels=1e400",
       "image_load.max_megapixels must be a number from 1 to 10000, got \"1e400\""},
      {"rasterize.dpi=" + std::string(300, '9'),
       "rasterize.dpi must be an integer from 36 to 1200, got 1e+300"},
  };
  for (const auto& [arg, message] : bad) {
    auto r = ParseSetOptions({arg}, Catalog());
    ASSERT_FALSE(r.ok()) << arg;
    EXPECT_EQ(r.error().message, message);
  }
}

TEST(PipelineConfigTest, TheDefaultLoadsAndIsComplete) {
  auto c = DefaultPipelineConfig(Catalog());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(CheckComplete(c.value()).ok());
  EXPECT_EQ(c.value().pipelines.at("pdf"),
            (std::vector<std::string>{"pdf_text", "rasterize", "preprocess", "handwriting", "ocr",
                                      "layout", "tables", "alt_text", "quality", "pii"}));
  EXPECT_EQ(c.value().pipelines.at("image"),
            (std::vector<std::string>{"image_load", "image_checks", "preprocess", "handwriting",
                                      "ocr", "layout", "tables", "alt_text", "quality", "pii"}));
}

TEST(PipelineConfigTest, MistakesNameFileLineAndColumn) {
  const std::pair<std::string, std::string> cases[] = {
      {"[pipeline.scroll]\nstages = [\"ocr\"]\n",
       "c.toml:1:11: unknown container 'scroll' (expected image, pdf, transcript, video)"},
      {"[pipeline.pdf]\nstages = [\"pdf_text\", \"orc\"]\n", "c.toml:2:23: unknown stage 'orc'"},
      {"[pipeline.pdf]\nstages = [\"image_load\"]\n",
       "c.toml:2:11: stage 'image_load' does not run on pdf"},
      {"[pipeline.pdf]\nstages = [\"ocr\", \"ocr\"]\n", "c.toml:2:18: stage 'ocr' listed twice"},
      {"[pipeline.pdf]\nstage = [\"ocr\"]\n",
       "c.toml:2:1: unknown key 'stage' in [pipeline.pdf] (expected stages, params)"},
      {"[params.ocr]\npsm = 42\n", "c.toml:2:7: ocr.psm must be an integer from 3 to 13, got 42"},
      {"[params.ocr]\npms = 6\n", "c.toml:2:1: unknown parameter 'pms' of stage 'ocr'"},
      {"[pipeline.image.params.rasterize]\ndpi = 200\n",
       "c.toml:1:24: stage 'rasterize' does not run on image"},
      {"[plan]\n",
       "c.toml:1:2: unknown table or key 'plan' (expected [pipeline.<container>], "
       "[params.<stage>])"},
      // Non-finite numbers are refused and shown as written, not as JSON's null.
      {"[params.image_load]\nmax_megapixels = nan\n",
       "c.toml:2:18: image_load.max_megapixels must be a number from 1 to 10000, got nan"},
      {"[params.image_load]\nmax_megapixels = -inf\n",
       "c.toml:2:18: image_load.max_megapixels must be a number from 1 to 10000, got -inf"},
      {"[params.rasterize]\ndpi = inf\n",
       "c.toml:2:7: rasterize.dpi must be an integer from 36 to 1200, got inf"},
  };
  for (const auto& [text, message] : cases) {
    auto c = ParsePipelineConfig(text, "c.toml", Catalog());
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.error().message, message) << text;
  }
}

TEST(PipelineConfigTest, OverlayReplacesPipelinesAndMergesParameters) {
  auto base = DefaultPipelineConfig(Catalog());
  ASSERT_TRUE(base.ok());
  auto over = ParsePipelineConfig(
      "[pipeline.image]\nstages = [\"image_load\", \"ocr\"]\n[params.ocr]\npsm = 6\n"
      "[pipeline.pdf.params.ocr]\npsm = 4\n",
      "o.toml", Catalog());
  ASSERT_TRUE(over.ok()) << over.error().message;
  const PipelineConfig merged = Overlay(base.value(), over.value());
  EXPECT_EQ(merged.pipelines.at("image"), (std::vector<std::string>{"image_load", "ocr"}));
  EXPECT_EQ(merged.pipelines.at("pdf"), base.value().pipelines.at("pdf"));  // not named: kept
  EXPECT_EQ(merged.params["ocr"]["psm"], 6);
  EXPECT_EQ(merged.container_params.at("pdf")["ocr"]["psm"], 4);
  // A later file's [params] beats an earlier file's per-container value.
  auto later = ParsePipelineConfig("[params.ocr]\npsm = 8\n", "l.toml", Catalog());
  const PipelineConfig last = Overlay(merged, later.value());
  EXPECT_EQ(last.params["ocr"]["psm"], 8);
  EXPECT_FALSE(last.container_params.at("pdf").contains("ocr"));
}

TEST(PipelineConfigTest, TheRecordedFormReadsBackAndIsValidatedAgain) {
  auto over = ParsePipelineConfig("[params.ocr]\npsm = 6\n[pipeline.image.params.ocr]\npsm = 7\n",
                                  "o.toml", Catalog());
  ASSERT_TRUE(over.ok());
  const PipelineConfig c = Overlay(DefaultPipelineConfig(Catalog()).value(), over.value());
  auto back = PipelineConfig::FromJson(c.ToJson(), Catalog());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(DumpCanonical(back.value().ToJson()), DumpCanonical(c.ToJson()));
  CanonicalJson stale = c.ToJson();
  stale["params"]["ocr"]["psm"] = 99;  // recorded by an assay with other ranges
  auto refused = PipelineConfig::FromJson(stale, Catalog());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "ocr.psm must be an integer from 3 to 13, got 99");
}

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

Planner DefaultPlanner(ParamLayer set = ParamLayer::object()) {
  auto config = DefaultPipelineConfig(Catalog());
  EXPECT_TRUE(config.ok());
  return Planner(Catalog(), config.value(), std::move(set));
}

// The planned stage `id` of a plan (by name: pipelines gain stages, so positions move).
const PlannedStage& StageOf(const Plan& plan, const std::string& id) {
  for (const PlannedStage& s : plan.stages) {
    if (s.spec->id == id) return s;
  }
  ADD_FAILURE() << "no stage " << id << " in the plan";
  return plan.stages.front();
}

TEST(PlannerTest, PlansCarryCompleteParametersResourcesAndLibraries) {
  Planner planner = DefaultPlanner();
  auto plan = planner.For("pdf");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const auto config = DefaultPipelineConfig(Catalog());
  ASSERT_EQ(plan.value().stages.size(), config.value().pipelines.at("pdf").size());
  const auto found = std::find_if(plan.value().stages.begin(), plan.value().stages.end(),
                                  [](const PlannedStage& s) { return s.spec->id == "ocr"; });
  ASSERT_NE(found, plan.value().stages.end());
  const PlannedStage& ocr = *found;
  EXPECT_EQ(DumpCanonical(ocr.params),
            R"({"auto_dictionaries":"en_US+de_DE+fr_FR+es_ES+it_IT+pt_PT","auto_latin":"eng",)"
            R"("auto_latin_max_cer_estimate":0.1,"auto_min_script_confidence":1,)"
            R"("blank_max_ink_fraction":0.0002,"dictionary":"auto","lang":"eng","psm":3,)"
            R"("retry_above_cer_estimate":0.02,"retry_clean_pages":false,"retry_max_passes":2,)"
            R"("retry_min_gain":0.1})");
  // The model, and the dictionaries of the retry estimate (one per language, dictionary=auto).
  ASSERT_EQ(ocr.resources.size(), 7u);
  EXPECT_EQ(ocr.resources[0].ref.kind, "tesseract");
  EXPECT_EQ(ocr.resources[0].sha256.size(), 64u);
  EXPECT_EQ(ocr.resources[1].ref.kind, "hunspell");
  EXPECT_EQ(ocr.libraries.size(), 3u);  // tesseract, leptonica, hunspell
  EXPECT_TRUE(ocr.libraries.contains("tesseract"));
  // The wire form reads back to the same identity in a worker.
  auto back = Plan::FromJson(plan.value().ToJson(), Catalog());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back.value().IdentitySha256(), plan.value().IdentitySha256());
  EXPECT_EQ(StageOf(back.value(), "ocr").resources_sha256, ocr.resources_sha256);
}

TEST(PlannerTest, LayersApplyLowestFirst) {
  auto over = ParsePipelineConfig("[params.ocr]\npsm = 4\n[pipeline.image.params.ocr]\npsm = 5\n",
                                  "o.toml", Catalog());
  ASSERT_TRUE(over.ok());
  auto base = DefaultPipelineConfig(Catalog());
  Planner planner(Catalog(), Overlay(base.value(), over.value()), ParamLayer::object());
  EXPECT_EQ(StageOf(planner.For("pdf").value(), "ocr").params["psm"], 4);    // config
  EXPECT_EQ(StageOf(planner.For("image").value(), "ocr").params["psm"], 5);  // container config
  Planner with_set(Catalog(), Overlay(base.value(), over.value()), {{"ocr", {{"psm", 6}}}});
  EXPECT_EQ(StageOf(with_set.For("image").value(), "ocr").params["psm"], 6);  // --set
  EXPECT_EQ(StageOf(with_set.For("image", {{"ocr", {{"psm", 7}}}}).value(), "ocr").params["psm"],
            7);  // the document's own
}

TEST(PlannerTest, AMissingModelFailsThePlanWithHowToGetIt) {
  Planner planner = DefaultPlanner();
  auto plan = planner.For("image", {{"ocr", {{"lang", "kor"}}}});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().stage, "ocr");
  EXPECT_NE(plan.error().message.find("no Tesseract language data for 'kor'"), std::string::npos)
      << plan.error().message;
  EXPECT_NE(plan.error().message.find("tesseract-ocr-kor"), std::string::npos);
  auto bad = planner.For("image", {{"ocr", {{"psm", 99}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "ocr.psm must be an integer from 3 to 13, got 99");
}

TEST(PlannerTest, AnotherModelUnderTheSameNameChangesTheReuseKey) {
  const auto dir = testing::TempDir();
  const std::string before = StageOf(DefaultPlanner().For("image").value(), "ocr").resources_sha256;
  // Any other file standing as eng.traineddata: resolution hashes, it does not load. (The
  // preprocess stage's OSD model is looked up in the same folder.)
  std::ofstream(dir / "eng.traineddata") << "another model";
  std::ofstream(dir / "osd.traineddata") << "another osd model";
  ScopedEnv env("TESSDATA_PREFIX", dir.string());
  auto plan = DefaultPlanner().For("image");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_NE(StageOf(plan.value(), "ocr").resources_sha256, before);
  EXPECT_EQ(StageOf(plan.value(), "ocr").resources[0].location, dir.string());
  // Stages that do not use the model keep their key.
  EXPECT_EQ(plan.value().stages[0].resources_sha256,
            DefaultPlanner().For("image").value().stages[0].resources_sha256);
}

TEST(PlannerTest, PopplerDataIsPartOfThePdfStagesKeys) {
  const auto empty = testing::TempDir();
  const std::string before = DefaultPlanner().For("pdf").value().stages[0].resources_sha256;
  ScopedEnv env("ASSAY_POPPLER_DATA", empty.string());
  auto plan = DefaultPlanner().For("pdf");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan.value().stages[0].spec->id, "pdf_text");
  EXPECT_NE(plan.value().stages[0].resources_sha256, before);
}

TEST(PlanTest, AWorkerRefusesAStageVersionItDoesNotImplement) {
  const Plan planned = DefaultPlanner().For("image").value();
  CanonicalJson plan = planned.ToJson();
  const auto ocr = std::find_if(planned.stages.begin(), planned.stages.end(),
                                [](const PlannedStage& s) { return s.spec->id == "ocr"; });
  plan["stages"][ocr - planned.stages.begin()]["version"] = 99;
  auto back = Plan::FromJson(plan, Catalog());
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().message,
            "the plan names stage ocr v99, which this worker does not implement");
}

}  // namespace
}  // namespace assay
