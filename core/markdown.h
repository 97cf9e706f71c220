// Markdown of one export record (`assay export --format markdown`): the body in reading
// order with `#` headings (the title `#`, a heading of level L L+1 `#`s, at most 6), lists as
// items, captions in italics, footnotes at the end; running heads, page numbers and the text
// inside figures left out. Tables (the record's tables[]) are pipe tables, in place of the
// blocks inside them. A transcript is one paragraph per cue, "**Speaker:** text" when the cue
// names its speaker.
#pragma once

#include <string>

#include "core/document.h"

namespace assay {

std::string RenderMarkdown(const Json& record);

}  // namespace assay
