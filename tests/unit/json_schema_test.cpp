// The small JSON Schema validator: each supported keyword accepts and refuses what draft
// 2020-12 says, and a schema with an unsupported keyword is refused when loaded. (The e2e test
// test_release cross-checks it against python3-jsonschema on release records.)
#include "core/json_schema.h"

#include <gtest/gtest.h>

namespace assay {

const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinJsonSchemaTexts();

namespace {

JsonSchema Load(const char* text) {
  auto s = JsonSchema::Load(Json::parse(text));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.value();
}

bool Valid(const JsonSchema& s, const char* instance) { return s.Validate(Json::parse(instance)).empty(); }

TEST(JsonSchema, RefusesUnsupportedKeywordsAndRemoteRefs) {
  auto a = JsonSchema::Load(Json::parse(R"({"type": "object", "properties": {"a": {"format": "date"}}})"));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("unsupported keyword \"format\""), std::string::npos);
  EXPECT_NE(a.error().message.find("#/properties/a"), std::string::npos);
  EXPECT_FALSE(JsonSchema::Load(Json::parse(R"({"$ref": "http://example.com/s.json"})")).ok());
  EXPECT_FALSE(JsonSchema::Load(Json::parse(R"({"pattern": "("})")).ok());
}

TEST(JsonSchema, TypesRequiredAndProperties) {
  const JsonSchema s = Load(R"({"type": "object", "required": ["n"],
    "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 3},
                   "s": {"type": ["string", "null"], "minLength": 2, "pattern": "^[a-f]+$"}},
    "additionalProperties": false})");
  EXPECT_TRUE(Valid(s, R"({"n": 1})"));
  EXPECT_TRUE(Valid(s, R"({"n": 2.0, "s": null})"));  // 2.0 is an integer in JSON Schema
  EXPECT_TRUE(Valid(s, R"({"n": 3, "s": "abc"})"));
  EXPECT_FALSE(Valid(s, R"({})"));
  EXPECT_FALSE(Valid(s, R"({"n": 1.5})"));
  EXPECT_FALSE(Valid(s, R"({"n": 4})"));
  EXPECT_FALSE(Valid(s, R"({"n": 0})"));
  EXPECT_FALSE(Valid(s, R"({"n": 1, "s": "a"})"));
  EXPECT_FALSE(Valid(s, R"({"n": 1, "s": "xyz"})"));
  EXPECT_FALSE(Valid(s, R"({"n": 1, "other": true})"));
  EXPECT_FALSE(Valid(s, R"([1])"));
  const auto errors = s.Validate(Json::parse(R"({"n": "one"})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "/n: is string, must be integer");
}

TEST(JsonSchema, ArraysEnumsOneOfAndRefs) {
  const JsonSchema s = Load(R"({"$defs": {"box": {"type": "array", "items": {"type": "number"},
                                                  "minItems": 4, "maxItems": 4}},
    "type": "object", "properties": {
      "bbox": {"$ref": "#/$defs/box"},
      "kind": {"enum": ["a", "b"]},
      "sha": {"oneOf": [{"type": "null"}, {"type": "string"}]},
      "m": {"type": "object", "additionalProperties": {"type": "number"}}}})");
  EXPECT_TRUE(Valid(s, R"({"bbox": [0, 0, 1.5, 2], "kind": "a", "sha": null, "m": {"x": 1}})"));
  EXPECT_FALSE(Valid(s, R"({"bbox": [0, 0, 1]})"));
  EXPECT_FALSE(Valid(s, R"({"bbox": [0, 0, 1, 2, 3]})"));
  EXPECT_FALSE(Valid(s, R"({"bbox": [0, 0, 1, "2"]})"));
  EXPECT_FALSE(Valid(s, R"({"kind": "c"})"));
  EXPECT_FALSE(Valid(s, R"({"sha": 5})"));
  EXPECT_FALSE(Valid(s, R"({"m": {"x": "high"}})"));
}

TEST(JsonSchema, TheExportSchemaLoads) {
  // The schema `release validate` uses is compiled in; every keyword it uses is supported.
  ASSERT_FALSE(BuiltinJsonSchemaTexts().empty());
  auto s = JsonSchema::Load(Json::parse(BuiltinJsonSchemaTexts().front().second));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
}

}  // namespace
}  // namespace assay
