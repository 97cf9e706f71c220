// Resources: what a stage needs besides its input (a Tesseract model, a dictionary, Poppler's
// encoding data, the system fonts). Anything that can change a stage's output is a resource
// or a library version, so that it is part of the stage's reuse key and lineage: a key that
// misses one serves stale outputs.
//
// Life of a resource: a stage declares a ResourceRef for its parameters; the supervisor
// resolves it (locates its files and hashes them, running no library code) into a
// ResolvedResource that goes into the document's plan; a worker loads exactly what the plan
// names (checking the files still hash the same) and caches it for later documents.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace assay {

// A resource as a stage asks for it: {"tesseract", "eng+deu"}, {"hunspell", "en_US"}.
struct ResourceRef {
  std::string kind;
  std::string name;
  bool operator<(const ResourceRef& o) const {
    return kind < o.kind || (kind == o.kind && name < o.name);
  }
  bool operator==(const ResourceRef& o) const = default;
};

// A resource located and identified on this machine.
struct ResolvedResource {
  ResourceRef ref;
  std::string sha256;             // identity: the content of what it loads (see each kind)
  std::string location;           // where it was found (a folder or file); not part of its identity
  nlohmann::json ToJson() const;  // {"kind", "name", "sha256", "location"}
  static ResolvedResource FromJson(const nlohmann::json& j);
};

// A resource loaded in a worker. Each kind subclasses it with what stages use.
class LoadedResource {
 public:
  virtual ~LoadedResource() = default;
};

struct ResourceKind {
  std::string_view kind;
  std::string_view summary;
  // Locates `name` and hashes what loading it would read. Runs in the supervisor: file access
  // and hashing only. Fails with a message that says how to get the resource (which Debian
  // package, which environment variable).
  Result<ResolvedResource> (*resolve)(std::string_view name) = nullptr;
  // Loads what `resolved` located. Runs in a worker.
  Result<std::unique_ptr<LoadedResource>> (*load)(const ResolvedResource& resolved) = nullptr;
  // True when loading installs process-wide state (Poppler's GlobalParams): a worker then
  // holds one resource of this kind at a time.
  bool process_wide = false;
};

// SHA-256 over the files under `dir` (recursively, sorted by relative path, each file's
// relative path, size and content). Empty folder or missing folder: the hash of nothing, so
// an absent data folder has an identity too.
std::string HashTree(const std::string& dir);

}  // namespace assay
