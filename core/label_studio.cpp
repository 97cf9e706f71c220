#include "core/label_studio.h"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace assay {
namespace {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool IsImage(const TaskForExport& t) { return t.container == "image"; }

Result<std::string> ImageLink(const TaskForExport& t, const ImageLinks& links) {
  namespace fs = std::filesystem;
  if (links.mode == "data-url") {
    std::ifstream in(t.path, std::ios::binary);
    if (!in) return Error{"annotate", t.path + ": cannot read the image to embed it"};
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    std::string b64(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    b64.resize(static_cast<size_t>(n));
    std::string ext = fs::path(t.path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string mime = ext == ".png"                     ? "image/png"
                             : ext == ".jpg" || ext == ".jpeg" ? "image/jpeg"
                             : ext == ".tif" || ext == ".tiff" ? "image/tiff"
                             : ext == ".webp"                  ? "image/webp"
                                                               : "application/octet-stream";
    return "data:" + mime + ";base64," + b64;
  }
  const fs::path rel = fs::path(t.path).lexically_normal().lexically_relative(links.root);
  if (rel.empty() || rel.string().starts_with("..")) {
    return Error{"annotate", t.path + " is not under the local-files root " + links.root +
                                 " (--local-files-root)"};
  }
  // Label Studio reads the path from the query string: '%', '&', '#', '+' and spaces escaped.
  std::string q;
  for (char c : rel.string()) {
    if (c == '%' || c == '&' || c == '#' || c == '+' || c == ' ' || c == '?') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      q += buf;
    } else {
      q += c;
    }
  }
  return "/data/local-files/?d=" + q;
}

Json Data(const TaskForExport& t) {
  return {{"assay_task_id", t.task_id},
          {"doc_id", t.doc_id},
          {"task_type", t.task_type},
          {"question", t.question},
          {"labels", t.labels},
          {"region", t.region},
          {"pool", t.pool},
          {"path", t.path},
          {"modality", t.modality},
          {"alt_text", t.alt_text ? Json(*t.alt_text) : Json("")},
          {"text", t.text},
          {"complexity", t.complexity},
          {"routing_sha256", t.routing_sha256}};
}

}  // namespace

Result<Json> LabelStudioTasks(const std::vector<TaskForExport>& tasks, const ImageLinks& links) {
  Json out = Json::array();
  for (const TaskForExport& t : tasks) {
    Json data = Data(t);
    // Label Studio's Image tag needs a value: documents that are not image files show text only.
    data["image"] = "";
    if (IsImage(t)) {
      auto link = ImageLink(t, links);
      if (!link.ok()) return link.error();
      data["image"] = link.value();
    }
    Json task = {{"data", std::move(data)}};
    if (!t.votes.empty()) {
      // The earlier votes, shown to the adjudicator as predictions (one per annotator).
      Json predictions = Json::array();
      for (const auto& [who, label] : t.votes) {
        predictions.push_back(
            {{"model_version", "vote of " + who},
             {"result", Json::array({{{"from_name", "label"},
                                      {"to_name", "text"},
                                      {"type", "choices"},
                                      {"value", {{"choices", Json::array({label})}}}}})}});
      }
      task["predictions"] = std::move(predictions);
    }
    out.push_back(std::move(task));
  }
  return out;
}

std::string LabelStudioConfig(const std::vector<std::string>& labels, bool show_image) {
  std::string x = "<View>\n  <Header value=\"$question\"/>\n";
  if (show_image) x += "  <Image name=\"image\" value=\"$image\"/>\n";
  x += "  <Text name=\"text\" value=\"$text\"/>\n";
  x += "  <Choices name=\"label\" toName=\"text\" choice=\"single\" required=\"true\">\n";
  for (const std::string& l : labels) x += "    <Choice value=\"" + XmlEscape(l) + "\"/>\n";
  x += "  </Choices>\n</View>\n";
  return x;
}

Json JsonlTask(const TaskForExport& t) {
  Json j = {{"task_id", t.task_id}};
  const Json data = Data(t);  // named: a range-for over a temporary's items() dangles
  for (const auto& [k, v] : data.items()) {
    if (k != "assay_task_id") j[k] = v;
  }
  j["votes"] = Json::array();
  for (const auto& [who, label] : t.votes)
    j["votes"].push_back({{"annotator", who}, {"label", label}});
  return j;
}

namespace {

Result<Json> ParseJson(const std::string& text, const std::string& where) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Find the byte where it broke, for the message.
    try {
      const Json again = Json::parse(text);
      return Error{"annotate", where + ": not valid JSON"};
    } catch (const Json::parse_error& e) {
      return Error{"annotate",
                   where + ": not valid JSON (" + std::string(e.what()) + "); truncated?"};
    }
    return Error{"annotate", where + ": not valid JSON"};
  }
  return j;
}

std::string Annotator(const Json& completed_by) {
  if (completed_by.is_number_integer())
    return "ls-user:" + std::to_string(completed_by.get<int64_t>());
  if (completed_by.is_object()) {
    if (completed_by.contains("email") && completed_by["email"].is_string()) {
      return completed_by["email"].get<std::string>();
    }
    if (completed_by.contains("id") && completed_by["id"].is_number_integer()) {
      return "ls-user:" + std::to_string(completed_by["id"].get<int64_t>());
    }
  }
  if (completed_by.is_string() && !completed_by.get<std::string>().empty()) {
    return completed_by.get<std::string>();
  }
  return "";
}

std::string Text(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

Result<std::vector<ImportedVote>> ParseLabelStudioExport(const std::string& text,
                                                         const std::string& path) {
  auto parsed = ParseJson(text, path);
  if (!parsed.ok()) return Error{"annotate", parsed.error().message + "; nothing was imported"};
  const Json& root = parsed.value();
  if (!root.is_array()) {
    return Error{"annotate", path +
                                 ": a Label Studio JSON export is an array of tasks; nothing "
                                 "was imported"};
  }
  std::vector<ImportedVote> votes;
  std::vector<std::string> problems;
  for (size_t i = 0; i < root.size(); ++i) {
    const Json& task = root[i];
    const std::string rec = path + ": task record " + std::to_string(i + 1);
    if (!task.is_object() || !task.contains("data") || !task["data"].is_object()) {
      problems.push_back(rec + ": no \"data\" object");
      continue;
    }
    const Json& data = task["data"];
    if (!data.contains("assay_task_id") || !data["assay_task_id"].is_number_integer()) {
      problems.push_back(rec + ": no data.assay_task_id (not a task exported by assay)");
      continue;
    }
    const int64_t task_id = data["assay_task_id"].get<int64_t>();
    if (!task.contains("annotations")) continue;  // not annotated yet
    if (!task["annotations"].is_array()) {
      problems.push_back(rec + ": \"annotations\" must be an array");
      continue;
    }
    const Json& anns = task["annotations"];
    for (size_t a = 0; a < anns.size(); ++a) {
      const Json& ann = anns[a];
      const std::string where =
          rec + " (task " + std::to_string(task_id) + "), annotation " + std::to_string(a + 1);
      if (!ann.is_object()) {
        problems.push_back(where + ": not an object");
        continue;
      }
      if (ann.value("was_cancelled", false)) continue;  // skipped in Label Studio: no vote
      ImportedVote v;
      v.task_id = task_id;
      v.where = where;
      v.annotator = Annotator(ann.value("completed_by", Json()));
      if (v.annotator.empty()) {
        problems.push_back(where + ": no completed_by (who annotated?)");
        continue;
      }
      if (!ann.contains("result") || !ann["result"].is_array()) {
        problems.push_back(where + ": no \"result\" array");
        continue;
      }
      std::vector<std::string> choices;
      bool bad = false;
      for (const Json& r : ann["result"]) {
        if (!r.is_object() || r.value("from_name", "") != "label") continue;
        if (r.value("type", "") != "choices" || !r.contains("value") || !r["value"].is_object() ||
            !r["value"].contains("choices") || !r["value"]["choices"].is_array()) {
          problems.push_back(where + ": the \"label\" result is not a choices result");
          bad = true;
          break;
        }
        for (const Json& c : r["value"]["choices"]) {
          if (!c.is_string()) {
            problems.push_back(where + ": a choice that is not a string");
            bad = true;
            break;
          }
          choices.push_back(c.get<std::string>());
        }
      }
      if (bad) continue;
      if (choices.size() != 1) {
        problems.push_back(where + ": " + std::to_string(choices.size()) +
                           " choices for \"label\" (one is expected)");
        continue;
      }
      v.label = choices.front();
      v.annotated_at = Text(ann, "updated_at");
      if (v.annotated_at.empty()) v.annotated_at = Text(ann, "created_at");
      if (ann.contains("id")) {
        v.source_ref = "label-studio:" +
                       (ann["id"].is_string() ? ann["id"].get<std::string>() : ann["id"].dump());
      }
      votes.push_back(std::move(v));
    }
  }
  if (!problems.empty()) {
    std::string msg = std::to_string(problems.size()) + " malformed record" +
                      (problems.size() == 1 ? "" : "s") + "; nothing was imported:";
    for (size_t i = 0; i < problems.size() && i < 50; ++i) msg += "\n  " + problems[i];
    return Error{"annotate", msg};
  }
  return votes;
}

Result<std::vector<ImportedVote>> ParseJsonlVotes(const std::string& text,
                                                  const std::string& path) {
  std::vector<ImportedVote> votes;
  std::vector<std::string> problems;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  if (!text.empty() && text.back() != '\n') {
    problems.push_back(path + ": the last line has no newline (truncated file?)");
  }
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(n);
    auto j = ParseJson(line, where);
    if (!j.ok()) {
      problems.push_back(j.error().message);
      continue;
    }
    const Json& o = j.value();
    if (!o.is_object()) {
      problems.push_back(where + ": not a JSON object");
      continue;
    }
    ImportedVote v;
    v.where = where;
    bool bad = false;
    for (auto& [k, val] : o.items()) {
      if (k == "task_id" && val.is_number_integer()) {
        v.task_id = val.get<int64_t>();
      } else if ((k == "annotator" || k == "label" || k == "annotated_at" || k == "ref") &&
                 val.is_string()) {
        (k == "annotator" ? v.annotator
         : k == "label"   ? v.label
         : k == "ref"     ? v.source_ref
                          : v.annotated_at) = val.get<std::string>();
      } else {
        problems.push_back(
            where + ": " +
            (k == "task_id" || k == "annotator" || k == "label" || k == "annotated_at" || k == "ref"
                 ? "bad type for '" + k + "'"
                 : "unknown key '" + k +
                       "' (expected task_id, annotator, label, annotated_at, ref)"));
        bad = true;
      }
    }
    if (bad) continue;
    if (v.task_id == 0 || v.annotator.empty() || v.label.empty()) {
      problems.push_back(where + ": task_id, annotator and label are required");
      continue;
    }
    votes.push_back(std::move(v));
  }
  if (!problems.empty()) {
    std::string msg = std::to_string(problems.size()) + " malformed line" +
                      (problems.size() == 1 ? "" : "s") + "; nothing was imported:";
    for (size_t i = 0; i < problems.size() && i < 50; ++i) msg += "\n  " + problems[i];
    return Error{"annotate", msg};
  }
  return votes;
}

}  // namespace assay
