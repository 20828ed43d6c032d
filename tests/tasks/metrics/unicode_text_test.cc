#include "tasks/metrics/unicode_text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Expected values are what CPython 3.11.2 prints for the same expressions, e.g.
// python3 -c 'print(ascii("\u0130\u212a\u00c9\u03a3\u0400\u10a0".lower()))'.
TEST(PythonLowerTest, MatchesStrLower) {
  EXPECT_EQ(PythonLower("Hello WORLD 123"), "hello world 123");
  EXPECT_EQ(PythonLower("\u0130\u212a\u00c9\u03a3\u0400\u10a0"),
            "i\u0307k\u00e9\u03c3\u0450\u2d00");
  EXPECT_EQ(PythonLower("\U00010400"), "\U00010428");      // DESERET CAPITAL LONG I.
  EXPECT_EQ(PythonLower("\u00df\u0131"), "\u00df\u0131");  // Already lowercase.
}

// str.lower()'s Final_Sigma rule: "ODYSSEUS" ends in a final sigma; a lone sigma, or one before
// a letter, does not.
TEST(PythonLowerTest, CapitalSigmaFollowsFinalSigmaRule) {
  EXPECT_EQ(PythonLower("\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3"),
            "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2");
  EXPECT_EQ(PythonLower("\u03a3"), "\u03c3");
  EXPECT_EQ(PythonLower("A\u03a3."), "a\u03c2.");  // '.' is Case_Ignorable.
  EXPECT_EQ(PythonLower("A\u03a3b"), "a\u03c3b");
}

TEST(PythonSplitTest, SplitsOnUnicodeWhitespace) {
  // str.split() also splits on U+001C..U+001F, U+0085, U+00A0, U+2000..U+200A and U+3000.
  EXPECT_THAT(PythonSplit(" a\tb\u00a0c\u3000d\x1e"
                          "e\u0085f  "),
              ElementsAre("a", "b", "c", "d", "e", "f"));
  EXPECT_THAT(PythonSplit("\u200b"), ElementsAre("\u200b"));  // ZERO WIDTH SPACE is not space.
  EXPECT_THAT(PythonSplit("  \n "), IsEmpty());
  EXPECT_EQ(PythonRstrip("end.\u3000 \n"), "end.");
  EXPECT_EQ(PythonRstrip("  "), "");
}

TEST(IsPythonWordCharTest, MatchesReWordClass) {
  for (char32_t c : {U'a', U'Z', U'7', U'_', U'\u00e9', U'\u00b2', U'\u4e00', U'\u0660'}) {
    EXPECT_TRUE(IsPythonWordChar(c)) << static_cast<int>(c);
  }
  for (char32_t c : {U' ', U'-', U'\u2014', U'\u0301', U'\u00d7', U'\u3000'}) {
    EXPECT_FALSE(IsPythonWordChar(c)) << static_cast<int>(c);
  }
}

TEST(DecodeUtf8AtTest, MalformedBytesPassThroughOneAtATime) {
  const std::string bad = "a\xC3(\xE2\x82";
  EXPECT_EQ(DecodeUtf8At(bad, 1).bytes.size(), 1u);
  EXPECT_FALSE(IsPythonSpace(DecodeUtf8At(bad, 1).code_point));
  EXPECT_EQ(DecodeUtf8At(bad, 3).bytes.size(), 1u);  // Truncated sequence.
  EXPECT_EQ(PythonLower(bad), bad);
  EXPECT_EQ(DecodeUtf8At("\xC0\x80", 0).bytes.size(), 1u);  // Overlong NUL.
}

}  // namespace
}  // namespace jb::tasks::metrics
