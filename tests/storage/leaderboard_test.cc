#include "storage/leaderboard.h"

#include "absl/strings/str_cat.h"
#include "storage/sealed_cells.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

namespace v1 = ::joulebench::v1;

class LeaderboardTest : public testing::StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    SeedSuite();
    worker_ = AddWorker("w", {"m1", "m2"});
  }

  // A sweep of m1 and m2, 4 samples each, scored `m1_score` and `m2_score` per row with
  // `m1_joules` and 40 J per shard; ended and sealed.
  int64_t SealedSweep(double m1_score, double m2_score, double m1_joules = 40) {
    int64_t sweep = AddSweep({Planned("m1", 0, 4), Planned("m2", 0, 4)});
    RunShard(worker_, 4, m1_joules, v1::ENERGY_METHOD_RAPL, m1_score, /*wall_s=*/2);
    RunShard(worker_, 4, 40, v1::ENERGY_METHOD_RAPL, m2_score, /*wall_s=*/2);
    EndSweep(sweep);
    EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      EXPECT_EQ(LockNextSealableSweep(w, 0), sweep);
      return SealSweep(w, sweep);
    }));
    return sweep;
  }

  std::vector<LeaderboardRow> Read(const std::string& task = "") {
    std::vector<LeaderboardRow> rows;
    EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      JB_ASSIGN_OR_RETURN(rows, ReadLeaderboard(w, task));
      return absl::OkStatus();
    }));
    return rows;
  }

  SnapshotTaken Snapshot(SnapshotBands bands = {}) {
    SnapshotTaken taken;
    EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      JB_ASSIGN_OR_RETURN(taken, TakeLeaderboardSnapshot(w, bands));
      return absl::OkStatus();
    }));
    return taken;
  }

  // Moves every snapshot one day back, as if taken yesterday.
  void AgeSnapshots() {
    ASSERT_OK(db().Transact([](pqxx::work& w) {
      w.exec0("UPDATE leaderboard_snapshots SET snapshot_date = snapshot_date - 1");
      return absl::OkStatus();
    }));
  }

  std::string worker_;
};

TEST_F(LeaderboardTest, HoldsTheNewestSealedCellRankedByScore) {
  SealedSweep(0, 1);
  int64_t newer = SealedSweep(1, 0);
  // Not refreshed yet: the materialized view is still empty.
  EXPECT_TRUE(Read().empty());
  ASSERT_OK(db().Transact([](pqxx::work& w) {
    RefreshLeaderboard(w);
    return absl::OkStatus();
  }));
  std::vector<LeaderboardRow> rows = Read();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cell.model, "m1");
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_EQ(rows[0].cell.sweep_id, newer);
  EXPECT_EQ(rows[0].cell.score, 1);
  EXPECT_EQ(rows[1].cell.model, "m2");
  EXPECT_EQ(rows[1].rank, 2);
  EXPECT_EQ(rows[1].cell.joules_per_query, 10);
  EXPECT_FALSE(rows[0].change.has_value());
  EXPECT_TRUE(Read("other-task").empty());
  EXPECT_EQ(Read("mini").size(), 2u);
}

// A running sweep's cells stay off the leaderboard until sealed.
TEST_F(LeaderboardTest, UnsealedSweepsAreNotOnIt) {
  AddSweep({Planned("m1", 0, 4)});
  RunShard(worker_, 4, 40, v1::ENERGY_METHOD_RAPL, 1, 2);
  EXPECT_EQ(Snapshot().rows, 0);
  EXPECT_TRUE(Read().empty());
}

TEST_F(LeaderboardTest, SnapshotsFlagChangesBeyondTheIntervalAndBands) {
  SealedSweep(1, 1);
  SnapshotTaken first = Snapshot();
  EXPECT_EQ(first.rows, 2);
  EXPECT_EQ(first.date.size(), 10u);
  // A second snapshot the same day replaces the first.
  EXPECT_EQ(Snapshot().rows, 2);
  EXPECT_EQ(Scalar("SELECT count(*) FROM leaderboard_snapshots"), "2");
  EXPECT_EQ(Scalar("SELECT count(*) FROM leaderboard_changes"), "0") << "one snapshot only";
  AgeSnapshots();

  // m1 drops from 4/4 to 0/4 (outside [0.51, 1]) at 10 % more J/query (within a 15 % band);
  // m2 keeps its score at 10 J/query.
  SealedSweep(0, 1, /*m1_joules=*/44);
  Snapshot({.energy = 0.15, .latency = 0.10});
  std::vector<LeaderboardRow> rows = Read();
  ASSERT_EQ(rows.size(), 2u);
  const LeaderboardRow& m1 = rows[0].cell.model == "m1" ? rows[0] : rows[1];
  const LeaderboardRow& m2 = rows[0].cell.model == "m2" ? rows[0] : rows[1];
  ASSERT_TRUE(m1.change.has_value());
  EXPECT_TRUE(m1.change->score_changed);
  EXPECT_EQ(m1.change->previous_score, 1);
  EXPECT_FALSE(m1.change->energy_changed);
  EXPECT_FALSE(m1.change->latency_changed);
  EXPECT_FALSE(m1.change->method_changed);
  ASSERT_TRUE(m2.change.has_value());
  EXPECT_FALSE(m2.change->score_changed);
  EXPECT_EQ(Scalar("SELECT string_agg(model || ':' || score_changed || energy_changed, ',' "
                   "ORDER BY model) FROM leaderboard_changes"),
            "m1:truefalse,m2:falsefalse");

  // With a 5 % band the same 10 % move in J/query is flagged.
  AgeSnapshots();
  SealedSweep(0, 1, /*m1_joules=*/48.4);
  Snapshot({.energy = 0.05, .latency = 0.10});
  EXPECT_EQ(Scalar("SELECT string_agg(model || ':' || score_changed || energy_changed, ',' "
                   "ORDER BY model) FROM leaderboard_changes"),
            "m1:falsetrue,m2:falsefalse");
}

TEST_F(LeaderboardTest, RejectsANegativeBand) {
  absl::Status status = db().Transact(
      [](pqxx::work& w) { return TakeLeaderboardSnapshot(w, {.energy = -0.1}).status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Scalar("SELECT count(*) FROM leaderboard_snapshots"), "0");
}

// A model's cells across snapshots, oldest first, with each snapshot's figures.
TEST_F(LeaderboardTest, SnapshotHistoryFollowsAModelOldestFirst) {
  int64_t older = SealedSweep(1, 1);
  Snapshot();
  AgeSnapshots();
  int64_t newer = SealedSweep(0, 1, /*m1_joules=*/44);
  SnapshotTaken today = Snapshot();
  std::vector<SnapshotPoint> points;
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    JB_ASSIGN_OR_RETURN(points, ReadSnapshotHistory(w, "m1", ""));
    return absl::OkStatus();
  }));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_LT(points[0].date, today.date);
  EXPECT_EQ(points[0].sweep_id, older);
  EXPECT_EQ(points[0].score, 1);
  EXPECT_EQ(points[0].joules_per_query, 10);
  EXPECT_EQ(points[0].method, "rapl");
  EXPECT_FALSE(points[0].simulated);
  EXPECT_EQ(points[1].date, today.date);
  EXPECT_EQ(points[1].sweep_id, newer);
  EXPECT_EQ(points[1].score, 0);
  EXPECT_EQ(points[1].joules_per_query, 11);
  EXPECT_EQ(points[1].task, "mini");
  EXPECT_EQ(points[1].hardware_class, testing::kClass);
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    JB_ASSIGN_OR_RETURN(points, ReadSnapshotHistory(w, "m1", "other-task"));
    EXPECT_TRUE(points.empty());
    JB_ASSIGN_OR_RETURN(points, ReadSnapshotHistory(w, "nobody", ""));
    EXPECT_TRUE(points.empty());
    return absl::OkStatus();
  }));
}

}  // namespace
}  // namespace jb::storage
