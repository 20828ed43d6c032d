#include "worker/server_counters.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;

// vLLM V1's names (0.10 and later), two models on one server.
constexpr char kBeforeNew[] = R"(# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{engine="0",model_name="llama"} 100
vllm:generation_tokens_total{engine="0",model_name="qwen"} 5000
vllm:prompt_tokens_total{engine="0",model_name="llama"} 40
vllm:request_success_total{engine="0",finished_reason="stop",model_name="llama"} 3
vllm:request_success_total{engine="0",finished_reason="length",model_name="llama"} 1
vllm:num_preemptions_total{engine="0",model_name="llama"} 0
vllm:inter_token_latency_seconds_sum{engine="0",model_name="llama"} 2.0
vllm:inter_token_latency_seconds_count{engine="0",model_name="llama"} 100
vllm:time_per_output_token_seconds_sum{engine="0",model_name="llama"} 99
vllm:kv_cache_usage_perc{engine="0",model_name="llama"} 0.1
)";
constexpr char kAfterNew[] = R"(vllm:generation_tokens_total{engine="0",model_name="llama"} 1124
vllm:generation_tokens_total{engine="0",model_name="qwen"} 9000
vllm:prompt_tokens_total{engine="0",model_name="llama"} 540
vllm:request_success_total{engine="0",finished_reason="stop",model_name="llama"} 10
vllm:request_success_total{engine="0",finished_reason="length",model_name="llama"} 2
vllm:num_preemptions_total{engine="0",model_name="llama"} 2
vllm:inter_token_latency_seconds_sum{engine="0",model_name="llama"} 12.5
vllm:inter_token_latency_seconds_count{engine="0",model_name="llama"} 1100
vllm:time_per_output_token_seconds_sum{engine="0",model_name="llama"} 500
vllm:kv_cache_usage_perc{engine="0",model_name="llama"} 0.25
)";

TEST(ServerCountersTest, DeltasOfTheShardsModelUnderCurrentNames) {
  ASSERT_OK_AND_ASSIGN(joulebench::v1::ServerCounters c,
                       ServerCountersDelta(kBeforeNew, kAfterNew, "llama"));
  EXPECT_EQ(c.generation_tokens(), 1024);  // qwen's series left out
  EXPECT_EQ(c.prompt_tokens(), 500);
  EXPECT_EQ(c.requests_succeeded(), 8);  // every finished_reason
  EXPECT_EQ(c.preemptions(), 2);
  EXPECT_EQ(c.itl_sum_s(), 10.5);  // the current name wins over the deprecated one
  EXPECT_EQ(c.itl_count(), 1000);
  EXPECT_EQ(c.kv_cache_usage_end(), 0.25);  // a gauge: its value at the end
  EXPECT_EQ(c.ttft_count(), 0);             // absent
  EXPECT_THAT(c.names_found(),
              ElementsAre("vllm:prompt_tokens_total", "vllm:generation_tokens_total",
                          "vllm:request_success_total", "vllm:num_preemptions_total",
                          "vllm:inter_token_latency_seconds_sum",
                          "vllm:inter_token_latency_seconds_count", "vllm:kv_cache_usage_perc"));
}

TEST(ServerCountersTest, OlderNamesAreReadWhenTheCurrentOnesAreAbsent) {
  constexpr char kBefore[] = R"(vllm:num_preemptions{model_name="m"} 1
vllm:time_per_output_token_seconds_sum{model_name="m"} 1.5
vllm:time_per_output_token_seconds_count{model_name="m"} 10
vllm:gpu_cache_usage_perc{model_name="m"} 0.5
)";
  constexpr char kAfter[] = R"(vllm:num_preemptions{model_name="m"} 4
vllm:time_per_output_token_seconds_sum{model_name="m"} 3.5
vllm:time_per_output_token_seconds_count{model_name="m"} 30
vllm:gpu_cache_usage_perc{model_name="m"} 0.75
)";
  ASSERT_OK_AND_ASSIGN(joulebench::v1::ServerCounters c, ServerCountersDelta(kBefore, kAfter, "m"));
  EXPECT_EQ(c.preemptions(), 3);
  EXPECT_EQ(c.itl_sum_s(), 2);
  EXPECT_EQ(c.itl_count(), 20);
  EXPECT_EQ(c.kv_cache_usage_end(), 0.75);
  EXPECT_THAT(c.names_found(),
              ElementsAre("vllm:num_preemptions", "vllm:time_per_output_token_seconds_sum",
                          "vllm:time_per_output_token_seconds_count", "vllm:gpu_cache_usage_perc"));
}

TEST(ServerCountersTest, TheSimulatorsModelMemoryIsAGaugeOfTheShardsModel) {
  constexpr char kAfter[] = R"(# TYPE joulebench_sim_model_memory_bytes gauge
joulebench_sim_model_memory_bytes{model_name="small"} 2200000000
joulebench_sim_model_memory_bytes{model_name="large"} 140000000000
)";
  ASSERT_OK_AND_ASSIGN(joulebench::v1::ServerCounters c,
                       ServerCountersDelta(kAfter, kAfter, "large"));
  EXPECT_EQ(c.model_memory_bytes(), 140e9);  // the end value, not after - before
  EXPECT_THAT(c.names_found(), ElementsAre("joulebench_sim_model_memory_bytes"));
  ASSERT_OK_AND_ASSIGN(c, ServerCountersDelta(kBeforeNew, kAfterNew, "llama"));
  EXPECT_EQ(c.model_memory_bytes(), 0);  // vLLM reports none
}

TEST(ServerCountersTest, ARestartedServerCountsFromZero) {
  ASSERT_OK_AND_ASSIGN(joulebench::v1::ServerCounters c,
                       ServerCountersDelta("vllm:generation_tokens_total 5000\n",
                                           "vllm:generation_tokens_total 70\n", "m"));
  EXPECT_EQ(c.generation_tokens(), 70);
}

TEST(ServerCountersTest, NoMetricsGiveAnEmptyMessageAndGarbageAnError) {
  ASSERT_OK_AND_ASSIGN(joulebench::v1::ServerCounters c, ServerCountersDelta("", "", "m"));
  EXPECT_EQ(c.names_found_size(), 0);
  EXPECT_EQ(c.generation_tokens(), 0);
  EXPECT_THAT(ServerCountersDelta("", "vllm:x{ 1\n", "m"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace jb::worker
