#include "core/tar_shards.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>

namespace assay {
namespace {

// ustar: a 512-byte header per entry, the data padded to 512 bytes.
uint64_t TarBytes(uint64_t size) { return 512 + (size + 511) / 512 * 512; }

}  // namespace

ShardWriter::ShardWriter(std::filesystem::path dir, std::string prefix, uint64_t max_bytes)
    : dir_(std::move(dir)), prefix_(std::move(prefix)), max_bytes_(max_bytes) {}

ShardWriter::~ShardWriter() {
  if (a_ != nullptr) archive_write_free(a_);
}

Status ShardWriter::Open() {
  char name[64];
  std::snprintf(name, sizeof name, "-%06zu.tar", shards_.size());
  const std::filesystem::path path = dir_ / (prefix_ + name);
  a_ = archive_write_new();
  archive_write_set_format_ustar(a_);
  archive_write_add_filter_none(a_);
  // No padding of the last block to 10 KiB: the size is a function of the content only.
  archive_write_set_bytes_in_last_block(a_, 1);
  if (archive_write_open_filename(a_, path.c_str()) != ARCHIVE_OK) {
    Error e{"release", "cannot write " + path.string() + ": " + archive_error_string(a_)};
    archive_write_free(a_);
    a_ = nullptr;
    return e;
  }
  shards_.push_back(path);
  current_bytes_ = 0;
  return {};
}

Status ShardWriter::Add(const std::vector<std::pair<std::string, std::string>>& files) {
  uint64_t bytes = 0;
  for (const auto& [name, data] : files) bytes += TarBytes(data.size());
  if (a_ != nullptr && current_bytes_ > 0 && current_bytes_ + bytes > max_bytes_) {
    if (archive_write_close(a_) != ARCHIVE_OK) {
      return Error{"release", std::string("cannot finish a shard: ") + archive_error_string(a_)};
    }
    archive_write_free(a_);
    a_ = nullptr;
  }
  if (a_ == nullptr) {
    if (Status st = Open(); !st.ok()) return st;
  }
  for (const auto& [name, data] : files) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, 0, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    const bool ok = archive_write_header(a_, e) == ARCHIVE_OK &&
                    archive_write_data(a_, data.data(), data.size()) ==
                        static_cast<la_ssize_t>(data.size());
    archive_entry_free(e);
    if (!ok) return Error{"release", "cannot write " + name + ": " + archive_error_string(a_)};
  }
  current_bytes_ += bytes;
  return {};
}

Result<std::vector<std::filesystem::path>> ShardWriter::Close() {
  if (a_ != nullptr) {
    if (archive_write_close(a_) != ARCHIVE_OK) {
      return Error{"release", std::string("cannot finish a shard: ") + archive_error_string(a_)};
    }
    archive_write_free(a_);
    a_ = nullptr;
  }
  return shards_;
}

Status ReadTarEntries(const std::filesystem::path& path,
                      const std::function<bool(const std::string&, int64_t)>& want,
                      const std::function<void(const std::string&, const std::string&)>& each) {
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    Error e{"release", "cannot read " + path.string() + ": " + archive_error_string(a)};
    archive_read_free(a);
    return e;
  }
  archive_entry* e = nullptr;
  int r;
  std::string data;
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(e);
    const bool keep = want(name, archive_entry_size(e));
    data.clear();
    // Read the data, not just skip it: a skip may seek past the end of a truncated file.
    char buf[1 << 14];
    la_ssize_t n;
    int64_t got = 0;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
      got += n;
      if (keep) data.append(buf, static_cast<size_t>(n));
    }
    if (n < 0 || got != archive_entry_size(e)) {
      Error err{"release", path.string() + ": entry " + name + " is cut short"};
      archive_read_free(a);
      return err;
    }
    if (keep) each(name, data);
  }
  if (r != ARCHIVE_EOF) {
    Error err{"release", path.string() + " is not a whole tar file: " + archive_error_string(a)};
    archive_read_free(a);
    return err;
  }
  archive_read_free(a);
  return Status();
}

Result<std::vector<std::pair<std::string, int64_t>>> ListTar(const std::filesystem::path& path) {
  std::vector<std::pair<std::string, int64_t>> out;
  Status st = ReadTarEntries(
      path,
      [&](const std::string& name, int64_t size) {
        out.emplace_back(name, size);
        return false;
      },
      [](const std::string&, const std::string&) {});
  if (!st.ok()) return st.error();
  return out;
}

}  // namespace assay
