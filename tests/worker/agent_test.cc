#include "worker/agent.h"

#include <atomic>
#include <memory>
#include <set>
#include <vector>

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
using ::jb::worker::testing::FakeCoordinatorClient;
using ::jb::worker::testing::FakeEnergyMeter;
using ::jb::worker::testing::FakeInferenceClient;
using ::jb::worker::testing::FakeTaskEvaluator;
using ::jb::worker::testing::MakeShard;
using ::testing::HasSubstr;

v1::AcquireShardResponse Leased(v1::Shard shard, int64_t epoch = 7,
                                double heartbeat_interval_s = 3600) {
  v1::AcquireShardResponse response;
  *response.mutable_shard() = std::move(shard);
  response.mutable_lease()->set_shard_id(response.shard().shard_id());
  response.mutable_lease()->set_epoch(epoch);
  response.mutable_lease()->set_ttl_s(3 * heartbeat_interval_s);
  response.mutable_lease()->set_heartbeat_interval_s(heartbeat_interval_s);
  response.mutable_lease()->set_attempt(1);
  return response;
}

v1::AcquireShardResponse NoShard(double retry_after_s = 5) {
  v1::AcquireShardResponse response;
  response.set_retry_after_s(retry_after_s);
  return response;
}

class AgentTest : public ::testing::Test {
 protected:
  AgentTest() {
    options_.hardware_class = "sim";
    options_.name = "worker-a";
    options_.report_batch_size = 2;
    options_.backoff = {absl::Seconds(1), absl::Seconds(8), 2.0, 0};
    options_.supervise_interval = absl::Milliseconds(1);
    options_.drain_timeout = absl::Seconds(5);
  }

  std::unique_ptr<Agent> MakeAgent() {
    AgentEnv env;
    env.coordinator = &coordinator_;
    env.inference = &inference_;
    env.evaluator = &evaluator_;
    env.clock = &clock_;
    env.make_energy = [this](const v1::InferenceServer&) -> absl::StatusOr<EnergySetup> {
      auto meter = std::make_unique<FakeEnergyMeter>();
      meter->probe_status = probe_status_;
      if (absl::Status probe = meter->Probe(); !probe.ok()) return probe;
      EnergySetup setup;
      setup.meter = std::move(meter);
      setup.probe = {"fake: used"};
      return setup;
    };
    env.carbon.region = "FRA";
    env.carbon.pue = 1.2;
    env.wait = [this](absl::Duration d) {
      {
        absl::MutexLock lock(&mu_);
        waits_.push_back(d);
      }
      clock_.Sleep(d);
      return stop_.load();
    };
    env.stop_requested = [this] { return stop_.load(); };
    v1::HardwareProfile hardware;
    hardware.set_hardware_class("sim");
    return std::make_unique<Agent>(options_, hardware, std::move(env));
  }

  // The i-th AcquireShard call (0-based) gets responses[i]; the call after the last one stops
  // the agent and gets "no shard".
  void AcquireSequence(std::vector<absl::StatusOr<v1::AcquireShardResponse>> responses) {
    auto calls = std::make_shared<std::atomic<size_t>>(0);
    coordinator_.acquire_shard.handler =
        [this, calls,
         responses](const v1::AcquireShardRequest&) -> absl::StatusOr<v1::AcquireShardResponse> {
      const size_t i = calls->fetch_add(1);
      if (i < responses.size()) return responses[i];
      stop_ = true;
      return NoShard();
    };
  }

  std::vector<absl::Duration> Waits() {
    absl::MutexLock lock(&mu_);
    return waits_;
  }

  WorkerOptions options_;
  FakeClock clock_;
  FakeCoordinatorClient coordinator_;
  FakeInferenceClient inference_;
  FakeTaskEvaluator evaluator_;
  absl::Status probe_status_;
  std::atomic<bool> stop_{false};
  absl::Mutex mu_;
  std::vector<absl::Duration> waits_;
};

// Backoff n (0-based) with options_.backoff lies in [0.5, 1] x min(8 s, 1 s x 2^n).
void ExpectBackoff(absl::Duration d, int n) {
  const double nominal = std::min(8.0, static_cast<double>(1 << n));
  EXPECT_GE(d, absl::Seconds(0.5 * nominal)) << "attempt " << n;
  EXPECT_LE(d, absl::Seconds(nominal)) << "attempt " << n;
}

TEST_F(AgentTest, RegistrationRetriesWithBackoffWhileTheCoordinatorIsUnavailable) {
  auto attempts = std::make_shared<int>(0);
  coordinator_.register_worker.handler =
      [attempts](const v1::RegisterWorkerRequest&) -> absl::StatusOr<v1::RegisterWorkerResponse> {
    if (++*attempts <= 5) return absl::UnavailableError("failed to connect to all addresses");
    v1::RegisterWorkerResponse response;
    response.set_worker_id("w-9");
    response.set_heartbeat_interval_s(3600);
    return response;
  };
  AcquireSequence({});
  std::unique_ptr<Agent> agent = MakeAgent();
  ASSERT_OK(agent->Run());

  EXPECT_EQ(coordinator_.Received(coordinator_.register_worker).size(), 6u);
  EXPECT_EQ(agent->worker_id(), "w-9");
  std::vector<absl::Duration> waits = Waits();
  ASSERT_EQ(waits.size(), 6u);  // 5 backoffs, then the wait after "no shard" that sees stop
  for (int n = 0; n < 5; ++n) ExpectBackoff(waits[n], n);
  EXPECT_EQ(waits[5], absl::Seconds(5));
  absl::Duration total;
  for (absl::Duration d : waits) total += d;
  EXPECT_EQ(clock_.TotalSlept(), total);
  std::vector<v1::AcquireShardRequest> acquires = coordinator_.Received(coordinator_.acquire_shard);
  ASSERT_EQ(acquires.size(), 1u);
  EXPECT_EQ(acquires[0].worker_id(), "w-9");
}

TEST_F(AgentTest, RegistrationSendsNameHardwareServerAndEnergyMethods) {
  AcquireSequence({});
  ASSERT_OK(MakeAgent()->Run());
  std::vector<v1::RegisterWorkerRequest> registers =
      coordinator_.Received(coordinator_.register_worker);
  ASSERT_EQ(registers.size(), 1u);
  EXPECT_EQ(registers[0].name(), "worker-a");
  EXPECT_EQ(registers[0].version(), "0.1.0");
  EXPECT_EQ(registers[0].hardware().hardware_class(), "sim");
  ASSERT_EQ(registers[0].hardware().energy_methods_size(), 1);
  EXPECT_EQ(registers[0].hardware().energy_methods(0), v1::ENERGY_METHOD_NVML_ENERGY_COUNTER);
  EXPECT_THAT(registers[0].hardware().energy_probe(), ::testing::ElementsAre("fake: used"));
  EXPECT_EQ(registers[0].hardware().region(), "FRA");
  EXPECT_EQ(registers[0].hardware().pue(), 1.2);
  EXPECT_EQ(registers[0].server().kind(), "joulebench-sim");
  EXPECT_EQ(registers[0].server().models(0).name(), "tiny");
}

TEST_F(AgentTest, RejectedRegistrationStopsTheAgent) {
  coordinator_.register_worker.handler =
      [](const v1::RegisterWorkerRequest&) -> absl::StatusOr<v1::RegisterWorkerResponse> {
    return absl::InvalidArgumentError("unknown hardware class 'sim'");
  };
  EXPECT_THAT(MakeAgent()->Run(),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown hardware class"));
  EXPECT_EQ(coordinator_.Received(coordinator_.register_worker).size(), 1u);
  EXPECT_TRUE(Waits().empty());
}

TEST_F(AgentTest, ShutdownWhileRegisteringReturnsOk) {
  coordinator_.register_worker.handler =
      [this](const v1::RegisterWorkerRequest&) -> absl::StatusOr<v1::RegisterWorkerResponse> {
    stop_ = true;
    return absl::UnavailableError("down");
  };
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(coordinator_.Received(coordinator_.register_worker).size(), 1u);
  EXPECT_EQ(Waits().size(), 1u);
  EXPECT_TRUE(coordinator_.Received(coordinator_.acquire_shard).empty());
}

TEST_F(AgentTest, DiscoveryRetriesWithBackoffWhileTheInferenceServerIsDown) {
  auto original = inference_.ServerInfo();
  auto calls = std::make_shared<int>(0);
  inference_.on_server_info = [calls, original]() -> absl::StatusOr<v1::InferenceServer> {
    ++*calls;
    if (*calls <= 2) return absl::UnavailableError("connection refused");
    if (*calls == 3) return v1::InferenceServer();  // up, but no model loaded yet
    return original;
  };
  AcquireSequence({});
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(inference_.server_info_calls.load(), 4 + 1);  // +1: `original` above
  std::vector<absl::Duration> waits = Waits();
  ASSERT_EQ(waits.size(), 4u);
  for (int n = 0; n < 3; ++n) ExpectBackoff(waits[n], n);
  EXPECT_EQ(coordinator_.Received(coordinator_.register_worker).size(), 1u);
}

TEST_F(AgentTest, UnreadableEnergyMeterIsFailedPrecondition) {
  probe_status_ = absl::NotFoundError("no series of metric joulebench_sim_energy_joules_total");
  EXPECT_THAT(MakeAgent()->Run(), StatusIs(absl::StatusCode::kFailedPrecondition, "--energy none"));
  EXPECT_TRUE(coordinator_.Received(coordinator_.register_worker).empty());
}

TEST_F(AgentTest, NotFoundOnAcquireRegistersAgain) {
  AcquireSequence({absl::NotFoundError("unknown worker w-1")});
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(coordinator_.Received(coordinator_.register_worker).size(), 2u);
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 2u);
  EXPECT_EQ(Waits().size(), 1u);  // only the final "no shard" wait
}

TEST_F(AgentTest, RepeatedNotFoundBacksOffBeforeRegisteringAgain) {
  AcquireSequence({absl::NotFoundError("unknown worker"), absl::NotFoundError("unknown worker")});
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(coordinator_.Received(coordinator_.register_worker).size(), 3u);
  std::vector<absl::Duration> waits = Waits();
  ASSERT_EQ(waits.size(), 2u);
  ExpectBackoff(waits[0], 1);
  EXPECT_EQ(waits[1], absl::Seconds(5));
}

TEST_F(AgentTest, UnavailableAcquireBacksOff) {
  AcquireSequence({absl::UnavailableError("down"), absl::UnavailableError("down"), NoShard(3)});
  ASSERT_OK(MakeAgent()->Run());
  std::vector<absl::Duration> waits = Waits();
  ASSERT_EQ(waits.size(), 4u);
  ExpectBackoff(waits[0], 0);
  ExpectBackoff(waits[1], 1);
  EXPECT_EQ(waits[2], absl::Seconds(3));
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 4u);
}

// Three failed health checks, then healthy: nothing is leased meanwhile, the coordinator hears
// "unhealthy" with the reason once per new reason (liveness in between is throttled by the
// heartbeat interval, an hour here), and "active" at once on recovery, before the next lease.
TEST_F(AgentTest, AnUnhealthyServerLeasesNothingAndIsReported) {
  auto checks = std::make_shared<int>(0);
  inference_.on_health = [checks]() -> absl::Status {
    ++*checks;
    if (*checks == 1) return absl::UnavailableError("GET /health: HTTP 503");
    if (*checks <= 3) return absl::UnavailableError("connection refused");
    return absl::OkStatus();
  };
  coordinator_.heartbeat.handler = [this](const v1::HeartbeatRequest&) {
    // Nothing may be leased while the server is unhealthy.
    EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 0u);
    return absl::StatusOr<v1::HeartbeatResponse>(v1::HeartbeatResponse());
  };
  AcquireSequence({});
  ASSERT_OK(MakeAgent()->Run());

  EXPECT_EQ(inference_.health_calls.load(), 4);
  std::vector<v1::HeartbeatRequest> beats = coordinator_.Received(coordinator_.heartbeat);
  ASSERT_EQ(beats.size(), 3u);
  EXPECT_EQ(beats[0].state(), "unhealthy");
  EXPECT_EQ(beats[0].detail(), "GET /health: HTTP 503");
  EXPECT_EQ(beats[1].state(), "unhealthy");
  EXPECT_EQ(beats[1].detail(), "connection refused");
  EXPECT_EQ(beats[2].state(), "active");
  EXPECT_EQ(beats[2].detail(), "");
  EXPECT_EQ(beats[2].shard_id(), 0);
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 1u);
  std::vector<absl::Duration> waits = Waits();
  ASSERT_EQ(waits.size(), 4u);  // three backoffs, then the final "no shard"
  ExpectBackoff(waits[0], 0);
  ExpectBackoff(waits[1], 1);
  ExpectBackoff(waits[2], 2);
}

TEST_F(AgentTest, RunsAShardReportsInBatchesAndCompletes) {
  AcquireSequence({Leased(MakeShard(5, 2), /*epoch=*/7)});
  ASSERT_OK(MakeAgent()->Run());

  EXPECT_EQ(inference_.calls.load(), 5);
  std::vector<v1::ReportSamplesRequest> reports =
      coordinator_.Received(coordinator_.report_samples);
  ASSERT_EQ(reports.size(), 2u);  // 2 + 2; the fifth goes with the completion
  std::set<uint32_t> indices;
  for (const auto& report : reports) {
    EXPECT_EQ(report.worker_id(), "w-1");
    EXPECT_EQ(report.shard_id(), 42);
    EXPECT_EQ(report.epoch(), 7);
    for (const auto& r : report.results()) indices.insert(r.sample_index());
  }
  std::vector<v1::CompleteShardRequest> completes =
      coordinator_.Received(coordinator_.complete_shard);
  ASSERT_EQ(completes.size(), 1u);
  EXPECT_EQ(completes[0].shard_id(), 42);
  EXPECT_EQ(completes[0].epoch(), 7);
  ASSERT_EQ(completes[0].results_size(), 1);
  indices.insert(completes[0].results(0).sample_index());
  EXPECT_EQ(indices.size(), 5u);  // each result sent once
  EXPECT_EQ(completes[0].samples_reported(), 5u);
  EXPECT_TRUE(completes[0].lease_next());
  EXPECT_EQ(completes[0].measurement().completion_tokens(), 15u);
  EXPECT_TRUE(completes[0].measurement().simulated());
  EXPECT_TRUE(coordinator_.Received(coordinator_.fail_shard).empty());
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 2u);
}

TEST_F(AgentTest, AbortedReportDropsTheShardWithoutCompletingOrFailingIt) {
  coordinator_.report_samples.handler =
      [](const v1::ReportSamplesRequest&) -> absl::StatusOr<v1::ReportSamplesResponse> {
    return absl::AbortedError("stale epoch 7");
  };
  AcquireSequence({Leased(MakeShard(6, 1))});
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(coordinator_.Received(coordinator_.report_samples).size(), 1u);
  EXPECT_TRUE(coordinator_.Received(coordinator_.complete_shard).empty());
  EXPECT_TRUE(coordinator_.Received(coordinator_.fail_shard).empty());
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 2u);
}

TEST_F(AgentTest, NotFoundReportDropsTheShardAndRegistersAgain) {
  coordinator_.report_samples.handler =
      [](const v1::ReportSamplesRequest&) -> absl::StatusOr<v1::ReportSamplesResponse> {
    return absl::NotFoundError("unknown worker");
  };
  AcquireSequence({Leased(MakeShard(2, 1))});
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_TRUE(coordinator_.Received(coordinator_.complete_shard).empty());
  EXPECT_TRUE(coordinator_.Received(coordinator_.fail_shard).empty());
  EXPECT_EQ(coordinator_.Received(coordinator_.register_worker).size(), 2u);
}

TEST_F(AgentTest, UnavailableReportIsRetriedWithBackoff) {
  auto calls = std::make_shared<int>(0);
  coordinator_.report_samples.handler =
      [calls](const v1::ReportSamplesRequest&) -> absl::StatusOr<v1::ReportSamplesResponse> {
    if (++*calls <= 2) return absl::UnavailableError("coordinator restarting");
    return v1::ReportSamplesResponse();
  };
  AcquireSequence({Leased(MakeShard(2, 1))});
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(coordinator_.Received(coordinator_.report_samples).size(), 3u);
  ASSERT_EQ(coordinator_.Received(coordinator_.complete_shard).size(), 1u);
  EXPECT_EQ(coordinator_.Received(coordinator_.complete_shard)[0].samples_reported(), 2u);
  // In-shard retries sleep on the clock (not the shutdown-aware wait): 1 s and 2 s nominal.
  absl::Duration waited;
  for (absl::Duration d : Waits()) waited += d;
  const absl::Duration slept = clock_.TotalSlept() - waited;
  EXPECT_GE(slept, absl::Seconds(1.5));
  EXPECT_LE(slept, absl::Seconds(3));
}

TEST_F(AgentTest, RevokedHeartbeatCancelsTheShardAndDropsIt) {
  coordinator_.heartbeat.handler =
      [](const v1::HeartbeatRequest&) -> absl::StatusOr<v1::HeartbeatResponse> {
    v1::HeartbeatResponse response;
    response.set_revoked(true);
    response.set_reason("sweep cancelled");
    return response;
  };
  // The first request takes 2 s of fake time (past the 1 s heartbeat interval) and returns only
  // once a heartbeat has been answered, so the revocation lands before a second request.
  inference_.on_complete = [this](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    clock_.Advance(absl::Seconds(2));
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    while (coordinator_.Received(coordinator_.heartbeat).empty() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    absl::SleepFor(absl::Milliseconds(20));  // let the supervisor cancel the runner
    return FakeInferenceClient::Answer();
  };
  AcquireSequence({Leased(MakeShard(4, 1), 7, /*heartbeat_interval_s=*/1)});
  ASSERT_OK(MakeAgent()->Run());

  std::vector<v1::HeartbeatRequest> heartbeats = coordinator_.Received(coordinator_.heartbeat);
  ASSERT_GE(heartbeats.size(), 1u);
  EXPECT_EQ(heartbeats[0].shard_id(), 42);
  EXPECT_EQ(heartbeats[0].epoch(), 7);
  EXPECT_EQ(heartbeats[0].state(), "active");
  EXPECT_EQ(inference_.calls.load(), 1);
  EXPECT_TRUE(coordinator_.Received(coordinator_.report_samples).empty());
  EXPECT_TRUE(coordinator_.Received(coordinator_.complete_shard).empty());
  EXPECT_TRUE(coordinator_.Received(coordinator_.fail_shard).empty());
}

TEST_F(AgentTest, RunnerFailureFailsTheShard) {
  evaluator_.validate_status = absl::InvalidArgumentError("unknown metric 'bleurt'");
  AcquireSequence({Leased(MakeShard(3, 1), 9)});
  ASSERT_OK(MakeAgent()->Run());
  std::vector<v1::FailShardRequest> fails = coordinator_.Received(coordinator_.fail_shard);
  ASSERT_EQ(fails.size(), 1u);
  EXPECT_EQ(fails[0].shard_id(), 42);
  EXPECT_EQ(fails[0].epoch(), 9);
  EXPECT_TRUE(fails[0].permanent());
  EXPECT_THAT(fails[0].error(), HasSubstr("unknown metric 'bleurt'"));
  EXPECT_TRUE(coordinator_.Received(coordinator_.complete_shard).empty());
  EXPECT_EQ(inference_.calls.load(), 0);
}

TEST_F(AgentTest, ServerDownFailsTheShardForRetry) {
  options_.max_consecutive_unavailable = 2;
  inference_.on_complete = [](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    return absl::UnavailableError("connection refused");
  };
  AcquireSequence({Leased(MakeShard(5, 1))});
  ASSERT_OK(MakeAgent()->Run());
  std::vector<v1::FailShardRequest> fails = coordinator_.Received(coordinator_.fail_shard);
  ASSERT_EQ(fails.size(), 1u);
  EXPECT_FALSE(fails[0].permanent());
  EXPECT_THAT(fails[0].error(), HasSubstr("inference server failing"));
}

TEST_F(AgentTest, ShutdownDuringAShardFinishesItThenStops) {
  inference_.on_complete = [this](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    stop_ = true;
    return FakeInferenceClient::Answer();
  };
  AcquireSequence({Leased(MakeShard(3, 1))});
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(inference_.calls.load(), 3);
  std::vector<v1::CompleteShardRequest> completes =
      coordinator_.Received(coordinator_.complete_shard);
  ASSERT_EQ(completes.size(), 1u);
  EXPECT_FALSE(completes[0].lease_next());  // a draining worker takes no more work
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 1u);
}

TEST_F(AgentTest, ALeaseThatComesWithTheCompletionIsRunNext) {
  AcquireSequence({Leased(MakeShard(1, 1), /*epoch=*/3)});
  auto completions = std::make_shared<int>(0);
  coordinator_.complete_shard.handler =
      [completions](const v1::CompleteShardRequest&) -> absl::StatusOr<v1::CompleteShardResponse> {
    v1::CompleteShardResponse response;
    response.set_completed(true);
    if (++*completions == 1) {
      v1::Shard next = MakeShard(2, 1);
      next.set_shard_id(43);
      *response.mutable_next() = Leased(next, /*epoch=*/1);
    } else {
      response.mutable_next()->set_retry_after_s(1);  // nothing left
    }
    return response;
  };
  ASSERT_OK(MakeAgent()->Run());
  EXPECT_EQ(inference_.calls.load(), 3);  // 1 + 2 samples
  std::vector<v1::CompleteShardRequest> completes =
      coordinator_.Received(coordinator_.complete_shard);
  ASSERT_EQ(completes.size(), 2u);
  EXPECT_EQ(completes[0].shard_id(), 42);
  EXPECT_EQ(completes[0].epoch(), 3);
  EXPECT_EQ(completes[1].shard_id(), 43);
  EXPECT_EQ(completes[1].epoch(), 1);
  EXPECT_EQ(completes[1].results_size(), 0);  // two samples: one full batch, reported
  EXPECT_EQ(coordinator_.Received(coordinator_.report_samples).size(), 1u);
  // AcquireShard: the first lease, then the one after "nothing left" that stops the test.
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 2u);
  EXPECT_TRUE(coordinator_.Received(coordinator_.fail_shard).empty());
}

TEST_F(AgentTest, DrainDeadlineFailsTheShardBackToTheQueue) {
  // Shutdown arrives with the first request; each request takes 10 s of fake time, so the
  // 5 s drain deadline passes during the second.
  inference_.on_complete = [this](const InferenceRequest&) -> absl::StatusOr<InferenceResult> {
    stop_ = true;
    clock_.Advance(absl::Seconds(10));
    absl::SleepFor(absl::Milliseconds(20));  // let the supervisor see the time
    return FakeInferenceClient::Answer();
  };
  AcquireSequence({Leased(MakeShard(50, 1))});
  ASSERT_OK(MakeAgent()->Run());
  std::vector<v1::FailShardRequest> fails = coordinator_.Received(coordinator_.fail_shard);
  ASSERT_EQ(fails.size(), 1u);
  EXPECT_FALSE(fails[0].permanent());
  EXPECT_THAT(fails[0].error(), HasSubstr("drain timeout"));
  EXPECT_TRUE(coordinator_.Received(coordinator_.complete_shard).empty());
  EXPECT_LT(inference_.calls.load(), 50);
  EXPECT_EQ(coordinator_.Received(coordinator_.acquire_shard).size(), 1u);
}

}  // namespace
}  // namespace jb::worker
