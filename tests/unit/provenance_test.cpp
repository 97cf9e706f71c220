// Provenance values are checked where they enter: SPDX-like licences, absolute URLs.
#include "core/provenance.h"

#include <gtest/gtest.h>

namespace assay {
namespace {

TEST(Provenance, LicencesAreSpdxLikeExpressions) {
  for (const char* ok :
       {"MIT", "CC-BY-4.0", "GPL-2.0+", "LicenseRef-acme-1", "(MIT OR Apache-2.0) AND CC0-1.0",
        "GPL-2.0-only WITH Classpath-exception-2.0"}) {
    EXPECT_TRUE(ValidateLicense(ok).ok()) << ok;
  }
  for (const char* bad :
       {"", "see our website", "MIT OR", "(MIT", "MIT)", "AND MIT", "MIT/BSD", "MIT MIT"}) {
    EXPECT_FALSE(ValidateLicense(bad).ok()) << bad;
  }
  EXPECT_FALSE(ValidateLicense(std::string(300, 'A')).ok());
}

TEST(Provenance, SourceUrlsAreAbsoluteUrls) {
  for (const char* ok : {"https://example.org/a.pdf", "http://user@host:8080/p?q=1#f",
                         "s3://bucket/key", "doi:10.1000/182", "https://example.org/caf%C3%A9"}) {
    EXPECT_TRUE(ValidateSourceUrl(ok).ok()) << ok;
  }
  for (const char* bad :
       {"", "example.org/a.pdf", "https://", "https:///path", "http://exa mple.com",
        "1http://x.org", "https://x.org/%zz", "https://x.org/\xc3\xa9", "mailto:"}) {
    EXPECT_FALSE(ValidateSourceUrl(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace assay
