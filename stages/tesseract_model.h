// Resource `tesseract`: an initialised Tesseract engine for a language set ("eng",
// "eng+deu", "script/Latin"), from the traineddata files of one tessdata folder.
#pragma once

#include <tesseract/baseapi.h>

#include "core/resource.h"

namespace assay {

class TesseractEngine : public LoadedResource {
 public:
  tesseract::TessBaseAPI api;
};

}  // namespace assay
