#include "storage/report_queries.h"

#include <cmath>

#include "storage/measurement_repository.h"
#include "storage/result_repository.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

namespace v1 = ::joulebench::v1;

class ReportQueriesTest : public testing::StorageTest {
 protected:
  // Leases the next shard, stores `results` scored 1, and a measurement of `joules` by `method`.
  void RunShard(const std::string& worker, int results, double joules, v1::EnergyMethod method) {
    auto leased = Acquire(worker);
    ASSERT_TRUE(leased.has_value());
    std::vector<v1::SampleResult> batch;
    for (int i = leased->sample_begin; i < leased->sample_begin + results; ++i) {
      batch.push_back(Result(i, 1));
      // Streamed, with TTFT 0.1 s x (i + 1) and TPOT 0.02 s.
      batch.back().mutable_timing()->set_streamed(true);
      batch.back().mutable_timing()->set_ttft_s(0.1 * (i + 1));
      batch.back().mutable_timing()->set_tpot_s(0.02);
    }
    v1::Measurement m;
    v1::EnergyReading* reading = m.add_readings();
    reading->set_domain("gpu");
    reading->set_energy_j(joules);
    reading->set_method(method);
    m.set_total_energy_j(joules);
    m.set_method(method);
    m.set_estimated(method == v1::ENERGY_METHOD_ESTIMATE_TDP);
    ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      JB_RETURN_IF_ERROR(InsertResults(w, leased->shard_id, leased->epoch, worker, batch));
      return InsertMeasurement(w, leased->shard_id, leased->epoch, worker, m).status();
    }));
  }

  std::vector<CellSummary> Summarize(int64_t sweep_id) {
    std::vector<CellSummary> cells;
    EXPECT_OK(db().Transact([&](pqxx::work& w) {
      cells = SummarizeSweep(w, sweep_id);
      return absl::OkStatus();
    }));
    return cells;
  }
};

TEST_F(ReportQueriesTest, CellShowsItsWeakestMethodAndJoulesPerQuery) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4), Planned("m1", 4, 8)});
  RunShard(worker, 4, 40, v1::ENERGY_METHOD_RAPL);
  RunShard(worker, 4, 60, v1::ENERGY_METHOD_ESTIMATE_TDP);
  std::vector<CellSummary> cells = Summarize(sweep);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].samples, 8);
  EXPECT_EQ(cells[0].mean_score, 1);
  EXPECT_EQ(cells[0].energy_j, 100);
  EXPECT_EQ(cells[0].joules_per_query, 12.5);
  EXPECT_EQ(cells[0].method, "estimate-tdp");
  EXPECT_TRUE(cells[0].estimated);
  EXPECT_FALSE(cells[0].simulated);
  EXPECT_DOUBLE_EQ(cells[0].p50_ttft_s, 0.45);  // median of 0.1 .. 0.8
  EXPECT_DOUBLE_EQ(cells[0].mean_tpot_s, 0.02);
}

TEST_F(ReportQueriesTest, UnmeteredCellHasNoJoulesAndMethodNone) {
  SeedSuite();
  AddWorker("w", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4)});
  std::vector<CellSummary> cells = Summarize(sweep);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].samples, 0);
  EXPECT_TRUE(std::isnan(cells[0].energy_j));
  EXPECT_TRUE(std::isnan(cells[0].p50_ttft_s));
  EXPECT_EQ(cells[0].method, "none");
}

}  // namespace
}  // namespace jb::storage
