// Provenance of a document: the licence it is under and the URL it came from. Given per entry
// by a JSONL manifest (`license`, `source_url`) or for a whole folder by a sidecar file
// `assay-provenance.json` in it ({"license": ..., "source_url": ...}), which applies to every
// file under that folder; a nearer sidecar wins over one further up, and a manifest entry wins
// over any sidecar, field by field. Provenance is a manifest fact like tags: it is stored,
// shown in lineage and exported, but it is not part of the document's identity, its stage
// outputs, their reuse or its processing version (docs/provenance.md).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/result.h"

namespace assay {

// The sidecar's file name. Never an input itself.
inline constexpr const char* kProvenanceSidecar = "assay-provenance.json";

struct Provenance {
  std::optional<std::string> license;
  std::optional<std::string> source_url;
  // Fills the fields this one lacks from `fallback` (a farther source of the facts).
  void FillFrom(const Provenance& fallback);
};

// Checks a licence: an SPDX-like expression (ids such as `CC-BY-4.0`, `MIT`,
// `LicenseRef-acme-1`, joined by AND, OR, WITH, in balanced parentheses), at most 256 bytes.
// The ids are not checked against the SPDX list. Error (stage "ingest") saying what is wrong.
Status ValidateLicense(const std::string& license);

// Checks a source URL: an absolute URL (`scheme:` then RFC 3986 characters or %HH escapes,
// no spaces or control characters), with a host for http, https, ftp and ftps, at most 2048
// bytes. Error (stage "ingest") saying what is wrong.
Status ValidateSourceUrl(const std::string& url);

// Reads the provenance keys of a parsed JSON object (a manifest entry or a sidecar), checking
// each value. Other keys are the caller's business.
template <typename JsonObject>
Result<Provenance> ProvenanceOf(const JsonObject& j) {
  Provenance p;
  for (const char* key : {"license", "source_url"}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_string())
      return Error{"ingest", std::string("\"") + key + "\" must be a string"};
    const std::string value = j[key].template get<std::string>();
    Status s = std::string(key) == "license" ? ValidateLicense(value) : ValidateSourceUrl(value);
    if (!s.ok()) return s.error();
    (std::string(key) == "license" ? p.license : p.source_url) = value;
  }
  return p;
}

// The sidecars met during one enumeration, each read once. For a file, the provenance of the
// sidecars in its folder and the folders above it, up to `root`, nearest first.
class ProvenanceSidecars {
 public:
  // The provenance for `file` under `root`, or the error of a sidecar on its way that does
  // not parse or validate (the message names the sidecar).
  Result<Provenance> For(const std::filesystem::path& file, const std::filesystem::path& root);

 private:
  const Result<Provenance>& Of(const std::filesystem::path& dir);
  std::map<std::filesystem::path, Result<Provenance>> read_;
};

}  // namespace assay
