#include "core/json_schema.h"

#include <cmath>
#include <set>

#include "core/text_metrics.h"

namespace assay {
namespace {

const std::set<std::string>& Supported() {
  static const std::set<std::string> k = {
      "type",      "enum",      "const",     "required",  "properties",
      "additionalProperties",   "items",     "minItems",  "maxItems",
      "minimum",   "maximum",   "minLength", "maxLength", "pattern",
      "oneOf",     "anyOf",     "allOf",     "$ref",      "$schema",
      "$id",       "$defs",     "title",     "description"};
  return k;
}

// Walks every subschema, calling `f(subschema, pointer)`.
Status Walk(const Json& s, const std::string& where,
            const std::function<Status(const Json&, const std::string&)>& f) {
  if (s.is_boolean()) return {};
  if (!s.is_object()) return Error{"schema", where + ": a schema must be an object or boolean"};
  if (Status st = f(s, where); !st.ok()) return st;
  for (const char* key : {"properties", "$defs"}) {
    if (!s.contains(key)) continue;
    for (const auto& [name, sub] : s[key].items()) {
      if (Status st = Walk(sub, where + "/" + key + "/" + name, f); !st.ok()) return st;
    }
  }
  for (const char* key : {"items", "additionalProperties"}) {
    if (s.contains(key)) {
      if (Status st = Walk(s[key], where + "/" + key, f); !st.ok()) return st;
    }
  }
  for (const char* key : {"oneOf", "anyOf", "allOf"}) {
    if (!s.contains(key)) continue;
    for (size_t i = 0; i < s[key].size(); ++i) {
      if (Status st = Walk(s[key][i], where + "/" + key + "/" + std::to_string(i), f); !st.ok()) {
        return st;
      }
    }
  }
  return {};
}

std::string TypeOf(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool HasType(const Json& v, const std::string& t) {
  if (t == "integer") {
    if (v.is_number_integer()) return true;
    return v.is_number_float() && std::floor(v.get<double>()) == v.get<double>();
  }
  return TypeOf(v) == t;
}


std::string Escape(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

}  // namespace

Result<JsonSchema> JsonSchema::Load(const Json& schema) {
  auto shared = std::make_shared<Shared>();
  shared->root = schema;
  Status st = Walk(schema, "#", [&](const Json& s, const std::string& where) -> Status {
    for (const auto& [key, value] : s.items()) {
      if (!Supported().count(key)) {
        return Error{"schema", where + ": unsupported keyword \"" + key + "\""};
      }
    }
    if (s.contains("$ref")) {
      const std::string ref = s["$ref"].get<std::string>();
      if (ref.rfind("#/", 0) != 0) return Error{"schema", where + ": only local $ref: " + ref};
    }
    if (s.contains("pattern")) {
      const std::string p = s["pattern"].get<std::string>();
      try {
        shared->patterns.emplace(p, std::regex(p, std::regex::ECMAScript));
      } catch (const std::regex_error& e) {
        return Error{"schema", where + ": pattern does not compile: " + p};
      }
    }
    return {};
  });
  if (!st.ok()) return st.error();
  JsonSchema out;
  out.shared_ = std::move(shared);
  return out;
}

std::vector<std::string> JsonSchema::Validate(const Json& instance, size_t max_errors) const {
  std::vector<std::string> errors;
  Check(shared_->root, instance, "", errors, max_errors);
  return errors;
}

void JsonSchema::Check(const Json& s, const Json& v, const std::string& where,
                       std::vector<std::string>& errors, size_t max_errors) const {
  if (errors.size() >= max_errors) return;
  const std::string at = where.empty() ? "/" : where;
  auto fail = [&](const std::string& what) {
    if (errors.size() < max_errors) errors.push_back(at + ": " + what);
  };
  if (s.is_boolean()) {
    if (!s.get<bool>()) fail("no value is allowed here");
    return;
  }
  if (s.contains("$ref")) {
    const Json::json_pointer ptr(s["$ref"].get<std::string>().substr(1));
    if (!shared_->root.contains(ptr)) return fail("$ref to nothing: " + s["$ref"].get<std::string>());
    Check(shared_->root.at(ptr), v, where, errors, max_errors);
  }
  if (s.contains("type")) {
    const Json& t = s["type"];
    bool ok = false;
    std::string names;
    for (const Json& one : t.is_array() ? t : Json::array({t})) {
      ok = ok || HasType(v, one.get<std::string>());
      names += (names.empty() ? "" : " or ") + one.get<std::string>();
    }
    if (!ok) return fail("is " + TypeOf(v) + ", must be " + names);
  }
  if (s.contains("enum")) {
    bool found = false;
    for (const Json& e : s["enum"]) found = found || e == v;
    if (!found) fail(DumpJson(v).substr(0, 80) + " is not one of " + DumpJson(s["enum"]));
  }
  if (s.contains("const") && s["const"] != v) fail("must be " + DumpJson(s["const"]));
  if (v.is_object()) {
    if (s.contains("required")) {
      for (const Json& r : s["required"]) {
        if (!v.contains(r.get<std::string>())) fail("required property \"" + r.get<std::string>() + "\" is missing");
      }
    }
    for (const auto& [key, value] : v.items()) {
      const std::string child = where + "/" + Escape(key);
      if (s.contains("properties") && s["properties"].contains(key)) {
        Check(s["properties"][key], value, child, errors, max_errors);
      } else if (s.contains("additionalProperties")) {
        const Json& extra = s["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) {
          fail("property \"" + key + "\" is not allowed");
        } else {
          Check(extra, value, child, errors, max_errors);
        }
      }
    }
  }
  if (v.is_array()) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>()) {
      fail("has " + std::to_string(v.size()) + " items, fewer than " + DumpJson(s["minItems"]));
    }
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>()) {
      fail("has " + std::to_string(v.size()) + " items, more than " + DumpJson(s["maxItems"]));
    }
    if (s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        Check(s["items"], v[i], where + "/" + std::to_string(i), errors, max_errors);
      }
    }
  }
  if (v.is_number()) {
    const double x = v.get<double>();
    if (s.contains("minimum") && x < s["minimum"].get<double>()) fail(DumpJson(v) + " < minimum " + DumpJson(s["minimum"]));
    if (s.contains("maximum") && x > s["maximum"].get<double>()) fail(DumpJson(v) + " > maximum " + DumpJson(s["maximum"]));
  }
  if (v.is_string()) {
    const std::string& str = v.get_ref<const std::string&>();
    if (s.contains("minLength") && CodePointCount(str) < s["minLength"].get<size_t>()) fail("is shorter than minLength");
    if (s.contains("maxLength") && CodePointCount(str) > s["maxLength"].get<size_t>()) fail("is longer than maxLength");
    if (s.contains("pattern")) {
      const auto& re = shared_->patterns.at(s["pattern"].get<std::string>());
      if (!std::regex_search(str, re)) fail("\"" + str.substr(0, 80) + "\" does not match " + s["pattern"].get<std::string>());
    }
  }
  for (const char* key : {"oneOf", "anyOf", "allOf"}) {
    if (!s.contains(key)) continue;
    size_t matched = 0;
    for (const Json& sub : s[key]) {
      std::vector<std::string> sub_errors;
      Check(sub, v, where, sub_errors, 1);
      matched += sub_errors.empty();
    }
    const size_t n = s[key].size();
    if (std::string(key) == "oneOf" && matched != 1) {
      fail("matches " + std::to_string(matched) + " of the oneOf alternatives, must match exactly one");
    } else if (std::string(key) == "anyOf" && matched == 0) {
      fail("matches none of the anyOf alternatives");
    } else if (std::string(key) == "allOf" && matched != n) {
      fail("does not match every allOf alternative");
    }
  }
}

}  // namespace assay
