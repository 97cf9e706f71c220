// Detectors of personal data in text, for the pii stage: e-mail addresses, phone numbers
// (libphonenumber, valid numbers only), payment card numbers (issuer prefix and length, Luhn
// checksum) and national identifiers that carry a checksum or structural rules (US SSN,
// IBAN mod-97, Spanish DNI/NIE check letter). Each finds counts only: the matched text is
// never returned, so nothing downstream can store it.
#pragma once

#include <string>
#include <string_view>

namespace assay {

struct PiiCounts {
  int emails = 0;
  int phones = 0;
  int card_numbers = 0;
  int national_ids = 0;
};

// Counts occurrences in `text` (UTF-8). A span counts once, as the first kind that claims it,
// in the order e-mail, IBAN, Spanish id, card, SSN, phone: so the digits of a card number or
// an IBAN are never also a phone number. `phone_region` (ISO 3166 alpha-2, e.g. "US") is the
// region of phone numbers written without a country code.
PiiCounts CountPii(std::string_view text, const std::string& phone_region);

// The checks, exposed for tests. `digits` holds digits only; `iban` no spaces.
bool LuhnValid(std::string_view digits);
bool CardNumberValid(std::string_view digits);  // issuer prefix + length + Luhn
bool IbanValid(std::string_view iban);          // country length + mod-97 == 1
bool SsnValid(int area, int group, int serial);
bool SpanishIdValid(std::string_view id);  // DNI 12345678Z or NIE X1234567L

}  // namespace assay
