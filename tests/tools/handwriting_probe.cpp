// handwriting_probe: the handwriting detector's measures (stages/handwriting_measures.h) of
// each image given, one CSV line each, for calibrating it on page sets without running OCR
// (bench/handwriting_bench.py runs the real binary for the reported figures).
// Usage: handwriting_probe [--threshold T] [--weight W] [--line-min N] [--line-share S] IMAGE...
#include <leptonica/allheaders.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "stages/handwriting_measures.h"

int main(int argc, char** argv) {
  assay::HandwritingLimits limits;
  std::printf("file,width,height,dpi,components,unique_share,height_cv,stroke_cv,share,regions,"
              "handwritten\n");
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threshold" && i + 1 < argc) {
      limits.match_threshold = std::atof(argv[++i]);
      continue;
    }
    if (arg == "--line-min" && i + 1 < argc) {
      limits.region_min_components = std::atoi(argv[++i]);
      continue;
    }
    if (arg == "--line-share" && i + 1 < argc) {
      limits.region_unique_share = std::atof(argv[++i]);
      continue;
    }
    if (arg == "--weight" && i + 1 < argc) {
      limits.weight_factor = std::atof(argv[++i]);
      continue;
    }
    Pix* pix = pixRead(arg.c_str());
    if (pix == nullptr) {
      std::fprintf(stderr, "cannot read %s\n", arg.c_str());
      continue;
    }
    const int dpi = pixGetXRes(pix);
    const assay::HandwritingMeasures m = assay::MeasureHandwriting(pix, dpi, limits);
    std::printf("%s,%d,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%zu,%d\n", arg.c_str(), pixGetWidth(pix),
                pixGetHeight(pix), dpi, m.components, m.unique_share, m.height_cv, m.stroke_cv,
                m.share, m.regions.size(), int(m.handwritten));
    pixDestroy(&pix);
  }
  return 0;
}
