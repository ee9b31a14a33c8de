// The i18n API (app/i18n/translate.hpp): fill()'s placeholders, and tr/trn/trc against the real
// compiled Spanish catalog of the build tree (po/es.po through cmake/ShotcallTranslations.cmake),
// as the app reads it: LANGUAGE=es with the C.UTF-8 locale (the only one CI generates besides C;
// glibc honours LANGUAGE for every locale but plain "C").
#include "app/i18n/translate.hpp"

#include <glib.h>
#include <glib/gstdio.h>
#include <gtest/gtest.h>

#include <clocale>
#include <string>

#include "app/i18n/locale_dir.hpp"

namespace shotcall::i18n {
namespace {

TEST(I18nFill, ReplacesEveryNamedPlaceholder) {
  EXPECT_EQ(fill("In game on {map} as {side}", {{"map", "Summoner's Rift"}, {"side", "blue"}}),
            "In game on Summoner's Rift as blue");
  // The translator may move them: the order in the pattern is what counts.
  EXPECT_EQ(fill("{side}, {map}", {{"map", "A"}, {"side", "B"}}), "B, A");
}

TEST(I18nFill, LeavesAnUnknownPlaceholderAsWritten) {
  EXPECT_EQ(fill("{count} teammates, {cuont} left", {{"count", "3"}}), "3 teammates, {cuont} left");
  EXPECT_EQ(fill("no placeholders", {{"count", "3"}}), "no placeholders");
  EXPECT_EQ(fill("{}", {{"", "empty name"}}), "empty name");
}

TEST(I18nFill, KeepsAnUnclosedBraceAndWhatFollows) {
  EXPECT_EQ(fill("{count} left {count", {{"count", "2"}}), "2 left {count");
  EXPECT_EQ(fill("only {", {}), "only {");
  EXPECT_EQ(fill("}{count}", {{"count", "1"}}), "}1");
}

TEST(I18nFill, FillsARepeatedPlaceholderEachTime) {
  EXPECT_EQ(fill("{name} and {name}", {{"name", "Teemo"}}), "Teemo and Teemo");
}

TEST(I18nFill, KeepsUtf8InPatternAndValues) {
  EXPECT_EQ(fill("{name} se unió a la partida…", {{"name", "Ñandú#ÁÉ"}}),
            "Ñandú#ÁÉ se unió a la partida…");
  EXPECT_EQ(fill("ジンクス{x}好き", {{"x", "Саша"}}), "ジンクスСаша好き");
}

TEST(I18nLocaleDir, TheBuildTreesOnlyForTheBuildTreesBinary) {
  gchar* tmp = g_dir_make_tmp("shotcall-i18n-XXXXXX", nullptr);
  ASSERT_NE(tmp, nullptr);
  const std::string root = tmp;
  g_free(tmp);
  const std::string bin = root + "/bin", locale = root + "/locale";
  g_mkdir_with_parents(bin.c_str(), 0755);
  // No catalogs built yet: the installed ones.
  EXPECT_EQ(choose_locale_dir(bin + "/shotcall", bin, locale, "/usr/share/locale"),
            "/usr/share/locale");
  g_mkdir_with_parents(locale.c_str(), 0755);
  EXPECT_EQ(choose_locale_dir(bin + "/shotcall", bin, locale, "/usr/share/locale"), locale);
  // The same directory spelled differently is still the build tree.
  EXPECT_EQ(choose_locale_dir(bin + "/shotcall", root + "/bin/../bin/", locale, "/x"), locale);
  // Installed (or copied elsewhere): never the build tree that happens to remain.
  EXPECT_EQ(choose_locale_dir("/usr/bin/shotcall", bin, locale, "/usr/share/locale"),
            "/usr/share/locale");
  EXPECT_EQ(choose_locale_dir(bin + "/sub/shotcall", bin, locale, "/x"), "/x");
  EXPECT_EQ(choose_locale_dir("", bin, locale, "/x"), "/x");
  EXPECT_FALSE(running_program().empty());
  g_rmdir(locale.c_str());
  g_rmdir(bin.c_str());
  g_rmdir(root.c_str());
}

// Messages of the real catalog (po/es.po): when one is reworded, take the new one from there.
constexpr const char* kMsgid = "Shotcall needs a setting";
constexpr const char* kMsgstr = "Shotcall necesita un ajuste";
constexpr const char* kSingular = "Connected with {count} of {total} teammate.";
constexpr const char* kPlural = "Connected with {count} of {total} teammates.";
constexpr const char* kMsgstr0 = "Conectado con {count} de {total} compañero.";
constexpr const char* kMsgstr1 = "Conectado con {count} de {total} compañeros.";
constexpr const char* kContext = "microphone state";
constexpr const char* kCtxMsgid = "Muted";
constexpr const char* kCtxMsgstr = "Silenciado";

// The Spanish catalog as the app binds it.
class I18nCatalog : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_setenv("LANGUAGE", "es", TRUE);
    ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr) << "no C.UTF-8 locale";
    init(SHOTCALL_BUILD_LOCALE_DIR);
  }
  static void TearDownTestSuite() {
    std::setlocale(LC_ALL, "C");
    g_unsetenv("LANGUAGE");
  }
};

TEST_F(I18nCatalog, TrGivesTheSpanish) { EXPECT_STREQ(tr(kMsgid), kMsgstr); }

TEST_F(I18nCatalog, TrnPicksSingularForOneAndPluralForTwo) {
  EXPECT_STREQ(trn(kSingular, kPlural, 1), kMsgstr0);
  EXPECT_STREQ(trn(kSingular, kPlural, 2), kMsgstr1);
  EXPECT_STREQ(trn(kSingular, kPlural, 0), kMsgstr1);
}

TEST_F(I18nCatalog, TrcTranslatesWithinItsContext) {
  EXPECT_STREQ(trc(kContext, kCtxMsgid), kCtxMsgstr);
  // Another context with the same words has no translation: the English comes back.
  EXPECT_EQ(trc("a context nobody uses", kCtxMsgid), kCtxMsgid);
}

TEST_F(I18nCatalog, AnUnknownMsgidComesBackAsItIs) {
  const char* msgid = "A sentence no catalog has";
  EXPECT_EQ(tr(msgid), msgid);
  EXPECT_STREQ(trn("{count} unknown thing", "{count} unknown things", 2), "{count} unknown things");
}

}  // namespace
}  // namespace shotcall::i18n
