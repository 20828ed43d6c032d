#include "storage/sealed_cells.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "storage/report_queries.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

namespace v1 = ::joulebench::v1;
using ::testing::HasSubstr;

class SealedCellsTest : public testing::StorageTest {
 protected:
  // Seals the next sealable sweep after `after_id`; its id, or 0 when there is none.
  int64_t SealNext(int64_t after_id = 0) {
    int64_t sealed = 0;
    EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      std::optional<int64_t> id = LockNextSealableSweep(w, after_id);
      sealed = id.value_or(0);
      return id ? SealSweep(w, *id) : absl::OkStatus();
    }));
    return sealed;
  }

  // Every column of the sweep's cell_metrics rows, as text.
  std::string CellMetricsText(int64_t sweep_id) {
    return Scalar(absl::StrCat("SELECT string_agg(c::text, E'\\n' ORDER BY c.model) ",
                               "FROM cell_metrics c WHERE sweep_id = ", sweep_id));
  }
};

// Sealing stores what the live view computed, so a cell reads the same before and after, and
// adds the scores: the primary metric first, with its interval.
TEST_F(SealedCellsTest, SealedCellReadsAsItDidLiveAndGainsItsScores) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1", "m2"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4), Planned("m2", 0, 4)});
  RunShard(worker, 4, 40, v1::ENERGY_METHOD_RAPL, 1, /*wall_s=*/2.0);
  RunShard(worker, 3, 30, v1::ENERGY_METHOD_RAPL, 0, /*wall_s=*/2.0);
  EndSweep(sweep);
  const std::string live = CellMetricsText(sweep);
  EXPECT_EQ(Scalar("SELECT count(*) FROM cell_metrics WHERE score IS NOT NULL"), "0");

  EXPECT_EQ(SealNext(), sweep);
  EXPECT_EQ(Scalar(absl::StrCat("SELECT sealed_at IS NOT NULL FROM sweeps WHERE id = ", sweep)),
            "t");
  EXPECT_EQ(Scalar("SELECT count(*) FROM sealed_cells"), "2");
  // The same columns, now with the score, its interval and method appended.
  const std::string sealed = CellMetricsText(sweep);
  EXPECT_NE(live, sealed);
  EXPECT_EQ(Scalar(absl::StrCat(
                "SELECT string_agg(concat_ws('|', model, score_metric, score, "
                "round(score_ci_low::numeric, 6), round(score_ci_high::numeric, 6), "
                "score_ci_method, samples, "
                "e2e_p50_s, completeness), ';' ORDER BY model) FROM cell_metrics WHERE sweep_id = ",
                sweep)),
            "m1|none/exact_match|1|0.510109|1.000000|wilson|4|0.07|1;"
            "m2|none/exact_match|0|0.000000|0.561497|wilson|3|0.07|0.75");
  // Every other column is unchanged by sealing.
  auto without_scores = [&](const std::string&) {
    return Scalar(absl::StrCat(
        "SELECT string_agg(concat_ws('|', model, samples, errors, answer_methods, ttft_p50_s, "
        "round(ttft_p95_s::numeric, 6), tpot_p50_s, e2e_p95_s, tpot_mean_s, e2e_mean_s, "
        "j_per_query, samples_per_s, "
        "per_unit), ';' ORDER BY model) FROM cell_metrics WHERE sweep_id = ",
        sweep));
  };
  const std::string after = without_scores("after");
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    // Unsealed again, the cells read live.
    w.exec0(
        "DELETE FROM sealed_cells; DELETE FROM cell_scores; UPDATE sweeps SET sealed_at = NULL");
    return absl::OkStatus();
  }));
  EXPECT_EQ(without_scores("live"), after);
  EXPECT_EQ(after,
            "m1|4|0|generate|0.25|0.385000|0.02|0.07|0.02|0.07|10|2|sample;"
            "m2|3|0|generate|0.2|0.290000|0.02|0.07|0.02|0.07|10|1.5|sample");
}

TEST_F(SealedCellsTest, OnlyEndedSweepsAreSealedOnceInIdOrder) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t running = AddSweep({Planned("m1", 0, 2)}, "running");
  int64_t cancelled = AddSweep({Planned("m1", 2, 4)}, "cancelled");
  int64_t failed = AddSweep({Planned("m1", 4, 6)}, "failed");
  EndSweep(cancelled, "cancelled");
  EndSweep(failed, "failed");
  EXPECT_EQ(SealNext(), cancelled);
  EXPECT_EQ(SealNext(), failed);
  EXPECT_EQ(SealNext(), 0) << "the running sweep is not sealed, and none twice";
  // A cancelled sweep without a single row still has its cell, with no score.
  EXPECT_EQ(Scalar(absl::StrCat("SELECT concat_ws('|', samples, score IS NULL, shards) FROM "
                                "cell_metrics WHERE sweep_id = ",
                                cancelled)),
            "0|t|1");
  EXPECT_EQ(Scalar(absl::StrCat("SELECT sealed_at IS NULL FROM sweeps WHERE id = ", running)), "t");
}

// Two coordinators' reapers: the second skips the sweep the first is sealing.
TEST_F(SealedCellsTest, ConcurrentSealersSkipALockedSweep) {
  SeedSuite();
  int64_t first = AddSweep({Planned("m1", 0, 2)}, "a");
  int64_t second = AddSweep({Planned("m1", 2, 4)}, "b");
  EndSweep(first);
  EndSweep(second);
  auto conn = std::make_unique<pqxx::connection>(url());
  pqxx::work holder(*conn);
  ASSERT_EQ(LockNextSealableSweep(holder, 0), first);
  EXPECT_EQ(SealNext(), second);
  EXPECT_EQ(SealNext(), 0);
  ASSERT_OK(SealSweep(holder, first));
  holder.commit();
  EXPECT_EQ(Scalar("SELECT count(*) FROM sweeps WHERE sealed_at IS NOT NULL"), "2");
}

// A row whose stored metrics do not parse: sealing fails naming the cell, writes nothing, and
// a later sweep is still sealed.
TEST_F(SealedCellsTest, ACellThatCannotBeScoredLeavesItsSweepUnsealed) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t broken = AddSweep({Planned("m1", 0, 2)}, "broken");
  RunShard(worker, 2, 10, v1::ENERGY_METHOD_RAPL);
  int64_t fine = AddSweep({Planned("m1", 2, 4)}, "fine");
  EndSweep(broken);
  EndSweep(fine);
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec0(R"(UPDATE sample_results SET metrics = '{"none/exact_match": "yes"}')");
    return absl::OkStatus();
  }));
  absl::Status status = db().Transact([&](pqxx::work& w) -> absl::Status {
    EXPECT_EQ(LockNextSealableSweep(w, 0), broken);
    return SealSweep(w, broken);
  });
  EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("sealing sweep ", broken,
                                                       ", cell m1 / mini / gpu-a: stored "
                                                       "metrics of sample 0 do not parse")));
  EXPECT_EQ(Scalar("SELECT count(*) FROM sealed_cells"), "0");
  EXPECT_EQ(Scalar("SELECT count(*) FROM cell_scores"), "0");
  EXPECT_EQ(SealNext(broken), fine);
  EXPECT_EQ(Scalar(absl::StrCat("SELECT count(*) FROM cell_metrics WHERE sweep_id = ", broken,
                                " AND samples = 2")),
            "1")
      << "the unsealed sweep still reads live";
}

}  // namespace
}  // namespace jb::storage
