#include "storage/sweep_repository.h"

#include <pqxx/connection>
#include <pqxx/result>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "storage/result_repository.h"
#include "storage/shard_queue.h"
#include "storage/worker_repository.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

using ::jb::testing::StatusIs;
namespace v1 = ::joulebench::v1;

class SweepRepositoryTest : public testing::StorageTest {
 protected:
  v1::SweepInfo Info(int64_t sweep_id) {
    auto info = db().TransactValue([&](pqxx::work& w) { return GetSweepInfo(w, sweep_id); });
    EXPECT_TRUE(info.ok()) << info.status();
    return info.value_or(v1::SweepInfo{});
  }
};

TEST_F(SweepRepositoryTest, InfoCountsShardsSamplesAndScoresPerCell) {
  SeedSuite(/*samples=*/20, /*repeats=*/2);
  std::string worker = AddWorker("worker-a", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 5), Planned("m1", 5, 10), Planned("m2", 0, 10)});
  auto leased = Acquire(worker);
  ASSERT_TRUE(leased.has_value());
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    JB_RETURN_IF_ERROR(InsertResults(w, leased->shard_id, leased->epoch, worker,
                                     {Result(0, 1.0), Result(1, 0.0), Result(2, 1.0)})
                           .status());
    return CompleteShard(w, leased->shard_id, worker, leased->epoch).status();
  }));

  v1::SweepInfo info = Info(sweep);
  EXPECT_EQ(info.sweep_id(), sweep);
  EXPECT_EQ(info.name(), "sweep");
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_RUNNING);
  EXPECT_TRUE(info.has_created_at());
  EXPECT_FALSE(info.has_finished_at());
  EXPECT_EQ(info.shards_total(), 3u);
  EXPECT_EQ(info.shards_pending(), 2u);
  EXPECT_EQ(info.shards_leased(), 0u);
  EXPECT_EQ(info.shards_succeeded(), 1u);
  EXPECT_EQ(info.shards_failed(), 0u);
  EXPECT_EQ(info.samples_total(), 40u) << "(5 + 5 + 10) samples x 2 repeats";
  EXPECT_EQ(info.samples_done(), 3u);
  EXPECT_EQ(info.samples_failed(), 0u);
  EXPECT_TRUE(info.has_started_at());  // the first lease
  ASSERT_EQ(info.cells_size(), 2);
  const v1::CellProgress& m1 = info.cells(0);
  EXPECT_EQ(m1.model(), "m1");
  EXPECT_EQ(m1.task(), "mini");
  EXPECT_EQ(m1.hardware_class(), testing::kClass);
  EXPECT_EQ(m1.shards_total(), 2u);
  EXPECT_EQ(m1.shards_succeeded(), 1u);
  EXPECT_EQ(m1.samples_total(), 20u);
  EXPECT_EQ(m1.samples_done(), 3u);
  EXPECT_DOUBLE_EQ(m1.mean_score(), 2.0 / 3.0);
  EXPECT_EQ(m1.waiting_reason(), "");
  const v1::CellProgress& m2 = info.cells(1);
  EXPECT_EQ(m2.model(), "m2");
  EXPECT_EQ(m2.samples_done(), 0u);
  EXPECT_EQ(m2.mean_score(), 0.0);
  EXPECT_EQ(m2.waiting_reason(), "no registered worker serves model m2 on hardware class gpu-a");
}

TEST_F(SweepRepositoryTest, WaitingSaysWhenTheOnlyWorkersAreUnhealthyOrShardsAwaitARetry) {
  SeedSuite();
  std::string worker = AddWorker("worker-a", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 5)});
  EXPECT_FALSE(Info(sweep).has_started_at());
  EXPECT_EQ(Info(sweep).cells(0).waiting_reason(), "");
  auto report = [&](const std::string& state, const std::string& detail) {
    return db().Transact([&](pqxx::work& w) {
      return RecordHeartbeat(w, {.worker_id = worker, .state = state, .detail = detail},
                             absl::Minutes(1))
          .status();
    });
  };
  ASSERT_OK(report("unhealthy", "GET /health: HTTP 503"));
  EXPECT_EQ(Info(sweep).cells(0).waiting_reason(),
            "no worker serving model m1 on hardware class gpu-a is active: worker-a unhealthy "
            "(GET /health: HTTP 503)");

  ASSERT_OK(report("active", ""));
  auto leased = Acquire(worker);
  ASSERT_TRUE(leased.has_value());
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    JB_RETURN_IF_ERROR(
        InsertResults(w, leased->shard_id, leased->epoch, worker, {Result(0, 1.0), Result(1, 0.0)})
            .status());
    return FailShard(w, leased->shard_id, worker, leased->epoch, "UNAVAILABLE: server down",
                     /*permanent=*/false, absl::Minutes(5))
        .status();
  }));
  v1::SweepInfo info = Info(sweep);
  EXPECT_EQ(info.cells(0).waiting_reason(),
            "1 shard waits to be retried; last error: UNAVAILABLE: server down");
  EXPECT_TRUE(info.has_started_at());
}

TEST_F(SweepRepositoryTest, SamplesStoredWithAnErrorAreCountedAsFailed) {
  SeedSuite();
  std::string worker = AddWorker("worker-a", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 5)});
  auto leased = Acquire(worker);
  ASSERT_TRUE(leased.has_value());
  std::vector<v1::SampleResult> batch = {Result(0, 1.0), Result(1, 0.0), Result(2, 0.0)};
  batch[1].set_error("UNAVAILABLE: 503 after 4 attempts");
  batch[2].set_error("DEADLINE_EXCEEDED: stalled");
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    return InsertResults(w, leased->shard_id, leased->epoch, worker, batch).status();
  }));
  v1::SweepInfo info = Info(sweep);
  EXPECT_EQ(info.samples_done(), 3u);
  EXPECT_EQ(info.samples_failed(), 2u);
  EXPECT_EQ(info.cells(0).samples_failed(), 2u);
}

TEST_F(SweepRepositoryTest, UnknownSweepIsNotFound) {
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return GetSweepInfo(w, 12345); }),
              StatusIs(absl::StatusCode::kNotFound, "12345"));
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return CancelSweep(w, 12345); }),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return RefreshSweepState(w, 12345); }),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(SweepRepositoryTest, KeepsLabelsAndPriorityAndListsNewestFirst) {
  ASSERT_OK_AND_ASSIGN(int64_t first, db().TransactValue([](pqxx::work& w) {
    return InsertSweep(w, "nightly", "models: []", "nightly.yaml", 5,
                       {{"nightly", "true"}, {"owner", "ops"}});
  }));
  v1::SweepInfo info = Info(first);
  EXPECT_EQ(info.priority(), 5);
  EXPECT_EQ(info.labels().at("nightly"), "true");
  EXPECT_EQ(info.labels().at("owner"), "ops");
  EXPECT_EQ(info.shards_total(), 0u);
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return InsertSweep(w, "", "", "", 0, {}); }),
              StatusIs(absl::StatusCode::kInvalidArgument));

  ASSERT_OK(db().Transact([](pqxx::work& w) -> absl::Status {
    JB_RETURN_IF_ERROR(InsertSweep(w, "second", "", "", 0, {}).status());
    return InsertSweep(w, "third", "", "", 0, {}).status();
  }));
  ASSERT_OK_AND_ASSIGN(auto listed,
                       db().TransactValue([](pqxx::work& w) { return ListSweeps(w, 2); }));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name(), "third");
  EXPECT_EQ(listed[1].name(), "second");
}

TEST_F(SweepRepositoryTest, SucceedsWhenAllShardsSucceedAndFailsWhenOneFailed) {
  SeedSuite();
  std::string worker = AddWorker("worker-a", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 5, /*max_attempts=*/1), Planned("m1", 5, 10)});
  auto a = Acquire(worker);
  auto b = Acquire(worker);
  ASSERT_TRUE(a && b);
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    return FailShard(w, a->shard_id, worker, a->epoch, "oom", false, absl::Seconds(1)).status();
  }));
  EXPECT_EQ(Info(sweep).state(), v1::SWEEP_STATE_RUNNING) << "shard b is still leased";
  ASSERT_OK(db().Transact(
      [&](pqxx::work& w) { return CompleteShard(w, b->shard_id, worker, b->epoch).status(); }));
  v1::SweepInfo info = Info(sweep);
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_FAILED);
  EXPECT_TRUE(info.has_finished_at());
  ASSERT_OK_AND_ASSIGN(v1::SweepState state, db().TransactValue([&](pqxx::work& w) {
    return RefreshSweepState(w, sweep);
  }));
  EXPECT_EQ(state, v1::SWEEP_STATE_FAILED);
}

TEST_F(SweepRepositoryTest, TwoTransactionsFinishingTheLastShardsFinishTheSweep) {
  SeedSuite();
  std::string worker = AddWorker("worker-a", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 5), Planned("m1", 5, 10)});
  auto a = Acquire(worker);
  auto b = Acquire(worker);
  ASSERT_TRUE(a && b);
  // Transaction 1 completes shard a and holds the sweep lock; transaction 2 completes shard b
  // meanwhile. Whoever refreshes second must see both shards done.
  pqxx::connection c1(url());
  pqxx::work w1(c1);
  ASSERT_OK(CompleteShard(w1, a->shard_id, worker, a->epoch).status());
  absl::Notification done;
  absl::Status second;
  std::thread t([&] {
    second = db().Transact(
        [&](pqxx::work& w) { return CompleteShard(w, b->shard_id, worker, b->epoch).status(); });
    done.Notify();
  });
  EXPECT_FALSE(done.WaitForNotificationWithTimeout(absl::Milliseconds(200)))
      << "the second refresh should wait for the sweep lock";
  w1.commit();
  t.join();
  EXPECT_OK(second);
  EXPECT_EQ(Info(sweep).state(), v1::SWEEP_STATE_SUCCEEDED);
}

TEST_F(SweepRepositoryTest, RefreshRunningSweepsFinishesSweepsWithoutOpenShards) {
  SeedSuite();
  int64_t done = AddSweep({Planned("m1", 0, 5)}, "done");
  int64_t open = AddSweep({Planned("m1", 5, 10)}, "open");
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec_params0("UPDATE shards SET state = 'succeeded' WHERE sweep_id = $1", done);
    return absl::OkStatus();
  }));
  ASSERT_OK_AND_ASSIGN(int finished,
                       db().TransactValue([](pqxx::work& w) { return RefreshRunningSweeps(w); }));
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(Info(done).state(), v1::SWEEP_STATE_SUCCEEDED);
  EXPECT_EQ(Info(open).state(), v1::SWEEP_STATE_RUNNING);
  ASSERT_OK_AND_ASSIGN(int again,
                       db().TransactValue([](pqxx::work& w) { return RefreshRunningSweeps(w); }));
  EXPECT_EQ(again, 0);
}

TEST_F(SweepRepositoryTest, CancelRevokesPendingAndLeasedShards) {
  SeedSuite();
  std::string worker = AddWorker("worker-a", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 5), Planned("m1", 5, 10), Planned("m1", 10, 15)});
  auto done = Acquire(worker);
  auto held = Acquire(worker);
  ASSERT_TRUE(done && held);
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    return CompleteShard(w, done->shard_id, worker, done->epoch).status();
  }));
  ASSERT_OK_AND_ASSIGN(int cancelled,
                       db().TransactValue([&](pqxx::work& w) { return CancelSweep(w, sweep); }));
  EXPECT_EQ(cancelled, 2);
  v1::SweepInfo info = Info(sweep);
  EXPECT_EQ(info.state(), v1::SWEEP_STATE_CANCELLED);
  EXPECT_EQ(info.shards_cancelled(), 2u);
  EXPECT_EQ(info.shards_succeeded(), 1u);
  EXPECT_TRUE(info.has_finished_at());
  EXPECT_THAT(db().Transact([&](pqxx::work& w) {
    return CompleteShard(w, held->shard_id, worker, held->epoch).status();
  }),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_FALSE(Acquire(worker).has_value());
  ASSERT_OK_AND_ASSIGN(int again,
                       db().TransactValue([&](pqxx::work& w) { return CancelSweep(w, sweep); }));
  EXPECT_EQ(again, 0);
}

}  // namespace
}  // namespace jb::storage
