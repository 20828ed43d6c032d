// SweepService and LeaseService against a real PostgreSQL: the lease protocol of
// coordinator.proto, step by step, with exact counts.
#include "absl/time/clock.h"
#include "coordinator/lease_service.h"
#include "coordinator/sweep_service.h"
#include "gtest/gtest.h"
#include "tasks/suite.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace jb::coordinator {
namespace {

using ::jb::testing::StatusIs;
namespace v1 = joulebench::v1;

constexpr char kSweep[] = R"yaml(name: t
models: [{name: m1, parameters: 1.0e9}]
tasks: [sentiment-mini]
hardware_classes: [gpu]
shard_size: 10
sample_limit: 20
)yaml";

class ServicesTest : public jb::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    sweeps_ = std::make_unique<SweepService>(&db());
    LeaseOptions options;
    options.lease_ttl = absl::Seconds(30);
    leases_ = std::make_unique<LeaseService>(&db(), options);
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_OK(db().Transact([&](pqxx::work& tx) -> absl::Status {
      n = tx.exec1(sql)[0].as<int64_t>();
      return absl::OkStatus();
    }));
    return n;
  }

  int64_t Submit(const std::string& yaml = kSweep) {
    v1::SubmitSweepRequest request;
    request.set_spec_yaml(yaml);
    request.set_source_name("t.yaml");
    auto response = sweeps_->Submit(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->sweep_id() : 0;
  }

  std::string Register(const std::string& name, const std::string& hardware_class,
                       const std::vector<std::string>& models) {
    v1::RegisterWorkerRequest request;
    request.set_name(name);
    request.mutable_hardware()->set_hardware_class(hardware_class);
    for (const auto& m : models) request.mutable_server()->add_models()->set_name(m);
    auto response = leases_->RegisterWorker(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->worker_id() : "";
  }

  v1::AcquireShardResponse Acquire(const std::string& worker_id) {
    v1::AcquireShardRequest request;
    request.set_worker_id(worker_id);
    auto response = leases_->AcquireShard(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::AcquireShardResponse();
  }

  v1::ReportSamplesRequest Report(const std::string& worker_id, const v1::AcquireShardResponse& a) {
    v1::ReportSamplesRequest request;
    request.set_worker_id(worker_id);
    request.set_shard_id(a.shard().shard_id());
    request.set_epoch(a.lease().epoch());
    for (const auto& sample : a.shard().samples()) {
      v1::SampleResult* r = request.add_results();
      r->set_sample_index(sample.index());
      r->set_prediction("positive");
      r->set_extracted("positive");
      r->set_target("positive");
      r->set_score(1);
      r->set_completion_tokens(sample.index() % 3 + 1);
      r->mutable_timing()->set_e2e_s(0.1);
    }
    return request;
  }

  absl::StatusOr<v1::CompleteShardResponse> Complete(const std::string& worker_id,
                                                     const v1::AcquireShardResponse& a) {
    v1::CompleteShardRequest request;
    request.set_worker_id(worker_id);
    request.set_shard_id(a.shard().shard_id());
    request.set_epoch(a.lease().epoch());
    request.set_samples_reported(a.shard().samples_size());
    v1::EnergyReading* reading = request.mutable_measurement()->add_readings();
    reading->set_domain("node");
    reading->set_energy_j(12.5);
    reading->set_method(v1::ENERGY_METHOD_PROMETHEUS_COUNTER);
    request.mutable_measurement()->set_total_energy_j(12.5);
    request.mutable_measurement()->set_method(v1::ENERGY_METHOD_PROMETHEUS_COUNTER);
    request.mutable_measurement()->set_simulated(true);
    return leases_->CompleteShard(request);
  }

  std::unique_ptr<SweepService> sweeps_;
  std::unique_ptr<LeaseService> leases_;
};

TEST_F(ServicesTest, SubmitWritesSuiteSweepAndShardsAtomically) {
  int64_t id = Submit();
  ASSERT_GT(id, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM sweeps"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM shards"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM suites"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM models WHERE name = 'm1' AND parameters = 1e9"), 1);
  ASSERT_OK_AND_ASSIGN(v1::SweepInfo info, sweeps_->Get(id));
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_RUNNING);
  EXPECT_EQ(info.shards_total(), 2u);
  EXPECT_EQ(info.shards_pending(), 2u);
  // Submitting the same suite again stores it once.
  Submit();
  EXPECT_EQ(Count("SELECT count(*) FROM suites"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM shards"), 4);
}

TEST_F(ServicesTest, DryRunAndRejectedSpecsWriteNothing) {
  v1::SubmitSweepRequest request;
  request.set_spec_yaml(kSweep);
  request.set_dry_run(true);
  ASSERT_OK_AND_ASSIGN(v1::SubmitSweepResponse plan, sweeps_->Submit(request));
  EXPECT_EQ(plan.sweep_id(), 0);
  EXPECT_EQ(plan.shards_total(), 2u);
  EXPECT_EQ(plan.samples_total(), 20u);

  request.set_dry_run(false);
  request.set_source_name("bad.yaml");
  request.set_spec_yaml(
      "name: t\nmodels: [m1, ghost]\ntasks: [sentiment-mini]\n"
      "hardware_classes: [gpu]\n");
  EXPECT_THAT(sweeps_->Submit(request),
              StatusIs(absl::StatusCode::kInvalidArgument, "bad.yaml:2: models[0]: unknown model"));
  request.set_spec_yaml(
      "name: t\nmodels: [{name: m1, parameters: 1}]\ntasks: [nope]\n"
      "hardware_classes: [gpu]\n");
  EXPECT_THAT(sweeps_->Submit(request),
              StatusIs(absl::StatusCode::kInvalidArgument, "bad.yaml:3: tasks[0]: unknown task"));
  EXPECT_EQ(Count("SELECT count(*) FROM sweeps"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM shards"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM suites"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM models"), 0);
}

TEST_F(ServicesTest, DeclaredHardwarePricesAreStoredWithTheSweepOnly) {
  const std::string priced =
      "name: t\nmodels: [{name: m1, parameters: 1}]\ntasks: [sentiment-mini]\n"
      "hardware_classes: [{name: gpu, price_per_hour_usd: 2.5, electricity_usd_per_kwh: 0.15}, "
      "cpu]\n";
  v1::SubmitSweepRequest request;
  request.set_spec_yaml(priced);
  request.set_dry_run(true);
  ASSERT_OK(sweeps_->Submit(request).status());
  EXPECT_EQ(Count("SELECT count(*) FROM hardware_classes"), 0);
  Submit(priced);
  EXPECT_EQ(Count("SELECT count(*) FROM hardware_classes"), 1);  // cpu declares no price
  EXPECT_EQ(Count("SELECT count(*) FROM hardware_classes WHERE name = 'gpu' "
                  "AND price_per_hour_usd = 2.5 AND electricity_usd_per_kwh = 0.15"),
            1);
}

TEST_F(ServicesTest, AModelDiscoveredFromAWorkerMayBeNamedBare) {
  Register("w", "gpu", {"served-model"});
  Submit(
      "name: t\nmodels: [served-model]\ntasks: [sentiment-mini]\nhardware_classes: [gpu]\n"
      "shard_size: 1000\n");
  EXPECT_EQ(Count("SELECT count(*) FROM shards WHERE model = 'served-model'"), 1);
}

TEST_F(ServicesTest, LeaseMatchesModelAndHardwareClass) {
  Submit();
  std::string wrong_class = Register("w-cpu", "cpu", {"m1"});
  std::string wrong_model = Register("w-other", "gpu", {"m2"});
  EXPECT_FALSE(Acquire(wrong_class).has_shard());
  EXPECT_FALSE(Acquire(wrong_model).has_shard());
  EXPECT_GT(Acquire(wrong_model).retry_after_s(), 0);
  std::string worker = Register("w-gpu", "gpu", {"m1", "m2"});
  v1::AcquireShardResponse a = Acquire(worker);
  ASSERT_TRUE(a.has_shard());
  EXPECT_EQ(a.shard().model().name(), "m1");
  EXPECT_EQ(a.shard().model().parameters(), 1e9);
  EXPECT_EQ(a.shard().task().name(), "sentiment-mini");
  EXPECT_EQ(a.shard().samples_size(), 10);
  EXPECT_EQ(a.shard().samples(0).index(), a.shard().sample_begin());
  EXPECT_EQ(a.lease().epoch(), 1);
  EXPECT_EQ(a.lease().attempt(), 1u);
  EXPECT_EQ(a.lease().ttl_s(), 30);
}

TEST_F(ServicesTest, FullShardLifecycleIsExactlyOnceAndEndsTheSweep) {
  int64_t id = Submit();
  std::string worker = Register("w", "gpu", {"m1"});
  for (int i = 0; i < 2; ++i) {
    v1::AcquireShardResponse a = Acquire(worker);
    ASSERT_TRUE(a.has_shard());
    v1::ReportSamplesRequest report = Report(worker, a);
    ASSERT_OK_AND_ASSIGN(v1::ReportSamplesResponse first, leases_->ReportSamples(report));
    EXPECT_EQ(first.inserted(), 10u);
    // A retried report is harmless.
    ASSERT_OK_AND_ASSIGN(v1::ReportSamplesResponse again, leases_->ReportSamples(report));
    EXPECT_EQ(again.inserted(), 0u);
    EXPECT_EQ(again.duplicates(), 10u);
    ASSERT_OK_AND_ASSIGN(v1::CompleteShardResponse done, Complete(worker, a));
    EXPECT_TRUE(done.completed());
    // Completion is idempotent.
    ASSERT_OK_AND_ASSIGN(v1::CompleteShardResponse repeat, Complete(worker, a));
    EXPECT_FALSE(repeat.completed());
  }
  EXPECT_FALSE(Acquire(worker).has_shard());
  EXPECT_EQ(Count("SELECT count(*) FROM sample_results"), 20);
  EXPECT_EQ(Count("SELECT count(*) FROM shard_measurements WHERE total_energy_j = 12.5 AND "
                  "method = 'prometheus-counter' AND simulated"),
            2);
  // Each shard's joules are apportioned to its requests by output tokens, summing exactly.
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT shard_id FROM sample_results GROUP BY shard_id "
                  "HAVING abs(sum(energy_j) - 12.5) < 1e-9) x"),
            2);
  EXPECT_EQ(Count("SELECT count(*) FROM sample_results r WHERE abs(r.energy_j - 12.5 * "
                  "r.completion_tokens / (SELECT sum(completion_tokens) FROM sample_results q "
                  "WHERE q.shard_id = r.shard_id)) > 1e-9"),
            0);
  ASSERT_OK_AND_ASSIGN(v1::SweepInfo info, sweeps_->Get(id));
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_SUCCEEDED);
  EXPECT_EQ(info.shards_succeeded(), 2u);
  EXPECT_EQ(info.samples_done(), 20u);
}

TEST_F(ServicesTest, ACompletionCarriesTheLastResultsAndLeasesTheNextShard) {
  int64_t id = Submit();
  std::string worker = Register("w", "gpu", {"m1"});
  v1::AcquireShardResponse a = Acquire(worker);
  ASSERT_TRUE(a.has_shard());
  // Four results reported on the way, the other six with the completion.
  v1::ReportSamplesRequest all = Report(worker, a);
  v1::ReportSamplesRequest early = all;
  early.mutable_results()->DeleteSubrange(4, 6);
  ASSERT_OK(leases_->ReportSamples(early).status());
  v1::CompleteShardRequest done;
  done.set_worker_id(worker);
  done.set_shard_id(a.shard().shard_id());
  done.set_epoch(a.lease().epoch());
  done.set_samples_reported(10);
  done.mutable_measurement()->set_method(v1::ENERGY_METHOD_NONE);
  for (int i = 4; i < 10; ++i) *done.add_results() = all.results(i);
  done.set_lease_next(true);
  ASSERT_OK_AND_ASSIGN(v1::CompleteShardResponse first, leases_->CompleteShard(done));
  EXPECT_TRUE(first.completed());
  ASSERT_TRUE(first.has_next());
  ASSERT_TRUE(first.next().has_shard());
  const v1::AcquireShardResponse& b = first.next();
  EXPECT_NE(b.shard().shard_id(), a.shard().shard_id());
  EXPECT_EQ(b.shard().samples_size(), 10);
  EXPECT_EQ(b.shard().task().name(), "sentiment-mini");
  EXPECT_EQ(b.lease().epoch(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM sample_results"), 10);
  EXPECT_EQ(Count("SELECT count(*) FROM shards WHERE state = 'leased'"), 1);

  // The same call again (its answer lost): nothing doubles, and the next lease is anew.
  ASSERT_OK_AND_ASSIGN(v1::CompleteShardResponse repeat, leases_->CompleteShard(done));
  EXPECT_FALSE(repeat.completed());
  EXPECT_FALSE(repeat.next().has_shard());  // the only other shard is leased already
  EXPECT_GT(repeat.next().retry_after_s(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM sample_results"), 10);

  // Without lease_next, no next lease; the last shard ends the sweep.
  v1::CompleteShardRequest last;
  last.set_worker_id(worker);
  last.set_shard_id(b.shard().shard_id());
  last.set_epoch(b.lease().epoch());
  last.set_samples_reported(10);
  const v1::ReportSamplesRequest b_results = Report(worker, b);
  for (const auto& r : b_results.results()) *last.add_results() = r;
  ASSERT_OK_AND_ASSIGN(v1::CompleteShardResponse end, leases_->CompleteShard(last));
  EXPECT_TRUE(end.completed());
  EXPECT_FALSE(end.has_next());
  EXPECT_EQ(Count("SELECT count(*) FROM sample_results"), 20);
  ASSERT_OK_AND_ASSIGN(v1::SweepInfo info, sweeps_->Get(id));
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_SUCCEEDED);
}

TEST_F(ServicesTest, ACompletionWithAStaleEpochStoresNoneOfItsResults) {
  Submit();
  std::string worker = Register("w", "gpu", {"m1"});
  v1::AcquireShardResponse a = Acquire(worker);
  v1::CompleteShardRequest done;
  done.set_worker_id(worker);
  done.set_shard_id(a.shard().shard_id());
  done.set_epoch(a.lease().epoch() + 1);
  done.set_samples_reported(10);
  const v1::ReportSamplesRequest a_results = Report(worker, a);
  for (const auto& r : a_results.results()) *done.add_results() = r;
  done.set_lease_next(true);
  EXPECT_THAT(leases_->CompleteShard(done), StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Count("SELECT count(*) FROM sample_results"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM shards WHERE state = 'leased'"), 1);
}

TEST_F(ServicesTest, CompleteRefusesWhenReportedResultsAreMissing) {
  Submit();
  std::string worker = Register("w", "gpu", {"m1"});
  v1::AcquireShardResponse a = Acquire(worker);
  EXPECT_THAT(Complete(worker, a), StatusIs(absl::StatusCode::kFailedPrecondition,
                                            "reported 10 results but 0 are stored"));
  EXPECT_EQ(Count("SELECT count(*) FROM shards WHERE state = 'leased'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM shard_measurements"), 0);
}

TEST_F(ServicesTest, StaleEpochIsAbortedAndWritesNothing) {
  Submit();
  std::string worker = Register("w", "gpu", {"m1"});
  v1::AcquireShardResponse a = Acquire(worker);
  v1::ReportSamplesRequest report = Report(worker, a);
  report.set_epoch(a.lease().epoch() + 1);
  EXPECT_THAT(leases_->ReportSamples(report), StatusIs(absl::StatusCode::kAborted));
  v1::AcquireShardResponse stale = a;
  stale.mutable_lease()->set_epoch(a.lease().epoch() - 1);
  stale.mutable_shard()->clear_samples();
  EXPECT_THAT(Complete(worker, stale), StatusIs(absl::StatusCode::kAborted));
  std::string thief = Register("thief", "gpu", {"m1"});
  report.set_epoch(a.lease().epoch());
  report.set_worker_id(thief);
  EXPECT_THAT(leases_->ReportSamples(report), StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Count("SELECT count(*) FROM sample_results"), 0);
}

TEST_F(ServicesTest, CancelRevokesRunningLeaseOnNextHeartbeat) {
  int64_t id = Submit();
  std::string worker = Register("w", "gpu", {"m1"});
  v1::AcquireShardResponse a = Acquire(worker);
  v1::HeartbeatRequest beat;
  beat.set_worker_id(worker);
  beat.set_shard_id(a.shard().shard_id());
  beat.set_epoch(a.lease().epoch());
  beat.set_samples_done(3);
  ASSERT_OK_AND_ASSIGN(v1::HeartbeatResponse alive, leases_->Heartbeat(beat));
  EXPECT_FALSE(alive.revoked());
  EXPECT_EQ(alive.lease_remaining_s(), 30);
  ASSERT_OK_AND_ASSIGN(v1::CancelSweepResponse cancelled, sweeps_->Cancel(id));
  EXPECT_EQ(cancelled.shards_cancelled(), 2u);
  ASSERT_OK_AND_ASSIGN(v1::HeartbeatResponse revoked, leases_->Heartbeat(beat));
  EXPECT_TRUE(revoked.revoked());
  EXPECT_FALSE(Acquire(worker).has_shard());
  ASSERT_OK_AND_ASSIGN(v1::SweepInfo info, sweeps_->Get(id));
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_CANCELLED);
}

// The reaper's sealing: an ended sweep's scores are stored once and the leaderboard is
// refreshed with its cells; a running sweep is left alone.
TEST_F(ServicesTest, SealingStoresAnEndedSweepsScoresAndRefreshesTheLeaderboard) {
  int64_t id = Submit();
  std::string worker = Register("w", "gpu", {"m1"});
  for (int i = 0; i < 2; ++i) {
    v1::AcquireShardResponse a = Acquire(worker);
    ASSERT_TRUE(a.has_shard());
    v1::ReportSamplesRequest report = Report(worker, a);
    for (v1::SampleResult& r : *report.mutable_results()) {
      (*r.mutable_metrics())["label-extract/exact_match"] = 1;
    }
    ASSERT_OK(leases_->ReportSamples(report).status());
    ASSERT_OK(Complete(worker, a).status());
  }
  int64_t running = Submit();
  EXPECT_EQ(sweeps_->SealEndedSweeps(), 1);
  EXPECT_EQ(sweeps_->SealEndedSweeps(), 0) << "sealed once";
  EXPECT_EQ(
      Count(absl::StrCat("SELECT count(*) FROM sweeps WHERE sealed_at IS NOT NULL AND id = ", id)),
      1);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM cell_scores WHERE ordinal = 0 AND value = 1 "
                               "AND metric = 'label-extract/exact_match' AND samples = 20 AND "
                               "sweep_id = ",
                               id)),
            1);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM leaderboard WHERE sweep_id = ", id)), 1);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM leaderboard WHERE sweep_id = ", running)), 0);
}

TEST_F(ServicesTest, FailRetriesUntilMaxAttemptsThenFailsTheSweep) {
  int64_t id = Submit(
      "name: t\nmodels: [{name: m1, parameters: 1}]\ntasks: [sentiment-mini]\n"
      "hardware_classes: [gpu]\nsample_limit: 5\nmax_attempts: 2\n");
  LeaseOptions options;
  options.retry_backoff = absl::ZeroDuration();
  leases_ = std::make_unique<LeaseService>(&db(), options);
  std::string worker = Register("w", "gpu", {"m1"});
  for (int attempt = 1; attempt <= 2; ++attempt) {
    v1::AcquireShardResponse a = Acquire(worker);
    ASSERT_TRUE(a.has_shard()) << "attempt " << attempt;
    EXPECT_EQ(a.lease().attempt(), static_cast<uint32_t>(attempt));
    v1::FailShardRequest fail;
    fail.set_worker_id(worker);
    fail.set_shard_id(a.shard().shard_id());
    fail.set_epoch(a.lease().epoch());
    fail.set_error("server returned 500 on every request");
    ASSERT_OK_AND_ASSIGN(v1::FailShardResponse r, leases_->FailShard(fail));
    EXPECT_EQ(r.will_retry(), attempt < 2);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM shards WHERE state = 'failed' AND "
                  "last_error = 'server returned 500 on every request' AND attempts = 2"),
            1);
  ASSERT_OK_AND_ASSIGN(v1::SweepInfo info, sweeps_->Get(id));
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_FAILED);
}

TEST_F(ServicesTest, UnknownWorkerIsNotFoundSoItRegistersAgain) {
  v1::HeartbeatRequest beat;
  beat.set_worker_id("w-does-not-exist");
  EXPECT_THAT(leases_->Heartbeat(beat), StatusIs(absl::StatusCode::kNotFound));
  v1::AcquireShardRequest acquire;
  acquire.set_worker_id("w-does-not-exist");
  EXPECT_THAT(leases_->AcquireShard(acquire), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ServicesTest, SilentWorkersAreMarkedLostUntilTheyHeartbeatAgain) {
  LeaseOptions options;
  options.lease_ttl = absl::Milliseconds(50);
  leases_ = std::make_unique<LeaseService>(&db(), options);
  std::string quiet = Register("quiet", "gpu", {"m1"});
  absl::SleepFor(absl::Milliseconds(120));
  std::string fresh = Register("fresh", "gpu", {"m1"});
  ASSERT_OK_AND_ASSIGN(int lost, leases_->MarkLostWorkers());
  EXPECT_EQ(lost, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM workers WHERE state = 'lost' AND name = 'quiet'"), 1);
  v1::HeartbeatRequest beat;
  beat.set_worker_id(quiet);
  ASSERT_OK(leases_->Heartbeat(beat).status());
  EXPECT_EQ(Count("SELECT count(*) FROM workers WHERE state = 'active'"), 2);
}

TEST_F(ServicesTest, ReregistrationKeepsTheWorkerId) {
  std::string first = Register("stable-name", "gpu", {"m1"});
  std::string second = Register("stable-name", "gpu", {"m1", "m2"});
  EXPECT_EQ(first, second);
  ASSERT_OK_AND_ASSIGN(v1::ListWorkersResponse workers, sweeps_->ListWorkers());
  ASSERT_EQ(workers.workers_size(), 1);
  EXPECT_EQ(workers.workers(0).server().models_size(), 2);
}

}  // namespace
}  // namespace jb::coordinator
