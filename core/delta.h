// A stage's output as the difference it made to the document's content: a JSON Patch
// (RFC 6902) against its input. Replaying the patches of a document's transformations in
// order, from InitialContent(container), rebuilds any of its states.
#pragma once

#include "core/document.h"

namespace assay {

// What turns `before` into `after`, checked by applying it: when the patch does not reproduce
// `after` byte for byte, the delta replaces the whole content instead.
CanonicalJson ContentDelta(const CanonicalJson& before, const CanonicalJson& after);

// Applies a stored delta. Throws nlohmann::json::exception on a malformed patch.
CanonicalJson ApplyDelta(const CanonicalJson& content, const CanonicalJson& delta);

}  // namespace assay
