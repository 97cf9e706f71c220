// Where unit tests find the repository's files (CTest sets ASSAY_SOURCE_DIR).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace assay::testing {

inline std::filesystem::path SourceDir() {
  const char* dir = std::getenv("ASSAY_SOURCE_DIR");
  return dir ? dir : ASSAY_DEFAULT_SOURCE_DIR;
}

inline std::string SamplePath(const std::string& name) {
  return (SourceDir() / "samples" / name).string();
}

// A fresh empty folder under the system temp dir, unique per test.
std::filesystem::path TempDir();

}  // namespace assay::testing
