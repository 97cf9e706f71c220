#include "core/ingest.h"

#include <fnmatch.h>
#include <magic.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "core/clock.h"
#include "core/document.h"
#include "core/sha256.h"

namespace fs = std::filesystem;

namespace assay {

const std::vector<std::string>& KnownContainers() {
  static const std::vector<std::string> kContainers = {"image", "pdf"};
  return kContainers;
}

namespace {

bool IsManifest(const fs::path& p) { return p.extension() == ".jsonl"; }

bool Matches(const std::vector<std::string>& globs, const std::string& name,
             const std::string& path) {
  for (const std::string& glob : globs) {
    if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) return true;
    if (fnmatch(glob.c_str(), path.c_str(), 0) == 0) return true;
  }
  return false;
}

// Globs of the .assayignore files met during one walk, loaded once per folder.
class IgnoreFiles {
 public:
  explicit IgnoreFiles(fs::path root) : root_(std::move(root)) {}

  bool Ignores(const fs::path& p) {
    const std::string name = p.filename().string();
    for (fs::path dir = p.parent_path();; dir = dir.parent_path()) {
      const std::string relative = p.lexically_relative(dir).string();
      if (Matches(GlobsOf(dir), name, relative)) return true;
      if (dir == root_ || dir.empty() || dir == dir.parent_path()) return false;
    }
  }

 private:
  const std::vector<std::string>& GlobsOf(const fs::path& dir) {
    auto [it, inserted] = globs_.try_emplace(dir);
    if (inserted) {
      std::ifstream in(dir / ".assayignore");
      std::string line;
      while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty() && line[0] != '#') it->second.push_back(line);
      }
    }
    return it->second;
  }

  fs::path root_;
  std::map<fs::path, std::vector<std::string>> globs_;
};

std::string Normal(const fs::path& p) { return p.lexically_normal().string(); }

// Manifest items keyed by (path, alt-text): one file may be listed with several alt-texts.
using Listed = std::map<std::pair<std::string, std::string>, InputItem>;

// Reads a manifest; every line becomes an item (a broken line becomes an item with a problem).
void ReadManifest(const fs::path& manifest, Listed* items) {
  std::ifstream in(manifest);
  std::string line;
  int number = 0;
  const fs::path base = manifest.parent_path();
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = Normal(manifest) + ":" + std::to_string(number);
    InputItem item;
    try {
      const Json j = Json::parse(line);
      if (!j.is_object() || !j.contains("path") || !j["path"].is_string()) {
        throw std::runtime_error("an entry needs a \"path\" string");
      }
      for (const auto& [key, value] : j.items()) {
        if (key != "path" && key != "alt_text" && key != "ground_truth" && key != "tags") {
          throw std::runtime_error("unknown key \"" + key + "\"");
        }
      }
      item.path = Normal(base / j["path"].get<std::string>());
      item.relative_path = Normal(fs::path(j["path"].get<std::string>()));
      if (j.contains("alt_text")) item.alt_text = j["alt_text"].get<std::string>();
      if (j.contains("ground_truth")) {
        item.ground_truth = Normal(base / j["ground_truth"].get<std::string>());
      }
      if (j.contains("tags")) item.tags = j["tags"].get<std::vector<std::string>>();
      std::sort(item.tags.begin(), item.tags.end());
      if (!fs::exists(item.path)) item.problem = "file not found (listed at " + where + ")";
    } catch (const std::exception& e) {
      item = InputItem{};
      item.path = where;
      item.relative_path = manifest.filename().string() + ":" + std::to_string(number);
      item.problem = std::string("bad manifest line: ") + e.what();
    }
    (*items)[{item.path, item.alt_text.value_or("")}] = std::move(item);
  }
}

}  // namespace

Result<Inputs> EnumerateInputs(const std::vector<std::string>& inputs,
                               const std::vector<std::string>& exclude) {
  Inputs out;
  std::map<std::string, InputItem> walked;  // found as plain files
  Listed listed;                            // from manifests: they win
  for (const std::string& input : inputs) {
    std::error_code ec;
    const fs::path root(input);
    if (!fs::exists(fs::symlink_status(root, ec)) && !fs::exists(root, ec)) {
      return Error{"usage", "input does not exist: " + input};
    }
    if (!fs::is_directory(root, ec)) {
      if (IsManifest(root)) {
        ReadManifest(root, &listed);
      } else {
        InputItem& item = walked[Normal(root)];
        item.path = Normal(root);
        item.relative_path = root.filename().string();
      }
      continue;
    }
    IgnoreFiles ignore_files(root);
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec),
        end;
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      const fs::path& p = it->path();
      const bool is_dir = it->is_directory(ec);
      if (p.filename().string().starts_with(".")) {
        if (is_dir) it.disable_recursion_pending();
        continue;
      }
      if (Matches(exclude, p.filename().string(), p.string()) || ignore_files.Ignores(p)) {
        if (is_dir) {
          it.disable_recursion_pending();
        } else {
          ++out.ignored;
        }
        continue;
      }
      if (is_dir) continue;  // symlinked folders are listed, not followed
      if (IsManifest(p)) {
        ReadManifest(p, &listed);
      } else {
        InputItem& item = walked[Normal(p)];
        item.path = Normal(p);
        item.relative_path = Normal(p.lexically_relative(root));
      }
    }
  }
  for (const auto& [key, item] : listed) walked.erase(key.first);
  for (auto& [path, item] : walked) out.items.push_back(std::move(item));
  for (auto& [key, item] : listed) out.items.push_back(std::move(item));
  std::sort(out.items.begin(), out.items.end(), [](const InputItem& a, const InputItem& b) {
    return std::tie(a.path, a.alt_text) < std::tie(b.path, b.alt_text);
  });
  return out;
}

Sniffed SniffBytes(const std::string& head) {
  if (head.substr(0, 1024).find("%PDF-") != std::string::npos) return {"pdf", "application/pdf"};
  // Loading the magic database costs milliseconds: do it once per process.
  static const magic_t cookie = [] {
    magic_t c = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (c != nullptr && magic_load(c, nullptr) != 0) {
      magic_close(c);
      c = nullptr;
    }
    return c;
  }();
  std::string mime = "application/octet-stream";
  if (cookie != nullptr) {
    if (const char* m = magic_buffer(cookie, head.data(), head.size())) mime = m;
  }
  static const char* kImages[] = {"image/png",
                                  "image/jpeg",
                                  "image/tiff",
                                  "image/bmp",
                                  "image/x-ms-bmp",
                                  "image/webp",
                                  "image/gif",
                                  "image/jp2",
                                  "image/x-portable-bitmap",
                                  "image/x-portable-greymap",
                                  "image/x-portable-pixmap"};
  for (const char* m : kImages) {
    if (mime == m) return {"image", mime};
  }
  return {"unsupported", mime};
}

namespace {

std::string DocIdFor(const std::string& source_id, const InputItem& item) {
  if (!item.alt_text) return source_id;
  // Same bytes with other alt-text is another training example (DESIGN: identities).
  return Sha256Hex(source_id + "\nalt_text\n" + *item.alt_text);
}

// Reads and identifies one item's file: everything but the store writes.
struct Examined {
  IngestedItem ingested;
  std::optional<SourceRecord> source;
};

Examined Examine(const InputItem& item, uint64_t max_file_bytes,
                 const std::function<bool()>& stop) {
  Examined e;
  IngestedItem& out = e.ingested;
  out.item = item;
  DocumentRecord& doc = out.doc;
  doc.path = item.path;
  doc.alt_text = item.alt_text;
  doc.ground_truth = item.ground_truth;
  doc.tags = Json(item.tags).dump();
  std::optional<std::string>& problem = out.problem;
  problem = item.problem;
  std::string source_id;
  std::error_code ec;
  if (!problem && !fs::is_regular_file(item.path, ec)) problem = "not a regular file";
  uint64_t size = problem ? 0 : fs::file_size(item.path, ec);
  if (!problem && size > max_file_bytes) {
    problem = "file of " + std::to_string(size >> 20) + " MiB exceeds --max-file-size (" +
              std::to_string(max_file_bytes >> 20) + " MiB)";
  }
  if (!problem) {
    if (auto sha = Sha256File(item.path, &size, stop)) {
      source_id = *sha;
    } else {
      problem = "cannot read the file (permissions?)";
    }
  }
  if (!problem && size == 0) problem = "empty file (0 bytes)";
  if (!problem && item.ground_truth) {
    out.ground_truth_sha256 = Sha256File(*item.ground_truth);
    if (!out.ground_truth_sha256) problem = "ground truth not readable: " + *item.ground_truth;
  }
  Sniffed sniffed{"unreadable", ""};
  if (!source_id.empty()) {
    std::string head(8192, '\0');
    std::ifstream in(item.path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    sniffed = SniffBytes(head);
    e.source = SourceRecord{source_id, size, sniffed.mime, item.path, item.relative_path};
    doc.source_id = source_id;
    if (!problem && sniffed.container == "unsupported") {
      problem = "unsupported type: " + sniffed.mime;
    }
  }
  doc.container = sniffed.container;
  doc.doc_id =
      source_id.empty() ? Sha256Hex("unreadable\n" + item.path) : DocIdFor(source_id, item);
  return e;
}

}  // namespace

std::vector<IngestedItem> IngestInputs(Store& store, const std::vector<InputItem>& items,
                                       int64_t run_id, uint64_t max_file_bytes,
                                       const std::function<bool()>& stop, int batch) {
  std::vector<IngestedItem> out;
  std::set<std::string> doc_ids;
  std::vector<Examined> pending;
  auto flush = [&] {
    if (pending.empty()) return;
    Transaction tx(store.db());
    const std::string now = NowRfc3339();
    for (Examined& e : pending) {
      if (e.source) store.RegisterSource(*e.source, run_id, now);
      if (!doc_ids.insert(e.ingested.doc.doc_id).second) continue;  // same bytes, another path
      store.RegisterDocument(e.ingested.doc, now);
      out.push_back(std::move(e.ingested));
    }
    tx.Commit();
    pending.clear();
  };
  for (const InputItem& item : items) {
    if (stop()) break;
    Examined e = Examine(item, max_file_bytes, stop);
    if (stop()) break;  // the stop may have cut its hashing short: it is not registered
    pending.push_back(std::move(e));
    if (static_cast<int>(pending.size()) >= batch) flush();
  }
  flush();
  return out;
}

}  // namespace assay
