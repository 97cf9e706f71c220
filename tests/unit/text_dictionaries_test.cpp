// The text checks' dictionary follows the text's language (stages/text_dictionaries.h), with
// Debian's real dictionaries (build.sh installs them).
#include "stages/text_dictionaries.h"

#include <gtest/gtest.h>

#include "stages/text_signals.h"

namespace assay {
namespace {

std::unique_ptr<HunspellDictionary> Load(const std::string& name) {
  auto d = std::make_unique<HunspellDictionary>();
  const std::string base = "/usr/share/hunspell/" + name;
  d->hunspell = std::make_unique<Hunspell>((base + ".aff").c_str(), (base + ".dic").c_str());
  return d;
}

class TextDictionariesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"en_US", "de_DE", "fr_FR"}) loaded_.push_back(Load(name));
    std::vector<std::pair<ResourceRef, LoadedResource*>> refs;
    for (size_t i = 0; i < loaded_.size(); ++i) {
      refs.push_back({{"hunspell", kNames[i]}, loaded_[i].get()});
    }
    ctx_ = std::make_unique<StageContext>(std::move(refs), nullptr);
  }
  static constexpr const char* kNames[] = {"en_US", "de_DE", "fr_FR"};
  std::vector<std::unique_ptr<HunspellDictionary>> loaded_;
  std::unique_ptr<StageContext> ctx_;
};

constexpr const char* kGerman =
    "Die Größe der Stadt wuchs im neunzehnten Jahrhundert schnell, als die Fabriken am Fluss "
    "gebaut wurden und viele Familien aus den Dörfern der Umgebung zuzogen, um dort Arbeit zu "
    "finden. Die Straßen waren eng, die Wohnungen klein und die Luft oft schlecht.";
constexpr const char* kFrench =
    "La ville a beaucoup grandi au dix-neuvième siècle, lorsque les usines furent construites "
    "au bord du fleuve et que de nombreuses familles des villages voisins vinrent y chercher du "
    "travail. Les rues étaient étroites et les logements petits.";
constexpr const char* kEnglish =
    "The town grew quickly in the nineteenth century, when the factories were built along the "
    "river and many families from the villages nearby moved there to find work. The streets "
    "were narrow and the houses small.";

double Ratio(const DictionaryChoice& c, const std::string& text) {
  return MeasureText(text, [&](const std::string& w) { return c.dictionary->hunspell->spell(w); })
      .DictionaryWordRatio();
}

TEST_F(TextDictionariesTest, EachTextIsCheckedWithTheDictionaryOfItsLanguage) {
  const TextDictionaries d(*ctx_, "auto", "en_US+de_DE+fr_FR");
  ASSERT_TRUE(d.ok());
  const DictionaryChoice de = d.For(kGerman);
  EXPECT_EQ(de.name, "de_DE");
  EXPECT_EQ(de.language, "de");
  EXPECT_FALSE(de.fallback);
  EXPECT_EQ(d.For(kFrench).name, "fr_FR");
  EXPECT_EQ(d.For(kEnglish).name, "en_US");
  // The point: a good German text is good by its own dictionary and poor by the English one.
  EXPECT_GT(Ratio(de, kGerman), 0.95);
  EXPECT_LT(Ratio(d.For(kEnglish), kGerman), 0.5);
  EXPECT_GT(Ratio(d.For(kFrench), kFrench), 0.95);
}

TEST_F(TextDictionariesTest, UnsureOrUncoveredLanguageFallsBackToTheFirst) {
  const TextDictionaries d(*ctx_, "auto", "en_US+de_DE+fr_FR");
  const DictionaryChoice unsure = d.For("xq zzv");
  EXPECT_EQ(unsure.name, "en_US");
  EXPECT_TRUE(unsure.fallback);
  EXPECT_EQ(unsure.Describe(), "en_US (text in un: first)");
  // Spanish has no dictionary in this context.
  const DictionaryChoice spanish = d.For(
      "La ciudad creció rápidamente en el siglo diecinueve, cuando se construyeron las fábricas "
      "junto al río y muchas familias de los pueblos cercanos llegaron a buscar trabajo.");
  EXPECT_EQ(spanish.language, "es");
  EXPECT_EQ(spanish.name, "en_US");
  EXPECT_TRUE(spanish.fallback);
}

TEST_F(TextDictionariesTest, ANamedDictionaryIsUsedWhateverTheLanguage) {
  const TextDictionaries d(*ctx_, "de_DE", "en_US+de_DE+fr_FR");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.For(kEnglish).name, "de_DE");
  EXPECT_EQ(d.For(kEnglish).language, "");  // CLD2 is not asked
}

TEST_F(TextDictionariesTest, AMissingResourceIsNotOk) {
  EXPECT_FALSE(TextDictionaries(*ctx_, "auto", "en_US+it_IT").ok());
}

TEST(DictionaryResourcesTest, AutoDeclaresEveryDictionaryInOrder) {
  const auto refs = DictionaryResources("auto", "en_US+de_DE+fr");
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].name, "en_US");
  EXPECT_EQ(refs[2].name, "fr");
  EXPECT_EQ(refs[2].kind, "hunspell");
  EXPECT_EQ(DictionaryResources("de_DE", "en_US+fr").size(), 1u);
  EXPECT_EQ(DictionaryLanguage("pt_PT"), "pt");
  EXPECT_EQ(DictionaryLanguage("fr"), "fr");
}

}  // namespace
}  // namespace assay
