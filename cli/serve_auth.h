// Who may use `assay serve` and how a request proves it: reviewer tokens, login sessions,
// CSRF tokens and the origin check. No HTTP library here, so every rule is unit-tested alone
// (tests/unit/serve_auth_test.cpp); cli/serve_routes.cpp applies them to each request.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace assay::cli {

// A reviewer allowed in: `name` is the identity in the audit trail, `secret` the token.
struct Reviewer {
  std::string name;
  std::string secret;
};

// Parses a token file: one `name:secret` per line; blank lines and lines starting with '#'
// are skipped. A name is 1..64 characters of [A-Za-z0-9._@-]; a secret at least 16 characters
// without spaces. Errors name the line ("line 3: ..."); a duplicate name or secret is one.
Result<std::vector<Reviewer>> ParseTokenFile(const std::string& text);

// `bytes` random bytes from the system's generator as lowercase hex; throws if there are none.
std::string RandomHex(int bytes);

// True for an address that only this machine can reach: 127.0.0.0/8, ::1, "localhost".
bool IsLoopbackHost(const std::string& host);

// Splits "host:port" ("[::1]:8080" for IPv6); false when malformed or the port is not
// 0..65535 (0: any free port).
bool ParseBind(const std::string& bind, std::string* host, int* port);

// Equal strings, compared in time independent of where they differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

// The reviewer whose secret is `secret`, if any.
std::optional<std::string> ReviewerForSecret(const std::vector<Reviewer>& reviewers,
                                             const std::string& secret);

// The token of an "Authorization: Bearer TOKEN" header value, if it is one.
std::optional<std::string> BearerToken(const std::string& authorization);

// The value of cookie `name` in a Cookie header value.
std::optional<std::string> CookieValue(const std::string& cookie_header, const std::string& name);

// A state-changing request's Origin check: allowed when the browser sent no Origin (a
// non-browser client; a browser always sends one on a cross-site POST) or when Origin is
// exactly http://<host> for the Host the request was sent to.
bool OriginAllowed(const std::string& origin, const std::string& host);

// A request parameter or path that can name nothing outside the store: no ".." segment, not
// an absolute path (Unix or Windows), no NUL, no backslash.
bool SafeParameter(const std::string& value);

// Login sessions of the browser: a session id (the cookie) maps to the reviewer's name and
// the session's CSRF token, which every POST of that session must carry (X-CSRF-Token).
// Thread-safe. Sessions live as long as the server.
class Sessions {
 public:
  struct Session {
    std::string name;
    std::string csrf;
  };
  // Opens a session for `name`; returns its id.
  std::string Open(const std::string& name);
  std::optional<Session> Find(const std::string& id) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Session> sessions_;
};

}  // namespace assay::cli
