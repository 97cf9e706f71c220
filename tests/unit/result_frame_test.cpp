// The supervisor's decoding of a worker's answer (core/result_frame.h): every malformed answer
// is a reason, never an exception or undefined behaviour. Cases found by fuzzing are kept here
// and in tests/fuzz/corpus/result_frame/.
#include "core/result_frame.h"

#include <gtest/gtest.h>

#include "core/sha256.h"

namespace assay {
namespace {

Json GoodResult() {
  TransformationRecord t;
  t.stage = "image_load";
  t.outcome = "ok";
  const std::string delta = R"([{"op":"add","path":"/modality","value":"photo"}])";
  t.delta_sha256 = Sha256Hex(delta);
  WorkResult r;
  r.doc_id = "d";
  r.modality = "photo";
  r.transformations = {t};
  r.outputs = {{t.delta_sha256, delta}};
  r.page_count = 1;
  return r.ToJson();
}

TEST(ResultFrameTest, AGoodResultDecodes) {
  WorkRequest req;
  req.doc_id = "d";
  auto r = DecodeResultFrame(GoodResult().dump(), req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().modality, "photo");
}

TEST(ResultFrameTest, MalformedResultsAreReasons) {
  const std::string malformed = "worker sent a malformed result: ";
  struct Case {
    std::string what;
    Json result;
    std::string message;
  };
  std::vector<Case> cases;
  auto with = [](const std::function<void(Json&)>& change) {
    Json j = GoodResult();
    change(j);
    return j;
  };
  // Found by fuzzing (UBSan): a float where an int is expected was cast without a check.
  cases.push_back({"seq 1e300", with([](Json& j) { j["transformations"][0]["seq"] = 1e300; }),
                   malformed + "not a result (seq must be an integer within range, got 1e+300)"});
  cases.push_back({"page_count", with([](Json& j) { j["page_count"] = -1e300; }),
                   malformed + "not a result (page_count must be an integer within range, got "
                               "-1e+300)"});
  cases.push_back({"stage_version 2^40",
                   with([](Json& j) { j["transformations"][0]["stage_version"] = 1LL << 40; }),
                   malformed + "not a result (stage_version must be an integer within range, got "
                               "1099511627776)"});
  cases.push_back({"negative page count", with([](Json& j) { j["page_count"] = -1; }),
                   malformed + "a negative page count"});
  cases.push_back({"negative duration",
                   with([](Json& j) { j["transformations"][0]["duration_ms"] = -5; }),
                   malformed + "a negative duration"});
  cases.push_back({"output renamed", with([](Json& j) {
                     j["outputs"] = {{Sha256Hex("x"), j["outputs"].begin().value()}};
                   }),
                   malformed + "an output that does not match its hash"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    WorkRequest req;
    req.doc_id = "d";
    auto r = DecodeResultFrame(c.result.dump(), req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().stage, "worker");
    EXPECT_EQ(r.error().message, c.message);
  }
}

}  // namespace
}  // namespace assay
