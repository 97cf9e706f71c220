// quality: measures the text the earlier stages produced, for the contracts. Without ground
// truth: dictionary-word, garbage-character and broken-word ratios (en_US hunspell), the share
// of low-confidence OCR words, heading-like blocks, and for OCR'd text `ocr.cer_estimate`
// (stages/text_signals.h), per document and per OCR'd page. With the manifest's ground truth:
// `ocr.cer` (whitespace-normalised) and `text.heading_recall`. Photos are skipped.
#pragma once

#include "core/stage_registry.h"

namespace assay {
Result<std::unique_ptr<Stage>> MakeQualityStage(const nlohmann::json& overrides);
}
