// SHA-256 over bytes and files (OpenSSL EVP). Identities of sources, outputs and versions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace assay {

// Incremental hasher. Hex() finishes the hash; the object must not be updated afterwards.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  std::string Hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// Lower-case hex SHA-256 of a file's bytes, streamed; nullopt if it cannot be read, or when
// `stop` (asked every MiB) says to stop. `size_out`, when given, receives the number of bytes
// hashed.
std::optional<std::string> Sha256File(const std::filesystem::path& path,
                                      uint64_t* size_out = nullptr,
                                      const std::function<bool()>& stop = {});

}  // namespace assay
