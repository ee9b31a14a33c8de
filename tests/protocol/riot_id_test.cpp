// Riot ID validation and the case-folded key that pairing compares by.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::protocol {
namespace {

TEST(RiotId, ValidIds) {
  for (const std::string& id : std::vector<std::string>
       {"Faker#KR1", "a#b", "Hide on bush#KR1", "日本語の名前#JP1", "한국어#KR", "ÄÖÜ#ÉÈ",
        "Σίσυφος#GR", "name with  spaces #tag", std::string(92, 'a') + "#KR1" /* 96 bytes */}) {
    EXPECT_TRUE(is_valid_riot_id(id)) << id;
  }
}

TEST(RiotId, InvalidIds) {
  for (const std::string& id : std::vector<std::string>
       {"", "#", "Faker", "#KR1", "Faker#", "a#b#c", "Fa\tker#KR1", "Faker#KR\n", "a\x7f#b",
        "a\xc2\x85#b" /* U+0085, a C1 control */, "\xff#KR1", "a#\xc3", "\xed\xa0\x80#x",
        std::string(93, 'a') + "#KR1" /* 97 bytes */, std::string("a\0#b", 4)}) {
    EXPECT_FALSE(is_valid_riot_id(id)) << id;
  }
}

// Look-alikes (issue 18): `Fa\u200bker#KR1` must not register beside `Faker#KR1`.
TEST(RiotId, RefusesCharactersThatMakeLookAlikes) {
  for (const std::string& id : std::vector<std::string>{
           "Fa\u200bker#KR1",      // zero-width space (Cf)
           "Fa\u200dker#KR1",      // zero-width joiner (Cf)
           "\ufeffFaker#KR1",      // BOM (Cf)
           "Faker\u202e#KR1",      // right-to-left override (Cf)
           "Fa\u2066ker\u2069#KR1", // isolates (Cf)
           "Faker\u00ad#KR1",      // soft hyphen (Cf)
           "Faker#KR\U000E0031",   // tag character (Cf)
           "Fa\u2028ker#KR1",      // line separator (Zl)
           "Fa\u2029ker#KR1",      // paragraph separator (Zp)
           "Fa\ue000ker#KR1",      // private use (Co)
           "Faker#\U000F0000",     // supplementary private use (Co)
           "Fa\U0003FFFDker#KR1",  // unassigned (Cn)
           "Fa\ufdd0ker#KR1",      // noncharacter
           "Faker#KR\uffff",       // noncharacter
           "Faker#KR\U0001FFFE",   // noncharacter
           "Fa\u00a0ker#KR1",      // no-break space
           "Fa\u3000ker#KR1",      // ideographic space
       }) {
    EXPECT_FALSE(is_valid_riot_id(id)) << id;
  }
}

TEST(RiotId, FoldingIgnoresCase) {
  EXPECT_EQ(fold_riot_id("Faker#KR1"), "faker#kr1");
  EXPECT_EQ(fold_riot_id("FAKER#kr1"), fold_riot_id("faker#KR1"));
  EXPECT_NE(fold_riot_id("Faker#KR1"), fold_riot_id("Faker#KR2"));
}

TEST(RiotId, FoldingNonLatin) {
  EXPECT_EQ(fold_riot_id("ÄÖÜ#ÉÈ"), fold_riot_id("äöü#éè"));
  EXPECT_EQ(fold_riot_id("ÄÖÜ#ÉÈ"), "äöü#éè");
  // Cyrillic and full-width Latin have case too.
  EXPECT_EQ(fold_riot_id("ПРИВЕТ#RU1"), fold_riot_id("привет#ru1"));
  EXPECT_EQ(fold_riot_id("ＡＢＣ#JP1"), fold_riot_id("ａｂｃ#jp1"));
  // Full case folding: ß is "ss".
  EXPECT_EQ(fold_riot_id("STRASSE#DE"), fold_riot_id("Straße#de"));
}

TEST(RiotId, GreekSigmaInEveryForm) {
  // Capital Σ, final ς and medial σ all fold to σ.
  const std::string key = fold_riot_id("σίσυφοσ#gr");
  EXPECT_EQ(fold_riot_id("ΣΊΣΥΦΟΣ#GR"), key);
  EXPECT_EQ(fold_riot_id("Σίσυφος#GR"), key);
}

TEST(RiotId, TurkishDottedAndDotlessI) {
  // Default (not Turkic) folding: İ (U+0130) is i + combining dot above, ı (U+0131) stays itself;
  // neither equals plain i, and ASCII I folds to i.
  EXPECT_EQ(fold_riot_id("İSTANBUL#TR"), fold_riot_id("i\u0307stanbul#tr"));
  EXPECT_NE(fold_riot_id("İstanbul#TR"), fold_riot_id("Istanbul#TR"));
  EXPECT_EQ(fold_riot_id("ISTANBUL#TR"), fold_riot_id("istanbul#tr"));
  EXPECT_NE(fold_riot_id("ıstanbul#tr"), fold_riot_id("istanbul#tr"));
  EXPECT_EQ(fold_riot_id("ıstanbul#TR"), "ıstanbul#tr");
}

TEST(RiotId, JapaneseAndKoreanAreUnchangedButTagsFold) {
  EXPECT_EQ(fold_riot_id("日本語の名前#JP1"), "日本語の名前#jp1");
  EXPECT_EQ(fold_riot_id("한국어#KR1"), "한국어#kr1");
  EXPECT_EQ(fold_riot_id("カタカナ#JP1"), fold_riot_id("カタカナ#jp1"));
  EXPECT_NE(fold_riot_id("カタカナ#JP1"), fold_riot_id("かたかな#JP1"));  // kana are not case
}

TEST(RiotId, ComposedAndDecomposedAreEqual) {
  // NFC é (U+00E9) vs NFD e + U+0301.
  EXPECT_EQ(fold_riot_id("Caf\u00e9#FR"), fold_riot_id("Cafe\u0301#FR"));
  EXPECT_EQ(fold_riot_id("CAF\u00c9#FR"), fold_riot_id("cafe\u0301#fr"));
  // Å three ways: precomposed, decomposed, and the Angstrom sign.
  EXPECT_EQ(fold_riot_id("\u00c5#SE"), fold_riot_id("A\u030a#se"));
  EXPECT_EQ(fold_riot_id("\u212b#SE"), fold_riot_id("\u00e5#se"));
  // Hangul syllable vs its conjoining jamo.
  EXPECT_EQ(fold_riot_id("\ud55c#KR"), fold_riot_id("\u1112\u1161\u11ab#KR"));
  // The key is NFC.
  EXPECT_EQ(fold_riot_id("Cafe\u0301#FR"), "caf\u00e9#fr");
}

}  // namespace
}  // namespace shotcall::protocol
