// The pii stage's detectors: each kind counted where its rules hold, and not where a checksum
// or a structural rule fails (an invalid number must not count).
#include <gtest/gtest.h>

#include "stages/pii_detectors.h"

namespace assay {
namespace {

struct Case {
  const char* text;
  int emails, phones, cards, national_ids;
};

TEST(Pii, CountsEachKindOnlyWhenValid) {
  const Case kCases[] = {
      // e-mail addresses
      {"write to jane.doe@example.com.", 1, 0, 0, 0},
      {"a+tag@mail.example.co.uk and b_c@x.org", 2, 0, 0, 0},
      {"not@addresses: a@b, foo@bar.c, @example.com, x@-bad.com", 0, 0, 0, 0},
      // phone numbers: valid for the region, or with a country code
      {"Call (202) 555-0143 today", 0, 1, 0, 0},
      {"London +44 20 7946 0958, Mountain View +1 650-253-0000", 0, 2, 0, 0},
      {"years 2019 2020 2021, pi 3.14159 2.71828, on 2021-03-04, order 1234567890", 0, 0, 0, 0},
      // cards: issuer prefix + length + Luhn
      {"card 4111 1111 1111 1111 exp 12/29", 0, 0, 1, 0},
      {"mc 5555555555554444 amex 3782-822463-10005", 0, 0, 2, 0},
      {"card 4111 1111 1111 1112", 0, 0, 0, 0},       // Luhn fails
      {"number 1234 5678 9012 3452", 0, 0, 0, 0},     // Luhn holds, no issuer starts with 1
      {"card 4111 1111 1111 1111 2029", 0, 0, 1, 0},  // a trailing year is not part of it
      // US SSN
      {"SSN 123-45-6789.", 0, 0, 0, 1},
      {"SSN 000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000", 0, 0, 0, 0},
      {"SSN 078-05-1120 (the wallet insert)", 0, 0, 0, 0},
      {"nine bare digits 123456789", 0, 0, 0, 0},
      // IBAN, mod 97
      {"IBAN GB82 WEST 1234 5698 7654 32 and DE89370400440532013000", 0, 0, 0, 2},
      {"IBAN GB82 WEST 1234 5698 7654 33", 0, 0, 0, 0},  // checksum fails
      {"IBAN DE89 3704 0044 0532 0130", 0, 0, 0, 0},     // too short for DE
      // Spanish DNI / NIE, check letter
      {"DNI 12345678Z, NIE X1234567L", 0, 0, 0, 2},
      {"DNI 12345678A, NIE X1234567A", 0, 0, 0, 0},
      // one span is one kind: an e-mail's digits, a card's digits are no phone
      {"2025550143@example.com", 1, 0, 0, 0},
      {"", 0, 0, 0, 0},
  };
  for (const Case& c : kCases) {
    const PiiCounts got = CountPii(c.text, "US");
    EXPECT_EQ(got.emails, c.emails) << c.text;
    EXPECT_EQ(got.phones, c.phones) << c.text;
    EXPECT_EQ(got.card_numbers, c.cards) << c.text;
    EXPECT_EQ(got.national_ids, c.national_ids) << c.text;
  }
}

TEST(Pii, PhoneRegionDecidesNumbersWithoutCountryCode) {
  EXPECT_EQ(CountPii("ring 020 7946 0958", "GB").phones, 1);
  EXPECT_EQ(CountPii("ring 020 7946 0958", "US").phones, 0);
}

TEST(Pii, Checksums) {
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_TRUE(CardNumberValid("4111111111111111"));
  EXPECT_FALSE(CardNumberValid("4111111111111"));        // Luhn fails at 13 digits
  EXPECT_FALSE(CardNumberValid("5555555555554444000"));  // Mastercard is 16 digits
  EXPECT_TRUE(IbanValid("GB82WEST12345698765432"));
  EXPECT_FALSE(IbanValid("GB82WEST12345698765423"));  // two digits swapped
  EXPECT_FALSE(IbanValid("QQ82WEST12345698765432"));  // no such country
  EXPECT_TRUE(SsnValid(123, 45, 6789));
  EXPECT_FALSE(SsnValid(666, 45, 6789));
  EXPECT_FALSE(SsnValid(900, 45, 6789));
  EXPECT_TRUE(SpanishIdValid("12345678Z"));
  EXPECT_TRUE(SpanishIdValid("X1234567L"));
  EXPECT_FALSE(SpanishIdValid("12345678Y"));
}

}  // namespace
}  // namespace assay
