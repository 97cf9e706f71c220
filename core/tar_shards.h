// WebDataset shards: plain ustar archives written with libarchive, deterministic byte for byte
// (fixed mtime 0, owner 0:0 with no names, mode 0644, entries in the order given), cut into a
// new shard when the current one would pass the shard size. A sample's files share a key
// (`<key>.png` + `<key>.json`) and are never split across shards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

struct archive;

namespace assay {

class ShardWriter {
 public:
  // Shards are `dir/<prefix>-000000.tar`, `-000001.tar`, ...; `max_bytes` is the size a shard
  // is cut at (a single sample larger than it gets a shard of its own).
  ShardWriter(std::filesystem::path dir, std::string prefix, uint64_t max_bytes);
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Adds one sample: its files (name, bytes), in the order given, to the current shard.
  Status Add(const std::vector<std::pair<std::string, std::string>>& files);
  // Finishes the last shard. Returns the shards written (paths), in order.
  Result<std::vector<std::filesystem::path>> Close();

 private:
  Status Open();
  std::filesystem::path dir_;
  std::string prefix_;
  uint64_t max_bytes_;
  uint64_t current_bytes_ = 0;
  struct archive* a_ = nullptr;
  std::vector<std::filesystem::path> shards_;
};

// The entries of a tar file (name, size), in order; an Error when it cannot be read.
Result<std::vector<std::pair<std::string, int64_t>>> ListTar(const std::filesystem::path& path);

// Reads a tar file's entries in order and calls `each(name, bytes)` for those `want(name,
// size)` accepts (the others are read and dropped); an Error when it cannot be read whole.
Status ReadTarEntries(const std::filesystem::path& path,
                      const std::function<bool(const std::string&, int64_t)>& want,
                      const std::function<void(const std::string&, const std::string&)>& each);

}  // namespace assay
