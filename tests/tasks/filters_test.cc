#include "tasks/filters.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::tasks {
namespace {

using ::jb::testing::StatusIs;
using joulebench::v1::FilterPipeline;
using joulebench::v1::FilterStep;
using ::testing::ElementsAre;
using Matches = std::vector<std::vector<std::string>>;

// GSM8K's flexible-extract pattern (lm_eval/tasks/gsm8k/gsm8k.yaml).
constexpr char kFlexible[] = "(-?[$0-9.,]{2,})|(-?[0-9]+)";

TEST(FindAllTest, MatchesPythonReFindall) {
  // Each expectation is Python 3's re.findall on the same input.
  RE2 flexible(kFlexible);
  EXPECT_EQ(FindAll(flexible, "I have 3 apples and 12 pears, total 15."),
            (Matches{{"", "3"}, {"12", ""}, {"15.", ""}}));
  RE2 star_a("a*");  // ['', 'aa', '']
  EXPECT_EQ(FindAll(star_a, "baa"), (Matches{{""}, {"aa"}, {""}}));
  RE2 star_x("x*");  // ['', '', 'x', '', '']
  EXPECT_EQ(FindAll(star_x, "abxd"), (Matches{{""}, {""}, {"x"}, {""}, {""}}));
  RE2 optional_group("(a)?b");  // ['', 'a']
  EXPECT_EQ(FindAll(optional_group, "b ab"), (Matches{{""}, {"a"}}));
  RE2 none("(a)|(b)");  // []
  EXPECT_TRUE(FindAll(none, "xyz").empty());
}

TEST(RegexExtractTest, GroupSelectPicksAMatchAndTheFirstNonEmptyGroup) {
  RE2 flexible(kFlexible);
  const std::string reply = "I have 3 apples and 12 pears, total 15.";
  EXPECT_EQ(RegexExtract(flexible, -1, "[invalid]", reply), "15.");
  EXPECT_EQ(RegexExtract(flexible, 0, "[invalid]", reply), "3");
  EXPECT_EQ(RegexExtract(flexible, -3, "[invalid]", reply), "3");
  EXPECT_EQ(RegexExtract(flexible, 1, "[invalid]", reply), "12");
}

TEST(RegexExtractTest, FallbackWhenNothingUsableMatches) {
  RE2 strict("#### (\\-?[0-9\\.\\,]+)");
  EXPECT_EQ(RegexExtract(strict, 0, "[invalid]", "The answer is 5"), "[invalid]");
  EXPECT_EQ(RegexExtract(strict, 0, "[invalid]", "so #### 1,234"), "1,234");
  // Python would raise IndexError; we give the fallback.
  EXPECT_EQ(RegexExtract(strict, 3, "none", "#### 1 #### 2"), "none");
  // A tuple whose groups are all empty gives the fallback...
  RE2 two_groups("(x?)(y?)z");
  EXPECT_EQ(RegexExtract(two_groups, 0, "fb", "z"), "fb");
  // ...but a single empty group is an empty string, as in lm-eval.
  RE2 one_group("(x?)z");
  EXPECT_EQ(RegexExtract(one_group, 0, "fb", "z"), "");
  // The match is stripped.
  RE2 spaced("answer:(.*)");
  EXPECT_EQ(RegexExtract(spaced, 0, "fb", "answer:  positive \t"), "positive");
}

FilterStep Step(const std::string& fn, const std::string& pattern = "", int group = 0,
                const std::string& fallback = "") {
  FilterStep step;
  step.set_function(fn);
  step.set_regex_pattern(pattern);
  step.set_group_select(group);
  step.set_fallback(fallback);
  return step;
}

std::vector<std::string> Apply(const FilterPipeline& p, std::vector<std::string> responses,
                               const nlohmann::json& doc = nlohmann::json::object()) {
  absl::StatusOr<std::vector<std::string>> out = ApplyFilterPipeline(p, std::move(responses), doc);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : std::vector<std::string>{};
}

TEST(FilterPipelineTest, AppliesStepsInOrderToEveryResponse) {
  FilterPipeline p;
  p.set_name("label");
  *p.add_steps() = Step("remove_whitespace");
  *p.add_steps() = Step("regex", "(?i)\\b(positive|negative)\\b", 0, "[invalid]");
  *p.add_steps() = Step("take_first");
  *p.add_steps() = Step("lowercase");
  EXPECT_THAT(Apply(p, {"  It is Positive, not negative.", "No idea."}),
              ElementsAre("positive", "[invalid]"));
}

TEST(FilterPipelineTest, RemoveWhitespaceStripsOnlyTheStart) {
  FilterPipeline p;
  p.set_name("ws");
  *p.add_steps() = Step("remove_whitespace");
  EXPECT_THAT(Apply(p, {" \n a b \n"}), ElementsAre("a b \n"));
}

// lm-eval's MajorityVoteFilter: Counter(resps).most_common(1), whose ties go to the response
// seen first (Counter keeps insertion order).
TEST(FilterPipelineTest, MajorityVoteGivesEveryResponseTheMostCommonAnswer) {
  FilterPipeline p;
  p.set_name("maj");
  *p.add_steps() = Step("regex", "(\\d+)", -1, "[invalid]");
  *p.add_steps() = Step("majority_vote");
  *p.add_steps() = Step("take_first");
  EXPECT_THAT(Apply(p, {"so 12", "it is 7", "answer 12", "7 or 12"}),
              ElementsAre("12", "12", "12", "12"));
  // A tie (7 twice, 12 twice): the first seen wins.
  EXPECT_THAT(Apply(p, {"7", "12", "12", "7"}), ElementsAre("7", "7", "7", "7"));
  EXPECT_THAT(Apply(p, {"only 3"}), ElementsAre("3"));
}

TEST(FilterPipelineTest, BuildPredictionsPrefixesTheDocumentsPrompt) {
  FilterPipeline p;
  p.set_name("create_test");
  *p.add_steps() = Step("build_predictions");
  nlohmann::json doc = {{"prompt", "def f(x):\n"}, {"test", "..."}};
  EXPECT_THAT(Apply(p, {"    return x\n", "    return 1\n"}, doc),
              ElementsAre("def f(x):\n    return x\n", "def f(x):\n    return 1\n"));
  EXPECT_THAT(ApplyFilterPipeline(p, {"x"}, nlohmann::json{{"question", "q"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, "no string field 'prompt'"));
}

TEST(FilterPipelineTest, RejectsUnsupportedFiltersAndBadPatternsByName) {
  EXPECT_THAT(
      ValidateFilterStep(Step("take_first_k")),
      StatusIs(absl::StatusCode::kInvalidArgument, "filter 'take_first_k' is not supported"));
  EXPECT_OK(ValidateFilterStep(Step("majority_vote")));
  EXPECT_OK(ValidateFilterStep(Step("build_predictions")));
  EXPECT_THAT(ValidateFilterStep(Step("regex", "(?<=x)y")),
              StatusIs(absl::StatusCode::kInvalidArgument, "regex '(?<=x)y' does not compile"));
  EXPECT_THAT(ValidateFilterStep(Step("regex")),
              StatusIs(absl::StatusCode::kInvalidArgument, "regex_pattern is empty"));
  EXPECT_THAT(ValidateFilterStep(Step("majority_vote", "x")),
              StatusIs(absl::StatusCode::kInvalidArgument, "apply only to regex"));
  FilterPipeline p;
  p.set_name("bad");
  *p.add_steps() = Step("custom");
  EXPECT_THAT(ApplyFilterPipeline(p, {"x"}, nlohmann::json::object()),
              StatusIs(absl::StatusCode::kInvalidArgument, "filter pipeline 'bad'"));
}

}  // namespace
}  // namespace jb::tasks
