// The request checks of `assay serve` (cli/serve_auth.h): tokens, sessions, CSRF, origin and
// parameter validation. The HTTP side is tested end to end (tests/e2e/test_serve*.py).
#include "cli/serve_auth.h"

#include <gtest/gtest.h>

namespace assay::cli {
namespace {

TEST(ServeAuthTest, TokenFileParsesNamesAndSecretsAndSkipsComments) {
  auto r = ParseTokenFile("# reviewers\n\nalice:0123456789abcdef\n bob@lab:fedcba9876543210xx \n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_EQ(r.value()[0].name, "alice");
  EXPECT_EQ(r.value()[0].secret, "0123456789abcdef");
  EXPECT_EQ(r.value()[1].name, "bob@lab");
  EXPECT_EQ(r.value()[1].secret, "fedcba9876543210xx");
}

TEST(ServeAuthTest, TokenFileErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"alice\n", "line 1: expected name:secret"},
      {"\nal ice:0123456789abcdef\n", "line 2: a name is 1 to 64 of A-Z a-z 0-9 . _ @ -"},
      {"alice:short\n", "line 1: a secret is at least 16 characters, without spaces"},
      {"a:0123456789abcdef\na:0123456789abcdeX\n", "line 2: duplicate name a"},
      {"a:0123456789abcdef\nb:0123456789abcdef\n", "line 2: duplicate secret"},
      {"# nothing\n", "no name:secret line"},
  };
  for (const Case& c : cases) {
    auto r = ParseTokenFile(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().message, c.error) << c.text;
  }
}

TEST(ServeAuthTest, SecretsFindTheirReviewerOnly) {
  const std::vector<Reviewer> rs = {{"alice", "0123456789abcdef"}, {"bob", "fedcba9876543210"}};
  EXPECT_EQ(ReviewerForSecret(rs, "fedcba9876543210"), "bob");
  EXPECT_EQ(ReviewerForSecret(rs, "0123456789abcdef"), "alice");
  EXPECT_FALSE(ReviewerForSecret(rs, "0123456789abcde"));
  EXPECT_FALSE(ReviewerForSecret(rs, ""));
  EXPECT_FALSE(ReviewerForSecret({}, "0123456789abcdef"));
}

TEST(ServeAuthTest, BearerAndCookieHeaders) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_FALSE(BearerToken("Basic abc"));
  EXPECT_FALSE(BearerToken("Bearer "));
  EXPECT_FALSE(BearerToken(""));
  EXPECT_EQ(CookieValue("a=1; assay_session=xyz; b=2", "assay_session"), "xyz");
  EXPECT_FALSE(CookieValue("assay_sessionx=1", "assay_session"));
  EXPECT_FALSE(CookieValue("", "assay_session"));
}

TEST(ServeAuthTest, OriginMustBeTheServerItself) {
  EXPECT_TRUE(OriginAllowed("", "127.0.0.1:8080"));  // not a browser
  EXPECT_TRUE(OriginAllowed("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_FALSE(OriginAllowed("http://evil.example", "127.0.0.1:8080"));
  EXPECT_FALSE(OriginAllowed("http://127.0.0.1:8081", "127.0.0.1:8080"));
  EXPECT_FALSE(OriginAllowed("null", "127.0.0.1:8080"));
  EXPECT_FALSE(OriginAllowed("http://127.0.0.1:8080", ""));
}

TEST(ServeAuthTest, ParametersThatCouldNameAFileOutsideTheStoreAreRefused) {
  for (const char* bad : {"..", "../etc/passwd", "a/../../b", "/etc/passwd", "C:\\x", "c:x", "a\\b",
                          "file:///etc/passwd"}) {
    EXPECT_FALSE(SafeParameter(bad)) << bad;
  }
  EXPECT_FALSE(SafeParameter(std::string("a\0b", 3)));
  for (const char* good :
       {"", "ocr.mean_confidence", "pdf_scan", "alice", "12", "' OR 1=1 --", "a.b/c"}) {
    EXPECT_TRUE(SafeParameter(good)) << good;
  }
}

TEST(ServeAuthTest, BindAddresses) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseBind("127.0.0.1:8080", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(ParseBind("[::1]:0", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  for (const char* bad : {"8080", ":8080", "host:", "host:99999", "host:8x", "::1:80", "[::1]80"}) {
    EXPECT_FALSE(ParseBind(bad, &host, &port)) << bad;
  }
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("localhost.evil.example"));
}

TEST(ServeAuthTest, SessionsHaveTheirOwnCsrfTokens) {
  Sessions s;
  const std::string a = s.Open("alice"), b = s.Open("bob");
  EXPECT_NE(a, b);
  ASSERT_TRUE(s.Find(a));
  ASSERT_TRUE(s.Find(b));
  EXPECT_EQ(s.Find(a)->name, "alice");
  EXPECT_EQ(s.Find(a)->csrf.size(), 48u);
  EXPECT_NE(s.Find(a)->csrf, s.Find(b)->csrf);
  EXPECT_NE(s.Find(a)->csrf, a);
  EXPECT_FALSE(s.Find("nope"));
  EXPECT_TRUE(ConstantTimeEquals(s.Find(a)->csrf, s.Find(a)->csrf));
  EXPECT_FALSE(ConstantTimeEquals(s.Find(a)->csrf, s.Find(b)->csrf));
  EXPECT_FALSE(ConstantTimeEquals("", s.Find(a)->csrf));
}

}  // namespace
}  // namespace assay::cli
