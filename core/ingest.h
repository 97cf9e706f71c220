// Ingest: turn the command line's inputs (files, folders, JSONL manifests) into input items,
// and identify each file from its bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/store.h"

namespace assay {

// The containers ingest recognises from bytes; every one has a pipeline.
const std::vector<std::string>& KnownContainers();

// One thing to become a document.
struct InputItem {
  std::string path;  // lexically normal; relative inputs stay relative
  // The path relative to the input root it was found under: the walked folder, the
  // manifest's folder, or (a file given directly) its own folder.
  std::string relative_path;
  std::optional<std::string> alt_text;
  std::optional<std::string> ground_truth;  // path of a ground-truth text file
  std::vector<std::string> tags;
  // Set when the item is broken before its bytes are read (a bad manifest line, a missing
  // file): it is recorded as an error document with this message.
  std::optional<std::string> problem;
};

struct Inputs {
  std::vector<InputItem> items;  // sorted by path, so runs are reproducible
  int ignored = 0;               // files skipped by --exclude or an .assayignore
};

// Expands inputs: a file is one item; a folder is walked recursively (symlinked folders are
// not followed); a `.jsonl` file, given directly or met in a folder, is a manifest whose
// entries' paths are relative to it. An item listed by a manifest and also found by a walk is
// one item carrying the manifest's attributes. In a walk, hidden entries are skipped, and so
// are entries matching an `exclude` glob or a glob of an `.assayignore` file (one glob per
// line, `#` comments) in the entry's folder or any folder above it up to the walked root;
// these are counted in `ignored`, never dropped silently. Fails only for bad usage: an
// input that does not exist.
Result<Inputs> EnumerateInputs(const std::vector<std::string>& inputs,
                               const std::vector<std::string>& exclude);

// What the bytes say the file is.
struct Sniffed {
  std::string container;  // "pdf", "image", or "unsupported"
  std::string mime;       // e.g. "application/pdf", "text/plain"
};

// An input item as ingest registered it: its document, and what is wrong with it, if anything.
struct IngestedItem {
  InputItem item;
  DocumentRecord doc;
  std::optional<std::string> problem;  // the document is an error before any stage: why
  std::optional<std::string> ground_truth_sha256;
};

// Hashes and sniffs every item, then registers its source and document in the store. Files
// are read outside any transaction; registrations commit in short transactions of `batch`
// items, so another process using the store is never locked out for long. Items whose bytes
// (and manifest content) make a document already met in `items` register their path only.
// Files larger than `max_file_bytes` are not read. Stops between items when `stop()` is true
// (the items ingested so far are returned and registered).
std::vector<IngestedItem> IngestInputs(Store& store, const std::vector<InputItem>& items,
                                       int64_t run_id, uint64_t max_file_bytes,
                                       const std::function<bool()>& stop, int batch = 256);

// Identifies a file from its first bytes (libmagic, plus the PDF rule that the header may
// follow up to 1 KiB of junk). Never looks at the extension.
Sniffed SniffBytes(const std::string& head);

}  // namespace assay
