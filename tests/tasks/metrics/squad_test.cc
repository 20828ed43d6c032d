#include "tasks/metrics/squad.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::tasks::metrics {
namespace {

// Reference: the official SQuAD v2.0 script evaluate-v2.0.py (copy in github.com/qwang70/bert at
// b3797fb) under CPython 3.11.2, normalize_answer(text), printed by
// tests/tasks/metrics/make_reference_numbers.py (section kNormalize).
constexpr std::pair<std::string_view, std::string_view> kNormalize[] = {
    {"The Cat!", "cat"},
    {"an apple a day", "apple day"},
    {"Theory of the Bands", "theory of bands"},
    {"  multiple   spaces\tand\nnewlines ", "multiple spaces and newlines"},
    {"Beyonc\u00e9's", "beyonc\u00e9s"},
    {"\u00c9COLE Normale", "\u00e9cole normale"},
    {"\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03a3.",
     "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2 \u03c3"},
    {"the\u2014end", "\u2014end"},
    {"th\u00e9 a", "th\u00e9"},
    {"\u0130stanbul", "i\u0307stanbul"},
    {"caf\u00e9_au_lait", "caf\u00e9aulait"},
    {"1,000.50", "100050"},
    {"", ""},
    {"a\u0301 b", "\u0301 b"},
    {"THE", ""},
    {"A.B.C.", "abc"},
};

TEST(NormalizeAnswerTest, MatchesOfficialScript) {
  for (const auto& [text, normalized] : kNormalize) {
    EXPECT_EQ(NormalizeAnswer(text), normalized) << text;
  }
}

struct SquadCase {
  std::vector<std::string> golds;
  std::string prediction;
  double exact;
  double f1;
};

// Reference: same script; max(compute_exact(a, pred)) and max(compute_f1(a, pred)) over the
// golds that get_raw_scores keeps ([""] when none normalize to non-empty), printed by
// make_reference_numbers.py (section kSquadCases).
const SquadCase kSquadCases[] = {
    {{"Denver Broncos", "The Denver Broncos"}, "Denver Broncos", 1.0, 1.0},
    {{"Denver Broncos"}, "the broncos of Denver", 0.0, 0.8},
    {{}, "", 1.0, 1.0},
    {{}, "something", 0.0, 0.0},
    {{"the"}, "", 1.0, 1.0},
    {{"a b c"}, "c b a", 0.0, 1.0},
    {{"New York City", "NYC"}, "new york", 0.0, 0.8},
    {{"the cat the cat"}, "cat", 0.0, 0.6666666666666666},
    {{"Beyonc\u00e9 Knowles"}, "BEYONC\u00c9", 0.0, 0.6666666666666666},
    {{"$1,000"}, "1000", 1.0, 1.0},
    {{" ", "..."}, "   ", 1.0, 1.0},
    {{"Saint Bernadette Soubirous"}, "Saint Bernadette", 0.0, 0.8},
    {{"a"}, "an", 1.0, 1.0},
};

TEST(SquadTest, ExactAndF1MatchOfficialScript) {
  for (const SquadCase& t : kSquadCases) {
    EXPECT_NEAR(SquadExact(t.golds, t.prediction), t.exact, 1e-15) << t.prediction;
    EXPECT_NEAR(SquadF1(t.golds, t.prediction), t.f1, 1e-15) << t.prediction;
  }
}

TEST(SquadTest, UnanswerableQuestionOnlyAcceptsAnEmptyPrediction) {
  EXPECT_EQ(SquadExact({}, ""), 1.0);
  EXPECT_EQ(SquadF1({}, "  "), 1.0);
  EXPECT_EQ(SquadExact({}, "Paris"), 0.0);
  EXPECT_EQ(SquadF1({"the", "?"}, "Paris"), 0.0);  // Both golds normalize to "".
}

TEST(SquadTest, ScoresAreFractionsNotPercentages) {
  EXPECT_EQ(SquadExact({"Paris"}, "paris."), 1.0);
  EXPECT_NEAR(SquadF1({"the city of Paris"}, "Paris"), 0.5, 1e-15);
}

}  // namespace
}  // namespace jb::tasks::metrics
