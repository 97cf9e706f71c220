// pdf_text: the PDF's text layer, per page, as words with boxes, fonts and sizes grouped in
// Poppler's lines and blocks, blocks put in column-aware reading order (stages/reading_order.h).
// A page has a text layer when it yields `min_chars_per_page` non-space characters, or any
// text and no image. Decides the PDF's modality:
// pdf_text (every page has a text layer), pdf_scan (none has), pdf_mixed.
// Metrics: pdf.pages, pdf.text_pages, pdf.text_layer_ratio, pdf.word_count, pdf.syntax_errors.
#pragma once

#include "core/stage_registry.h"

namespace assay {
Result<std::unique_ptr<Stage>> MakePdfTextStage(const nlohmann::json& overrides);
}
