#include "tasks/metrics/rouge.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks::metrics {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct TokenizeCase {
  std::string_view text;
  bool use_stemmer;
  std::vector<std::string> tokens;
};

// Reference: rouge_score 0.1.2 tokenize.tokenize(text, PorterStemmer() or None) with Debian
// python3-nltk 3.8, printed by tests/tasks/metrics/make_reference_numbers.py (section
// kTokenizeCases). U+0130 and U+212A show Python's str.lower() producing ASCII letters.
const TokenizeCase kTokenizeCases[] = {
    {"Hello, World! It's 2024.", false, {"hello", "world", "it", "s", "2024"}},
    {"Hello, World! It's 2024.", true, {"hello", "world", "it", "s", "2024"}},
    {"running cats generously", false, {"running", "cats", "generously"}},
    {"running cats generously", true, {"run", "cat", "gener"}},
    {"\u0130stanbul \u212aelvin", false, {"i", "stanbul", "kelvin"}},
    {"\u0130stanbul \u212aelvin", true, {"i", "stanbul", "kelvin"}},
    {"a-b_c d\u00e9j\u00e0 vu", false, {"a", "b", "c", "d", "j", "vu"}},
    {"a-b_c d\u00e9j\u00e0 vu", true, {"a", "b", "c", "d", "j", "vu"}},
    {"", false, {}},
    {"", true, {}},
    {"   ...   ", false, {}},
    {"   ...   ", true, {}},
};

TEST(RougeTokenizeTest, MatchesRougeScore) {
  for (const TokenizeCase& t : kTokenizeCases) {
    EXPECT_EQ(RougeTokenize(t.text, t.use_stemmer), t.tokens) << t.text;
  }
}

constexpr std::pair<std::string_view, std::string_view> kRougeCases[] = {
    {"The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log."},
    {"testing one two", "testing"},
    {"The cats are running quickly.", "A cat runs quick!"},
    {"He gave generously to the universities.", "They generously gave to universities"},
    {"the the the cat", "the the cat cat cat"},
    {"some text here", ""},
    {"", ""},
    {"Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e in Z\u00fcrich", "cafe creme brulee in zurich"},
    {"300\u212a and \u0130stanbul", "300k and istanbul"},
    {"It costs $3.50 (approx.) -- 20% off!", "it costs 3 50 approx 20 off"},
    {"First sentence here.\nSecond one follows.\n\nThird line!",
     "second one\nfirst sentence\n   \nsomething else entirely"},
    {"w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"},
    {"a b c\r\nd e f", "d e f\r\na b c"},
    {"police killed the gunman.\nthe gunman was armed.",
     "the gunman police killed.\npolice said the gunman was armed and killed."},
};

struct RougeRow {
  int case_index;  // Into kRougeCases: {target, prediction}.
  std::string_view rouge_type;
  bool use_stemmer;
  double precision, recall, fmeasure;
};

// Reference: rouge_score 0.1.2 RougeScorer(types, use_stemmer).score(target, prediction), Debian
// python3-nltk 3.8, CPython 3.11.2; repr() of each value, printed by
// tests/tasks/metrics/make_reference_numbers.py (section kRougeScores).
constexpr RougeRow kRougeScores[] = {
    {0, "rouge1", false, 0.75, 0.6666666666666666, 0.7058823529411765},
    {0, "rouge2", false, 0.2857142857142857, 0.25, 0.26666666666666666},
    {0, "rouge3", false, 0.16666666666666666, 0.14285714285714285, 0.15384615384615383},
    {0, "rougeL", false, 0.625, 0.5555555555555556, 0.5882352941176471},
    {0, "rougeLsum", false, 0.625, 0.5555555555555556, 0.5882352941176471},
    {1, "rouge1", false, 1.0, 0.3333333333333333, 0.5},
    {1, "rouge2", false, 0.0, 0.0, 0.0},
    {1, "rouge3", false, 0.0, 0.0, 0.0},
    {1, "rougeL", false, 1.0, 0.3333333333333333, 0.5},
    {1, "rougeLsum", false, 1.0, 0.3333333333333333, 0.5},
    {2, "rouge1", false, 0.0, 0.0, 0.0},
    {2, "rouge2", false, 0.0, 0.0, 0.0},
    {2, "rouge3", false, 0.0, 0.0, 0.0},
    {2, "rougeL", false, 0.0, 0.0, 0.0},
    {2, "rougeLsum", false, 0.0, 0.0, 0.0},
    {3, "rouge1", false, 0.8, 0.6666666666666666, 0.7272727272727272},
    {3, "rouge2", false, 0.0, 0.0, 0.0},
    {3, "rouge3", false, 0.0, 0.0, 0.0},
    {3, "rougeL", false, 0.6, 0.5, 0.5454545454545454},
    {3, "rougeLsum", false, 0.6, 0.5, 0.5454545454545454},
    {4, "rouge1", false, 0.6, 0.75, 0.6666666666666665},
    {4, "rouge2", false, 0.5, 0.6666666666666666, 0.5714285714285715},
    {4, "rouge3", false, 0.3333333333333333, 0.5, 0.4},
    {4, "rougeL", false, 0.6, 0.75, 0.6666666666666665},
    {4, "rougeLsum", false, 0.6, 0.75, 0.6666666666666665},
    {5, "rouge1", false, 0.0, 0.0, 0.0},
    {5, "rouge2", false, 0.0, 0.0, 0.0},
    {5, "rouge3", false, 0.0, 0.0, 0.0},
    {5, "rougeL", false, 0.0, 0.0, 0.0},
    {5, "rougeLsum", false, 0.0, 0.0, 0.0},
    {6, "rouge1", false, 0.0, 0.0, 0.0},
    {6, "rouge2", false, 0.0, 0.0, 0.0},
    {6, "rouge3", false, 0.0, 0.0, 0.0},
    {6, "rougeL", false, 0.0, 0.0, 0.0},
    {6, "rougeLsum", false, 0.0, 0.0, 0.0},
    {7, "rouge1", false, 0.2, 0.1111111111111111, 0.14285714285714285},
    {7, "rouge2", false, 0.0, 0.0, 0.0},
    {7, "rouge3", false, 0.0, 0.0, 0.0},
    {7, "rougeL", false, 0.2, 0.1111111111111111, 0.14285714285714285},
    {7, "rougeLsum", false, 0.2, 0.1111111111111111, 0.14285714285714285},
    {8, "rouge1", false, 0.6666666666666666, 0.5, 0.5714285714285715},
    {8, "rouge2", false, 0.5, 0.3333333333333333, 0.4},
    {8, "rouge3", false, 0.0, 0.0, 0.0},
    {8, "rougeL", false, 0.6666666666666666, 0.5, 0.5714285714285715},
    {8, "rougeLsum", false, 0.6666666666666666, 0.5, 0.5714285714285715},
    {9, "rouge1", false, 1.0, 1.0, 1.0},
    {9, "rouge2", false, 1.0, 1.0, 1.0},
    {9, "rouge3", false, 1.0, 1.0, 1.0},
    {9, "rougeL", false, 1.0, 1.0, 1.0},
    {9, "rougeLsum", false, 1.0, 1.0, 1.0},
    {10, "rouge1", false, 0.5714285714285714, 0.5, 0.5333333333333333},
    {10, "rouge2", false, 0.3333333333333333, 0.2857142857142857, 0.30769230769230765},
    {10, "rouge3", false, 0.0, 0.0, 0.0},
    {10, "rougeL", false, 0.2857142857142857, 0.25, 0.26666666666666666},
    {10, "rougeLsum", false, 0.5714285714285714, 0.5, 0.5333333333333333},
    {11, "rouge1", false, 0.4, 0.8, 0.5333333333333333},
    {11, "rouge2", false, 0.1111111111111111, 0.25, 0.15384615384615383},
    {11, "rouge3", false, 0.0, 0.0, 0.0},
    {11, "rougeL", false, 0.4, 0.8, 0.5333333333333333},
    {11, "rougeLsum", false, 0.4, 0.8, 0.5333333333333333},
    {12, "rouge1", false, 1.0, 1.0, 1.0},
    {12, "rouge2", false, 0.8, 0.8, 0.8000000000000002},
    {12, "rouge3", false, 0.5, 0.5, 0.5},
    {12, "rougeL", false, 0.5, 0.5, 0.5},
    {12, "rougeLsum", false, 1.0, 1.0, 1.0},
    {13, "rouge1", false, 0.6666666666666666, 1.0, 0.8},
    {13, "rouge2", false, 0.45454545454545453, 0.7142857142857143, 0.5555555555555556},
    {13, "rouge3", false, 0.2, 0.3333333333333333, 0.25},
    {13, "rougeL", false, 0.5, 0.75, 0.6},
    {13, "rougeLsum", false, 0.6666666666666666, 1.0, 0.8},
    {0, "rouge1", true, 0.75, 0.6666666666666666, 0.7058823529411765},
    {0, "rouge2", true, 0.2857142857142857, 0.25, 0.26666666666666666},
    {0, "rouge3", true, 0.16666666666666666, 0.14285714285714285, 0.15384615384615383},
    {0, "rougeL", true, 0.625, 0.5555555555555556, 0.5882352941176471},
    {0, "rougeLsum", true, 0.625, 0.5555555555555556, 0.5882352941176471},
    {1, "rouge1", true, 1.0, 0.3333333333333333, 0.5},
    {1, "rouge2", true, 0.0, 0.0, 0.0},
    {1, "rouge3", true, 0.0, 0.0, 0.0},
    {1, "rougeL", true, 1.0, 0.3333333333333333, 0.5},
    {1, "rougeLsum", true, 1.0, 0.3333333333333333, 0.5},
    {2, "rouge1", true, 0.5, 0.4, 0.4444444444444445},
    {2, "rouge2", true, 0.0, 0.0, 0.0},
    {2, "rouge3", true, 0.0, 0.0, 0.0},
    {2, "rougeL", true, 0.5, 0.4, 0.4444444444444445},
    {2, "rougeLsum", true, 0.5, 0.4, 0.4444444444444445},
    {3, "rouge1", true, 0.8, 0.6666666666666666, 0.7272727272727272},
    {3, "rouge2", true, 0.0, 0.0, 0.0},
    {3, "rouge3", true, 0.0, 0.0, 0.0},
    {3, "rougeL", true, 0.6, 0.5, 0.5454545454545454},
    {3, "rougeLsum", true, 0.6, 0.5, 0.5454545454545454},
    {4, "rouge1", true, 0.6, 0.75, 0.6666666666666665},
    {4, "rouge2", true, 0.5, 0.6666666666666666, 0.5714285714285715},
    {4, "rouge3", true, 0.3333333333333333, 0.5, 0.4},
    {4, "rougeL", true, 0.6, 0.75, 0.6666666666666665},
    {4, "rougeLsum", true, 0.6, 0.75, 0.6666666666666665},
    {5, "rouge1", true, 0.0, 0.0, 0.0},
    {5, "rouge2", true, 0.0, 0.0, 0.0},
    {5, "rouge3", true, 0.0, 0.0, 0.0},
    {5, "rougeL", true, 0.0, 0.0, 0.0},
    {5, "rougeLsum", true, 0.0, 0.0, 0.0},
    {6, "rouge1", true, 0.0, 0.0, 0.0},
    {6, "rouge2", true, 0.0, 0.0, 0.0},
    {6, "rouge3", true, 0.0, 0.0, 0.0},
    {6, "rougeL", true, 0.0, 0.0, 0.0},
    {6, "rougeLsum", true, 0.0, 0.0, 0.0},
    {7, "rouge1", true, 0.2, 0.1111111111111111, 0.14285714285714285},
    {7, "rouge2", true, 0.0, 0.0, 0.0},
    {7, "rouge3", true, 0.0, 0.0, 0.0},
    {7, "rougeL", true, 0.2, 0.1111111111111111, 0.14285714285714285},
    {7, "rougeLsum", true, 0.2, 0.1111111111111111, 0.14285714285714285},
    {8, "rouge1", true, 0.6666666666666666, 0.5, 0.5714285714285715},
    {8, "rouge2", true, 0.5, 0.3333333333333333, 0.4},
    {8, "rouge3", true, 0.0, 0.0, 0.0},
    {8, "rougeL", true, 0.6666666666666666, 0.5, 0.5714285714285715},
    {8, "rougeLsum", true, 0.6666666666666666, 0.5, 0.5714285714285715},
    {9, "rouge1", true, 1.0, 1.0, 1.0},
    {9, "rouge2", true, 1.0, 1.0, 1.0},
    {9, "rouge3", true, 1.0, 1.0, 1.0},
    {9, "rougeL", true, 1.0, 1.0, 1.0},
    {9, "rougeLsum", true, 1.0, 1.0, 1.0},
    {10, "rouge1", true, 0.5714285714285714, 0.5, 0.5333333333333333},
    {10, "rouge2", true, 0.3333333333333333, 0.2857142857142857, 0.30769230769230765},
    {10, "rouge3", true, 0.0, 0.0, 0.0},
    {10, "rougeL", true, 0.2857142857142857, 0.25, 0.26666666666666666},
    {10, "rougeLsum", true, 0.5714285714285714, 0.5, 0.5333333333333333},
    {11, "rouge1", true, 0.4, 0.8, 0.5333333333333333},
    {11, "rouge2", true, 0.1111111111111111, 0.25, 0.15384615384615383},
    {11, "rouge3", true, 0.0, 0.0, 0.0},
    {11, "rougeL", true, 0.4, 0.8, 0.5333333333333333},
    {11, "rougeLsum", true, 0.4, 0.8, 0.5333333333333333},
    {12, "rouge1", true, 1.0, 1.0, 1.0},
    {12, "rouge2", true, 0.8, 0.8, 0.8000000000000002},
    {12, "rouge3", true, 0.5, 0.5, 0.5},
    {12, "rougeL", true, 0.5, 0.5, 0.5},
    {12, "rougeLsum", true, 1.0, 1.0, 1.0},
    {13, "rouge1", true, 0.6666666666666666, 1.0, 0.8},
    {13, "rouge2", true, 0.45454545454545453, 0.7142857142857143, 0.5555555555555556},
    {13, "rouge3", true, 0.2, 0.3333333333333333, 0.25},
    {13, "rougeL", true, 0.5, 0.75, 0.6},
    {13, "rougeLsum", true, 0.6666666666666666, 1.0, 0.8},
};

TEST(RougeTest, MatchesRougeScore) {
  for (const RougeRow& row : kRougeScores) {
    const auto& [target, prediction] = kRougeCases[row.case_index];
    const absl::StatusOr<RougeScore> got =
        Rouge(row.rouge_type, target, prediction, row.use_stemmer);
    ASSERT_TRUE(got.ok()) << got.status();
    const std::string where = "case " + std::to_string(row.case_index) + " " +
                              std::string(row.rouge_type) + (row.use_stemmer ? " stemmed" : "");
    EXPECT_NEAR(got->precision, row.precision, 1e-12) << where;
    EXPECT_NEAR(got->recall, row.recall, 1e-12) << where;
    EXPECT_NEAR(got->fmeasure, row.fmeasure, 1e-12) << where;
  }
}

// The cases below are rouge_score's own rouge_scorer_test.py (RougeScorerTest), same names.
void ExpectScore(std::string_view type, std::string_view target, std::string_view prediction,
                 double precision, double recall, double fmeasure) {
  const absl::StatusOr<RougeScore> got = Rouge(type, target, prediction, false);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_NEAR(got->precision, precision, 1e-12);
  EXPECT_NEAR(got->recall, recall, 1e-12);
  EXPECT_NEAR(got->fmeasure, fmeasure, 1e-12);
}

TEST(RougeScorerTestCases, Rouge1Rouge2AndRougeL) {
  ExpectScore("rouge1", "testing one two", "testing", 1, 1.0 / 3, 1.0 / 2);      // testRouge1
  ExpectScore("rouge2", "testing one two", "testing one", 1, 1.0 / 2, 2.0 / 3);  // testRouge2
  ExpectScore("rougeL", "testing one two", "testing one", 1, 2.0 / 3, 4.0 / 5);  // Consecutive
  ExpectScore("rougeL", "testing one two", "testing two", 1, 2.0 / 3, 4.0 / 5);  // NonConsec.
  for (std::string_view type : {"rouge1", "rouge2", "rougeL", "rougeLsum"}) {    // testRougeEmpty
    ExpectScore(type, "testing one two", "", 0, 0, 0);
  }
}

TEST(RougeScorerTestCases, RougeLsum) {
  // testRougeLsum: fmeasure 0.5333 to 3 places; exactly 2 * 0.4 * 0.8 / 1.2.
  ExpectScore("rougeLsum", "w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", 0.4, 0.8,
              2 * 0.4 * 0.8 / (0.4 + 0.8));
  ExpectScore("rougeLsum", "w1 w2 w3 w4 w5", "", 0, 0, 0);
  ExpectScore("rougeLsum", "", "w1", 0, 0, 0);
  ExpectScore("rougeLsum", "w1 w2 w3 w4 w5", "/", 0, 0, 0);
}

TEST(RougeScorerTestCases, RougeLsumSentenceSplitting) {
  // testRougeLSumSentenceSplitting with split_summaries=False (the default).
  const auto lsum = [](std::string_view target, std::string_view prediction) {
    return Rouge("rougeLsum", target, prediction, /*use_stemmer=*/true)->fmeasure;
  };
  EXPECT_NEAR(lsum("First sentence.\nSecond Sentence.", "Second sentence.\nFirst Sentence."), 1.0,
              1e-12);
  EXPECT_NEAR(lsum("First sentence. Second Sentence.", "Second sentence. First Sentence."), 0.5,
              1e-12);
}

TEST(RougeTest, RejectsUnknownTypes) {
  // testInvalidRougeTypes: "rougen", "rouge0", "rouge10"; plus near misses.
  for (std::string_view type :
       {"rougen", "rouge0", "rouge10", "rougel", "ROUGE1", "", "rougeLSum"}) {
    EXPECT_EQ(Rouge(type, "testing one two", "testing", false).status().code(),
              absl::StatusCode::kInvalidArgument)
        << type;
  }
}

TEST(RougeTest, AcceptsEveryNgramOrderUpToNine) {
  ASSERT_TRUE(Rouge("rouge9", "a b c d e f g h i", "a b c d e f g h i", false).ok());
  EXPECT_EQ(Rouge("rouge9", "a b c d e f g h i", "a b c d e f g h i", false)->fmeasure, 1.0);
}

TEST(RougeTokenizeTest, StemsOnlyTokensLongerThanThreeCharacters) {
  // "was" would stem to "wa"; "cats" (4 characters) is stemmed.
  EXPECT_THAT(RougeTokenize("was cats running", true), ElementsAre("was", "cat", "run"));
  EXPECT_THAT(RougeTokenize("!!!", true), IsEmpty());
}

}  // namespace
}  // namespace jb::tasks::metrics
