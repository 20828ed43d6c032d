// The worker's inference client against the real simulator (`joulebench sim`'s server, in
// process, on 127.0.0.1 port 0): streaming on both endpoints, consistent with what the
// simulator recorded for the same requests; log-likelihood requests; cancellation; and every
// failure the simulator injects, with exact attempt counts; and its energy counter and power
// gauge read through the worker's Prometheus meters over one window.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/server.h"
#include "tests/testing/status_matchers.h"
#include "worker/energy/measure_window.h"
#include "worker/energy/prometheus_meter.h"
#include "worker/inference/http_fetch.h"
#include "worker/inference/openai_client.h"
#include "worker/inference/openai_protocol.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::testing::HasSubstr;

// One model, latencies small enough for tests; `failures` is the failure_injection map.
std::string Profile(const std::string& failures = "{}", double ttft_ms = 20) {
  return absl::StrCat(R"(seed: 11
hardware: {name: test-hw, idle_w: 10, busy_w: 20}
failure_injection: )",
                      failures, R"(
models:
  - {name: m, ttft_ms: )",
                      ttft_ms, R"(, itl_ms: 2, jitter: 0, max_num_seqs: 64, max_model_len: 500,
     skill: {default: 1.0}}
)");
}

class SimClientTest : public ::testing::Test {
 protected:
  void StartSim(const std::string& profile_yaml, sim::SimServerOptions options = {}) {
    absl::StatusOr<sim::Profile> profile = sim::ParseProfile("test", profile_yaml);
    ASSERT_TRUE(profile.ok()) << profile.status();
    auto oracle = std::make_shared<const sim::Oracle>(*profile, std::vector<tasks::Suite>{});
    sim_ = std::make_unique<sim::SimServer>(*profile, oracle, options);
    ASSERT_OK_AND_ASSIGN(port_, sim_->Start("127.0.0.1", 0));
  }

  std::unique_ptr<HttpInferenceClient> Client(int attempts = 1,
                                              absl::Duration timeout = absl::Seconds(10)) {
    HttpInferenceClientOptions options;
    options.base_url = Url("/v1");
    options.request_timeout = timeout;
    options.retry.max_attempts = attempts;
    options.retry.initial = absl::Milliseconds(1);
    options.retry.max = absl::Milliseconds(2);
    options.max_retry_after = absl::Milliseconds(100);
    auto client = HttpInferenceClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return std::move(client).value();
  }

  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

  // Sum of every series of `name` on the simulator's /metrics.
  double Metric(const std::string& name) {
    absl::StatusOr<std::string> text = HttpGetUrl(Url("/metrics"));
    EXPECT_TRUE(text.ok()) << text.status();
    double sum = 0;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      if (!absl::StartsWith(line, name) || line.size() <= name.size()) continue;
      if (line[name.size()] != '{' && line[name.size()] != ' ') continue;
      double value = 0;
      EXPECT_TRUE(absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value)) << line;
      sum += value;
    }
    return sum;
  }

  int port_ = 0;
  std::unique_ptr<sim::SimServer> sim_;
};

InferenceRequest Request(v1::Endpoint endpoint, uint32_t max_tokens = 10) {
  InferenceRequest request;
  request.model = "m";
  request.endpoint = endpoint;
  request.prompt = "Tell me about joules.";
  request.max_tokens = max_tokens;
  request.ignore_eos = true;
  return request;
}

TEST_F(SimClientTest, StreamsBothEndpointsConsistentlyWithTheSimulatorsRecords) {
  StartSim(Profile());
  auto client = Client();
  for (v1::Endpoint endpoint : {v1::ENDPOINT_CHAT, v1::ENDPOINT_COMPLETIONS}) {
    InferenceRequest streamed = Request(endpoint);
    streamed.request_id = absl::StrCat("stream-", endpoint);
    const InferenceResult result = client->Send(streamed);
    ASSERT_OK(result.status);
    EXPECT_TRUE(result.streamed);
    EXPECT_EQ(result.completion_tokens, 10u);
    EXPECT_EQ(result.finish_reason, "length");
    EXPECT_EQ(result.itl_s.size(), 9u);
    EXPECT_GT(result.prompt_tokens, 0u);
    EXPECT_GE(result.e2e_s, result.ttft_s);

    InferenceRequest plain = streamed;
    plain.stream = false;
    plain.request_id.clear();
    const InferenceResult whole = client->Send(plain);
    ASSERT_OK(whole.status);
    EXPECT_EQ(whole.text, result.text);  // the same answer, streamed or not
    EXPECT_EQ(whole.completion_tokens, 10u);

    // The simulator's own record of the streamed request: the client's clock starts before
    // the request is sent and stops after each chunk arrives, so it can only read more.
    ASSERT_OK_AND_ASSIGN(std::string records, HttpGetUrl(Url("/sim/requests")));
    const nlohmann::json all = nlohmann::json::parse(records)["requests"];
    const nlohmann::json* record = nullptr;
    for (const nlohmann::json& r : all) {
      if (r["id"] == streamed.request_id) record = &r;
    }
    ASSERT_NE(record, nullptr) << records;
    EXPECT_EQ((*record)["completion_tokens"], 10);
    EXPECT_GE(result.ttft_s, (*record)["ttft_s"].get<double>());
    EXPECT_GE(result.ttft_s, 0.020);  // the profile's TTFT
    ASSERT_EQ((*record)["itl_s"].size(), result.itl_s.size());
    EXPECT_GE(result.e2e_s, (*record)["e2e_s"].get<double>());
  }
}

// The simulator's counter integrates its power exactly; the gauge, integrated by the sampler
// every 10 ms, must agree with it over a window where the load changes, and both must be
// flagged PROMETHEUS_* with one reading of the simulated hardware.
TEST_F(SimClientTest, EnergyCounterAndSampledPowerGaugeAgreeOverAWindow) {
  // One sequence at a time, so that a request in flight is full load: 10 W idle, 110 W busy.
  StartSim(absl::StrReplaceAll(
      Profile(), {{"busy_w: 20", "busy_w: 110"}, {"max_num_seqs: 64", "max_num_seqs: 1"}}));
  auto client = Client();
  absl::StatusOr<std::vector<v1::Measurement>> measured[2];
  const char* selectors[2] = {"joulebench_sim_energy_joules_total", "joulebench_sim_power_watts"};
  std::vector<std::unique_ptr<PrometheusMeter>> meters;
  for (const char* selector : selectors) {
    PrometheusOptions options;
    options.url = Url("/metrics");
    options.selector = *ParsePrometheusSelector(selector);
    options.simulated = true;
    meters.push_back(std::make_unique<PrometheusMeter>(options, Clock::Real()));
  }
  // Both meters over the same window: the counter read at the marks, the gauge sampled.
  WindowOptions counter_window;
  counter_window.sampling_period = absl::ZeroDuration();
  WindowOptions gauge_window;
  gauge_window.sampling_period = absl::Milliseconds(10);
  v1::Measurement counter, gauge;
  ASSERT_OK_AND_ASSIGN(
      counter, MeasureWindow(*meters[0], *Clock::Real(), counter_window, [&] {
        absl::StatusOr<v1::Measurement> inner =
            MeasureWindow(*meters[1], *Clock::Real(), gauge_window, [&] {
              absl::SleepFor(absl::Milliseconds(200));  // idle
              for (int i = 0; i < 3; ++i) {             // busy: 3 x (20 ms + 99 x 2 ms)
                if (absl::Status s = client->Send(Request(v1::ENDPOINT_COMPLETIONS, 100)).status;
                    !s.ok()) {
                  return s;
                }
              }
              absl::SleepFor(absl::Milliseconds(200));  // idle again
              return absl::OkStatus();
            });
        if (!inner.ok()) return inner.status();
        gauge = *std::move(inner);
        return absl::OkStatus();
      }));
  EXPECT_EQ(counter.method(), v1::ENERGY_METHOD_PROMETHEUS_COUNTER);
  EXPECT_EQ(gauge.method(), v1::ENERGY_METHOD_PROMETHEUS_POWER_INTEGRATED);
  EXPECT_TRUE(gauge.simulated());
  EXPECT_EQ(gauge.sampling_period_ms(), 10);
  ASSERT_EQ(gauge.readings_size(), 1);
  EXPECT_EQ(gauge.readings(0).device(), "{hardware=\"test-hw\"}");
  // About 0.4 s idle and 0.66 s busy: well between all-idle and all-busy.
  EXPECT_GT(counter.total_energy_j(), 40 * counter.wall_time_s());
  EXPECT_LT(counter.total_energy_j(), 100 * counter.wall_time_s());
  // The gauge's window lies inside the counter's, by the two marks' scrapes (milliseconds),
  // and sampling at 10 ms misses part of a sample at each load change: measured 0.4-0.6%
  // apart on an idle machine; 5% leaves room for a loaded one.
  EXPECT_NEAR(gauge.total_energy_j(), counter.total_energy_j(), 0.05 * counter.total_energy_j());
}

// The meter keeps its scrape connection alive between reads; when the server has closed it in
// the meantime (a gap between windows longer than the keep-alive), the next read reconnects.
TEST_F(SimClientTest, PrometheusMeterReadsAgainAfterTheServerClosedItsConnection) {
  StartSim(Profile(), {.keep_alive_timeout_s = 1});
  PrometheusOptions options;
  options.url = Url("/metrics");
  options.selector = *ParsePrometheusSelector("joulebench_sim_energy_joules_total");
  PrometheusMeter meter(options, Clock::Real());
  ASSERT_OK(meter.Read().status());
  ASSERT_OK(meter.Read().status());
  absl::SleepFor(absl::Milliseconds(1500));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::EnergyReading> readings, meter.Read());
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_GT(readings[0].energy_j(), 10 * 1.4);  // 10 W idle over the gap
  EXPECT_EQ(readings[0].counter_resets(), 0u);
}

TEST_F(SimClientTest, LogLikelihoodThroughEchoAndLogprobs) {
  StartSim(Profile());
  InferenceRequest request = Request(v1::ENDPOINT_COMPLETIONS, 1);
  const std::string context = "Question: is the sky blue?\nAnswer:";
  const std::string continuation = " yes";
  request.prompt = context + continuation;
  request.stream = false;
  request.ignore_eos = false;
  request.echo = true;
  request.logprobs = 1;
  const InferenceResult result = Client()->Send(request);
  ASSERT_OK(result.status);
  ASSERT_TRUE(result.logprobs.has_value());
  EXPECT_FALSE(result.logprobs->token_logprobs[0].has_value());  // first echoed token: null
  ASSERT_OK_AND_ASSIGN(Loglikelihood ll,
                       ContinuationLoglikelihood(*result.logprobs, context, continuation));
  EXPECT_EQ(ll.tokens, 1u);
  EXPECT_LT(ll.logprob, 0);
}

struct FailureCase {
  const char* failures;
  absl::StatusCode code;
  const char* message;
  const char* kind;
};

TEST_F(SimClientTest, EveryInjectedFailureIsRetriedToTheAttemptLimit) {
  for (const FailureCase& c : {
           FailureCase{"{rate_429: 1, retry_after_s: 1}", absl::StatusCode::kResourceExhausted,
                       "HTTP 429", "429"},
           FailureCase{"{rate_500: 1}", absl::StatusCode::kUnavailable, "HTTP 500", "500"},
           FailureCase{"{rate_503: 1}", absl::StatusCode::kUnavailable, "HTTP 503", "503"},
           FailureCase{"{rate_disconnect: 1}", absl::StatusCode::kUnavailable, "streamed chunks",
                       "disconnect"},
       }) {
    SCOPED_TRACE(c.failures);
    StartSim(Profile(c.failures));
    const absl::Time start = absl::Now();
    const InferenceResult result = Client(/*attempts=*/3)->Send(Request(v1::ENDPOINT_CHAT));
    EXPECT_THAT(result.status, StatusIs(c.code, c.message));
    EXPECT_EQ(result.attempts, 3);
    EXPECT_EQ(Metric("joulebench_sim_injected_failures_total"), 3);
    if (std::string(c.kind) == "429") {
      // Retry-After: 1 honoured up to max_retry_after (100 ms) before each of two retries.
      EXPECT_GE(absl::Now() - start, absl::Milliseconds(200));
    }
    sim_->Stop();
  }
}

TEST_F(SimClientTest, AStallBeforeTheFirstTokenTimesOutAndIsRetried) {
  StartSim(Profile("{rate_stall: 1, stall_s: 5}"));
  const InferenceResult result =
      Client(/*attempts=*/2, /*timeout=*/absl::Milliseconds(300))->Send(Request(v1::ENDPOINT_CHAT));
  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(result.attempts, 2);
}

TEST_F(SimClientTest, MixedFailuresAreRetriedUntilEveryRequestSucceeds) {
  StartSim(Profile("{rate_429: 0.15, rate_500: 0.1, rate_503: 0.1, rate_disconnect: 0.1}", 2));
  std::vector<InferenceRequest> requests(60, Request(v1::ENDPOINT_COMPLETIONS, 5));
  std::vector<InferenceResult> results(requests.size());
  BatchOptions options;
  options.concurrency = 6;
  ASSERT_OK(Client(/*attempts=*/20)->RunBatch(requests, options, [&](size_t i, InferenceResult r) {
    results[i] = std::move(r);
  }));
  int retries = 0;
  for (const InferenceResult& r : results) {
    ASSERT_OK(r.status);
    EXPECT_EQ(r.completion_tokens, 5u);
    retries += r.attempts - 1;
  }
  // Every injected failure cost exactly one attempt, and nothing else did.
  EXPECT_GT(retries, 0);
  EXPECT_EQ(retries, Metric("joulebench_sim_injected_failures_total"));
}

TEST_F(SimClientTest, RequestsTheServerRejectsAreNotRetried) {
  StartSim(Profile());
  auto client = Client(/*attempts=*/4);
  InferenceRequest unknown = Request(v1::ENDPOINT_CHAT);
  unknown.model = "no-such-model";
  InferenceResult result = client->Send(unknown);
  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kNotFound, "no-such-model"));
  EXPECT_EQ(result.attempts, 1);

  InferenceRequest too_long = Request(v1::ENDPOINT_COMPLETIONS, 1000);  // max_model_len 500
  result = client->Send(too_long);
  EXPECT_THAT(result.status,
              StatusIs(absl::StatusCode::kInvalidArgument, "maximum context length is 500"));
  EXPECT_EQ(result.attempts, 1);
}

TEST_F(SimClientTest, CancellingABatchAbandonsRequestsInFlight) {
  StartSim(Profile("{}", /*ttft_ms=*/20000));
  auto client = Client();
  std::vector<InferenceRequest> requests(4, Request(v1::ENDPOINT_CHAT));
  std::vector<InferenceResult> results(requests.size());
  std::atomic<bool> cancel{false};
  BatchOptions options;
  options.concurrency = 2;
  options.cancel = &cancel;
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(100));
    cancel = true;
  });
  const absl::Time start = absl::Now();
  EXPECT_THAT(client->RunBatch(requests, options,
                               [&](size_t i, InferenceResult r) { results[i] = std::move(r); }),
              StatusIs(absl::StatusCode::kCancelled));
  canceller.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  int started = 0;
  for (const InferenceResult& r : results) {
    EXPECT_THAT(r.status, StatusIs(absl::StatusCode::kCancelled));
    started += r.attempts;
  }
  EXPECT_EQ(started, 2);  // two were in flight, two never started
}

TEST_F(SimClientTest, ServerInfoHealthAndMetrics) {
  StartSim(Profile());
  auto client = Client();
  EXPECT_OK(client->Health());
  ASSERT_OK_AND_ASSIGN(v1::InferenceServer info, client->ServerInfo());
  EXPECT_EQ(info.kind(), "joulebench-sim");
  EXPECT_TRUE(info.simulated());
  EXPECT_FALSE(info.version().empty());
  ASSERT_EQ(info.models_size(), 1);
  EXPECT_EQ(info.models(0).name(), "m");
  EXPECT_EQ(info.models(0).max_model_len(), 500u);
  ASSERT_OK_AND_ASSIGN(std::string metrics, client->ScrapeMetrics());
  EXPECT_THAT(metrics, HasSubstr("vllm:num_requests_running"));
  EXPECT_THAT(metrics, HasSubstr("joulebench_sim_energy_joules_total"));
}

}  // namespace
}  // namespace jb::worker
