// SimServer over real HTTP on 127.0.0.1, port 0.
#include "sim/server.h"

#include <httplib.h>

#include <chrono>
#include <future>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tasks/prompt.h"
#include "tasks/scoring.h"
#include "tasks/suite.h"
#include "tests/sim/sim_testing.h"
#include "tests/testing/status_matchers.h"

namespace jb::sim {
namespace {

using ::jb::sim::testing::Metric;
using ::jb::sim::testing::StartServer;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr char kProfile[] = R"yaml(seed: 7
hardware: {name: test-hw, idle_w: 50, busy_w: 250}
models:
  - {name: fast, parameters: 1e9, ttft_ms: 1, itl_ms: 0.5, max_num_seqs: 4, max_model_len: 2000,
     skill: {default: 1.0}}
  - {name: slow, memory_mb: 100, ttft_ms: 150, itl_ms: 0, max_num_seqs: 1,
     skill: {default: 0.0}}
)yaml";

std::string Prompt(const std::string& suite_name, int index) {
  absl::StatusOr<tasks::Suite> suite = tasks::FindBuiltinSuite(suite_name);
  EXPECT_TRUE(suite.ok());
  absl::StatusOr<std::string> prompt = tasks::BuildPrompt(suite->task, suite->samples[index]);
  EXPECT_TRUE(prompt.ok());
  return *prompt;
}

class SimServerTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = StartServer(kProfile, &port_); }

  httplib::Result Post(const std::string& path, const json& body) {
    httplib::Client client("127.0.0.1", port_);
    return client.Post(path, body.dump(), "application/json");
  }
  std::string Metrics() { return testing::Metrics(port_); }

  int port_ = 0;
  std::unique_ptr<SimServer> server_;
};

TEST_F(SimServerTest, HealthVersionAndModels) {
  httplib::Client client("127.0.0.1", port_);
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "");
  EXPECT_EQ(health->get_header_value("x-joulebench-simulated"), "true");

  auto version = client.Get("/version");
  ASSERT_TRUE(version);
  EXPECT_EQ(json::parse(version->body)["version"], "0.1.0");

  auto models = client.Get("/v1/models");
  ASSERT_TRUE(models);
  const json list = json::parse(models->body);
  EXPECT_EQ(list["object"], "list");
  ASSERT_EQ(list["data"].size(), 2u);
  const json& card = list["data"][0];
  EXPECT_EQ(card["id"], "fast");
  EXPECT_EQ(card["object"], "model");
  EXPECT_EQ(card["owned_by"], "joulebench-sim");
  EXPECT_EQ(card["root"], "fast");
  EXPECT_EQ(card["max_model_len"], 2000);
  EXPECT_TRUE(card["created"].is_number_integer());
}

TEST_F(SimServerTest, ChatAnswersAKnownPromptWithUsage) {
  const std::string prompt = Prompt("sentiment-mini", 0);
  auto res = Post(
      "/v1/chat/completions",
      {{"model", "fast"},
       {"messages",
        {{{"role", "system"}, {"content", "Be brief."}}, {{"role", "user"}, {"content", prompt}}}},
       {"max_tokens", 16},
       {"temperature", 0}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json body = json::parse(res->body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_THAT(body["id"].get<std::string>(), ::testing::StartsWith("chatcmpl-sim-"));
  EXPECT_EQ(body["model"], "fast");
  const json& choice = body["choices"][0];
  EXPECT_EQ(choice["index"], 0);
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_EQ(choice["message"]["content"], "The answer is positive.");
  EXPECT_EQ(choice["finish_reason"], "stop");
  EXPECT_EQ(body["usage"]["prompt_tokens"], CountTokens("Be brief.") + CountTokens(prompt));
  EXPECT_EQ(body["usage"]["completion_tokens"], 4);
  EXPECT_EQ(body["usage"]["total_tokens"], CountTokens(prompt) + 2 + 4);
}

TEST_F(SimServerTest, CompletionsHonourStopAndMaxTokens) {
  const std::string prompt = Prompt("arith-mini", 0);
  auto res = Post("/v1/completions", {{"model", "fast"}, {"prompt", prompt}, {"max_tokens", 64}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json body = json::parse(res->body);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["choices"][0]["text"], "The answer is 27.");
  EXPECT_EQ(body["usage"]["prompt_tokens"], CountTokens(prompt));

  res = Post("/v1/completions", {{"model", "fast"}, {"prompt", {prompt}}, {"max_tokens", 2}});
  ASSERT_TRUE(res);
  body = json::parse(res->body);
  EXPECT_EQ(body["choices"][0]["text"], "The answer");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], 2);

  res = Post("/v1/completions", {{"model", "fast"}, {"prompt", prompt}, {"stop", "27"}});
  ASSERT_TRUE(res);
  body = json::parse(res->body);
  EXPECT_EQ(body["choices"][0]["text"], "The answer is ");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");

  // Unknown prompts get the generic reply, cut at the completions default of 16 tokens.
  res = Post("/v1/completions", {{"model", "fast"}, {"prompt", "Once upon a time"}});
  ASSERT_TRUE(res);
  body = json::parse(res->body);
  EXPECT_EQ(body["usage"]["completion_tokens"], 16);
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_THAT(body["choices"][0]["text"].get<std::string>(),
              ::testing::StartsWith("This is a simulated reply"));
}

TEST_F(SimServerTest, ErrorsAreOpenAiShaped) {
  struct Case {
    std::string path;
    std::string body;
    int status;
    std::string type;
    std::string param;
    std::string message;
  } cases[] = {
      {"/v1/chat/completions",
       R"({"model": "fast", "stream_options": {"include_usage": true},
           "messages": [{"role": "user", "content": "x"}]})",
       400, "BadRequestError", "stream_options",
       "Stream options can only be defined when `stream=True`."},
      {"/v1/completions",
       R"({"model": "fast", "stream": false, "prompt": "x",
           "stream_options": {"include_usage": true}})",
       400, "BadRequestError", "stream_options", "Stream options can only be defined when"},
      {"/v1/chat/completions",
       R"({"model": "fast", "top_logprobs": 2, "messages": [{"role": "user", "content": "x"}]})",
       400, "BadRequestError", "top_logprobs", "`logprobs` must be set to true"},
      {"/v1/chat/completions",
       R"({"model": "fast", "echo": true, "messages": [{"role": "user", "content": "x"}]})", 400,
       "BadRequestError", "echo", "not simulated"},
      {"/v1/completions", R"({"model": "fast", "prompt": "x", "logprobs": 21})", 400,
       "BadRequestError", "logprobs", "greater than max allowed: 20"},
      {"/v1/completions", R"({"model": "fast", "prompt": "x", "max_tokens": 2, "min_tokens": 3})",
       400, "BadRequestError", "min_tokens", "less than or equal to max_tokens=2"},
      {"/v1/chat/completions",
       R"({"model": "gpt-9", "messages": [{"role": "user", "content": "x"}]})", 404,
       "NotFoundError", "model", "The model `gpt-9` does not exist."},
      {"/v1/chat/completions", R"({"model": "fast", "messages": [)", 400, "BadRequestError", "",
       "not valid JSON"},
      {"/v1/chat/completions", R"({"model": "fast"})", 400, "BadRequestError", "messages",
       "'messages' is required"},
      {"/v1/completions", R"({"model": "fast", "prompt": [1, 2, 3]})", 400, "BadRequestError",
       "prompt", "token ids"},
      {"/v1/completions", R"({"model": "fast", "prompt": "x", "max_tokens": 0})", 400,
       "BadRequestError", "max_tokens", "at least 1"},
      {"/v1/completions", R"({"model": "fast", "prompt": "x", "max_tokens": 2000})", 400,
       "BadRequestError", "prompt",
       "maximum context length is 2000 tokens. However, you requested 2001"},
  };
  httplib::Client client("127.0.0.1", port_);
  for (const Case& c : cases) {
    auto res = client.Post(c.path, c.body, "application/json");
    ASSERT_TRUE(res) << c.body;
    EXPECT_EQ(res->status, c.status) << c.body;
    const json error = json::parse(res->body)["error"];
    EXPECT_EQ(error["type"], c.type) << c.body;
    EXPECT_EQ(error["code"], c.status) << c.body;
    EXPECT_EQ(error["param"], c.param.empty() ? json(nullptr) : json(c.param)) << c.body;
    EXPECT_THAT(error["message"].get<std::string>(), HasSubstr(c.message)) << c.body;
  }
}

TEST_F(SimServerTest, MetricsCountTokensAndRequestsPerModel) {
  const std::string prompt = Prompt("arith-mini", 1);
  for (int i = 0; i < 2; ++i) {
    auto res = Post("/v1/completions", {{"model", "fast"}, {"prompt", prompt}, {"max_tokens", 3}});
    ASSERT_TRUE(res && res->status == 200);
  }
  const std::string text = Metrics();
  EXPECT_EQ(Metric(text, "vllm:prompt_tokens_total{model_name=\"fast\",engine=\"0\"}"),
            2 * CountTokens(prompt));
  EXPECT_EQ(Metric(text, "vllm:generation_tokens_total{model_name=\"fast\",engine=\"0\"}"), 6);
  EXPECT_EQ(Metric(text,
                   "vllm:request_success_total{model_name=\"fast\",engine=\"0\",finished_reason="
                   "\"length\"}"),
            2);
  EXPECT_EQ(
      Metric(
          text,
          "vllm:request_success_total{model_name=\"fast\",engine=\"0\",finished_reason=\"stop\"}"),
      0);
  EXPECT_EQ(Metric(text, "vllm:num_requests_running{model_name=\"fast\",engine=\"0\"}"), 0);
  EXPECT_EQ(Metric(text, "vllm:num_requests_waiting{model_name=\"slow\",engine=\"0\"}"), 0);
  EXPECT_EQ(Metric(text, "joulebench_sim_power_watts{hardware=\"test-hw\"}"), 50);
  EXPECT_THAT(text, HasSubstr("# TYPE joulebench_sim_energy_joules_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# HELP joulebench_sim_energy_joules_total Energy of the SIMULATED"));
  EXPECT_THAT(text, HasSubstr("# TYPE vllm:num_requests_running gauge\n"));
  // Model memory: parameters x 2 bytes by default, or the profile's memory_mb.
  EXPECT_EQ(Metric(text, "joulebench_sim_model_memory_bytes{model_name=\"fast\",engine=\"0\"}"),
            2e9);
  EXPECT_EQ(Metric(text, "joulebench_sim_model_memory_bytes{model_name=\"slow\",engine=\"0\"}"),
            100 * 1024 * 1024);
}

TEST_F(SimServerTest, EnergyGrowsAtLeastAtIdlePowerAndNeverDecreases) {
  const auto start = std::chrono::steady_clock::now();
  const double e1 = Metric(Metrics(), "joulebench_sim_energy_joules_total{hardware=\"test-hw\"}");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double e2 = Metric(Metrics(), "joulebench_sim_energy_joules_total{hardware=\"test-hw\"}");
  EXPECT_GE(e1, 0);
  EXPECT_GE(e2, e1);
  EXPECT_GE(e2, 50 * elapsed_s);
}

TEST_F(SimServerTest, LoadBeyondMaxNumSeqsQueuesAndRaisesPower) {
  // "slow" runs one request at a time for 150 ms; three at once queue behind each other.
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<int>> replies;
  for (int i = 0; i < 3; ++i) {
    replies.push_back(std::async(std::launch::async, [this, i] {
      auto res = Post("/v1/completions", {{"model", "slow"}, {"prompt", absl::StrCat("q", i)}});
      return res ? res->status : -1;
    }));
  }
  double waiting = 0;
  std::string text;
  for (int i = 0; i < 100 && waiting < 2; ++i) {
    text = Metrics();
    waiting = Metric(text, "vllm:num_requests_waiting{model_name=\"slow\",engine=\"0\"}");
    if (waiting < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(waiting, 2);
  EXPECT_EQ(Metric(text, "vllm:num_requests_running{model_name=\"slow\",engine=\"0\"}"), 1);
  // One of the five places (4 fast + 1 slow) is busy: 50 + 200 / 5.
  EXPECT_EQ(Metric(text, "joulebench_sim_power_watts{hardware=\"test-hw\"}"), 90);
  for (auto& r : replies) EXPECT_EQ(r.get(), 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3 * 150));
}

TEST(SimServerFailureTest, InjectedFailuresUseTheirStatusAndAreCounted) {
  int port = 0;
  auto server = StartServer(R"yaml(hardware: {idle_w: 1, busy_w: 2}
failure_injection: {rate_503: 1.0}
models: [{name: m}]
)yaml",
                            &port);
  httplib::Client client("127.0.0.1", port);
  for (int i = 0; i < 3; ++i) {
    auto res =
        client.Post("/v1/completions", R"({"model": "m", "prompt": "hi"})", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(res->get_header_value("Retry-After"), "1");
    EXPECT_EQ(json::parse(res->body)["error"]["type"], "ServiceUnavailableError");
  }
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(Metric(metrics->body, "joulebench_sim_injected_failures_total{kind=\"503\"}"), 3);
  EXPECT_EQ(Metric(metrics->body, "joulebench_sim_injected_failures_total{kind=\"429\"}"), 0);
}

TEST(SimServerEndpointsTest, AChatOnlyProfileAnswers404OnCompletionsAndChatsTheFallback) {
  const tasks::Suite suite = testing::McSuiteInTempDir(12);
  int port = 0;
  auto server = StartServer(R"yaml(seed: 4
endpoints: [chat]
hardware: {idle_w: 1, busy_w: 2}
models: [{name: m, skill: {default: 0.5}}]
)yaml",
                            &port, {}, {suite});
  httplib::Client client("127.0.0.1", port);
  // The worker's probe: completions with echo and logprobs.
  auto probe = client.Post("/v1/completions",
                           R"({"model": "m", "prompt": "hi", "echo": true, "logprobs": 1,
                               "max_tokens": 1})",
                           "application/json");
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->status, 404);
  const json error = json::parse(probe->body)["error"];
  EXPECT_EQ(error["type"], "NotFoundError");
  EXPECT_EQ(error["code"], 404);
  EXPECT_EQ(error["param"], nullptr);
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("Invalid URL (POST /v1/completions)"));
  // Nothing reached the engine: no timing record.
  auto records = client.Get("/sim/requests");
  ASSERT_TRUE(records);
  EXPECT_TRUE(json::parse(records->body)["requests"].empty());

  auto models = client.Get("/v1/models");
  ASSERT_TRUE(models);
  EXPECT_EQ(json::parse(models->body)["data"][0]["id"], "m");

  // The generative fallback over chat names the gold choice exactly when the draw says so.
  int correct = 0;
  for (const auto& sample : suite.samples) {
    ASSERT_OK_AND_ASSIGN(std::string context, tasks::BuildPrompt(suite.task, sample));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> choices,
                         tasks::RenderChoices(suite.task, sample));
    const json body = {
        {"model", "m"},
        {"messages", {{{"role", "user"}, {"content", tasks::FallbackPrompt(context, choices)}}}},
        {"temperature", 0},
        {"seed", 1234}};
    auto res = client.Post("/v1/chat/completions", body.dump(), "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const std::string reply = json::parse(res->body)["choices"][0]["message"]["content"];
    const bool drawn = Oracle::Draw(4, "m", context) < 0.5;
    EXPECT_EQ(tasks::ParseChosenOption(choices, reply) == sample.index() % 4, drawn) << reply;
    correct += drawn;
  }
  EXPECT_GT(correct, 0);
  EXPECT_LT(correct, 12);
}

TEST(SimServerEndpointsTest, SampledRequestsAnswerPerSeed) {
  int port = 0;
  auto server = StartServer(R"yaml(seed: 6
hardware: {idle_w: 1, busy_w: 2}
models: [{name: m, skill: {default: 0.5}}]
)yaml",
                            &port);
  httplib::Client client("127.0.0.1", port);
  const std::string prompt = Prompt("arith-mini", 3);
  for (int64_t seed = 0; seed < 6; ++seed) {
    for (const double temperature : {0.0, 0.8}) {
      const json body = {
          {"model", "m"}, {"prompt", prompt}, {"temperature", temperature}, {"seed", seed}};
      auto res = client.Post("/v1/completions", body.dump(), "application/json");
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 200) << res->body;
      const std::optional<int64_t> sampling_seed =
          temperature > 0 ? std::optional<int64_t>(seed) : std::nullopt;
      EXPECT_EQ(json::parse(res->body)["choices"][0]["text"],
                server->oracle().Answer("m", prompt, sampling_seed).text)
          << temperature << " " << seed;
    }
  }
}

TEST(SimServerLifecycleTest, StopFailsWaitingRequestsAndIsIdempotent) {
  int port = 0;
  auto server = StartServer(R"yaml(hardware: {idle_w: 1, busy_w: 2}
models: [{name: m, ttft_ms: 5000}]
)yaml",
                            &port);
  EXPECT_EQ(server->port(), port);
  EXPECT_THAT(server->Start("127.0.0.1", 0),
              jb::testing::StatusIs(absl::StatusCode::kFailedPrecondition));
  auto reply = std::async(std::launch::async, [port] {
    httplib::Client client("127.0.0.1", port);
    auto res =
        client.Post("/v1/completions", R"({"model": "m", "prompt": "hi"})", "application/json");
    return res ? res->status : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  server->Stop();
  EXPECT_EQ(reply.get(), 503);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace jb::sim
