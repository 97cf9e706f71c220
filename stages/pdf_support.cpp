#include "stages/pdf_support.h"

#include <poppler/ErrorCodes.h>
#include <poppler/GlobalParams.h>
#include <poppler/PDFDoc.h>
#include <poppler/Page.h>
#include <poppler/goo/GooString.h>

namespace assay {
namespace {

int g_poppler_errors = 0;  // process-wide because Poppler's error callback is

void CountPopplerError(ErrorCategory category, Goffset /*pos*/, const char* /*msg*/) {
  if (category == errSyntaxError || category == errSyntaxWarning || category == errIO) {
    ++g_poppler_errors;
  }
}

}  // namespace

void InstallPopplerGlobals(const std::string& data_dir) {
  globalParams = std::make_unique<GlobalParams>(data_dir.c_str());
  globalParams->setErrQuiet(true);
  setErrorCallback(CountPopplerError);
}

void RemovePopplerGlobals() { globalParams.reset(); }

int TakePopplerErrorCount() {
  const int n = g_poppler_errors;
  g_poppler_errors = 0;
  return n;
}

Result<std::unique_ptr<PDFDoc>> OpenPdf(const std::string& path, const std::string& stage) {
  auto doc = std::make_unique<PDFDoc>(std::make_unique<GooString>(path));
  if (!doc->isOk()) {
    switch (doc->getErrorCode()) {
      case errEncrypted:
        return Error{stage, "encrypted: a password is required to open this PDF"};
      case errOpenFile:
      case errFileIO:
        return Error{stage, "cannot read the file"};
      case errBadCatalog:
        return Error{stage, "damaged PDF: its page catalog cannot be read, even after repair"};
      case errDamaged:
        return Error{stage,
                     "damaged PDF: no usable cross-reference table or trailer, even after "
                     "repair"};
      default:
        return Error{stage, "damaged PDF that Poppler cannot open (error code " +
                                std::to_string(doc->getErrorCode()) + ")"};
    }
  }
  if (doc->getNumPages() <= 0) return Error{stage, "the PDF has no pages"};
  return doc;
}

namespace {

bool ResourcesHaveImages(Dict* resources, int depth) {
  if (resources == nullptr || depth > 2) return false;
  Object xobjects = resources->lookup("XObject");
  if (!xobjects.isDict()) return false;
  Dict* dict = xobjects.getDict();
  for (int i = 0; i < dict->getLength(); ++i) {
    Object x = dict->getVal(i);
    if (!x.isStream()) continue;
    Dict* sd = x.streamGetDict();
    Object subtype = sd->lookup("Subtype");
    if (subtype.isName("Image")) return true;
    if (subtype.isName("Form")) {
      Object inner = sd->lookup("Resources");
      if (inner.isDict() && ResourcesHaveImages(inner.getDict(), depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

bool PageHasImages(PDFDoc& doc, int page) {
  Page* p = doc.getPage(page);
  return p != nullptr && ResourcesHaveImages(p->getResourceDict(), 0);
}

void DisplayedPageSize(PDFDoc& doc, int page, double* width, double* height) {
  *width = doc.getPageCropWidth(page);
  *height = doc.getPageCropHeight(page);
  if (doc.getPageRotate(page) % 180 != 0) std::swap(*width, *height);
}

}  // namespace assay
