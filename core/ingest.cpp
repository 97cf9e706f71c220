#include "core/ingest.h"

#include <fnmatch.h>
#include <magic.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "core/clock.h"
#include "core/document.h"
#include "core/image_role.h"
#include "core/table_hints.h"
#include "core/path_text.h"
#include "core/sha256.h"
#include "stages/transcript_parse.h"

namespace fs = std::filesystem;

namespace assay {

const std::vector<std::string>& KnownContainers() {
  static const std::vector<std::string> kContainers = {"image", "pdf", "transcript", "video"};
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

// A folder's identity: the same folder under any spelling, bind mount aside.
struct FolderId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FolderId&) const = default;
};

std::optional<FolderId> IdOf(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return FolderId{st.st_dev, st.st_ino};
}

// True when `real` (a canonical path) is `root` (canonical) or lies under it.
bool IsUnder(const fs::path& real, const fs::path& root) {
  auto r = real.begin();
  for (auto it = root.begin(); it != root.end(); ++it, ++r) {
    if (r == real.end() || *r != *it) return false;
  }
  return true;
}

// Everything one enumeration needs to know besides the item being looked at.
class Enumeration {
 public:
  explicit Enumeration(const InputRules& rules) : rules_(rules) {
    if (!rules.out_dir.empty()) out_id_ = IdOf(rules.out_dir);
  }

  // True when `p` is the output folder or lies under it (`p` need not exist).
  bool InOutput(const fs::path& p) const {
    if (!out_id_) return false;
    std::error_code ec;
    fs::path real = fs::weakly_canonical(fs::absolute(p, ec), ec);
    if (ec) return false;
    for (;; real = real.parent_path()) {
      if (IdOf(real) == out_id_) return true;
      if (real == real.parent_path()) return false;
    }
  }
  bool IsOutput(const fs::path& dir) const { return out_id_ && IdOf(dir) == out_id_; }

  // Why `p` (a file listed under `root`, by a manifest or a walk) may not be read, if it may
  // not: it resolves outside `root`, or into the output folder. Sets *resolved to the real
  // path when it differs from the lexical one (a symlink, or outside with allow_outside).
  std::optional<std::string> Refusal(const fs::path& p, const fs::path& root, const char* what,
                                     std::optional<std::string>* resolved) const {
    std::error_code ec;
    const fs::path lexical = fs::absolute(p, ec).lexically_normal();
    const fs::path real = fs::weakly_canonical(lexical, ec);
    if (ec) return std::nullopt;  // unreadable: its own error later
    if (real != lexical) *resolved = real.string();
    if (InOutput(real)) {
      return std::string(what) + " lies in the output folder (" + PathToText(real.string()) +
             "): the output folder is never an input";
    }
    const fs::path real_root = fs::weakly_canonical(fs::absolute(root, ec), ec);
    if (ec || IsUnder(real, real_root)) return std::nullopt;
    *resolved = real.string();  // outside: lineage says where the bytes came from
    if (rules_.allow_outside) return std::nullopt;
    return std::string(what) + " leads outside " + PathToText(Normal(root)) + " (to " +
           PathToText(real.string()) + "): refused; --allow-outside-inputs allows it";
  }

  const InputRules& rules() const { return rules_; }

  // Completes the item's provenance (its manifest entry's, which wins) from the sidecars on
  // its way up to `root`. Sets item->problem when one of them is broken.
  void AddProvenance(const fs::path& root, InputItem* item) const {
    Result<Provenance> found = sidecars_.For(item->path, root);
    if (!found.ok()) {
      if (!item->problem) item->problem = found.error().message;
      return;
    }
    item->provenance.FillFrom(found.value());
  }

 private:
  const InputRules& rules_;
  mutable ProvenanceSidecars sidecars_;  // a cache of what the sidecars say
  std::optional<FolderId> out_id_;
};

// Reads one line of at most `max` bytes into *line (without the newline); the rest of a longer
// line is skipped. Returns the line's full length, or -1 at the end of the stream.
int64_t ReadBoundedLine(std::istream& in, size_t max, std::string* line) {
  line->clear();
  std::streambuf* sb = in.rdbuf();
  int64_t length = 0;
  for (bool any = false;; any = true) {
    const int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) return any ? length : -1;
    if (c == '\n') return length;
    if (line->size() < max) line->push_back(static_cast<char>(c));
    ++length;
  }
}

// A parser's message, without the text it quotes (a line may hold a password) and bounded.
std::string ParseProblem(const std::exception& e) {
  std::string m = e.what();
  if (auto cut = m.find("; last read"); cut != std::string::npos) m.resize(cut);
  if (m.size() > 200) m = m.substr(0, 200) + "...";
  return Utf8Safe(m);
}

std::string Quoted(const std::string& s) {
  return "\"" + Utf8Safe(s.size() > 64 ? s.substr(0, 64) + "..." : s) + "\"";
}

// A manifest entry's path: a string without NUL bytes (a file name cannot hold one).
std::string EntryPath(const Json& j, const char* key) {
  const std::string p = j[key].get<std::string>();
  if (p.empty()) throw std::runtime_error(std::string("\"") + key + "\" is empty");
  if (p.find('\0') != std::string::npos) {
    throw std::runtime_error(std::string("\"") + key + "\" holds a NUL character");
  }
  return p;
}

// Manifest items keyed by (path, alt-text, caption, role), what makes a document's identity:
// one file may be listed with several alt-texts, captions or roles (no alt-text and an empty
// one are two: "missing" and "decorative" are different claims). `where` keeps every line
// that listed a key, for the notices.
struct ListedKey {
  std::string first;  // the path
  std::optional<std::string> alt_text, caption, image_role, table_hints;
  explicit ListedKey(const InputItem& i)
      : first(i.path),
        alt_text(i.alt_text),
        caption(i.caption),
        image_role(i.image_role),
        table_hints(i.table_hints) {}
  bool operator<(const ListedKey& o) const {
    return std::tie(first, alt_text, caption, image_role, table_hints) <
           std::tie(o.first, o.alt_text, o.caption, o.image_role, o.table_hints);
  }
};
struct Listed {
  std::map<ListedKey, InputItem> items;
  std::map<ListedKey, std::vector<std::string>> where;
  std::map<ListedKey, std::string> conflict;
};

// Adds one manifest entry; a second entry for the same key merges into the first.
void AddListed(InputItem item, const std::string& where, Listed* listed) {
  const ListedKey key(item);
  listed->where[key].push_back(where);
  auto [it, inserted] = listed->items.try_emplace(key, item);
  if (inserted) return;
  InputItem& first = it->second;
  if (first.ground_truth != item.ground_truth) {
    listed->conflict.try_emplace(key, "different ground truth");
  } else if (first.password != item.password) {
    listed->conflict.try_emplace(key, "different passwords");
  } else if (first.provenance.license != item.provenance.license) {
    listed->conflict.try_emplace(key, "different licences");
  } else if (first.provenance.source_url != item.provenance.source_url) {
    listed->conflict.try_emplace(key, "different source URLs");
  } else if (first.media != item.media) {
    listed->conflict.try_emplace(key, "different media");
  } else if (first.language != item.language) {
    listed->conflict.try_emplace(key, "different languages");
  }
  if (!first.problem && item.problem) first.problem = item.problem;
  std::vector<std::string> tags = first.tags;
  tags.insert(tags.end(), item.tags.begin(), item.tags.end());
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  first.tags = std::move(tags);
}

// Turns the entries listed more than once into one item each, with a notice saying what
// was done: tags merged, or the entry refused when the lines disagree.
void ResolveDuplicates(Listed* listed, std::vector<std::string>* notices) {
  for (auto& [key, lines] : listed->where) {
    if (lines.size() < 2) continue;
    std::string at;
    for (const std::string& w : lines) at += (at.empty() ? "" : ", ") + w;
    InputItem& item = listed->items[key];
    const std::string name = PathToText(key.first);
    if (auto c = listed->conflict.find(key); c != listed->conflict.end()) {
      item.problem = "listed " + std::to_string(lines.size()) + " times (" + at + ") with " +
                     c->second + ": refused; list it once";
      notices->push_back(name + ": listed " + std::to_string(lines.size()) + " times (" + at +
                         ") with " + c->second + ": refused (an ingest error)");
    } else {
      notices->push_back(name + ": listed " + std::to_string(lines.size()) + " times (" + at +
                         "): one document, tags merged");
    }
  }
}

// Reads a manifest; every line becomes an item (a broken line becomes an item with a problem).
void ReadManifest(const fs::path& manifest, const Enumeration& en, Listed* listed) {
  std::ifstream in(manifest, std::ios::binary);
  std::string line;
  int number = 0;
  const fs::path base = manifest.has_parent_path() ? manifest.parent_path() : fs::path(".");
  for (int64_t length; (length = ReadBoundedLine(in, kMaxManifestLineBytes, &line)) >= 0;) {
    ++number;
    const std::string where = Normal(manifest) + ":" + std::to_string(number);
    if (static_cast<size_t>(length) <= kMaxManifestLineBytes &&
        line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    InputItem item;
    try {
      if (static_cast<size_t>(length) > kMaxManifestLineBytes) {
        throw std::runtime_error("a line of " + std::to_string(length) +
                                 " bytes is longer than the limit of " +
                                 std::to_string(kMaxManifestLineBytes));
      }
      Json j;
      try {
        j = Json::parse(line);
      } catch (const Json::exception& e) {
        throw std::runtime_error(ParseProblem(e));
      }
      if (!j.is_object() || !j.contains("path") || !j["path"].is_string()) {
        throw std::runtime_error("an entry needs a \"path\" string");
      }
      for (const auto& [key, value] : j.items()) {
        if (key != "path" && key != "alt_text" && key != "caption" && key != "image_role" &&
            key != "ground_truth" && key != "tags" && key != "password" && key != "license" &&
            key != "source_url" && key != "table_areas" && key != "pages" && key != "media" &&
            key != "language") {
          throw std::runtime_error("unknown key " + Quoted(key));
        }
      }
      const std::string path = EntryPath(j, "path");
      item.path = Normal(manifest.parent_path() / path);
      item.relative_path = Normal(fs::path(path));
      if (j.contains("alt_text")) item.alt_text = j["alt_text"].get<std::string>();
      if (j.contains("caption")) item.caption = j["caption"].get<std::string>();
      if (j.contains("image_role")) {
        item.image_role = j["image_role"].get<std::string>();
        if (!IsImageRole(*item.image_role)) {
          throw std::runtime_error("unknown image_role " + Quoted(*item.image_role) + " (one of " +
                                   ImageRoleList() + ")");
        }
      }
      if (j.contains("table_areas") || j.contains("pages")) {
        Result<std::string> hints = TableHintsFromManifest(j);
        if (!hints.ok()) throw std::runtime_error(hints.error().message);
        item.table_hints = hints.value();
      }
      if (j.contains("ground_truth")) {
        item.ground_truth = Normal(manifest.parent_path() / EntryPath(j, "ground_truth"));
      }
      if (j.contains("media")) item.media = Normal(manifest.parent_path() / EntryPath(j, "media"));
      if (j.contains("language")) {
        item.language = j["language"].get<std::string>();
        static const std::regex kLanguageTag("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*");
        if (!std::regex_match(*item.language, kLanguageTag)) {
          throw std::runtime_error("language " + Quoted(*item.language) +
                                   " is not a language tag such as \"en\" or \"pt-BR\"");
        }
      }
      if (j.contains("tags")) item.tags = j["tags"].get<std::vector<std::string>>();
      if (j.contains("password")) item.password = j["password"].get<std::string>();
      Result<Provenance> provenance = ProvenanceOf(j);
      if (!provenance.ok()) throw std::runtime_error(provenance.error().message);
      item.provenance = provenance.value();
      std::sort(item.tags.begin(), item.tags.end());
      item.tags.erase(std::unique(item.tags.begin(), item.tags.end()), item.tags.end());
      std::error_code ec;
      std::optional<std::string> unused;
      if (!fs::exists(item.path, ec)) {
        item.problem = "file not found (listed at " + PathToText(where) + ")";
      } else if (auto refused = en.Refusal(item.path, base, "the path", &item.resolved_path)) {
        item.problem = *refused + " (listed at " + PathToText(where) + ")";
      } else if (item.ground_truth) {
        if (auto gt = en.Refusal(*item.ground_truth, base, "the ground truth", &unused)) {
          item.problem = *gt + " (listed at " + PathToText(where) + ")";
        }
      }
      if (!item.problem && item.media) {
        if (auto media = en.Refusal(*item.media, base, "the media", &unused)) {
          item.problem = *media + " (listed at " + PathToText(where) + ")";
        }
      }
      en.AddProvenance(base, &item);
    } catch (const std::exception& e) {
      item = InputItem{};
      item.path = where;
      item.relative_path = manifest.filename().string() + ":" + std::to_string(number);
      item.problem = std::string("bad manifest line: ") + Utf8Safe(e.what());
    }
    AddListed(std::move(item),
              PathToText(manifest.filename().string()) + ":" + std::to_string(number), listed);
  }
}

// One file found by a walk or named on the command line.
void AddWalked(const fs::path& p, const fs::path& root, std::map<std::string, InputItem>* walked) {
  InputItem& item = (*walked)[Normal(p)];
  item.path = Normal(p);
  item.relative_path = root.empty() ? p.filename().string() : Normal(p.lexically_relative(root));
}

// Walks one input folder. Folders that cannot be listed are reported; the output folder and
// symlinked folders are not entered; symlinked files pointing outside `root` are refused
// unless allowed.
void WalkFolder(const fs::path& root, const Enumeration& en, Inputs* out,
                std::map<std::string, InputItem>* walked, Listed* listed) {
  IgnoreFiles ignore_files(root);
  const std::vector<std::string>& exclude = en.rules().exclude;
  std::vector<fs::path> folders = {root};
  while (!folders.empty()) {
    const fs::path folder = std::move(folders.back());
    folders.pop_back();
    std::error_code ec;
    fs::directory_iterator it(folder, ec), end;
    if (ec) {
      out->unreadable_folders.push_back(Normal(folder));
      continue;
    }
    for (; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      const std::string name = p.filename().string();
      if (name.starts_with(".")) continue;
      std::error_code sec;
      const bool is_link = it->is_symlink(sec);
      const bool is_dir = it->is_directory(sec);  // follows a symlink
      if (Matches(exclude, name, p.string()) || ignore_files.Ignores(p)) {
        if (!is_dir) ++out->ignored;
        continue;
      }
      if (is_dir) {
        if (is_link) continue;  // symlinked folders are listed, not followed
        if (en.IsOutput(p)) {
          out->notices.push_back("skipped the output folder " + PathToText(Normal(p)) +
                                 ": the output folder is never an input");
          continue;
        }
        folders.push_back(p);
        continue;
      }
      std::optional<std::string> resolved;
      std::optional<std::string> refused;
      if (is_link) refused = en.Refusal(p, root, "the symlink", &resolved);
      if (!refused && IsManifest(p)) {
        ReadManifest(p, en, listed);
        continue;
      }
      if (name == kProvenanceSidecar) continue;  // says where its folder's files came from
      AddWalked(p, root, walked);
      InputItem& item = (*walked)[Normal(p)];
      item.resolved_path = resolved;
      item.problem = refused;
      en.AddProvenance(root, &item);
    }
    if (ec) out->unreadable_folders.push_back(Normal(folder));  // failed while listing
  }
}

}  // namespace

Result<Inputs> EnumerateInputs(const std::vector<std::string>& inputs, const InputRules& rules) {
  Inputs out;
  Enumeration en(rules);
  std::map<std::string, InputItem> walked;  // found as plain files
  Listed listed;                            // from manifests: they win
  for (const std::string& input : inputs) {
    std::error_code ec;
    const fs::path root(input);
    if (!fs::exists(fs::symlink_status(root, ec)) && !fs::exists(root, ec)) {
      return Error{"usage", "input does not exist: " + PathToText(input)};
    }
    if (en.InOutput(root)) {
      return Error{"usage", "input " + PathToText(input) +
                                " is in the output folder: the output folder is never an input"};
    }
    if (!fs::is_directory(root, ec)) {
      if (IsManifest(root)) {
        ReadManifest(root, en, &listed);
      } else {
        AddWalked(root, fs::path(), &walked);  // named by the user: read as given
        en.AddProvenance(root.parent_path(), &walked[Normal(root)]);  // its folder's sidecar
      }
      continue;
    }
    WalkFolder(root, en, &out, &walked, &listed);
  }
  ResolveDuplicates(&listed, &out.notices);
  for (const auto& [key, item] : listed.items) walked.erase(key.first);
  for (auto& [path, item] : walked) out.items.push_back(std::move(item));
  for (auto& [key, item] : listed.items) out.items.push_back(std::move(item));
  std::sort(out.items.begin(), out.items.end(), [](const InputItem& a, const InputItem& b) {
    return std::tie(a.path, a.alt_text, a.caption, a.image_role, a.table_hints) <
           std::tie(b.path, b.alt_text, b.caption, b.image_role, b.table_hints);
  });
  std::sort(out.unreadable_folders.begin(), out.unreadable_folders.end());
  return out;
}

Result<std::string> ReadPasswordFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return Error{"usage", "--password-file: cannot read " + PathToText(file.string())};
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) {
    return Error{"usage",
                 "--password-file: the first line of " + PathToText(file.string()) + " is empty"};
  }
  return line;
}

namespace {

// A video container from its first bytes: an ISO media `ftyp` box (MP4, MOV; not the still
// images that share it: HEIF, AVIF), an EBML header (Matroska, WebM), or RIFF....AVI .
std::optional<Sniffed> SniffVideo(const std::string& head) {
  if (head.size() >= 12 && head.compare(4, 4, "ftyp") == 0) {
    const std::string brand = head.substr(8, 4);
    for (const char* still : {"heic", "heix", "mif1", "msf1", "avif", "avis"}) {
      if (brand == still) return std::nullopt;
    }
    return Sniffed{"video", brand == "qt  " ? "video/quicktime" : "video/mp4"};
  }
  if (head.size() >= 4 && head.compare(0, 4, "\x1A\x45\xDF\xA3") == 0) {
    const bool webm = head.substr(0, 64).find("webm") != std::string::npos;
    return Sniffed{"video", webm ? "video/webm" : "video/x-matroska"};
  }
  if (head.size() >= 12 && head.compare(0, 4, "RIFF") == 0 && head.compare(8, 4, "AVI ") == 0) {
    return Sniffed{"video", "video/x-msvideo"};
  }
  return std::nullopt;
}

}  // namespace

Sniffed SniffBytes(const std::string& head) {
  if (head.substr(0, 1024).find("%PDF-") != std::string::npos) return {"pdf", "application/pdf"};
  if (auto video = SniffVideo(head)) return *video;
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
  // Text formats libmagic calls text/plain (or JSON): told by their own signatures.
  if (const std::string format = SniffTranscriptFormat(head); !format.empty()) {
    return {"transcript", format == "vtt"    ? "text/vtt"
                          : format == "srt" ? "application/x-subrip"
                                            : "application/json"};
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
  if (!item.alt_text && !item.caption && !item.image_role && !item.table_hints) return source_id;
  // Same bytes with other alt-text (caption, role) is another training example (DESIGN:
  // identities). Caption and role join the key only when given, so the ids of documents
  // without them stay what they were.
  std::string key = source_id;
  if (item.alt_text) key += "\nalt_text\n" + *item.alt_text;
  if (item.caption) key += "\ncaption\n" + *item.caption;
  if (item.image_role) key += "\nimage_role\n" + *item.image_role;
  // Table hints change what the tables stage finds: another document, like another caption.
  if (item.table_hints) key += "\ntable_hints\n" + *item.table_hints;
  return Sha256Hex(key);
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
  doc.caption = item.caption;
  doc.image_role = item.image_role;
  doc.table_hints = item.table_hints;
  doc.ground_truth = item.ground_truth;
  doc.media = item.media;
  doc.language = item.language;
  doc.tags = Json(item.tags).dump();
  doc.license = item.provenance.license;
  doc.source_url = item.provenance.source_url;
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
    if (!out.ground_truth_sha256) {
      problem = "ground truth not readable: " + PathToText(*item.ground_truth);
    }
  }
  if (!problem && item.media) {
    out.media_sha256 = Sha256File(*item.media, nullptr, stop);
    if (!out.media_sha256) problem = "media not readable: " + PathToText(*item.media);
  }
  Sniffed sniffed{"unreadable", ""};
  if (!source_id.empty()) {
    std::string head(8192, '\0');
    std::ifstream in(item.path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    sniffed = SniffBytes(head);
    e.source = SourceRecord{source_id,         size, sniffed.mime, item.path, item.relative_path,
                            item.resolved_path};
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
