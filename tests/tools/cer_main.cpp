// cer HYPOTHESIS_FILE REFERENCE_FILE: prints the whitespace-normalised character error rate.
// Used by the end-to-end tests to score assay and the plain tesseract command the same way.
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/text_metrics.h"

static std::string Slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: cer HYPOTHESIS_FILE REFERENCE_FILE\n";
    return 2;
  }
  const std::string h = assay::NormalizeWhitespace(Slurp(argv[1]));
  const std::string r = assay::NormalizeWhitespace(Slurp(argv[2]));
  std::cout << assay::CharacterErrorRate(h, r) << "\n";
  return 0;
}
