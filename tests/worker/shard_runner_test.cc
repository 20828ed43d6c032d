#include "worker/shard_runner.h"

#include <atomic>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/worker/fakes.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::jb::worker::testing::FakeEnergyMeter;
using ::jb::worker::testing::FakeInferenceClient;
using ::jb::worker::testing::FakeTaskEvaluator;
using ::jb::worker::testing::MakeShard;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ShardRunnerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ShardRunner> Runner(int batch_size = 4, int max_unavailable = 0,
                                      ChoiceMethod choice_method = ChoiceMethod::kLoglikelihood) {
    ShardRunnerOptions options;
    options.choice_method = choice_method;
    options.report_batch_size = batch_size;
    options.max_consecutive_unavailable = max_unavailable;
    options.carbon.region = "FRA";
    options.carbon.intensity = {56.0, "country-table:FRA:2023", false};
    options.carbon.pue = 1.25;
    options.sampling_period = absl::ZeroDuration();
    options.server.set_kind("joulebench-sim");
    options.server.set_simulated(true);
    return std::make_unique<ShardRunner>(options, &inference_, &evaluator_, &meter_, &clock_);
  }

  // Collects what the runner reports.
  ShardRunner::ReportFn Collect() {
    return [this](const std::vector<v1::SampleResult>& batch) {
      absl::MutexLock lock(&mu_);
      batch_sizes_.push_back(static_cast<int>(batch.size()));
      reported_.insert(reported_.end(), batch.begin(), batch.end());
      return absl::OkStatus();
    };
  }

  FakeClock clock_;
  FakeInferenceClient inference_;
  FakeTaskEvaluator evaluator_;
  FakeEnergyMeter meter_;
  absl::Mutex mu_;
  std::vector<int> batch_sizes_;
  std::vector<v1::SampleResult> reported_;
};

TEST_F(ShardRunnerTest, SendsOneRequestPerSampleAndRepeat) {
  v1::Shard shard = MakeShard(/*samples=*/3, /*concurrency=*/2, /*repeats=*/4);
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));
  EXPECT_EQ(inference_.calls.load(), 12);
  EXPECT_EQ(outcome.results.size(), 12u);
  EXPECT_EQ(reported_.size(), 12u);  // three full batches
  EXPECT_EQ(outcome.unreported, 0u);
  std::set<std::pair<uint32_t, uint32_t>> keys;
  for (const auto& r : outcome.results) keys.insert({r.sample_index(), r.repeat_index()});
  EXPECT_EQ(keys.size(), 12u);
  EXPECT_EQ(*keys.begin(), std::make_pair(100u, 0u));
  EXPECT_EQ(*keys.rbegin(), std::make_pair(102u, 3u));
}

TEST_F(ShardRunnerTest, RequestsCarryTheShardsGenerationSettings) {
  v1::Shard shard = MakeShard(2, 1, 2);
  shard.mutable_generation()->set_endpoint(v1::ENDPOINT_COMPLETIONS);
  shard.mutable_generation()->set_top_p(0.95);
  ASSERT_OK(Runner()->Run(shard, Collect()));
  std::vector<InferenceRequest> requests = inference_.Requests();
  ASSERT_EQ(requests.size(), 4u);
  std::set<int64_t> seeds;
  for (const InferenceRequest& r : requests) {
    EXPECT_EQ(r.model, "tiny");
    EXPECT_EQ(r.endpoint, v1::ENDPOINT_COMPLETIONS);
    EXPECT_EQ(r.max_tokens, 64u);
    EXPECT_EQ(r.top_p, 0.95);
    EXPECT_THAT(r.stop, ElementsAre("\n\n"));
    seeds.insert(*r.seed);
  }
  // seed + sample index, and repeats on their own streams.
  EXPECT_EQ(seeds, (std::set<int64_t>{1234 + 100, 1234 + 101, 1234 + 100 + (int64_t{1} << 32),
                                      1234 + 101 + (int64_t{1} << 32)}));
  EXPECT_EQ(requests[0].prompt, "prompt:doc0");
}

TEST_F(ShardRunnerTest, FallsBackToTheTasksGenerationSettings) {
  v1::Shard shard = MakeShard(1, 1);
  shard.clear_generation();
  shard.mutable_task()->mutable_generation()->set_max_tokens(7);
  ASSERT_OK(Runner()->Run(shard, Collect()));
  ASSERT_EQ(inference_.Requests().size(), 1u);
  EXPECT_EQ(inference_.Requests()[0].max_tokens, 7u);
  EXPECT_EQ(inference_.Requests()[0].endpoint, v1::ENDPOINT_CHAT);
}

// Every request waits until `limit` requests are in flight, so if the runner allowed fewer
// the test would time out, and if it allowed more max_in_flight would show it.
void GateAt(FakeInferenceClient& inference, int limit, int total) {
  auto mu = std::make_shared<absl::Mutex>();
  auto entered = std::make_shared<int>(0);
  inference.on_complete = [&inference, mu, entered, limit,
                           total](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    absl::MutexLock lock(mu.get());
    ++*entered;
    auto open = [&] { return inference.in_flight.load() >= limit || *entered == total; };
    mu->AwaitWithTimeout(absl::Condition(&open), absl::Seconds(5));
    return FakeInferenceClient::Answer();
  };
}

TEST_F(ShardRunnerTest, KeepsExactlyConcurrencyRequestsInFlight) {
  v1::Shard shard = MakeShard(24, /*concurrency=*/4);
  GateAt(inference_, 4, 24);
  ASSERT_OK(Runner()->Run(shard, Collect()));
  EXPECT_EQ(inference_.calls.load(), 24);
  EXPECT_EQ(inference_.max_in_flight.load(), 4);
}

TEST_F(ShardRunnerTest, ConcurrencyOneIsSequentialInSampleOrder) {
  v1::Shard shard = MakeShard(5, 1);
  ASSERT_OK(Runner()->Run(shard, Collect()));
  EXPECT_EQ(inference_.max_in_flight.load(), 1);
  std::vector<InferenceRequest> requests = inference_.Requests();
  ASSERT_EQ(requests.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(requests[i].prompt, absl::StrCat("prompt:doc", i));
}

TEST_F(ShardRunnerTest, ScoresEachResultAgainstItsTarget) {
  v1::Shard shard = MakeShard(2, 1);
  inference_.on_complete = [](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    // Correct for the first sample only.
    return FakeInferenceClient::Answer(r.prompt == "prompt:doc0" ? "gold:100" : "wrong", 4);
  };
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));
  ASSERT_EQ(outcome.results.size(), 2u);
  const v1::SampleResult& right = outcome.results[0];
  EXPECT_EQ(right.sample_index(), 100u);
  EXPECT_EQ(right.prediction(), "gold:100");
  EXPECT_EQ(right.target(), "gold:100");
  EXPECT_EQ(right.extracted(), "gold:100");
  EXPECT_EQ(right.score(), 1.0);
  EXPECT_EQ(right.metrics().at("none/exact"), 1.0);
  EXPECT_EQ(right.prompt_tokens(), 10u);
  EXPECT_EQ(right.completion_tokens(), 4u);
  EXPECT_EQ(right.finish_reason(), "stop");
  EXPECT_EQ(right.timing().e2e_s(), 0.5);
  EXPECT_EQ(right.timing().attempts(), 1u);
  EXPECT_TRUE(right.timing().streamed());
  EXPECT_EQ(right.error(), "");
  EXPECT_EQ(outcome.results[1].score(), 0.0);
}

TEST_F(ShardRunnerTest, FailedRequestIsAnErrorRowWithScoreZero) {
  v1::Shard shard = MakeShard(4, 2);
  inference_.on_complete = [](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    if (r.prompt == "prompt:doc2") return absl::InvalidArgumentError("prompt too long");
    return FakeInferenceClient::Answer("gold:x");
  };
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));
  EXPECT_EQ(inference_.calls.load(), 4);
  ASSERT_EQ(outcome.results.size(), 4u);
  int errors = 0;
  for (const auto& r : outcome.results) {
    if (r.sample_index() != 102) {
      EXPECT_EQ(r.error(), "");
      continue;
    }
    ++errors;
    EXPECT_THAT(r.error(), HasSubstr("prompt too long"));
    EXPECT_EQ(r.score(), 0.0);
    EXPECT_EQ(r.target(), "gold:102");
    EXPECT_EQ(r.completion_tokens(), 0u);
  }
  EXPECT_EQ(errors, 1);
}

TEST_F(ShardRunnerTest, UnbuildablePromptIsAnErrorRowWithoutARequest) {
  v1::Shard shard = MakeShard(3, 1);
  shard.mutable_samples(1)->set_doc_json("bad");
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));
  EXPECT_EQ(inference_.calls.load(), 2);
  ASSERT_EQ(outcome.results.size(), 3u);
  int errors = 0;
  for (const v1::SampleResult& r : outcome.results) {
    if (r.sample_index() != 101) continue;
    ++errors;
    EXPECT_THAT(r.error(), HasSubstr("building the prompt: no field 'q'"));
    EXPECT_EQ(r.timing().attempts(), 0u);
  }
  EXPECT_EQ(errors, 1);
}

TEST_F(ShardRunnerTest, StreamedTimingAndUsageAreCopiedIntoTheResult) {
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(MakeShard(1, 1), Collect()));
  ASSERT_EQ(outcome.results.size(), 1u);
  const v1::SampleResult& r = outcome.results[0];
  EXPECT_TRUE(r.timing().streamed());
  EXPECT_EQ(r.timing().ttft_s(), 0.1);
  EXPECT_EQ(r.timing().tpot_s(), 0.2);
  EXPECT_EQ(r.timing().e2e_s(), 0.5);
  EXPECT_THAT(r.timing().itl_s(), ElementsAre(0.2, 0.2));
  EXPECT_EQ(r.timing().attempts(), 1u);
  EXPECT_EQ(r.prompt_tokens(), 10u);
  EXPECT_EQ(r.completion_tokens(), 3u);
  EXPECT_EQ(r.finish_reason(), "stop");
  EXPECT_TRUE(inference_.Requests()[0].stream);
}

TEST_F(ShardRunnerTest, KeepsTheServersMetricsFromJustBeforeAndAfterTheWindow) {
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(MakeShard(2, 1), Collect()));
  EXPECT_EQ(outcome.measurement.server_metrics_before(), "vllm:generation_tokens_total 0\n");
  EXPECT_EQ(outcome.measurement.server_metrics_after(), "vllm:generation_tokens_total 1\n");
  EXPECT_EQ(inference_.metrics_scrapes.load(), 2);
  EXPECT_EQ(outcome.measurement.server_counters().generation_tokens(), 1);
  EXPECT_THAT(outcome.measurement.server_counters().names_found(),
              ElementsAre("vllm:generation_tokens_total"));
}

TEST_F(ShardRunnerTest, DeviceMemoryIsTheNvmlPeakElseTheServersReportedModelMemory) {
  inference_.more_metrics = "joulebench_sim_model_memory_bytes{model_name=\"tiny\"} 3221225472\n";
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(MakeShard(2, 1), Collect()));
  EXPECT_EQ(outcome.measurement.peak_memory_mb(), 3072);  // the meter reads no memory
  EXPECT_EQ(outcome.measurement.memory_source(), "server-reported");

  meter_.SetMemoryInUse(uint64_t{40} << 30);  // NVML wins when it can say
  ASSERT_OK_AND_ASSIGN(outcome, Runner()->Run(MakeShard(2, 1), Collect()));
  EXPECT_EQ(outcome.measurement.peak_memory_mb(), 40 * 1024);
  EXPECT_EQ(outcome.measurement.memory_source(), "nvml-peak");

  meter_.SetMemoryInUse(std::nullopt);
  inference_.more_metrics = "";
  ASSERT_OK_AND_ASSIGN(outcome, Runner()->Run(MakeShard(2, 1), Collect()));
  EXPECT_EQ(outcome.measurement.peak_memory_mb(), 0);  // nothing says
  EXPECT_EQ(outcome.measurement.memory_source(), "");
}

// An echo response for prompt = context + continuation: the context as one token (logprob
// null, as the first echoed token is), the continuation as one token, and a generated token.
InferenceResult EchoResult(const std::string& context, const std::string& continuation,
                           double continuation_logprob) {
  InferenceResult result = FakeInferenceClient::Answer("", 1);
  result.streamed = false;
  result.logprobs.emplace();
  result.logprobs->tokens = {context, continuation, " x"};
  result.logprobs->token_logprobs = {std::nullopt, continuation_logprob, -0.5};
  result.logprobs->top_tokens = {std::nullopt, continuation, " x"};
  result.logprobs->text_offset = {0, static_cast<uint32_t>(context.size()),
                                  static_cast<uint32_t>(context.size() + continuation.size())};
  return result;
}

TEST_F(ShardRunnerTest, MultipleChoiceAsksForEachChoicesLoglikelihoodAndPicksTheLikeliest) {
  v1::Shard shard = MakeShard(2, 2);
  shard.mutable_task()->set_output_type(v1::OUTPUT_TYPE_MULTIPLE_CHOICE);
  shard.mutable_task()->set_target_delimiter(" ");
  shard.mutable_task()->set_repeats(5);  // ignored: one row per sample
  // Sample 100 likes " B" best, sample 101 " C".
  inference_.on_complete = [](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    const std::string context = r.prompt.substr(0, r.prompt.size() - 2);
    const std::string continuation = r.prompt.substr(r.prompt.size() - 2);
    const char best = context == "prompt:doc0" ? 'B' : 'C';
    return EchoResult(context, continuation, continuation[1] == best ? -0.25 : -4.0);
  };
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));

  std::vector<InferenceRequest> requests = inference_.Requests();
  ASSERT_EQ(requests.size(), 6u);
  for (const InferenceRequest& r : requests) {
    EXPECT_EQ(r.endpoint, v1::ENDPOINT_COMPLETIONS);
    EXPECT_TRUE(r.echo);
    EXPECT_EQ(r.logprobs, 1u);
    EXPECT_EQ(r.max_tokens, 1u);
    EXPECT_FALSE(r.stream);
    EXPECT_EQ(r.temperature, 0);
    EXPECT_TRUE(r.stop.empty());
  }
  ASSERT_EQ(outcome.results.size(), 2u);
  for (const v1::SampleResult& r : outcome.results) {
    EXPECT_EQ(r.error(), "");
    EXPECT_EQ(r.prediction(), r.sample_index() == 100 ? "B" : "C");
    EXPECT_EQ(r.repeat_index(), 0u);
    EXPECT_EQ(r.completion_tokens(), 3u);  // one generated token per choice
    EXPECT_EQ(r.timing().attempts(), 3u);
    EXPECT_EQ(r.metrics().at("loglikelihood/0"), -4.0);
    EXPECT_EQ(r.answer_method(), "loglikelihood");
  }
}

TEST_F(ShardRunnerTest, RepeatsOfASampleAreScoredOnceTogether) {
  v1::Shard shard = MakeShard(3, 4, /*repeats=*/4);
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));
  EXPECT_EQ(outcome.results.size(), 12u);
  EXPECT_THAT(evaluator_.group_sizes, ElementsAre(4, 4, 4));
  for (const v1::SampleResult& r : outcome.results) EXPECT_EQ(r.answer_method(), "generate");
}

TEST_F(ShardRunnerTest, AFailedRepeatIsAnErrorRowAndTheOthersAreScoredWithoutIt) {
  v1::Shard shard = MakeShard(1, 1, /*repeats=*/3);
  inference_.on_complete = [](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    if ((r.seed.value_or(0) >> 32) == 1) return absl::InvalidArgumentError("prompt too long");
    return FakeInferenceClient::Answer();
  };
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));
  ASSERT_EQ(outcome.results.size(), 3u);
  int errors = 0;
  for (const v1::SampleResult& r : outcome.results) errors += !r.error().empty();
  EXPECT_EQ(errors, 1);
  EXPECT_THAT(evaluator_.group_sizes, ElementsAre(2));
}

TEST_F(ShardRunnerTest, MultipleChoiceGenerativeFallbackAsksOnceAndScoresTheNamedChoice) {
  v1::Shard shard = MakeShard(2, 2);
  shard.mutable_task()->set_output_type(v1::OUTPUT_TYPE_MULTIPLE_CHOICE);
  shard.mutable_generation()->set_temperature(0.7);
  // A completions task still asks over chat: the server has no completions logprobs.
  shard.mutable_generation()->set_endpoint(v1::ENDPOINT_COMPLETIONS);
  // Sample 100 names the gold choice A, sample 101 names C.
  inference_.on_complete = [](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    return FakeInferenceClient::Answer(absl::StrContains(r.prompt, "doc0") ? "It is A." : "C");
  };
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome,
                       Runner(4, 0, ChoiceMethod::kGenerativeFallback)->Run(shard, Collect()));
  std::vector<InferenceRequest> requests = inference_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const InferenceRequest& r : requests) {
    EXPECT_EQ(r.endpoint, v1::ENDPOINT_CHAT);
    EXPECT_FALSE(r.echo);
    EXPECT_EQ(r.temperature, 0);
    EXPECT_THAT(r.prompt, HasSubstr("|choices:A,B,C"));
  }
  ASSERT_EQ(outcome.results.size(), 2u);
  for (const v1::SampleResult& r : outcome.results) {
    EXPECT_EQ(r.answer_method(), "generative-fallback");
    EXPECT_EQ(r.error(), "");
    if (r.sample_index() == 100) {
      EXPECT_EQ(r.prediction(), "It is A.");
      EXPECT_EQ(r.extracted(), "A");
      EXPECT_EQ(r.score(), 1);
    } else {
      EXPECT_EQ(r.extracted(), "C");
      EXPECT_EQ(r.score(), 0);
    }
  }
}

TEST_F(ShardRunnerTest, MultipleChoiceWithAFailedChoiceIsAnErrorRow) {
  v1::Shard shard = MakeShard(1, 1);
  shard.mutable_task()->set_output_type(v1::OUTPUT_TYPE_MULTIPLE_CHOICE);
  shard.mutable_task()->set_target_delimiter(" ");
  inference_.on_complete = [](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    if (r.prompt.back() == 'B') return absl::InvalidArgumentError("prompt too long");
    return EchoResult(r.prompt.substr(0, r.prompt.size() - 2), r.prompt.substr(r.prompt.size() - 2),
                      -1);
  };
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));
  ASSERT_EQ(outcome.results.size(), 1u);
  EXPECT_THAT(outcome.results[0].error(), HasSubstr("choice 1: INVALID_ARGUMENT: prompt too long"));
  EXPECT_EQ(outcome.results[0].score(), 0);
  EXPECT_EQ(inference_.calls.load(), 3);
}

TEST_F(ShardRunnerTest, CancellationStopsNewRequests) {
  v1::Shard shard = MakeShard(10, 1);
  std::unique_ptr<ShardRunner> runner = Runner();
  inference_.on_complete = [&](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    if (inference_.Requests().size() == 3) runner->Cancel(absl::AbortedError("lease revoked"));
    return FakeInferenceClient::Answer();
  };
  EXPECT_THAT(runner->Run(shard, Collect()), StatusIs(absl::StatusCode::kAborted, "revoked"));
  EXPECT_EQ(inference_.calls.load(), 3);
  EXPECT_TRUE(runner->cancelled());
  EXPECT_EQ(runner->samples_done(), 3u);
}

TEST_F(ShardRunnerTest, FirstCancelReasonWins) {
  std::unique_ptr<ShardRunner> runner = Runner();
  runner->Cancel(absl::CancelledError("draining"));
  runner->Cancel(absl::AbortedError("revoked"));
  EXPECT_THAT(runner->Run(MakeShard(2, 1), Collect()),
              StatusIs(absl::StatusCode::kCancelled, "draining"));
  EXPECT_EQ(inference_.calls.load(), 0);
}

TEST_F(ShardRunnerTest, ReportsFullBatchesAndLeavesTheRestForTheCompletion) {
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome,
                       Runner(/*batch_size=*/3)->Run(MakeShard(7, 2), Collect()));
  absl::MutexLock lock(&mu_);
  EXPECT_THAT(batch_sizes_, ElementsAre(3, 3));
  EXPECT_EQ(reported_.size(), 6u);
  ASSERT_EQ(outcome.results.size(), 7u);
  EXPECT_EQ(outcome.unreported, 1u);
  // The unreported one is the last result, and no reported result is among it.
  std::set<uint32_t> reported;
  for (const auto& r : reported_) reported.insert(r.sample_index());
  EXPECT_EQ(reported.count(outcome.results.back().sample_index()), 0u);
}

// Waits (up to 5 s) until `condition` holds.
void AwaitTrue(const std::function<bool()>& condition) {
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (!condition() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
}

TEST_F(ShardRunnerTest, ReportErrorCancelsTheRun) {
  v1::Shard shard = MakeShard(8, 1);
  std::unique_ptr<ShardRunner> runner = Runner(/*batch_size=*/2);
  // Pinned interleaving: the first batch's report fails only once the third request is in
  // flight, and that request returns only after the cancel, so exactly three were sent.
  inference_.on_complete = [&](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    if (inference_.Requests().size() == 3) AwaitTrue([&] { return runner->cancelled(); });
    return FakeInferenceClient::Answer();
  };
  std::atomic<int> reports{0};
  auto report = [&](const std::vector<v1::SampleResult>&) {
    reports.fetch_add(1);
    AwaitTrue([&] { return inference_.Requests().size() == 3; });
    return absl::AbortedError("stale epoch");
  };
  EXPECT_THAT(runner->Run(shard, report), StatusIs(absl::StatusCode::kAborted, "stale epoch"));
  EXPECT_EQ(reports.load(), 1);
  EXPECT_EQ(inference_.calls.load(), 3);
}

TEST_F(ShardRunnerTest, InvalidTaskFailsBeforeAnyRequest) {
  evaluator_.validate_status = absl::InvalidArgumentError("unknown metric 'bleurt'");
  EXPECT_THAT(Runner()->Run(MakeShard(3, 1), Collect()),
              StatusIs(absl::StatusCode::kInvalidArgument, "fake-task: unknown metric 'bleurt'"));
  EXPECT_EQ(inference_.calls.load(), 0);
  EXPECT_EQ(meter_.reads.load(), 0);
}

TEST_F(ShardRunnerTest, ServerDownStopsTheShardWithUnavailable) {
  inference_.on_complete = [](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    return absl::UnavailableError("connection refused");
  };
  EXPECT_THAT(Runner(4, /*max_unavailable=*/3)->Run(MakeShard(10, 1), Collect()),
              StatusIs(absl::StatusCode::kUnavailable, "3 requests in a row failed"));
  EXPECT_EQ(inference_.calls.load(), 3);
}

TEST_F(ShardRunnerTest, MeasuresTheWindowAndApportionsEnergyByTokens) {
  // 20 W idle, plus 50 J for every request; each request takes 1 s.
  std::atomic<double> request_joules{0};
  meter_.on_read = [&]() -> absl::StatusOr<std::vector<v1::EnergyReading>> {
    const double seconds = absl::ToDoubleSeconds(clock_.MonotonicNow());
    return std::vector<v1::EnergyReading>{
        FakeEnergyMeter::Reading(20 * seconds + request_joules.load())};
  };
  const uint32_t tokens[] = {1, 2, 3, 4};
  inference_.on_complete = [&](const InferenceRequest& r) -> absl::StatusOr<InferenceResult> {
    clock_.Advance(absl::Seconds(1));
    request_joules = request_joules + 50;
    return FakeInferenceClient::Answer("x", tokens[r.prompt.back() - '0']);
  };
  v1::Shard shard = MakeShard(4, 1);
  shard.set_idle_baseline_s(2);
  ASSERT_OK_AND_ASSIGN(ShardOutcome outcome, Runner()->Run(shard, Collect()));

  const v1::Measurement& m = outcome.measurement;
  EXPECT_EQ(meter_.reads.load(), 4);
  EXPECT_DOUBLE_EQ(m.idle_power_w(), 20);
  EXPECT_DOUBLE_EQ(m.wall_time_s(), 4);
  EXPECT_DOUBLE_EQ(m.window_start_s(), 2);
  EXPECT_DOUBLE_EQ(m.total_energy_j(), 280);       // 4 s x 20 W + 4 x 50 J
  EXPECT_DOUBLE_EQ(m.above_idle_energy_j(), 200);  // 280 - 20 W x 4 s
  EXPECT_EQ(m.completion_tokens(), 10u);
  EXPECT_EQ(m.region(), "FRA");
  EXPECT_EQ(m.carbon_intensity_g_per_kwh(), 56.0);
  EXPECT_EQ(m.carbon_intensity_source(), "country-table:FRA:2023");
  EXPECT_EQ(m.pue(), 1.25);
  EXPECT_TRUE(m.simulated());  // the server is the simulator
  EXPECT_EQ(m.server().kind(), "joulebench-sim");
  double sum = 0;
  for (const v1::SampleResult& r : outcome.results) {
    EXPECT_DOUBLE_EQ(r.energy_j(), 28.0 * r.completion_tokens());
    sum += r.energy_j();
  }
  EXPECT_DOUBLE_EQ(sum, 280);
  // What went up during the run had no energy yet: it is known only at the window's end.
  for (const v1::SampleResult& r : reported_) EXPECT_EQ(r.energy_j(), 0);
}

TEST(RequestSeedTest, AddsSampleIndexAndSeparatesRepeats) {
  EXPECT_EQ(RequestSeed(1234, 5, 0), 1239);
  EXPECT_EQ(RequestSeed(0, 5, 2), 5 + (int64_t{2} << 32));
}

}  // namespace
}  // namespace jb::worker
