// libFuzzer target: the contract loader (contracts/contract.h ParseContract) against the
// built-in catalog. Any text is a contract or an error naming file, line and column.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "contracts/contract.h"
#include "stages/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto contract = assay::ParseContract(text, "fuzz.toml", assay::BuiltinCatalog());
  if (!contract.ok() && !contract.error().message.starts_with("fuzz.toml")) std::abort();
  return 0;
}
