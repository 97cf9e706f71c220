// What OCR makes of a table's rules inside its cells' text. On a scan the page's OCR reads a
// vertical rule beside a word as "|", and a rule's corner or a blurred cell edge as a bracket
// glued to the figure next to it: "| 3,769,000", "5,234]", "33,010}", "[Physical appearance"
// (ICDAR us-027 and eu-024 rendered at 150 dpi). A cell's own brackets come in pairs.
#pragma once

#include <string>
#include <string_view>

namespace assay {

// `cell` (words separated by single spaces) without the rule debris at its words' edges:
// words that are only "|" or "_" dropped, "|" and "_" stripped from words' ends, and an
// opening "[" or "{" starting the cell, or a closing "]" or "}" ending it, that the cell does
// not close (open); a ")" ending a figure ("8,744)") when the cell holds more ")" than "(".
std::string WithoutRuleDebris(std::string_view cell);

}  // namespace assay
