// Logprobs over HTTP: completions with echo (how log-likelihood is scored), chat logprobs, and
// the multiple-choice oracle end to end: a client scoring every choice by its continuation's
// summed logprob gets exactly the accuracy Oracle::Draw predicts.
#include "sim/logprobs.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tasks/prompt.h"
#include "tests/sim/sim_testing.h"
#include "tests/testing/status_matchers.h"

namespace jb::sim {
namespace {

using nlohmann::json;
using testing::RawRequest;

constexpr char kProfile[] = R"yaml(seed: 5
hardware: {idle_w: 1, busy_w: 2}
models: [{name: m, ttft_ms: 0, itl_ms: 0, jitter: 0, skill: {default: 0.5}}]
)yaml";

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class LogprobsTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = testing::StartServer(kProfile, &port_, {}, {suite_}); }

  json Post(const std::string& path, const json& body) {
    const testing::RawResponse res = RawRequest(port_, "POST", path, body.dump());
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }

  const tasks::Suite suite_ = testing::McSuiteInTempDir(24);
  int port_ = 0;
  std::unique_ptr<SimServer> server_;
};

TEST_F(LogprobsTest, EchoArraysAreConsistent) {
  const std::string prompt = "Question: is the café open?\nAnswer: yes";
  const json reply = Post(
      "/v1/completions",
      {{"model", "m"}, {"prompt", prompt}, {"max_tokens", 1}, {"echo", true}, {"logprobs", 2}});
  const json& choice = reply["choices"][0];
  const json& lp = choice["logprobs"];
  const std::string text = choice["text"];
  EXPECT_TRUE(absl::StartsWith(text, prompt));
  const size_t n = lp["tokens"].size();
  ASSERT_EQ(n, 8u);  // 7 prompt words and 1 generated
  ASSERT_EQ(lp["token_logprobs"].size(), n);
  ASSERT_EQ(lp["top_logprobs"].size(), n);
  ASSERT_EQ(lp["text_offset"].size(), n);
  std::string joined;
  for (size_t i = 0; i < n; ++i) {
    const std::string token = lp["tokens"][i];
    EXPECT_EQ(lp["text_offset"][i], CodePoints(joined)) << i;
    joined += token;
    if (i == 0) {
      EXPECT_TRUE(lp["token_logprobs"][0].is_null());
      EXPECT_TRUE(lp["top_logprobs"][0].is_null());
      continue;
    }
    const double logprob = lp["token_logprobs"][i];
    EXPECT_EQ(logprob, i + 1 < n ? kContextLogprob : kGeneratedLogprob);
    const json& top = lp["top_logprobs"][i];
    ASSERT_EQ(top.size(), 2u);  // greedy: the token is among the top 2
    EXPECT_EQ(top[token], logprob);
    for (const auto& [alternative, value] : top.items()) {
      EXPECT_LE(value.get<double>(), logprob) << alternative;
    }
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(reply["usage"]["completion_tokens"], 1);

  // The same request gives the same logprobs.
  const json again = Post(
      "/v1/completions",
      {{"model", "m"}, {"prompt", prompt}, {"max_tokens", 1}, {"echo", true}, {"logprobs", 2}});
  EXPECT_EQ(again["choices"][0]["logprobs"], lp);
}

TEST_F(LogprobsTest, WithoutEchoOnlyGeneratedTokensAndLogprobsZeroGivesTheTokenAlone) {
  const json reply = Post("/v1/completions",
                          {{"model", "m"}, {"prompt", "hi"}, {"max_tokens", 3}, {"logprobs", 0}});
  const json& lp = reply["choices"][0]["logprobs"];
  ASSERT_EQ(lp["tokens"].size(), 3u);
  EXPECT_EQ(lp["text_offset"][0], 0);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(lp["token_logprobs"][i], kGeneratedLogprob);
    EXPECT_EQ(lp["top_logprobs"][i],
              json({{lp["tokens"][i].get<std::string>(), kGeneratedLogprob}}));
  }
}

TEST_F(LogprobsTest, ChatLogprobsListEveryTokenWithBytesAndTopAlternatives) {
  const json reply =
      Post("/v1/chat/completions", {{"model", "m"},
                                    {"messages", {{{"role", "user"}, {"content", "hi"}}}},
                                    {"max_tokens", 4},
                                    {"logprobs", true},
                                    {"top_logprobs", 3}});
  const json& choice = reply["choices"][0];
  const json& content = choice["logprobs"]["content"];
  ASSERT_EQ(content.size(), 4u);
  std::string joined;
  for (const json& entry : content) {
    const std::string token = entry["token"];
    joined += token;
    EXPECT_EQ(entry["logprob"], kGeneratedLogprob);
    std::string bytes;
    for (const json& b : entry["bytes"]) bytes.push_back(static_cast<char>(b.get<int>()));
    EXPECT_EQ(bytes, token);
    ASSERT_EQ(entry["top_logprobs"].size(), 3u);
    EXPECT_EQ(entry["top_logprobs"][0]["token"], token);  // the argmax
    EXPECT_GT(entry["top_logprobs"][0]["logprob"], entry["top_logprobs"][1]["logprob"]);
  }
  EXPECT_EQ(joined, choice["message"]["content"]);
  // Without logprobs: null.
  const json plain = Post("/v1/chat/completions",
                          {{"model", "m"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}});
  EXPECT_TRUE(plain["choices"][0]["logprobs"].is_null());
}

TEST_F(LogprobsTest, MultipleChoiceScoredThroughEchoMatchesTheOraclesDraws) {
  int correct = 0;
  int predicted = 0;
  for (const auto& sample : suite_.samples) {
    ASSERT_OK_AND_ASSIGN(std::string context, tasks::BuildPrompt(suite_.task, sample));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> continuations,
                         tasks::ChoiceContinuations(suite_.task, sample));
    std::vector<double> sums;
    std::vector<bool> greedy;
    for (const std::string& continuation : continuations) {
      // lm-eval's request: context + continuation, echo, logprobs 1, max_tokens 1.
      const json lp = Post("/v1/completions", {{"model", "m"},
                                               {"prompt", context + continuation},
                                               {"max_tokens", 1},
                                               {"echo", true},
                                               {"logprobs", 1},
                                               {"temperature", 0}})["choices"][0]["logprobs"];
      double sum = 0;
      bool is_greedy = true;
      // The continuation's tokens: from the first at or after the context's end, without the
      // generated one.
      for (size_t i = 0; i + 1 < lp["tokens"].size(); ++i) {
        if (lp["text_offset"][i].get<size_t>() < CodePoints(context)) continue;
        sum += lp["token_logprobs"][i].get<double>();
        const json& top = lp["top_logprobs"][i];
        std::string best;
        double best_value = -1e9;
        for (const auto& [token, value] : top.items()) {
          if (value.get<double>() > best_value) best = token, best_value = value.get<double>();
        }
        is_greedy = is_greedy && best == lp["tokens"][i];
      }
      sums.push_back(sum);
      greedy.push_back(is_greedy);
    }
    const size_t picked = std::max_element(sums.begin(), sums.end()) - sums.begin();
    correct += picked == static_cast<size_t>(sample.index() % 4);
    predicted += Oracle::Draw(5, "m", context) < 0.5;
    for (size_t c = 0; c < greedy.size(); ++c) EXPECT_EQ(greedy[c], c == picked);
  }
  EXPECT_EQ(correct, predicted);
  EXPECT_GT(correct, 0);
  EXPECT_LT(correct, 24);
}

TEST_F(LogprobsTest, EchoWithMaxTokensZeroReturnsOnlyThePrompt) {
  const json reply = Post(
      "/v1/completions",
      {{"model", "m"}, {"prompt", "a b c"}, {"max_tokens", 0}, {"echo", true}, {"logprobs", 1}});
  EXPECT_EQ(reply["choices"][0]["text"], "a b c");
  EXPECT_EQ(reply["choices"][0]["logprobs"]["tokens"], json({"a", " b", " c"}));
  EXPECT_EQ(reply["usage"]["completion_tokens"], 0);
}

}  // namespace
}  // namespace jb::sim
