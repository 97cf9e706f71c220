// A page of a stored document as a PNG for people (`assay serve`): rendered on demand from the
// document's recorded source and cached under the output folder.
#pragma once

#include <filesystem>
#include <string>

#include "core/result.h"
#include "core/store.h"

namespace assay {

// Resolutions a page may be asked at: a fixed set, so a request cannot ask for a huge render
// or fill the cache with one file per number.
bool IsPageImageDpi(int dpi);

// The PNG of page `page` (1-based) of `doc_id` at `dpi`, as a file under `cache_dir`
// (<source sha256>.p<page>.d<dpi>.png; made when missing, written whole or not at all).
// The file read is the one the store recorded for the document, and only when its bytes still
// hash to the recorded source: no path ever comes from a request. A PDF page is rendered by
// Poppler's pdftoppm in its own process (killed after 60 s), so a hostile PDF costs that
// process, never the server holding the store; an image is converted by Leptonica.
// Errors (stage "page_image"): unknown document or page, source gone or changed, render failed.
Result<std::filesystem::path> PageImage(Store& store, const std::string& doc_id, int page, int dpi,
                                        const std::filesystem::path& cache_dir);

}  // namespace assay
