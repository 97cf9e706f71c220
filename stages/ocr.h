// ocr: Tesseract over every page that has a raster (scanned PDF pages, page images), with the
// worker's one initialised TessBaseAPI. Produces paragraph blocks of lines of words with boxes
// and confidences. Photos are skipped (their text, if any, is not the point of the example).
// A page with no ink (at most `blank_max_ink_fraction` of its pixels darker than mid-gray) is
// not given to Tesseract. Metrics: ocr.pages, ocr.blank_pages, ocr.word_count,
// ocr.mean_confidence (mean word confidence, 0..100; 0 when no word was found).
#pragma once

#include "core/stage_registry.h"

namespace assay {
Result<std::unique_ptr<Stage>> MakeOcrStage(const nlohmann::json& overrides);
}
