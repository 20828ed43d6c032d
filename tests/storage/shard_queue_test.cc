#include "storage/shard_queue.h"

#include <functional>
#include <pqxx/connection>
#include <pqxx/result>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "joulebench/v1/common.pb.h"
#include "storage/result_repository.h"
#include "storage/sweep_repository.h"
#include "storage/worker_repository.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

using ::jb::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace v1 = ::joulebench::v1;

class ShardQueueTest : public testing::StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    SeedSuite();
    worker_ = AddWorker("worker-a", {"m1", "m2"});
  }

  // Makes a pending shard leasable now, skipping its retry backoff.
  void ClearBackoff(int64_t shard_id) {
    ASSERT_OK(db().Transact([&](pqxx::work& w) {
      w.exec_params0("UPDATE shards SET not_before = now() WHERE id = $1", shard_id);
      return absl::OkStatus();
    }));
  }

  absl::StatusOr<FailResult> Fail(const LeasedShard& s, const std::string& error,
                                  bool permanent = false, absl::Duration base = absl::Seconds(10),
                                  absl::Duration max = absl::Minutes(10)) {
    return db().TransactValue([&](pqxx::work& w) {
      return FailShard(w, s.shard_id, worker_, s.epoch, error, permanent, base, max);
    });
  }

  absl::StatusOr<CompleteResult> Complete(int64_t shard_id, int64_t epoch,
                                          int64_t results_reported = 0) {
    return db().TransactValue([&](pqxx::work& w) {
      return CompleteShard(w, shard_id, worker_, epoch, results_reported);
    });
  }

  absl::StatusOr<int> Reap() {
    return db().TransactValue([](pqxx::work& w) { return ReapExpiredLeases(w); });
  }

  std::string worker_;
};

TEST_F(ShardQueueTest, LeasesOnlyAServedModelOnTheWorkersClass) {
  AddSweep({Planned("m1", 0, 10)});
  EXPECT_FALSE(Acquire(AddWorker("serves-m2", {"m2"})).has_value());
  EXPECT_FALSE(Acquire(AddWorker("serves-none", {})).has_value());
  EXPECT_FALSE(Acquire(AddWorker("other-class", {"m1"}, "gpu-b")).has_value());
  auto leased = Acquire(worker_);
  ASSERT_TRUE(leased.has_value());
  EXPECT_EQ(leased->model, "m1");
  EXPECT_EQ(leased->model_spec.name(), "m1");
  EXPECT_EQ(leased->model_spec.parameters(), 1e9);
  EXPECT_EQ(leased->suite_hash, testing::kSuiteHash);
  EXPECT_EQ(leased->task, "mini");
  EXPECT_EQ(leased->hardware_class, testing::kClass);
  EXPECT_EQ(leased->sample_begin, 0);
  EXPECT_EQ(leased->sample_end, 10);
  EXPECT_EQ(leased->settings_json, R"({"concurrency": 4})");
  EXPECT_EQ(leased->epoch, 1);
  EXPECT_EQ(leased->attempt, 1);
  EXPECT_GT(leased->lease_expires_at, absl::Now());
  EXPECT_FALSE(Acquire(worker_).has_value()) << "the only shard is leased already";
  ShardRecord record = Shard(leased->shard_id);
  EXPECT_EQ(record.state, "leased");
  EXPECT_EQ(record.lease_owner, worker_);
}

TEST_F(ShardQueueTest, LeasesHigherPriorityFirstThenOlder) {
  AddSweep({Planned("m1", 0, 5, 3, /*priority=*/0), Planned("m1", 5, 10, 3, /*priority=*/7),
            Planned("m1", 10, 15, 3, /*priority=*/0)});
  std::vector<int> begins;
  while (auto s = Acquire(worker_)) begins.push_back(s->sample_begin);
  EXPECT_EQ(begins, (std::vector<int>{5, 0, 10}));
}

// Two sweeps of equal priority share the workers: each lease goes to the sweep with the fewest
// shards running, the older one on a tie; a higher priority still goes first.
TEST_F(ShardQueueTest, ConcurrentSweepsOfEqualPriorityShareTheWorkers) {
  const int64_t older =
      AddSweep({Planned("m1", 0, 2), Planned("m1", 2, 4), Planned("m1", 4, 6)}, "older");
  const int64_t newer = AddSweep({Planned("m1", 0, 2), Planned("m1", 2, 4)}, "newer");
  std::vector<int64_t> order;
  while (auto s = Acquire(worker_)) order.push_back(s->sweep_id);
  EXPECT_EQ(order, (std::vector<int64_t>{older, newer, older, newer, older}));

  const int64_t urgent = AddSweep({Planned("m1", 0, 2, 3, /*priority=*/5)}, "urgent");
  const int64_t later = AddSweep({Planned("m1", 0, 2)}, "later");
  order.clear();
  while (auto s = Acquire(worker_)) order.push_back(s->sweep_id);
  EXPECT_EQ(order, (std::vector<int64_t>{urgent, later}));
}

TEST_F(ShardQueueTest, ConcurrentOpenTransactionsGetDifferentShards) {
  AddSweep({Planned("m1", 0, 5), Planned("m1", 5, 10)});
  // Two transactions open at once: the second must skip the row the first has locked, and
  // must not wait for it (both lease from the same sweep).
  pqxx::connection c1(url()), c2(url());
  pqxx::work w1(c1), w2(c2);
  ASSERT_OK_AND_ASSIGN(auto a, AcquireShard(w1, worker_, absl::Minutes(1)));
  ASSERT_OK_AND_ASSIGN(auto b, AcquireShard(w2, worker_, absl::Minutes(1)));
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_NE(a->shard_id, b->shard_id);
  w1.commit();
  w2.commit();
}

TEST_F(ShardQueueTest, ManyAcquirersNeverShareAShard) {
  std::vector<PlannedShard> shards;
  for (int i = 0; i < 30; ++i) shards.push_back(Planned(i % 2 ? "m1" : "m2", i, i + 1));
  AddSweep(shards);
  auto pool = ConnectAgain(/*pool_size=*/6);
  ASSERT_NE(pool, nullptr);
  absl::Mutex mu;
  std::vector<int64_t> leased;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      while (true) {
        auto s = pool->TransactValue(
            [&](pqxx::work& w) { return AcquireShard(w, worker_, absl::Minutes(1)); });
        if (!s.ok() || !s->has_value()) return;
        absl::MutexLock lock(&mu);
        leased.push_back((*s)->shard_id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(leased.size(), 30u);
  EXPECT_EQ(std::set<int64_t>(leased.begin(), leased.end()).size(), 30u);
}

TEST_F(ShardQueueTest, RetriesWaitForTheirBackoffAndRaiseTheEpoch) {
  AddSweep({Planned("m1", 0, 10, /*max_attempts=*/5)});
  auto first = Acquire(worker_);
  ASSERT_TRUE(first.has_value());
  ASSERT_OK_AND_ASSIGN(FailResult r1,
                       Fail(*first, "timeout", false, absl::Seconds(10), absl::Seconds(15)));
  EXPECT_TRUE(r1.will_retry);
  EXPECT_GT(r1.retry_after, absl::Seconds(9));
  EXPECT_LE(r1.retry_after, absl::Seconds(10));
  EXPECT_FALSE(Acquire(worker_).has_value()) << "not_before is 10 s away";
  EXPECT_EQ(Shard(first->shard_id).state, "pending");
  EXPECT_EQ(Shard(first->shard_id).last_error, "timeout");

  ClearBackoff(first->shard_id);
  auto second = Acquire(worker_);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->shard_id, first->shard_id);
  EXPECT_EQ(second->epoch, 2);
  EXPECT_EQ(second->attempt, 2);
  // Attempt 2 would wait 20 s; the cap is 15 s.
  ASSERT_OK_AND_ASSIGN(FailResult r2,
                       Fail(*second, "timeout", false, absl::Seconds(10), absl::Seconds(15)));
  EXPECT_GT(r2.retry_after, absl::Seconds(14));
  EXPECT_LE(r2.retry_after, absl::Seconds(15));
}

TEST_F(ShardQueueTest, FailsForGoodAfterMaxAttemptsKeepingTheLastError) {
  int64_t sweep = AddSweep({Planned("m1", 0, 10, /*max_attempts=*/2)});
  auto first = Acquire(worker_);
  ASSERT_TRUE(first.has_value());
  ASSERT_OK_AND_ASSIGN(FailResult r1, Fail(*first, "boom 1"));
  EXPECT_TRUE(r1.will_retry);
  ClearBackoff(first->shard_id);
  auto second = Acquire(worker_);
  ASSERT_TRUE(second.has_value());
  ASSERT_OK_AND_ASSIGN(FailResult r2, Fail(*second, "boom 2"));
  EXPECT_FALSE(r2.will_retry);
  EXPECT_EQ(r2.retry_after, absl::ZeroDuration());
  ShardRecord record = Shard(first->shard_id);
  EXPECT_EQ(record.state, "failed");
  EXPECT_EQ(record.attempts, 2);
  EXPECT_EQ(record.last_error, "boom 2");
  ClearBackoff(first->shard_id);
  EXPECT_FALSE(Acquire(worker_).has_value());
  auto info = db().TransactValue([&](pqxx::work& w) { return GetSweepInfo(w, sweep); });
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->state(), v1::SWEEP_STATE_FAILED) << "its only shard failed";
}

TEST_F(ShardQueueTest, PermanentFailureDoesNotRetry) {
  AddSweep({Planned("m1", 0, 10, /*max_attempts=*/5)});
  auto leased = Acquire(worker_);
  ASSERT_TRUE(leased.has_value());
  ASSERT_OK_AND_ASSIGN(FailResult r, Fail(*leased, "model not found", /*permanent=*/true));
  EXPECT_FALSE(r.will_retry);
  EXPECT_EQ(Shard(leased->shard_id).state, "failed");
}

TEST_F(ShardQueueTest, StaleEpochOrOwnerIsRefused) {
  AddSweep({Planned("m1", 0, 10)});
  auto leased = Acquire(worker_);
  ASSERT_TRUE(leased.has_value());
  const int64_t id = leased->shard_id;
  const int64_t stale = leased->epoch - 1;
  const std::string other = AddWorker("worker-b", {"m1"});
  auto renew = [&](const std::string& worker, int64_t epoch) -> bool {
    auto held = db().TransactValue([&](pqxx::work& w) {
      return RecordHeartbeat(
          w, {.worker_id = worker, .shard_id = id, .epoch = epoch, .progress_samples = 3},
          absl::Minutes(1));
    });
    EXPECT_TRUE(held.ok()) << held.status();
    return held.value_or(false);
  };
  EXPECT_FALSE(renew(worker_, stale));
  EXPECT_FALSE(renew(other, leased->epoch));
  // InsertResults without results only checks the lease.
  auto check = [&](const std::string& worker, int64_t epoch) {
    return db().Transact(
        [&](pqxx::work& w) { return InsertResults(w, id, epoch, worker, {}).status(); });
  };
  EXPECT_THAT(check(worker_, stale),
              StatusIs(absl::StatusCode::kAborted, absl::StrCat("lease on shard ", id, " epoch ",
                                                                stale, " is no longer held")));
  EXPECT_THAT(check(other, leased->epoch), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Complete(id, stale), StatusIs(absl::StatusCode::kAborted));
  LeasedShard stale_lease = *leased;
  stale_lease.epoch = stale;
  EXPECT_THAT(Fail(stale_lease, "late"), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Complete(999999, 1), StatusIs(absl::StatusCode::kAborted, "does not exist"));

  // The holder is unaffected by all of that.
  EXPECT_OK(check(worker_, leased->epoch));
  EXPECT_TRUE(renew(worker_, leased->epoch));
  EXPECT_EQ(Shard(id).progress_samples, 3);
  EXPECT_EQ(Shard(id).last_error, "");
}

TEST_F(ShardQueueTest, CompletingTwiceIsIdempotent) {
  int64_t sweep = AddSweep({Planned("m1", 0, 10)});
  auto leased = Acquire(worker_);
  ASSERT_TRUE(leased.has_value());
  ASSERT_OK_AND_ASSIGN(CompleteResult first, Complete(leased->shard_id, leased->epoch));
  EXPECT_TRUE(first.completed);
  ASSERT_OK_AND_ASSIGN(CompleteResult second, Complete(leased->shard_id, leased->epoch));
  EXPECT_FALSE(second.completed);
  EXPECT_EQ(Shard(leased->shard_id).state, "succeeded");
  EXPECT_THAT(Complete(leased->shard_id, leased->epoch + 1), StatusIs(absl::StatusCode::kAborted));
  auto info = db().TransactValue([&](pqxx::work& w) { return GetSweepInfo(w, sweep); });
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->state(), v1::SWEEP_STATE_SUCCEEDED);
  EXPECT_TRUE(info->has_finished_at());
}

TEST_F(ShardQueueTest, UnknownOrInactiveWorkersGetNoLease) {
  AddSweep({Planned("m1", 0, 10)});
  EXPECT_THAT(db().TransactValue(
                  [](pqxx::work& w) { return AcquireShard(w, "w-unknown", absl::Minutes(1)); }),
              StatusIs(absl::StatusCode::kNotFound, "unknown worker w-unknown"));
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec_params0("UPDATE workers SET state = 'draining' WHERE id = $1", worker_);
    return absl::OkStatus();
  }));
  EXPECT_FALSE(Acquire(worker_).has_value());
  EXPECT_EQ(Scalar("SELECT count(*) FROM shards WHERE state = 'pending'"), "1");
}

// A worker's completion counts the results it sent; the shard completes only when at least
// that many are stored.
TEST_F(ShardQueueTest, CompletionNeedsEveryReportedResultStored) {
  AddSweep({Planned("m1", 0, 10)});
  auto leased = Acquire(worker_);
  ASSERT_TRUE(leased.has_value());
  EXPECT_THAT(Complete(leased->shard_id, leased->epoch, 2),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("shard ", leased->shard_id,
                                    ": the worker reported 2 results but 0 are stored")));
  EXPECT_EQ(Shard(leased->shard_id).state, "leased");
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    return InsertResults(w, leased->shard_id, leased->epoch, worker_,
                         {Result(0, 1.0), Result(1, 0.0)})
        .status();
  }));
  ASSERT_OK_AND_ASSIGN(CompleteResult done, Complete(leased->shard_id, leased->epoch, 2));
  EXPECT_TRUE(done.completed);
  EXPECT_EQ(Shard(leased->shard_id).state, "succeeded");
}

// Lease writes commit without waiting for the WAL flush (shard_queue.h); the commit that ends
// a sweep waits.
TEST_F(ShardQueueTest, LeaseWritesCommitWithoutWaitingForTheDiskButASweepsEndWaits) {
  AddSweep({Planned("m1", 0, 5), Planned("m1", 5, 10)});
  pqxx::connection c(url());
  c.set_variable("synchronous_commit", "on");  // the test server's default is off
  // Runs `write` in a transaction of its own; returns synchronous_commit as it commits.
  auto commit_mode = [&](const std::function<absl::Status(pqxx::work&)>& write) {
    pqxx::work w(c);
    EXPECT_EQ(w.exec1("SHOW synchronous_commit")[0].as<std::string>(), "on");
    EXPECT_OK(write(w));
    std::string mode = w.exec1("SHOW synchronous_commit")[0].as<std::string>();
    w.commit();
    return mode;
  };
  std::vector<LeasedShard> leased;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(commit_mode([&](pqxx::work& w) -> absl::Status {
                JB_ASSIGN_OR_RETURN(std::optional<LeasedShard> shard,
                                    AcquireShard(w, worker_, absl::Minutes(1)));
                if (shard.has_value()) leased.push_back(*shard);
                return absl::OkStatus();
              }),
              "off");
  }
  ASSERT_EQ(leased.size(), 2u);
  EXPECT_EQ(
      commit_mode([&](pqxx::work& w) {
        return RecordHeartbeat(
                   w,
                   {.worker_id = worker_, .shard_id = leased[0].shard_id, .epoch = leased[0].epoch},
                   absl::Minutes(1))
            .status();
      }),
      "off");
  EXPECT_EQ(commit_mode([&](pqxx::work& w) {
              return InsertResults(w, leased[0].shard_id, leased[0].epoch, worker_,
                                   {Result(0, 1.0)})
                  .status();
            }),
            "off");
  EXPECT_EQ(commit_mode([&](pqxx::work& w) {
              return CompleteShard(w, leased[0].shard_id, worker_, leased[0].epoch).status();
            }),
            "off")
      << "the sweep goes on";
  EXPECT_EQ(commit_mode([&](pqxx::work& w) {
              return CompleteShard(w, leased[1].shard_id, worker_, leased[1].epoch).status();
            }),
            "on")
      << "this completion ends the sweep";
}

TEST_F(ShardQueueTest, ReaperReturnsExpiredLeasesAndFailsExhaustedOnes) {
  AddSweep({Planned("m1", 0, 10, /*max_attempts=*/3), Planned("m1", 10, 20, /*max_attempts=*/1),
            Planned("m1", 20, 30, /*max_attempts=*/3)});
  auto retried = Acquire(worker_, absl::Milliseconds(1));
  auto exhausted = Acquire(worker_, absl::Milliseconds(1));
  auto healthy = Acquire(worker_, absl::Hours(1));
  ASSERT_TRUE(retried && exhausted && healthy);
  absl::SleepFor(absl::Milliseconds(5));
  ASSERT_OK_AND_ASSIGN(int reaped, Reap());
  EXPECT_EQ(reaped, 2);

  ShardRecord r = Shard(retried->shard_id);
  EXPECT_EQ(r.state, "pending");
  EXPECT_THAT(r.last_error, StartsWith("lease expired"));
  EXPECT_THAT(r.last_error, HasSubstr(worker_));
  ShardRecord e = Shard(exhausted->shard_id);
  EXPECT_EQ(e.state, "failed");
  EXPECT_THAT(e.last_error, StartsWith("lease expired"));
  EXPECT_EQ(Shard(healthy->shard_id).state, "leased");

  // The old holder has lost it; the next lease has a higher epoch.
  EXPECT_THAT(Complete(retried->shard_id, retried->epoch), StatusIs(absl::StatusCode::kAborted));
  auto again = Acquire(worker_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->shard_id, retried->shard_id);
  EXPECT_EQ(again->epoch, retried->epoch + 1);
  ASSERT_OK_AND_ASSIGN(int none, Reap());
  EXPECT_EQ(none, 0);
}

TEST_F(ShardQueueTest, HeartbeatsUpdateKnownWorkersOnly) {
  auto beat = [&](const std::string& worker, const std::string& state) {
    return db().Transact([&](pqxx::work& w) {
      return RecordHeartbeat(w, {.worker_id = worker, .state = state, .detail = "why"},
                             absl::Minutes(1))
          .status();
    });
  };
  auto info = [&] {
    auto worker = db().TransactValue([&](pqxx::work& w) { return GetWorker(w, worker_); });
    EXPECT_TRUE(worker.ok()) << worker.status();
    return worker.value_or(v1::WorkerInfo{});
  };
  EXPECT_OK(beat(worker_, "draining"));
  EXPECT_OK(beat(worker_, ""));
  EXPECT_EQ(info().state(), "draining") << "an empty state keeps the last one";
  EXPECT_EQ(info().detail(), "why");
  const int64_t before =
      info().last_heartbeat_at().seconds() * 1000000 + info().last_heartbeat_at().nanos() / 1000;
  EXPECT_OK(beat(worker_, "active"));
  EXPECT_EQ(info().state(), "active");
  EXPECT_GT(
      info().last_heartbeat_at().seconds() * 1000000 + info().last_heartbeat_at().nanos() / 1000,
      before);
  EXPECT_THAT(beat("w-unknown", "active"), StatusIs(absl::StatusCode::kNotFound, "register"));
  EXPECT_THAT(beat(worker_, "sleepy"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Scalar("SELECT count(*) FROM workers WHERE state = 'sleepy'"), "0");
}

TEST_F(ShardQueueTest, RenewingKeepsALeaseFromTheReaper) {
  AddSweep({Planned("m1", 0, 10)});
  auto leased = Acquire(worker_, absl::Milliseconds(1));
  ASSERT_TRUE(leased.has_value());
  ASSERT_OK_AND_ASSIGN(bool held, db().TransactValue([&](pqxx::work& w) {
    return RecordHeartbeat(
        w, {.worker_id = worker_, .shard_id = leased->shard_id, .epoch = leased->epoch},
        absl::Hours(1));
  }));
  EXPECT_TRUE(held);
  absl::SleepFor(absl::Milliseconds(5));
  ASSERT_OK_AND_ASSIGN(int reaped, Reap());
  EXPECT_EQ(reaped, 0);
}

TEST_F(ShardQueueTest, InsertShardsValidates) {
  ASSERT_OK_AND_ASSIGN(int64_t sweep, db().TransactValue([](pqxx::work& w) {
    return InsertSweep(w, "s", "", "", 0, {});
  }));
  auto insert = [&](const PlannedShard& s) {
    return db().Transact([&](pqxx::work& w) { return InsertShards(w, sweep, {s}).status(); });
  };
  EXPECT_THAT(insert(Planned("m1", 5, 5)), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(insert(Planned("m1", 0, 5, /*max_attempts=*/0)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(insert(Planned("unknown-model", 0, 5)),
              StatusIs(absl::StatusCode::kFailedPrecondition, "23503"));
  EXPECT_OK(insert(Planned("m1", 0, 5)));
  EXPECT_THAT(insert(Planned("m1", 0, 5)), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(db().TransactValue([](pqxx::work& w) { return GetShard(w, 424242); }),
              StatusIs(absl::StatusCode::kNotFound));
}

// A sweep's failures: failed shards first, then retrying ones, each with its last error;
// shards that never failed are not listed.
TEST_F(ShardQueueTest, ListShardErrorsListsFailedThenRetryingShards) {
  int64_t sweep = AddSweep(
      {Planned("m1", 0, 5), Planned("m1", 5, 10, /*max_attempts=*/1), Planned("m1", 10, 15)});
  auto first = Acquire(worker_);
  ASSERT_TRUE(first.has_value());
  ASSERT_OK(Fail(*first, "timeout talking to the server").status());  // retries
  auto second = Acquire(worker_);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->sample_begin, 5);
  ASSERT_OK(Fail(*second, "server returned 500").status());  // out of attempts
  auto errors = db().TransactValue([&](pqxx::work& w) { return ListShardErrors(w, sweep); });
  ASSERT_OK(errors.status());
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0].shard_id, second->shard_id);
  EXPECT_EQ((*errors)[0].state, "failed");
  EXPECT_EQ((*errors)[0].last_error, "server returned 500");
  EXPECT_EQ((*errors)[1].shard_id, first->shard_id);
  EXPECT_EQ((*errors)[1].state, "pending");
  EXPECT_EQ((*errors)[1].last_error, "timeout talking to the server");
  auto none = db().TransactValue([&](pqxx::work& w) { return ListShardErrors(w, sweep + 1); });
  ASSERT_OK(none.status());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace jb::storage
