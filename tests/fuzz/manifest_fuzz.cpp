// libFuzzer target: the JSONL manifest reader (core/ingest.h EnumerateInputs). The input is a
// manifest's bytes, written to a file as assay would find it on disk. Nothing may crash, hang
// or grow without bound; a bad line is an item with a problem, never an exception.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/ingest.h"

namespace {

const std::filesystem::path& ManifestPath() {
  static const std::filesystem::path path = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "assay-fuzz-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) std::abort();
    return std::filesystem::path(dir) / "manifest.jsonl";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(ManifestPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto inputs = assay::EnumerateInputs({ManifestPath().string()}, {});
  if (!inputs.ok()) std::abort();  // the manifest exists: only bad usage fails the whole call
  return 0;
}
