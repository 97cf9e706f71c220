// image_checks: what a photo or page image is worth as a training example beyond its size:
// how it was encoded (bit depth, CMYK, palette, alpha, animation frames, EXIF orientation, from
// the header) and what its pixels show (sharpness, clipped highlights and shadows, contrast,
// noise, colour), each a metric the contracts set thresholds on (contracts/photo.toml,
// docs/image_checks.md for how the defaults were chosen).
#include <leptonica/allheaders.h>

#include "core/stage.h"
#include "stages/image_measures.h"
#include "stages/pix_mat.h"

namespace assay {
namespace {

class ImageChecksStage : public Stage {
 public:
  explicit ImageChecksStage(const CanonicalJson&) {}

  Result<StageReport> Run(Document& doc, StageContext& ctx) const override {
    if (doc.pages.empty() || !doc.pages.front().has_raster()) {
      return StageReport{"skipped", "no page pixels"};
    }
    const ImageEncoding enc = ReadImageEncoding(doc.path);
    doc.metrics["image.bit_depth"] = enc.bit_depth;
    doc.metrics["image.cmyk"] = enc.cmyk;
    doc.metrics["image.palette"] = enc.palette;
    doc.metrics["image.alpha"] = enc.alpha;
    doc.metrics["image.frames"] = enc.frames;
    doc.metrics["image.exif_orientation"] = enc.exif_orientation;

    auto pix = ctx.Pixels(doc, doc.pages.front());
    if (!pix.ok()) return pix.error();
    const cv::Mat mat = PixToMat(pix.value().get());
    if (mat.empty()) return Error{"image_checks", "the pixels cannot be converted"};
    const ImageMeasures m = Measure(mat);
    doc.metrics["image.sharpness"] = m.sharpness;
    doc.metrics["image.clipped_highlights"] = m.clipped_highlights;
    doc.metrics["image.clipped_shadows"] = m.clipped_shadows;
    doc.metrics["image.contrast"] = m.contrast;
    doc.metrics["image.noise"] = m.noise;
    doc.metrics["image.is_color"] = m.is_color;
    // The hashes are kept out of metrics (not a measure); the supervisor's near-duplicate step
    // groups the store's images by it and sets image.near_duplicate to 1 for a copy that is not
    // kept (core/near_duplicate_step.h). Until then the image is no copy.
    doc.image_hashes.clear();
    for (uint64_t h : ImageHashes(mat)) doc.image_hashes.push_back(HashHex(h));
    doc.metrics["image.near_duplicate"] = 0;
    StageReport report;
    if (enc.frames > 1) report.note = "animated: first of " + std::to_string(enc.frames) + " frames measured";
    return report;
  }
};

}  // namespace

const StageSpec& ImageChecksStageSpec() {
  static const StageSpec kSpec{
      .id = "image_checks",
      .version = 3,  // 2: perceptual hash (near-duplicates), image.near_duplicate; 3: 18 windows
                     // (90% and 95%), hashed at <= 256 px
      .summary = "encoding facts, sharpness, exposure, contrast, noise, colour, perceptual hash",
      .containers = {"image"},
      .modalities = {"photo", "page_image"},
      .establishes = {},
      .params = {},
      .metrics =
          {{"image.bit_depth", false, "bits per sample stated by the header (PNG, JPEG)"},
           {"image.cmyk", false, "1 for a four-component (CMYK/YCCK) JPEG"},
           {"image.palette", false, "1 for indexed colour (PNG palette, GIF)"},
           {"image.alpha", false, "1 when the file has an alpha channel or transparency"},
           {"image.frames", false, "animation frames (GIF, APNG); the first is measured"},
           {"image.exif_orientation", false, "EXIF orientation tag 1..8, 0 when absent"},
           {"image.sharpness", false,
            "variance of the Laplacian at 512 px on the longer side over the gray variance + 1"},
           {"image.clipped_highlights", false, "share of pixels with gray >= 250"},
           {"image.clipped_shadows", false, "share of pixels with gray <= 5"},
           {"image.contrast", false, "standard deviation of gray / 255"},
           {"image.noise", false, "noise sigma estimate in gray levels (Immerkaer)"},
           {"image.is_color", false, "1 when more than 2% of pixels have chroma above 24"},
           {"image.near_duplicate", false,
            "1 when the image is a near-copy of another image in the store that is kept (set by "
            "the supervisor's near-duplicate step after the run; 0 from the stage)"}},
      .libraries = {"opencv", "leptonica"},
      .resources = nullptr,
      .pixels = Pixels::kReads,
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<ImageChecksStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
