#include "stages/pii_detectors.h"

#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

#include <cctype>
#include <map>
#include <vector>

namespace assay {
namespace {

bool Digit(char c) { return c >= '0' && c <= '9'; }
bool Upper(char c) { return c >= 'A' && c <= 'Z'; }
bool Alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
// A byte that may continue a word: ASCII alphanumerics, and any byte of a non-ASCII UTF-8
// character (letters of other scripts), so "ab4111..." or "é4111..." is no number start.
bool WordByte(char c) { return Alnum(c) || static_cast<unsigned char>(c) >= 0x80; }

// Overwrites a span that was counted, so no later detector counts its characters again.
// '_' joins no digits and is no phone-number character.
void Mask(std::string& s, size_t begin, size_t end) {
  for (size_t k = begin; k < end; ++k) s[k] = '_';
}

bool StartsWord(const std::string& s, size_t i) { return i == 0 || !WordByte(s[i - 1]); }
bool EndsWord(const std::string& s, size_t e) { return e >= s.size() || !WordByte(s[e]); }

// --- e-mail -------------------------------------------------------------------------------

bool LocalChar(char c) {
  return Alnum(c) || std::string_view("._%+-'").find(c) != std::string_view::npos;
}
bool DomainChar(char c) { return Alnum(c) || c == '.' || c == '-'; }

bool DomainValid(std::string_view d) {
  if (d.find('.') == std::string_view::npos) return false;
  size_t start = 0;
  std::string_view last;
  while (start <= d.size()) {
    size_t dot = d.find('.', start);
    if (dot == std::string_view::npos) dot = d.size();
    std::string_view label = d.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    last = label;
    start = dot + 1;
  }
  if (last.size() < 2) return false;
  for (char c : last) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int CountEmails(std::string& s) {
  int count = 0;
  for (size_t at = s.find('@'); at != std::string::npos; at = s.find('@', at + 1)) {
    size_t b = at;
    while (b > 0 && LocalChar(s[b - 1])) --b;
    while (b < at && s[b] == '.') ++b;  // a sentence's dot is no part of the address
    size_t e = at + 1;
    while (e < s.size() && DomainChar(s[e])) ++e;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
    const std::string_view local(s.data() + b, at - b);
    const std::string_view domain(s.data() + at + 1, e - at - 1);
    if (local.empty() || local.size() > 64 || local.back() == '.' ||
        local.find("..") != std::string_view::npos || !DomainValid(domain)) {
      continue;
    }
    ++count;
    Mask(s, b, e);
    at = e - 1;
  }
  return count;
}

// --- IBAN ---------------------------------------------------------------------------------

// IBAN lengths by country (ISO 13616 registry).
const std::map<std::string, size_t>& IbanLengths() {
  static const std::map<std::string, size_t> kLengths = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
      {"BG", 22}, {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28},
      {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24},
      {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18},
      {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23},
      {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
      {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22},
      {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
      {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24},
      {"SC", 31}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28},
      {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}};
  return kLengths;
}

int CountIbans(std::string& s) {
  int count = 0;
  for (size_t i = 0; i + 4 <= s.size(); ++i) {
    if (!StartsWord(s, i) || !Upper(s[i]) || !Upper(s[i + 1]) || !Digit(s[i + 2]) ||
        !Digit(s[i + 3])) {
      continue;
    }
    auto it = IbanLengths().find(s.substr(i, 2));
    if (it == IbanLengths().end()) continue;
    // Printed IBANs come in groups of four separated by single spaces.
    std::string compact;
    size_t e = i;
    while (e < s.size() && compact.size() < it->second) {
      if (Upper(s[e]) || Digit(s[e])) {
        compact.push_back(s[e++]);
      } else if (s[e] == ' ' && e + 1 < s.size() && (Upper(s[e + 1]) || Digit(s[e + 1]))) {
        ++e;
      } else {
        break;
      }
    }
    if (compact.size() != it->second || !EndsWord(s, e) || !IbanValid(compact)) continue;
    ++count;
    Mask(s, i, e);
    i = e;
  }
  return count;
}

// --- Spanish DNI / NIE --------------------------------------------------------------------

int CountSpanishIds(std::string& s) {
  int count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!StartsWord(s, i)) continue;
    size_t e = i;
    std::string id;
    if (s[e] == 'X' || s[e] == 'Y' || s[e] == 'Z') id.push_back(s[e++]);
    while (e < s.size() && Digit(s[e])) id.push_back(s[e++]);
    const size_t digits = id.size() - (id.empty() || Digit(id[0]) ? 0 : 1);
    if (digits != (id.size() == digits ? 8u : 7u)) continue;
    if (e < s.size() && s[e] == '-') ++e;
    if (e >= s.size() || !Upper(s[e])) continue;
    id.push_back(s[e++]);
    if (!EndsWord(s, e) || !SpanishIdValid(id)) continue;
    ++count;
    Mask(s, i, e);
    i = e;
  }
  return count;
}

// --- digit runs: cards and SSNs -----------------------------------------------------------

struct Group {
  size_t begin, end;
};

// The groups of digits from `i`, separated by single spaces or hyphens.
std::vector<Group> DigitGroups(const std::string& s, size_t i, size_t* end) {
  std::vector<Group> groups;
  size_t k = i;
  while (k < s.size() && Digit(s[k])) {
    const size_t b = k;
    while (k < s.size() && Digit(s[k])) ++k;
    groups.push_back({b, k});
    if (k + 1 < s.size() && (s[k] == ' ' || s[k] == '-') && Digit(s[k + 1])) ++k;
  }
  *end = k;
  return groups;
}

void CountDigitRuns(std::string& s, PiiCounts* counts) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!Digit(s[i]) || !StartsWord(s, i)) continue;
    size_t end = 0;
    const std::vector<Group> groups = DigitGroups(s, i, &end);
    // A card number may be followed by other numbers (an expiry date): try the longest run
    // of whole groups that makes a valid number.
    bool claimed = false;
    for (size_t k = groups.size(); k >= 1 && !claimed; --k) {
      std::string digits;
      for (size_t g = 0; g < k; ++g)
        digits += s.substr(groups[g].begin, groups[g].end - groups[g].begin);
      if (digits.size() < 13 || digits.size() > 19) continue;
      if (k == groups.size() && !EndsWord(s, groups[k - 1].end)) continue;
      if (!CardNumberValid(digits)) continue;
      ++counts->card_numbers;
      Mask(s, i, groups[k - 1].end);
      i = groups[k - 1].end;
      claimed = true;
    }
    if (claimed) continue;
    // US SSN, written AAA-GG-SSSS (or with spaces); nine bare digits are too often other
    // numbers to count.
    if (groups.size() >= 3 && groups[0].end - groups[0].begin == 3 &&
        groups[1].end - groups[1].begin == 2 && groups[2].end - groups[2].begin == 4 &&
        s[groups[0].end] == s[groups[1].end] && EndsWord(s, groups[2].end) &&
        (groups.size() == 3 || s[groups[2].end] == ' ')) {
      const int area = std::stoi(s.substr(groups[0].begin, 3));
      const int group = std::stoi(s.substr(groups[1].begin, 2));
      const int serial = std::stoi(s.substr(groups[2].begin, 4));
      if (SsnValid(area, group, serial)) {
        ++counts->national_ids;
        Mask(s, i, groups[2].end);
        i = groups[2].end;
        continue;
      }
    }
    i = end;
  }
}

int CountPhones(const std::string& s, const std::string& region) {
  using i18n::phonenumbers::PhoneNumberMatch;
  using i18n::phonenumbers::PhoneNumberMatcher;
  using i18n::phonenumbers::PhoneNumberUtil;
  // VALID: the number must be a valid number of its region by libphonenumber's metadata (not
  // merely a possible length), which keeps dates, years and measurements out.
  PhoneNumberMatcher matcher(*PhoneNumberUtil::GetInstance(), s, region, PhoneNumberMatcher::VALID,
                             /*max_tries=*/1 << 20);
  int count = 0;
  while (matcher.HasNext()) {
    PhoneNumberMatch m;
    if (!matcher.Next(&m)) break;
    ++count;
  }
  return count;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!Digit(*it)) return false;
    int d = *it - '0';
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool CardNumberValid(std::string_view d) {
  const size_t n = d.size();
  if (n < 13 || n > 19) return false;
  for (char c : d) {
    if (!Digit(c)) return false;
  }
  const auto prefix = [&](size_t len) { return std::stoi(std::string(d.substr(0, len))); };
  const int p2 = prefix(2), p3 = prefix(3), p4 = prefix(4);
  bool issuer_length = false;
  if (d[0] == '4') {
    issuer_length = n == 13 || n == 16 || n == 19;  // Visa
  } else if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
    issuer_length = n == 16;  // Mastercard
  } else if (p2 == 34 || p2 == 37) {
    issuer_length = n == 15;  // American Express
  } else if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || p2 == 62 ||
             (p4 >= 3528 && p4 <= 3589)) {
    issuer_length = n >= 16 && n <= 19;  // Discover, UnionPay, JCB
  } else if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) {
    issuer_length = n >= 14 && n <= 19;  // Diners Club
  }
  return issuer_length && LuhnValid(d);
}

bool IbanValid(std::string_view iban) {
  if (iban.size() < 5) return false;
  auto it = IbanLengths().find(std::string(iban.substr(0, 2)));
  if (it == IbanLengths().end() || it->second != iban.size()) return false;
  // ISO 7064 mod 97-10: the first four characters moved to the end, letters as 10..35.
  const std::string rearranged = std::string(iban.substr(4)) + std::string(iban.substr(0, 4));
  int mod = 0;
  for (char c : rearranged) {
    if (Digit(c)) {
      mod = (mod * 10 + (c - '0')) % 97;
    } else if (Upper(c)) {
      mod = (mod * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return mod == 1;
}

bool SsnValid(int area, int group, int serial) {
  // Never issued: area 000, 666, 900-999; group 00; serial 0000. And the two numbers known
  // from advertising and a wallet insert, which appear in texts but belong to no one.
  if (area <= 0 || area == 666 || area >= 900 || group <= 0 || group > 99 || serial <= 0 ||
      serial > 9999) {
    return false;
  }
  if ((area == 78 && group == 5 && serial == 1120) ||
      (area == 219 && group == 9 && serial == 9999)) {
    return false;
  }
  return true;
}

bool SpanishIdValid(std::string_view id) {
  static constexpr std::string_view kLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
  if (id.size() != 9) return false;
  std::string number(id.substr(0, 8));
  if (number[0] == 'X' || number[0] == 'Y' || number[0] == 'Z')
    number[0] = char('0' + (number[0] - 'X'));
  for (char c : number) {
    if (!Digit(c)) return false;
  }
  return id[8] == kLetters[std::stol(number) % 23];
}

PiiCounts CountPii(std::string_view text, const std::string& phone_region) {
  std::string s(text);
  PiiCounts c;
  c.emails = CountEmails(s);
  c.national_ids += CountIbans(s);
  c.national_ids += CountSpanishIds(s);
  CountDigitRuns(s, &c);
  c.phones = CountPhones(s, phone_region);
  return c;
}

}  // namespace assay
