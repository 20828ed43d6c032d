#include "tasks/metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using joulebench::v1::MetricSpec;

MetricSpec ExactMatch(std::vector<std::string> regexes, bool ignore_case = false,
                      bool ignore_punctuation = false) {
  MetricSpec m;
  m.set_metric("exact_match");
  m.set_ignore_case(ignore_case);
  m.set_ignore_punctuation(ignore_punctuation);
  for (auto& r : regexes) m.add_regexes_to_ignore(r);
  return m;
}

double Score(const MetricSpec& m, const std::string& prediction, const std::string& reference) {
  absl::StatusOr<MetricValue> s = ScoreResponse(m, prediction, {reference}, nullptr, 1);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? s->value : -1;
}

// Every expectation below was checked against lm-eval's exact_match_hf_evaluate logic in
// Python (re.sub for each regex on both sides, then lower(), then string.punctuation removed).
TEST(ExactMatchTest, Gsm8kSettingsStripFormattingAndTheSolution) {
  const MetricSpec gsm8k = ExactMatch({",", "\\$", "(?s).*#### ", "\\.$"}, /*ignore_case=*/true);
  EXPECT_EQ(Score(gsm8k, "1,234", "1234"), 1);
  EXPECT_EQ(Score(gsm8k, "$1,234.", "1234"), 1);
  // The gold answer is GSM8K's whole solution; "(?s).*#### " cuts it down to the number.
  EXPECT_EQ(Score(gsm8k, "72",
                  "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = "
                  "<<48+24=72>>72 clips altogether in April and May.\n#### 72"),
            1);
  EXPECT_EQ(Score(gsm8k, "73", "72"), 0);
  EXPECT_EQ(Score(gsm8k, "[invalid]", "72"), 0);
}

TEST(ExactMatchTest, RegexesApplyBeforeLowerCasing) {
  // re.sub("ABC", "", "abc1") leaves "abc1"; lower() comes after, so no match.
  EXPECT_EQ(Score(ExactMatch({"ABC"}, true), "abc1", "1"), 0);
  EXPECT_EQ(Score(ExactMatch({"abc"}, true), "abc1", "1"), 1);
}

TEST(ExactMatchTest, CaseAndPunctuationOptions) {
  EXPECT_EQ(Score(ExactMatch({}), "Positive", "positive"), 0);
  EXPECT_EQ(Score(ExactMatch({}, true), "Positive", "positive"), 1);
  EXPECT_EQ(Score(ExactMatch({}, true), "positive!", "positive"), 0);
  EXPECT_EQ(Score(ExactMatch({}, true, true), "pos-itive!", "Positive"), 1);
  // Every character of Python's string.punctuation goes; letters, digits and spaces stay.
  EXPECT_EQ(Score(ExactMatch({}, false, true), "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~a 1", "a 1"), 1);
  EXPECT_EQ(Score(ExactMatch({}, false, true), "a1", "a 1"), 0);
}

TEST(AccTest, IsExactEquality) {
  MetricSpec acc;
  acc.set_metric("acc");
  EXPECT_EQ(Score(acc, "positive", "positive"), 1);
  EXPECT_EQ(Score(acc, "Positive", "positive"), 0);
}

TEST(MetricTest, SeveralTargetsScoreTheBestMatch) {
  // lm-eval scores a multiple-target sample 1 when any target matches.
  absl::StatusOr<MetricValue> v =
      ScoreResponse(ExactMatch({}, true), "Paris", {"Lyon", "paris"}, nullptr, 1);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 1);
  v = ScoreResponse(ExactMatch({}), "Paris", {}, nullptr, 1);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->value, 0);
}

TEST(MetricTest, MaximumIsHundredForBleuOnly) {
  MetricSpec m;
  m.set_metric("bleu");
  EXPECT_EQ(MetricMaximum(m), 100);
  m.set_metric("rougeL");
  EXPECT_EQ(MetricMaximum(m), 1);
}

TEST(MetricTest, RejectsWhatThisBuildDoesNotImplementByName) {
  MetricSpec bleurt;
  bleurt.set_metric("bleurt");
  EXPECT_THAT(ValidateMetric(bleurt),
              StatusIs(absl::StatusCode::kInvalidArgument, "metric 'bleurt' is not supported"));
  MetricSpec acc;
  acc.set_metric("acc");
  acc.set_ignore_case(true);
  EXPECT_THAT(ValidateMetric(acc),
              StatusIs(absl::StatusCode::kInvalidArgument, "apply only to exact_match"));
  EXPECT_THAT(ValidateMetric(ExactMatch({"(?<=a)b"})),
              StatusIs(absl::StatusCode::kInvalidArgument, "regexes_to_ignore: regex '(?<=a)b'"));
  MetricSpec rouge;
  rouge.set_metric("rouge10");
  EXPECT_THAT(ValidateMetric(rouge), StatusIs(absl::StatusCode::kInvalidArgument, "rouge10"));
  MetricSpec k;
  k.set_metric("exact_match");
  k.add_k(1);
  EXPECT_THAT(ValidateMetric(k),
              StatusIs(absl::StatusCode::kInvalidArgument, "k applies only to pass_at_k"));
  MetricSpec stem;
  stem.set_metric("bleu");
  stem.set_use_stemmer(true);
  EXPECT_THAT(ValidateMetric(stem), StatusIs(absl::StatusCode::kInvalidArgument,
                                             "use_stemmer applies only to the rouge metrics"));
  MetricSpec zero;
  zero.set_metric("pass_at_k");
  zero.add_k(0);
  EXPECT_THAT(ValidateMetric(zero), StatusIs(absl::StatusCode::kInvalidArgument, "at least 1"));
  for (const char* name : {"rouge1", "rouge9", "rougeL", "rougeLsum", "bleu", "exact", "f1",
                           "acc_norm", "pass_at_k"}) {
    MetricSpec ok;
    ok.set_metric(name);
    EXPECT_OK(ValidateMetric(ok)) << name;
  }
}

TEST(MetricTest, PassAtKNeedsExactlyOneTestProgram) {
  MetricSpec m;
  m.set_metric("pass_at_k");
  EXPECT_THAT(ScoreResponse(m, "x = 1", {"a", "b"}, nullptr, 1),
              StatusIs(absl::StatusCode::kInvalidArgument, "exactly one target"));
}

}  // namespace
}  // namespace jb::tasks
