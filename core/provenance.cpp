#include "core/provenance.h"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/path_text.h"

namespace fs = std::filesystem;

namespace assay {

void Provenance::FillFrom(const Provenance& fallback) {
  if (!license) license = fallback.license;
  if (!source_url) source_url = fallback.source_url;
}

namespace {

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
         c == ':';
}

}  // namespace

Status ValidateLicense(const std::string& license) {
  if (license.empty()) return Error{"ingest", "\"license\" is empty"};
  if (license.size() > 256) return Error{"ingest", "\"license\" is longer than 256 bytes"};
  // Tokens: ids, parentheses, and the operators between them. A tiny state machine is enough
  // to refuse free text ("see website") while taking every SPDX expression.
  bool expect_id = true;  // an id or "(" comes next
  int depth = 0;
  size_t i = 0;
  while (i < license.size()) {
    const char c = license[i];
    if (c == ' ') {
      ++i;
      continue;
    }
    if (c == '(' || c == ')') {
      if ((c == '(') != expect_id) break;
      depth += c == '(' ? 1 : -1;
      if (depth < 0) break;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < license.size() && IsIdChar(license[j])) ++j;
    if (j == i) {
      return Error{"ingest", "\"license\" holds a character an SPDX licence id cannot: '" +
                                 Utf8Safe(std::string(1, c)) + "'"};
    }
    const std::string token = license.substr(i, j - i);
    const bool op = token == "AND" || token == "OR" || token == "WITH";
    if (op == expect_id) break;
    expect_id = op;
    i = j;
  }
  if (i < license.size() || expect_id || depth != 0) {
    return Error{"ingest",
                 "\"license\" is not an SPDX-like licence expression (ids such as "
                 "CC-BY-4.0 joined by AND, OR, WITH): \"" +
                     Utf8Safe(license.substr(0, 64)) + "\""};
  }
  return {};
}

Status ValidateSourceUrl(const std::string& url) {
  if (url.size() > 2048) return Error{"ingest", "\"source_url\" is longer than 2048 bytes"};
  const auto bad = [&](const std::string& why) {
    return Error{"ingest", "\"source_url\" is not a valid URL (" + why + "): \"" +
                               Utf8Safe(url.substr(0, 64)) + (url.size() > 64 ? "...\"" : "\"")};
  };
  const size_t colon = url.find(':');
  if (colon == std::string::npos || colon == 0) return bad("no scheme");
  if (!std::isalpha(static_cast<unsigned char>(url[0])))
    return bad("the scheme must start with a letter");
  for (size_t k = 0; k < colon; ++k) {
    const char c = url[k];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return bad("a character outside the scheme's alphabet");
    }
  }
  static const std::string kAllowed = "-._~:/?#[]@!$&'()*+,;=";
  for (size_t k = colon + 1; k < url.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(url[k]);
    if (c == '%') {
      if (k + 2 >= url.size() || !std::isxdigit(static_cast<unsigned char>(url[k + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(url[k + 2]))) {
        return bad("a % not followed by two hex digits");
      }
      k += 2;
      continue;
    }
    if (!std::isalnum(c) && kAllowed.find(static_cast<char>(c)) == std::string::npos) {
      return bad(c <= ' ' || c >= 0x7f ? "a space, control or non-ASCII character (escape it)"
                                       : std::string("the character '") + char(c) + "'");
    }
  }
  std::string scheme = url.substr(0, colon);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "ftps") {
    if (url.compare(colon + 1, 2, "//") != 0) return bad(scheme + " needs //host");
    const size_t host_start = colon + 3;
    const size_t host_end = url.find_first_of("/?#", host_start);
    std::string authority = url.substr(host_start, host_end - host_start);
    if (auto at = authority.rfind('@'); at != std::string::npos)
      authority = authority.substr(at + 1);
    if (authority.empty() || authority[0] == ':') return bad("no host");
  } else if (colon + 1 == url.size()) {
    return bad("nothing after the scheme");
  }
  return {};
}

const Result<Provenance>& ProvenanceSidecars::Of(const fs::path& dir) {
  if (auto it = read_.find(dir); it != read_.end()) return it->second;
  const fs::path file = dir / kProvenanceSidecar;
  Result<Provenance> p = Provenance{};
  std::error_code ec;
  if (fs::exists(file, ec)) {
    const std::string where = PathToText(file.lexically_normal().string());
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!in || !j.is_object()) {
      p = Error{"ingest", where +
                              ": not a JSON object (expected {\"license\": ..., "
                              "\"source_url\": ...})"};
    } else {
      for (const auto& [key, value] : j.items()) {
        if (key != "license" && key != "source_url") {
          p = Error{"ingest", where + ": unknown key \"" + Utf8Safe(key.substr(0, 64)) +
                                  "\" (only license, source_url)"};
        }
      }
      if (p.ok()) {
        p = ProvenanceOf(j);
        if (!p.ok()) p = Error{"ingest", where + ": " + p.error().message};
      }
    }
  }
  return read_.emplace(dir, std::move(p)).first->second;
}

Result<Provenance> ProvenanceSidecars::For(const fs::path& file, const fs::path& root) {
  std::error_code ec;
  const fs::path top = fs::absolute(root.empty() ? fs::path(".") : root, ec).lexically_normal();
  fs::path dir = fs::absolute(file, ec).lexically_normal().parent_path();
  Provenance out;
  const std::string rel = dir.lexically_relative(top).string();
  if (rel.empty() || rel.starts_with("..")) return out;  // outside its root: no sidecar applies
  for (;; dir = dir.parent_path()) {
    const Result<Provenance>& here = Of(dir);
    if (!here.ok()) return here.error();
    out.FillFrom(here.value());
    if (dir == top || dir == dir.parent_path()) break;
  }
  return out;
}

}  // namespace assay
