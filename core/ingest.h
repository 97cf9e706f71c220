// Ingest: turn the command line's inputs (files, folders, JSONL manifests) into input items,
// and identify each file from its bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/provenance.h"
#include "core/result.h"
#include "core/store.h"

namespace assay {

// The containers ingest recognises from bytes; every one has a pipeline.
const std::vector<std::string>& KnownContainers();

// One thing to become a document. Paths are raw bytes (file names are bytes on Linux); the
// store, JSON and messages write them as path text (core/path_text.h).
struct InputItem {
  std::string path;  // lexically normal; relative inputs stay relative
  // The path relative to the input root it was found under: the walked folder, the manifest's
  // folder, or (a file given directly) its own folder.
  std::string relative_path;
  // The file's real path (symlinks resolved) when it is a symlink or lies outside its input
  // root (then only with InputRules::allow_outside): lineage records where the bytes came from.
  std::optional<std::string> resolved_path;
  std::optional<std::string> alt_text;
  // The image's caption and W3C role (informative, decorative, ...; see ImageRoles()).
  std::optional<std::string> caption;
  std::optional<std::string> image_role;
  // Where the tables are, when the manifest says (`table_areas`, `pages`): canonical JSON
  // {"pages": [...], "table_areas": [[x0, y0, x1, y1], ...]} (core/table_hints.h).
  std::optional<std::string> table_hints;
  std::optional<std::string> ground_truth;  // path of a ground-truth text file
  // A transcript's media file (audio or video, its duration is checked against the cues)
  // and declared language (a BCP 47 tag such as "en" or "pt-BR"): docs/transcripts.md.
  std::optional<std::string> media;
  std::optional<std::string> language;
  std::vector<std::string> tags;
  std::optional<std::string> password;  // opens an encrypted PDF; never recorded
  // Licence and source URL: the manifest entry's, else its folder's sidecar's (core/provenance.h).
  Provenance provenance;
  // Set when the item is broken before its bytes are read (a bad manifest line, a missing
  // file, a path refused): it is recorded as an error document with this message.
  std::optional<std::string> problem;
};

// Longest manifest line read; a longer line is one error entry, never copied anywhere.
inline constexpr size_t kMaxManifestLineBytes = 64 * 1024;

struct Inputs {
  std::vector<InputItem> items;  // sorted by path, so runs are reproducible
  int ignored = 0;               // files skipped by --exclude or an .assayignore
  // Folders of a walk that could not be listed (permissions): their files are not inputs,
  // and are reported, never dropped silently. Raw paths.
  std::vector<std::string> unreadable_folders;
  // What a person should know about how the inputs were read (duplicate manifest entries
  // merged or refused, the output folder skipped), one line each, as path text.
  std::vector<std::string> notices;
};

// What else decides what is an input.
struct InputRules {
  std::vector<std::string> exclude;  // globs on file names or paths
  // Never an input, nor anything under it (compared by device and inode, so another spelling
  // or a symlink of it is caught too). Empty: none.
  std::filesystem::path out_dir;
  // Manifest paths (and ground truth) leaving the manifest's folder, and symlinks of a walked
  // folder pointing outside it, are refused unless this is set (--allow-outside-inputs).
  bool allow_outside = false;
};

// Expands inputs: a file is one item; a folder is walked recursively (symlinked folders are
// not followed); a `.jsonl` file, given directly or met in a folder, is a manifest whose
// entries' paths are relative to it. An item listed by a manifest and also found by a walk is
// one item carrying the manifest's attributes; an item listed several times is one item with
// the union of its tags, or an error item when the entries disagree (ground truth, password),
// with a notice either way. In a walk, hidden entries are skipped, and so are entries
// matching an `exclude` glob or a glob of an `.assayignore` file (one glob per line, `#`
// comments) in the entry's folder or any folder above it up to the walked root; these are
// counted in `ignored`, never dropped silently. Fails only for bad usage: an input that does
// not exist, or one inside the output folder.
Result<Inputs> EnumerateInputs(const std::vector<std::string>& inputs, const InputRules& rules);

// The password of encrypted PDFs in `file` (--password-file): its first line, without the
// line end. Bad usage when unreadable or empty; the content is never quoted in a message.
Result<std::string> ReadPasswordFile(const std::filesystem::path& file);

// What the bytes say the file is.
struct Sniffed {
  std::string container;  // "pdf", "image", "transcript", or "unsupported"
  std::string mime;       // e.g. "application/pdf", "text/plain"
};

// An input item as ingest registered it: its document, and what is wrong with it, if anything.
struct IngestedItem {
  InputItem item;
  DocumentRecord doc;
  std::optional<std::string> problem;  // the document is an error before any stage: why
  std::optional<std::string> ground_truth_sha256;
  std::optional<std::string> media_sha256;
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
// follow up to 1 KiB of junk, plus the transcript signatures of stages/transcript_parse.h).
// Never looks at the extension.
Sniffed SniffBytes(const std::string& head);

}  // namespace assay
