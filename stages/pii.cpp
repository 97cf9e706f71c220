// pii: counts personal data in the document's text (and alt-text) so contracts can reject a
// document that holds it and a release can report it: e-mail addresses, phone numbers valid
// for their region (libphonenumber), payment card numbers (issuer prefix, length, Luhn) and
// national identifiers validated by their rules or checksums (US SSN, IBAN, Spanish DNI/NIE).
// Counts only: what was found is never stored, in metrics, outputs or lineage
// (docs/provenance.md).
#include "core/stage.h"
#include "stages/pii_detectors.h"

namespace assay {
namespace {

class PiiStage : public Stage {
 public:
  explicit PiiStage(const CanonicalJson& params)
      : phone_region_(params.at("phone_region").get<std::string>()) {}

  Result<StageReport> Run(Document& doc, StageContext&) const override {
    std::string text = doc.Text();
    if (doc.alt_text) text += "\n\n" + *doc.alt_text;
    const PiiCounts c = CountPii(text, phone_region_);
    doc.metrics["pii.emails"] = c.emails;
    doc.metrics["pii.phones"] = c.phones;
    doc.metrics["pii.card_numbers"] = c.card_numbers;
    doc.metrics["pii.national_ids"] = c.national_ids;
    return StageReport{};
  }

 private:
  std::string phone_region_;
};

}  // namespace

const StageSpec& PiiStageSpec() {
  static const StageSpec kSpec{
      .id = "pii",
      .version = 1,
      .summary = "counts e-mail addresses, phone numbers, card numbers and national ids",
      .containers = {"pdf", "image"},
      .modalities = {},  // every modality: a photo's alt-text may hold personal data too
      .establishes = {},
      .params = {{"phone_region",
                  ParamType::kString,
                  "US",
                  0,
                  0,
                  {},
                  "[A-Z]{2}",
                  "region (ISO 3166 alpha-2) of phone numbers written without a country code"}},
      .metrics = {{"pii.emails", false, "e-mail addresses in the text"},
                  {"pii.phones", false,
                   "phone numbers in the text that are valid for their region (libphonenumber)"},
                  {"pii.card_numbers", false,
                   "payment card numbers: a known issuer prefix and length, and a valid Luhn "
                   "checksum"},
                  {"pii.national_ids", false,
                   "national identifiers passing their rules or checksum: US SSN (AAA-GG-SSSS), "
                   "IBAN (mod 97), Spanish DNI/NIE (check letter)"}},
      .libraries = {"libphonenumber"},
      .resources = nullptr,
      .pixels = Pixels::kNone,
      .reads_ground_truth = false,
      .reads_description = true,  // it counts personal data in the alt-text too
      .make = [](const CanonicalJson& p) -> std::unique_ptr<Stage> {
        return std::make_unique<PiiStage>(p);
      },
  };
  return kSpec;
}

}  // namespace assay
