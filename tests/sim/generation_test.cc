#include "sim/generation.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace jb::sim {
namespace {

using ::testing::ElementsAre;

TEST(TokensTest, AreWhitespaceSeparatedWords) {
  EXPECT_EQ(CountTokens(""), 0u);
  EXPECT_EQ(CountTokens("  \n "), 0u);
  EXPECT_EQ(CountTokens("The answer is 42."), 4u);
  EXPECT_EQ(CountTokens(" a\tb\n\nc "), 3u);
  EXPECT_THAT(SplitTokens("The answer  is 42. "), ElementsAre("The", " answer", "  is", " 42. "));
  EXPECT_THAT(SplitTokens("\nHi"), ElementsAre("\nHi"));
}

TEST(ApplyLimitsTest, StopStringsCutFirstThenMaxTokens) {
  GenerationRequest request;
  GenerationPlan plan;
  ApplyLimits("The answer is 42.", request, &plan);
  EXPECT_EQ(plan.text, "The answer is 42.");
  EXPECT_EQ(plan.completion_tokens, 4u);
  EXPECT_EQ(plan.finish_reason, "stop");

  request.stop = {"42", "is"};
  ApplyLimits("The answer is 42.", request, &plan);
  EXPECT_EQ(plan.text, "The answer ");
  EXPECT_EQ(plan.completion_tokens, 2u);
  EXPECT_EQ(plan.finish_reason, "stop");

  request.stop.clear();
  request.max_tokens = 3;
  ApplyLimits("The answer is 42.", request, &plan);
  EXPECT_EQ(plan.text, "The answer is");
  EXPECT_EQ(plan.completion_tokens, 3u);
  EXPECT_EQ(plan.finish_reason, "length");
  EXPECT_THAT(plan.pieces, ElementsAre("The", " answer", " is"));

  request.max_tokens = 4;
  ApplyLimits("The answer is 42.", request, &plan);
  EXPECT_EQ(plan.finish_reason, "stop");
}

TEST(ApplyLimitsTest, IgnoreEosPadsWithFillerToExactlyMaxTokens) {
  GenerationRequest request;
  request.ignore_eos = true;
  request.max_tokens = 7;
  GenerationPlan plan;
  ApplyLimits("The answer is 42.", request, &plan);
  EXPECT_EQ(plan.text, absl::StrCat("The answer is 42. ", kFillerWords[0], " ", kFillerWords[1],
                                    " ", kFillerWords[2]));
  EXPECT_EQ(plan.completion_tokens, 7u);
  EXPECT_EQ(plan.finish_reason, "length");

  // An answer exactly max_tokens long did not end by itself either.
  request.max_tokens = 4;
  ApplyLimits("The answer is 42.", request, &plan);
  EXPECT_EQ(plan.completion_tokens, 4u);
  EXPECT_EQ(plan.finish_reason, "length");

  // The filler cycles, so any length is reachable; stop strings still end the reply.
  request.max_tokens = 128;
  ApplyLimits("", request, &plan);
  EXPECT_EQ(plan.completion_tokens, 128u);
  EXPECT_EQ(plan.pieces[0], kFillerWords[0]);
  EXPECT_EQ(plan.pieces[16], absl::StrCat(" ", kFillerWords[0]));
  request.stop = {"is"};
  ApplyLimits("The answer is 42.", request, &plan);
  EXPECT_EQ(plan.text, "The answer ");
  EXPECT_EQ(plan.finish_reason, "stop");
}

TEST(ApplyLimitsTest, MinTokensPadsAndShieldsFromStopStrings) {
  GenerationRequest request;
  request.min_tokens = 6;
  request.max_tokens = 10;
  GenerationPlan plan;
  ApplyLimits("Yes.", request, &plan);
  EXPECT_EQ(plan.completion_tokens, 6u);
  EXPECT_EQ(plan.finish_reason, "stop");
  // A stop string inside the first min_tokens tokens does not count.
  request.min_tokens = 2;
  request.stop = {"answer"};
  ApplyLimits("The answer is the answer.", request, &plan);
  EXPECT_EQ(plan.text, "The answer is the ");
}

TEST(GenerationPlanTest, TotalIsTheLastTokensTime) {
  GenerationPlan plan;
  plan.first_token_delay = absl::Milliseconds(10);
  EXPECT_EQ(plan.Total(), absl::Milliseconds(10));
  plan.token_times = {absl::Milliseconds(10), absl::Milliseconds(12), absl::Milliseconds(18)};
  EXPECT_EQ(plan.Total(), absl::Milliseconds(18));
}

}  // namespace
}  // namespace jb::sim
