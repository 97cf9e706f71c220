#include "tests/unit/test_paths.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace assay::testing {

std::filesystem::path TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("assay-test-" + std::to_string(::getpid()) + "-" +
                                                info->test_suite_name() + "-" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace assay::testing
