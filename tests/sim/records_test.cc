// The simulator's own timing record (GET/DELETE /sim/requests) and the latency histograms on
// /metrics that come from the same observations.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/sim/sim_testing.h"

namespace jb::sim {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::Metric;
using testing::RawRequest;
using testing::RawResponse;
using ::testing::StartsWith;

constexpr char kProfile[] = R"yaml(hardware: {idle_w: 1, busy_w: 2}
models: [{name: m, ttft_ms: 30, itl_ms: 10, jitter: 0}]
)yaml";

std::string Chat(bool stream) {
  return json{{"model", "m"},
              {"messages", {{{"role", "user"}, {"content", "hi"}}}},
              {"max_tokens", 5},
              {"ignore_eos", true},
              {"stream", stream}}
      .dump();
}

json Records(int port) {
  const RawResponse res = RawRequest(port, "GET", "/sim/requests", "");
  EXPECT_EQ(res.status, 200);
  return json::parse(res.body)["requests"];
}

TEST(TimingRecordTest, RecordsEveryRequestUnderItsRequestId) {
  int port = 0;
  auto server = testing::StartServer(kProfile, &port);
  ASSERT_TRUE(
      RawRequest(port, "POST", "/v1/chat/completions", Chat(true), {{"X-Request-Id", "a-1"}})
          .complete);
  ASSERT_EQ(RawRequest(port, "POST", "/v1/chat/completions", Chat(false), {{"X-Request-Id", "a-2"}})
                .status,
            200);
  ASSERT_EQ(RawRequest(port, "POST", "/v1/chat/completions", Chat(false)).status, 200);
  const json records = Records(port);
  ASSERT_EQ(records.size(), 3u);

  const json& streamed = records[0];
  EXPECT_EQ(streamed["id"], "a-1");
  EXPECT_EQ(streamed["model"], "m");
  EXPECT_EQ(streamed["endpoint"], "chat");
  EXPECT_EQ(streamed["stream"], true);
  EXPECT_EQ(streamed["status"], 200);
  EXPECT_EQ(streamed["completed"], true);
  EXPECT_EQ(streamed["finish_reason"], "length");
  EXPECT_TRUE(streamed["injected_failure"].is_null());
  EXPECT_EQ(streamed["prompt_tokens"], 1);
  EXPECT_EQ(streamed["completion_tokens"], 5);
  const double ttft = streamed["ttft_s"];
  EXPECT_GE(ttft, 0.030);
  EXPECT_LT(ttft, 0.5);
  ASSERT_EQ(streamed["itl_s"].size(), 4u);
  // Token i is written at or after its deadline, 30 + 10 i ms after admission, and a late
  // write does not delay the next deadline (no drift).
  const double queue = streamed["queue_s"];
  EXPECT_GE(queue, 0);
  double written = ttft;
  for (int i = 1; i <= 4; ++i) {
    written += streamed["itl_s"][i - 1].get<double>();
    EXPECT_GE(written, queue + 0.030 + 0.010 * i - 1e-6) << i;
  }
  EXPECT_NEAR(streamed["e2e_s"].get<double>(), written, 1e-9);
  EXPECT_LT(streamed["e2e_s"].get<double>(), 0.070 + 0.05);

  const json& whole = records[1];
  EXPECT_EQ(whole["id"], "a-2");
  EXPECT_EQ(whole["stream"], false);
  EXPECT_NEAR(whole["ttft_s"].get<double>(), 0.030, 0.01);
  EXPECT_EQ(whole["itl_s"], json({0.01, 0.01, 0.01, 0.01}));
  EXPECT_GE(whole["e2e_s"].get<double>(), 0.070);
  EXPECT_THAT(records[2]["id"].get<std::string>(), StartsWith("chatcmpl-sim-"));

  EXPECT_EQ(RawRequest(port, "DELETE", "/sim/requests", "").status, 204);
  EXPECT_TRUE(Records(port).empty());
}

TEST(TimingRecordTest, KeepsTheLastCapacityRequests) {
  int port = 0;
  SimServerOptions options;
  options.timing_log_capacity = 3;
  auto server = testing::StartServer(kProfile, &port, options);
  for (int i = 0; i < 5; ++i) {
    RawRequest(port, "POST", "/v1/chat/completions", Chat(false),
               {{"X-Request-Id", std::to_string(i)}});
  }
  const json records = Records(port);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["id"], "2");
  EXPECT_EQ(records[2]["id"], "4");
}

TEST(MetricsTest, LatencyHistogramsUnderCurrentAndOlderNames) {
  int port = 0;
  auto server = testing::StartServer(kProfile, &port);
  ASSERT_TRUE(RawRequest(port, "POST", "/v1/chat/completions", Chat(true)).complete);
  const std::string text = testing::Metrics(port);
  const std::string labels = "{model_name=\"m\",engine=\"0\"}";
  for (const char* name : {"vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds",
                           "vllm:request_queue_time_seconds"}) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("# TYPE ", name, " histogram\n"))) << name;
    EXPECT_EQ(Metric(text, absl::StrCat(name, "_count", labels)), 1) << name;
  }
  for (const char* name :
       {"vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"}) {
    EXPECT_EQ(Metric(text, absl::StrCat(name, "_count", labels)), 4) << name;
    EXPECT_EQ(
        Metric(text, absl::StrCat(name, "_bucket{model_name=\"m\",engine=\"0\",le=\"+Inf\"}")), 4);
    // vLLM's first ITL bound is 10 ms; these gaps are just over it.
    EXPECT_EQ(
        Metric(text, absl::StrCat(name, "_bucket{model_name=\"m\",engine=\"0\",le=\"0.025\"}")), 4);
  }
  EXPECT_EQ(Metric(text, absl::StrCat("vllm:time_to_first_token_seconds_bucket{model_name=\"m\","
                                      "engine=\"0\",le=\"0.001\"}")),
            0);
  EXPECT_GE(Metric(text, "vllm:time_to_first_token_seconds_sum" + labels), 0.030);
  EXPECT_EQ(Metric(text, "vllm:kv_cache_usage_perc" + labels), 0);
  EXPECT_EQ(Metric(text, "vllm:gpu_cache_usage_perc" + labels), 0);
  EXPECT_EQ(Metric(text, "vllm:num_preemptions_total" + labels), 0);
  EXPECT_EQ(Metric(text, "vllm:generation_tokens_total" + labels), 5);
  EXPECT_THAT(text, HasSubstr("# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 "
                              "percent usage. Deprecated"));
  EXPECT_THAT(text, HasSubstr("joulebench_sim_injected_failures_total{kind=\"stall\"} 0\n"));
}

}  // namespace
}  // namespace jb::sim
