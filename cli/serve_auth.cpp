#include "cli/serve_auth.h"

#include <openssl/rand.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/whitespace.h"

namespace assay::cli {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '@' || c == '-';
  });
}

}  // namespace

Result<std::vector<Reviewer>> ParseTokenFile(const std::string& text) {
  std::vector<Reviewer> out;
  std::set<std::string> names, secrets;
  std::istringstream in(text);
  std::string raw;
  for (int n = 1; std::getline(in, raw); ++n) {
    const std::string line = TrimWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = "line " + std::to_string(n) + ": ";
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return Error{"usage", where + "expected name:secret"};
    Reviewer r{line.substr(0, colon), line.substr(colon + 1)};
    if (!ValidName(r.name)) {
      return Error{"usage", where + "a name is 1 to 64 of A-Z a-z 0-9 . _ @ -"};
    }
    if (r.secret.size() < 16 || r.secret.find_first_of(" \t") != std::string::npos) {
      return Error{"usage", where + "a secret is at least 16 characters, without spaces"};
    }
    if (!names.insert(r.name).second) return Error{"usage", where + "duplicate name " + r.name};
    if (!secrets.insert(r.secret).second) return Error{"usage", where + "duplicate secret"};
    out.push_back(std::move(r));
  }
  if (out.empty()) return Error{"usage", "no name:secret line"};
  return out;
}

std::string RandomHex(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    throw std::runtime_error("no random bytes for a token");
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

bool ParseBind(const std::string& bind, std::string* host, int* port) {
  size_t colon;
  if (!bind.empty() && bind[0] == '[') {
    const size_t close = bind.find(']');
    if (close == std::string::npos || close + 1 >= bind.size() || bind[close + 1] != ':') {
      return false;
    }
    *host = bind.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = bind.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    *host = bind.substr(0, colon);
    if (host->find(':') != std::string::npos) return false;
  }
  const std::string p = bind.substr(colon + 1);
  if (p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), ::isdigit)) return false;
  *port = std::stoi(p);
  return *port <= 65535;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<std::string> ReviewerForSecret(const std::vector<Reviewer>& reviewers,
                                             const std::string& secret) {
  std::optional<std::string> found;
  for (const Reviewer& r : reviewers) {
    if (ConstantTimeEquals(r.secret, secret)) found = r.name;  // no early exit
  }
  return found;
}

std::optional<std::string> BearerToken(const std::string& authorization) {
  static const std::string kPrefix = "Bearer ";
  if (authorization.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string token = TrimWhitespace(authorization.substr(kPrefix.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::string> CookieValue(const std::string& cookie_header, const std::string& name) {
  std::istringstream in(cookie_header);
  std::string part;
  while (std::getline(in, part, ';')) {
    part = TrimWhitespace(part);
    const size_t eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
  }
  return std::nullopt;
}

bool OriginAllowed(const std::string& origin, const std::string& host) {
  if (origin.empty()) return true;
  return !host.empty() && origin == "http://" + host;
}

bool SafeParameter(const std::string& value) {
  if (value.find('\0') != std::string::npos || value.find('\\') != std::string::npos) {
    return false;
  }
  if (value.find("..") != std::string::npos) return false;
  if (!value.empty() && value[0] == '/') return false;
  // C:... or a UNC-like start.
  if (value.size() >= 2 && std::isalpha(static_cast<unsigned char>(value[0])) && value[1] == ':') {
    return false;
  }
  if (value.rfind("file:", 0) == 0) return false;
  return true;
}

std::string Sessions::Open(const std::string& name) {
  std::string id = RandomHex(24);
  std::lock_guard<std::mutex> lock(mu_);
  sessions_[id] = Session{name, RandomHex(24)};
  return id;
}

std::optional<Sessions::Session> Sessions::Find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

}  // namespace assay::cli
