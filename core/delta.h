// A stage's output as the difference it made to the document's content: a JSON Patch
// (RFC 6902) against its input. Replaying the patches of a document's transformations in
// order, from InitialContent(container), rebuilds any of its states.
//
// A state's identity chains the deltas: the state after a stage is SHA-256 of (the state
// before it, the SHA-256 of its delta), and a stage that changed nothing leaves the identity
// as it was. The first state is the document's first input hash (source, alt-text flag,
// ground truth), so documents with the same content but other ground truth never share a later
// stage's output. The chain needs no serialisation of the whole content, which would cost as
// much as the stages themselves on born-digital PDFs.
#pragma once

#include <optional>
#include <string>

#include "core/document.h"

namespace assay {

// What turns `before` into `after`: replace, add and remove operations, found by walking both
// trees. Two values are equal when their canonical dumps are: integers compare by value
// whatever their JSON integer kind, an integer never equals a float (60 and 60.0 dump
// differently). Empty when nothing changed.
CanonicalJson ContentDelta(const CanonicalJson& before, const CanonicalJson& after);

// Applies a stored delta. Throws nlohmann::json::exception on a malformed patch.
CanonicalJson ApplyDelta(const CanonicalJson& content, const CanonicalJson& delta);

// Applies a stored delta after checking it: its text hashes to `delta_sha256`, it parses and
// applies, and it turns the state `input_sha256` into `output_sha256`. nullopt when any check
// fails (a damaged store). `content` is the state `input_sha256` names.
std::optional<CanonicalJson> ReplayDelta(const CanonicalJson& content,
                                         const std::string& delta_text,
                                         const std::string& delta_sha256,
                                         const std::string& input_sha256,
                                         const std::string& output_sha256);

// True when `a` and `b` have the same canonical dump (the equality ContentDelta uses).
bool SameContent(const CanonicalJson& a, const CanonicalJson& b);

// The identity of the state after a stage whose delta has `delta_sha256` (of its canonical
// text), given the identity of the state before it; `delta_is_empty`: the stage changed
// nothing, and the identity stays.
std::string NextStateSha256(const std::string& state_sha256, const std::string& delta_sha256,
                            bool delta_is_empty);

}  // namespace assay
