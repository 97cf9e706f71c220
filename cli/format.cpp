// Formatting of assay's data for people: the status, lineage and queue views of the CLI.
#include "cli/format.h"

#include <iomanip>
#include <map>

#include "core/path_text.h"

namespace assay {

std::string ForTerminal(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  const std::string safe = Utf8Safe(text);  // invalid bytes are now \xHH
  std::string out;
  out.reserve(safe.size());
  auto hex = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  };
  for (size_t i = 0; i < safe.size(); ++i) {
    const auto c = static_cast<unsigned char>(safe[i]);
    const auto next = i + 1 < safe.size() ? static_cast<unsigned char>(safe[i + 1]) : 0;
    if (c < 0x20 || c == 0x7F) {
      hex(c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // U+0080..U+009F
      hex(c);
      hex(next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

std::string Num(const Json& v) { return DumpJson(v); }

// A string of the data for the terminal; "-" when it is not a string.
std::string Str(const Json& v) {
  return v.is_string() ? ForTerminal(v.get<std::string>()) : std::string("-");
}

}  // namespace

std::string DescribeReason(const Json& r) {
  if (!r.is_object()) return Num(r);
  const std::string scope = r.contains("scope") && r["scope"].is_string()
                                ? " (" + r["scope"].get<std::string>() + ")"
                                : "";
  if (r.value("rule", std::string()) == kModelEvaluationRule) {
    std::string d = "model evaluation: score " + Num(r.value("score", Json())) + " (" +
                    r.value("source_file", std::string()) + ")";
    if (r.contains("note") && r["note"].is_string()) d += ": " + r["note"].get<std::string>();
    return d;
  }
  if (!r.contains("rule")) {
    const std::string stage = r.value("stage", std::string("?"));
    return stage + ": " + r.value("message", std::string()) + scope;
  }
  const std::string metric = r.value("metric", std::string("?"));
  const Json value = r.value("value", Json());
  const Json threshold = r.value("threshold", Json());
  if (value.is_null()) return metric + " missing (threshold " + Num(threshold) + ")" + scope;
  std::string op = r.value("operator", std::string());
  if (op.empty() && value.is_number() && threshold.is_number()) {
    // Reasons carry the threshold but not always the comparison: a failed min rule measured
    // less than it, a failed max rule more.
    if (value.get<double>() < threshold.get<double>()) op = "min";
    if (value.get<double>() > threshold.get<double>()) op = "max";
  }
  std::string cmp;
  if (op == "min") {
    cmp = " < min ";
  } else if (op == "max") {
    cmp = " > max ";
  } else if (op == "equals") {
    cmp = " != ";
  } else if (op == "range") {
    cmp = " outside ";
  } else if (op == "in") {
    cmp = " not in ";
  } else {
    return metric + " " + Num(value) + " (threshold " + Num(threshold) + ")" + scope;
  }
  return metric + " " + Num(value) + cmp + Num(threshold) + scope;
}

std::string ReasonGroup(const Json& r) {
  if (r.is_object() && r.contains("rule") && r["rule"].is_string()) {
    return "rule " + r["rule"].get<std::string>();
  }
  if (r.is_object() && r.contains("stage") && r["stage"].is_string()) {
    return "stage " + r["stage"].get<std::string>();
  }
  return "other";
}

void PrintQueueList(const std::vector<QueueItem>& items, std::ostream& out) {
  if (items.empty()) {
    out << "no queue items\n";
    return;
  }
  // group -> (item, the reason that put it there); items keep their id order inside a group.
  std::map<std::string, std::vector<std::pair<const QueueItem*, const Json*>>> groups;
  for (const QueueItem& it : items) {
    if (it.reasons.empty()) groups["other"].emplace_back(&it, nullptr);
    for (const Json& r : it.reasons) groups[ReasonGroup(r)].emplace_back(&it, &r);
  }
  for (const auto& [group, rows] : groups) {
    out << ForTerminal(group) << ": " << rows.size() << (rows.size() == 1 ? " item" : " items")
        << "\n";
    for (const auto& [it, r] : rows) {
      out << "  #" << std::left << std::setw(5) << it->item_id << " " << std::setw(8) << it->state
          << " " << std::setw(12) << ForTerminal(it->assignee.value_or("-")) << std::right << " "
          << ForTerminal(it->path) << "\n      "
          << ForTerminal(r ? DescribeReason(*r) : "(no reason recorded)") << "\n";
    }
  }
}

void PrintQueueItem(const QueueItem& it, const std::vector<QueueEvent>& events, std::ostream& out,
                    const std::string& indent) {
  Json j = it.ToJson();
  j["events"] = Json::array();
  for (const QueueEvent& e : events) j["events"].push_back(e.ToJson());
  PrintQueueItem(j, out, indent);
}

void PrintQueueItem(const Json& it, std::ostream& out, const std::string& indent) {
  auto text = Str;
  out << indent << "item " << it["item_id"] << "  " << text(it["kind"]) << ", "
      << text(it["state"]);
  if (it["assignee"].is_string()) out << " (" << text(it["assignee"]) << ")";
  out << "\n"
      << indent << "  document " << text(it["doc_id"]) << "\n"
      << indent << "  path     " << text(it["path"]) << " (" << text(it["modality"]) << ")\n"
      << indent << "  opened   " << text(it["opened_at"]) << ", updated " << text(it["updated_at"])
      << "\n";
  for (const Json& r : it["reasons"]) {
    out << indent << "  reason   " << ForTerminal(DescribeReason(r)) << "\n";
  }
  out << indent << "  events:\n";
  for (const Json& e : it.value("events", Json::array())) {
    out << indent << "    " << text(e["at"]) << "  " << std::left << std::setw(10)
        << text(e["actor"]) << " " << std::setw(11) << text(e["action"]) << std::right << " "
        << text(e["from_state"]) << " -> " << text(e["to_state"]);
    if (e["note"].is_string() && !e["note"].get<std::string>().empty()) {
      out << "  " << Str(e["note"]);
    }
    out << "\n";
  }
}

namespace {

// "tesseract eng 1a2b3c4d5e6f, poppler_data default 9f8e7d6c5b4a".
std::string ResourcesLine(const Json& resources) {
  std::string out;
  for (const Json& r : resources.value("resources", Json::array())) {
    out += (out.empty() ? "" : ", ") + r.value("kind", "") + " " + r.value("name", "") + " " +
           r.value("sha256", "").substr(0, 12);
  }
  return out;
}

}  // namespace

void PrintStatus(const Json& j, std::ostream& out) {
  const Json& outcomes = j["outcomes"];
  const Json& modalities = j["modalities"];
  const Json& runs = j["runs"];
  const Json& errors = j["errors"];
  out << "outcomes:";
  for (const auto& [k, v] : outcomes.items()) out << " " << ForTerminal(k) << "=" << v;
  out << "\nmodalities:";
  for (const auto& [k, v] : modalities.items()) out << " " << ForTerminal(k) << "=" << v;
  out << "\nrecent runs:\n";
  for (const Json& r : runs) {
    out << "  #" << r["run_id"] << " " << r["started_at"].get<std::string>() << " "
        << r["status"].get<std::string>() << ", " << r["documents_decided"]
        << " documents decided, assay " << r["tool_version"].get<std::string>() << " ("
        << r["git_commit"].get<std::string>().substr(0, 12) << ")\n";
  }
  if (!errors.empty()) {
    out << "errors (" << errors.size() << "):\n";
    for (const Json& e : errors) {
      out << "  " << e["doc_id"].get<std::string>().substr(0, 12) << "  " << Str(e["path"])
          << "\n      " << Str(e["stage"]) << ": " << Str(e["message"]) << "\n";
    }
  }
}

void PrintLineage(const Json& j, std::ostream& out) {
  out << "document   " << j["doc_id"].get<std::string>() << "\n"
      << "source     "
      << (j["source_id"].is_null() ? "(unreadable)" : j["source_id"].get<std::string>()) << "\n"
      << "modality   " << j["modality"].get<std::string>() << " ("
      << j["container"].get<std::string>() << ")\noutcome    " << j["outcome"].get<std::string>()
      << "\n";
  if (j.contains("error")) {
    out << "error      " << Str(j["error"]["stage"]) << ": " << Str(j["error"]["message"]) << "\n";
  }
  out << "ingested   " << j["ingested_at"].get<std::string>() << "\n"
      << "processing " << j["processing_version"].get<std::string>() << "\n";
  if (j.contains("run")) {
    out << "run        #" << j["run_id"] << " assay " << j["run"]["tool_version"].get<std::string>()
        << " (" << j["run"]["git_commit"].get<std::string>().substr(0, 12) << ") on "
        << Str(j["run"]["host"]) << "\n";
  }
  for (const Json& p : j["paths_seen"]) {
    out << "path       " << Str(p["path"]);
    if (p.contains("resolved_path")) out << " -> " << Str(p["resolved_path"]);
    out << "\n";
  }
  if (j.contains("processed_by") && j["processed_by"].size() > 1) {
    out << "processed by runs:";
    for (const Json& r : j["processed_by"]) {
      out << " #" << r["run_id"] << " (shard " << Str(r["shard"]) << ")";
    }
    out << "\n";
  }
  if (j.contains("license")) out << "license    " << Str(j["license"]) << "\n";
  if (j.contains("source_url")) out << "source url " << Str(j["source_url"]) << "\n";
  out << "transformations:\n";
  for (const Json& t : j["transformations"]) {
    out << "  " << std::left << std::setw(11) << t["stage"].get<std::string>() << " v"
        << t["version"].get<std::string>() << " " << std::setw(8) << t["outcome"].get<std::string>()
        << std::right << std::setw(10) << std::fixed << std::setprecision(1)
        << t["duration_ms"].get<double>() << " ms  " << ForTerminal(DumpJson(t["params"])) << "\n"
        << (t["resources"].value("resources", Json::array()).empty()
                ? ""
                : "      resources " + ResourcesLine(t["resources"]) + "\n")
        << "      in " << t["input_sha256"].get<std::string>().substr(0, 16) << "  out "
        << (t["output_sha256"].is_null() ? "-"
                                         : t["output_sha256"].get<std::string>().substr(0, 16))
        << (t.contains("note") ? "  " + Str(t["note"]) : "")
        << (t.contains("reused_from") ? "  (reused transformation #" + t["reused_from"].dump() + ")"
                                      : "")
        << (t.contains("queue_item_id")
                ? "  (reprocess of queue item #" + t["queue_item_id"].dump() + ")"
                : "")
        << "\n";
  }
  if (!j["queue"].empty()) out << "queue:\n";
  for (const Json& item : j["queue"]) PrintQueueItem(item, out, "  ");
}

void PrintWhatIf(const Json& report, std::ostream& out) {
  for (const Json& f : report["flips"]) {
    const bool rejected = f["to"] == "rejected";
    out << Str(f["from"]) << " -> " << Str(f["to"]) << "  "
        << f["doc_id"].get<std::string>().substr(0, 12) << "  " << Str(f["path"]) << "  ("
        << Str(f["modality"]) << ")\n";
    // Rejected now: the rules that fail under the new set. Accepted now: those that failed.
    for (const Json& r : f[rejected ? "failures_after" : "failures_before"]) {
      out << (rejected ? "    fails " : "    passes now: was ") << Str(r["rule"]) << ": "
          << DescribeReason(r) << "\n";
    }
  }
  out << report["evaluated"] << " decided documents evaluated: " << report["would_reject"]
      << " would be rejected, " << report["would_accept"] << " would be accepted, "
      << report["unchanged"] << " unchanged";
  if (report["skipped_errors"].get<int>() > 0) {
    out << " (" << report["skipped_errors"] << " in error, not judged)";
  }
  out << "\n";
}

}  // namespace assay
