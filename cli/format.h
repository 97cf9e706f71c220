// Formatting of assay's data for people (the JSON forms are printed as they are with --json).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/queue.h"

namespace assay {

// `text` made safe to print on a terminal: control characters (C0, DEL, C1) and bytes that are
// not valid UTF-8 are written `\xHH` (a C1 character as the two bytes of its UTF-8 form), so a
// file name cannot move the cursor, ring the bell or rewrite the screen. Backslashes are left
// as they are: texts from the store are path text (core/path_text.h), whose `\` already
// stands for one. JSON output does not use this: JSON escapes control characters itself.
std::string ForTerminal(std::string_view text);

// A queue reason on one line: "ocr.cer_estimate 0.031 > max 0.02", or "pdf_text: <message>".
std::string DescribeReason(const Json& reason);
// The key items are grouped by: "rule <id>", or "stage <stage>" for a processing error.
std::string ReasonGroup(const Json& reason);
// Items grouped by ReasonGroup, a header per group with its count, then one line per item
// (id, state, assignee, path, the reason of that group). An item that failed several rules is
// listed under each. Prints "no queue items" when `items` is empty.
void PrintQueueList(const std::vector<QueueItem>& items, std::ostream& out);
// One item, its reasons and its audit trail, every line prefixed by `indent`.
void PrintQueueItem(const QueueItem& item, const std::vector<QueueEvent>& events, std::ostream& out,
                    const std::string& indent = "");
// The same from the item's JSON with an "events" array (as lineage holds it).
void PrintQueueItem(const Json& item, std::ostream& out, const std::string& indent = "");

// StatusView(), for people.
void PrintStatus(const Json& status, std::ostream& out);
// LineageView(), for people.
void PrintLineage(const Json& lineage, std::ostream& out);

// `assay contracts whatif` (WhatIfReport::ToJson): one block per document whose outcome would
// change, with the rules that change it (value and threshold), then the totals.
void PrintWhatIf(const Json& report, std::ostream& out);

}  // namespace assay
