#include "stages/pdf_support.h"

#include <poppler/ErrorCodes.h>
#include <poppler/GlobalParams.h>
#include <poppler/PDFDoc.h>
#include <poppler/Page.h>
#include <poppler/Stream.h>
#include <poppler/XRef.h>
#include <poppler/goo/GooString.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>

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

namespace {

// Poppler 22.12 rebuilds a damaged cross-reference table by scanning the file for objects, but
// takes the document's root only from a classic `trailer` dictionary. When the only trailer is
// the dictionary of a cross-reference stream (PDF 1.5+) whose data is damaged, every object is
// found and the document still fails to open (pdf.js opens it: issue18986.pdf of the
// pdf_robustness corpus). This finds that dictionary among the objects the rebuild found and
// returns it as a classic trailer (root, info, encryption and ids, the keys Poppler reads from
// a trailer), or nullopt when there is none.
std::optional<std::string> TrailerFromXRefStream(XRef* xref) {
  auto ref = [](const Object& o) {
    return " " + std::to_string(o.getRefNum()) + " " + std::to_string(o.getRefGen()) + " R";
  };
  std::optional<std::string> trailer;
  Goffset latest = -1;  // the last one in the file, as an incremental update would be
  for (int num = 1; num < xref->getNumObjects(); ++num) {
    XRefEntry* entry = xref->getEntry(num, /*complainIfMissing=*/false);
    if (entry == nullptr || entry->type != xrefEntryUncompressed || entry->offset <= latest) {
      continue;
    }
    Object obj = xref->fetch(num, entry->gen);
    if (!obj.isStream() || !obj.streamGetDict()->is("XRef")) continue;
    Dict* dict = obj.streamGetDict();
    const Object& root = dict->lookupNF("Root");
    if (!root.isRef()) continue;
    std::string t = "\ntrailer\n<< /Root" + ref(root);
    if (const Object& info = dict->lookupNF("Info"); info.isRef()) t += " /Info" + ref(info);
    if (const Object& encrypt = dict->lookupNF("Encrypt"); encrypt.isRef()) {
      t += " /Encrypt" + ref(encrypt);
    }
    if (Object ids = dict->lookup("ID"); ids.isArray()) {
      t += " /ID [";
      for (int i = 0; i < ids.arrayGetLength(); ++i) {
        Object id = ids.arrayGet(i);
        if (!id.isString()) continue;
        t += " <";
        for (const char c : id.getString()->toStr()) {
          char hex[3];
          std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(c));
          t += hex;
        }
        t += ">";
      }
      t += " ]";
    }
    trailer = t + " >>\n";
    latest = entry->offset;
  }
  return trailer;
}

// A MemStream that owns the bytes it reads (libpoppler does not export AutoFreeMemStream). The
// bytes are a base, so they exist before MemStream points at them; the sub-streams Poppler
// makes from it live in the document, which deletes them before its stream.
struct StreamBytes {
  std::string bytes;
};
class OwningMemStream : private StreamBytes, public MemStream {
 public:
  explicit OwningMemStream(std::string b)
      : StreamBytes{std::move(b)},
        MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull)) {}
};

// The file's bytes with `trailer` appended, opened from memory; nullptr if unreadable.
std::unique_ptr<PDFDoc> OpenWithTrailer(const std::string& path, const std::string& trailer,
                                        const std::optional<GooString>& password) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return nullptr;
  // The document owns the stream.
  return std::make_unique<PDFDoc>(new OwningMemStream(bytes + trailer), password, password);
}

}  // namespace

Result<std::unique_ptr<PDFDoc>> OpenPdf(const std::string& path, const std::string& stage,
                                        const std::optional<std::string>& password) {
  std::optional<GooString> pw;
  if (password) pw.emplace(password->data(), password->size());
  auto doc = std::make_unique<PDFDoc>(std::make_unique<GooString>(path), pw, pw);
  if (!doc->isOk() && doc->getErrorCode() == errDamaged && doc->getXRef() != nullptr) {
    if (auto trailer = TrailerFromXRefStream(doc->getXRef())) {
      // Taken when it opens, or when it now says why it cannot (a password is needed).
      auto repaired = OpenWithTrailer(path, *trailer, pw);
      if (repaired && (repaired->isOk() || repaired->getErrorCode() == errEncrypted)) {
        doc = std::move(repaired);
      }
    }
  }
  if (!doc->isOk()) {
    switch (doc->getErrorCode()) {
      case errEncrypted:
        return Error{stage, password ? "encrypted: the password given does not open this PDF"
                                     : "encrypted: a password is required to open this PDF "
                                       "(manifest \"password\" or --password-file)"};
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
  ::Page* p = doc.getPage(page);  // Poppler's Page, not assay::Page
  return p != nullptr && ResourcesHaveImages(p->getResourceDict(), 0);
}

void DisplayedPageSize(PDFDoc& doc, int page, double* width, double* height) {
  *width = doc.getPageCropWidth(page);
  *height = doc.getPageCropHeight(page);
  if (doc.getPageRotate(page) % 180 != 0) std::swap(*width, *height);
}

}  // namespace assay
