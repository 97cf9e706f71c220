#include "core/delta.h"

namespace assay {

CanonicalJson ContentDelta(const CanonicalJson& before, const CanonicalJson& after) {
  CanonicalJson delta = CanonicalJson::diff(before, after);
  // JSON Patch equality treats 1 and 1.0 alike, and a state must come back with the very bytes
  // it had: check, and fall back to replacing the whole content.
  if (DumpCanonical(before.patch(delta)) != DumpCanonical(after)) {
    delta = CanonicalJson::array({{{"op", "replace"}, {"path", ""}, {"value", after}}});
  }
  return delta;
}

CanonicalJson ApplyDelta(const CanonicalJson& content, const CanonicalJson& delta) {
  return content.patch(delta);
}

}  // namespace assay
