// What the PDF stages share: opening a document with Poppler and reading its diagnostics.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

class PDFDoc;

namespace assay {

// Installs Poppler's process-wide state: GlobalParams reading its encoding data (CMaps,
// cidToUnicode, ...) from `data_dir`, quiet, with syntax errors counted for
// TakePopplerErrorCount(). Poppler itself requires this global; the `poppler_data` resource
// (stages/poppler_data.cpp) installs it before any PDF stage runs, and removes it when unloaded.
void InstallPopplerGlobals(const std::string& data_dir);
void RemovePopplerGlobals();

// Opens a PDF. A damaged cross-reference table is rebuilt (by Poppler, and here when the only
// trailer is a damaged cross-reference stream's dictionary, which Poppler does not use; such
// a file is then read again from memory). Fails with a message that names the cause
// (encrypted, damaged, unreadable, no pages) so the document's error says why. `password`
// opens an encrypted PDF (tried as the owner and as the user password); it never appears in a
// message.
Result<std::unique_ptr<PDFDoc>> OpenPdf(const std::string& path, const std::string& stage,
                                        const std::optional<std::string>& password = std::nullopt);

// Syntax errors Poppler reported since the last call (it recovers from most of them).
// Returns their count and clears it.
int TakePopplerErrorCount();

// True when the page's resources hold an image XObject (directly or in a form XObject one
// level down): the page may carry its content as pixels.
bool PageHasImages(PDFDoc& doc, int page);

// Page size in points as displayed (crop box, page rotation applied).
void DisplayedPageSize(PDFDoc& doc, int page, double* width, double* height);

}  // namespace assay
