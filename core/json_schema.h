// A small JSON Schema (draft 2020-12) validator for the keywords assay's own schemas use. No
// C++ validator is packaged in Debian; this one is cross-tested against python3-jsonschema on
// the same records (tests/e2e/test_release.py). A schema using a keyword outside the list below
// is refused when loaded, never silently half-checked.
//
// Keywords: type, enum, const, required, properties, additionalProperties, items, minItems,
// maxItems, minimum, maximum, minLength, maxLength, pattern, oneOf, anyOf, allOf, $ref (local
// "#/..." pointers only), and the annotations $schema, $id, $defs, title, description.
#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/result.h"

namespace assay {

class JsonSchema {
 public:
  // Checks every keyword of `schema` (recursively) is supported and every pattern compiles.
  static Result<JsonSchema> Load(const Json& schema);

  // The violations of `instance` (empty = valid), each "<JSON pointer>: <what is wrong>", at
  // most `max_errors` of them.
  std::vector<std::string> Validate(const Json& instance, size_t max_errors = 10) const;

 private:
  struct Shared {
    Json root;
    std::map<std::string, std::regex> patterns;
  };
  void Check(const Json& schema, const Json& value, const std::string& where,
             std::vector<std::string>& errors, size_t max_errors) const;
  std::shared_ptr<Shared> shared_;
};

}  // namespace assay
