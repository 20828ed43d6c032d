#include "storage/report_queries.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/energy_method.h"
#include "nlohmann/json.hpp"
#include "storage/hardware_class_repository.h"
#include "storage/measurement_repository.h"
#include "storage/result_repository.h"
#include "storage/sealed_cells.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

namespace v1 = ::joulebench::v1;

class ReportQueriesTest : public testing::StorageTest {
 protected:
  std::vector<CellSummary> Summarize(int64_t sweep_id) {
    std::vector<CellSummary> cells;
    EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
      JB_ASSIGN_OR_RETURN(cells, SummarizeSweep(w, sweep_id));
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
  EXPECT_EQ(cells[0].score_metric, "none/exact_match");
  EXPECT_EQ(cells[0].score, 1);
  // Wilson's interval for 8 of 8.
  EXPECT_EQ(cells[0].score_ci.method, "wilson");
  EXPECT_NEAR(cells[0].score_ci.low, 0.6755924351161198, 1e-9);
  EXPECT_EQ(cells[0].answer_methods, "generate");
  EXPECT_EQ(cells[0].energy_j, 100);
  EXPECT_EQ(cells[0].joules_per_query, 12.5);
  EXPECT_EQ(cells[0].method, "estimate-tdp");
  EXPECT_TRUE(cells[0].estimated);
  EXPECT_FALSE(cells[0].simulated);
  EXPECT_DOUBLE_EQ(cells[0].p50_ttft_s, 0.45);  // median of 0.1 .. 0.8
  EXPECT_DOUBLE_EQ(cells[0].p50_tpot_s, 0.02);
  // JIT is off for the rest of the report's transaction (report_queries.h).
  EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    EXPECT_EQ(w.exec1("SHOW jit")[0].as<std::string>(), "on");
    JB_RETURN_IF_ERROR(SummarizeSweep(w, sweep).status());
    EXPECT_EQ(w.exec1("SHOW jit")[0].as<std::string>(), "off");
    return absl::OkStatus();
  }));
}

// PER's memory term: the most any shard of the cell held, with every source it came from; a
// cell none of whose shards reported memory has none (NaN), not 0.
TEST_F(ReportQueriesTest, CellMemoryIsTheLargestShardPeakWithItsSources) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1", "m2"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4), Planned("m1", 4, 8), Planned("m2", 0, 4)});
  RunShard(worker, 4, 40, v1::ENERGY_METHOD_RAPL);
  RunShard(worker, 4, 40, v1::ENERGY_METHOD_RAPL);
  RunShard(worker, 4, 40, v1::ENERGY_METHOD_RAPL);
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec0(
        "UPDATE shard_measurements m SET peak_memory_mb = v.mb, memory_source = v.source"
        " FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM shards) s,"
        "      (VALUES (1, 2048.0, 'nvml-peak'), (2, 3072.0, 'server-reported'))"
        "        AS v(n, mb, source)"
        " WHERE m.shard_id = s.id AND s.n = v.n");
    return absl::OkStatus();
  }));
  std::vector<CellSummary> cells = Summarize(sweep);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].model, "m1");
  EXPECT_EQ(cells[0].peak_memory_mb, 3072);
  EXPECT_EQ(cells[0].memory_sources, "nvml-peak,server-reported");
  EXPECT_TRUE(std::isnan(cells[1].peak_memory_mb));
  EXPECT_EQ(cells[1].memory_sources, "");
  EndSweep(sweep);
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    std::optional<int64_t> id = LockNextSealableSweep(w, 0);
    return id ? SealSweep(w, *id) : absl::NotFoundError("nothing to seal");
  }));
  cells = Summarize(sweep);  // sealed: the same
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].peak_memory_mb, 3072);
  EXPECT_EQ(cells[0].memory_sources, "nvml-peak,server-reported");
}

// An unsealed sweep's score is computed from its rows on request (provisional), or left out
// for a caller that may read only the views.
TEST_F(ReportQueriesTest, UnsealedScoresAreProvisionalOrOmitted) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4)});
  RunShard(worker, 4, 40, v1::ENERGY_METHOD_RAPL);
  std::vector<CellSummary> computed = Summarize(sweep);
  ASSERT_EQ(computed.size(), 1u);
  EXPECT_TRUE(computed[0].score_provisional);
  EXPECT_EQ(computed[0].score, 1);
  std::vector<CellSummary> omitted;
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    JB_ASSIGN_OR_RETURN(omitted, SummarizeSweep(w, sweep, UnsealedScores::kOmit));
    return absl::OkStatus();
  }));
  ASSERT_EQ(omitted.size(), 1u);
  EXPECT_FALSE(omitted[0].score_provisional);
  EXPECT_TRUE(std::isnan(omitted[0].score));
  EXPECT_EQ(omitted[0].samples, 4);
  EXPECT_THAT(db().Transact([&](pqxx::work& w) { return SummarizeSweep(w, sweep + 1).status(); }),
              jb::testing::StatusIs(absl::StatusCode::kNotFound));
}

// The energy methods' order in SQL is the code's (common/energy_method.h).
TEST_F(ReportQueriesTest, EnergyMethodsTableRanksMethodsAsTheCodeDoes) {
  const google::protobuf::EnumDescriptor* methods = v1::EnergyMethod_descriptor();
  int checked = 0;
  for (int i = 0; i < methods->value_count(); ++i) {
    const auto method = static_cast<v1::EnergyMethod>(methods->value(i)->number());
    if (method == v1::ENERGY_METHOD_UNSPECIFIED) continue;
    const std::string name = EnergyMethodName(method);
    EXPECT_EQ(Scalar(absl::StrCat("SELECT rank || ' ' || estimated FROM energy_methods WHERE "
                                  "name = '",
                                  name, "'")),
              absl::StrCat(EnergyMethodRank(method), " ", IsEstimate(method) ? "true" : "false"))
        << name;
    ++checked;
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM energy_methods"), absl::StrCat(checked));
}

// What the view adds to the summary: completeness against the plan, latency percentiles,
// and throughput per server and per GPU over the measured shards.
TEST_F(ReportQueriesTest, CellMetricsViewHasCompletenessPercentilesAndThroughput) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4), Planned("m1", 4, 8)});
  RunShard(worker, 4, 40, v1::ENERGY_METHOD_RAPL, 1, /*wall_s=*/2.0);
  auto view = [&](const std::string& columns) {
    return Scalar(absl::StrCat("SELECT concat_ws('|', ", columns,
                               ") FROM cell_metrics WHERE sweep_id = ", sweep));
  };
  EXPECT_EQ(view("shards, shards_succeeded, shards_measured, samples_planned, samples, "
                 "completeness"),
            "2|0|1|8|4|0.5");
  // TTFT 0.1 .. 0.4 s; every row's end-to-end latency is 0.07 s.
  EXPECT_EQ(view("ttft_p50_s, round(ttft_p95_s::numeric, 6), e2e_p50_s, e2e_p95_s"),
            "0.25|0.385000|0.07|0.07");
  // 12 tokens and 4 rows in 2 s; the class has no GPUs yet.
  EXPECT_EQ(view("tokens_per_s, samples_per_s, COALESCE(tokens_per_s_per_gpu::text, 'null')"),
            "6|2|null");
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec_params0("UPDATE hardware_classes SET gpu_count = 2 WHERE name = $1", testing::kClass);
    return absl::OkStatus();
  }));
  EXPECT_EQ(view("tokens_per_s_per_gpu, samples_per_s_per_gpu"), "3|1");
  EXPECT_EQ(view("j_per_query, energy_method, estimated"), "10|rapl|f");
  ASSERT_OK(db().Transact(
      [&](pqxx::work& w) { return SetHardwarePrices(w, testing::kClass, 3.6, std::nullopt); }));
  // 2 s at $3.60 an hour is $0.002 for 4 queries: $0.50 per 1,000.
  EXPECT_EQ(view("round(usd_per_1k_queries::numeric, 6), cost_basis"), "0.500000|hardware");
}

TEST_F(ReportQueriesTest, CarbonAndCostAreDerivedFromTheJoulesWallTimeAndPrices) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4), Planned("m1", 4, 8)});
  // 3.6 MJ = 1 kWh over 600 s at PUE 1.5 and 400 g/kWh; 7.2 MJ over 1200 s at PUE 1, 100 g/kWh.
  RunShard(worker, 4, 3.6e6, v1::ENERGY_METHOD_RAPL, 1, 600, 1.5, 400);
  RunShard(worker, 4, 7.2e6, v1::ENERGY_METHOD_RAPL, 1, 1200, 1.0, 100);
  std::vector<CellSummary> cells = Summarize(sweep);
  ASSERT_EQ(cells.size(), 1u);
  // (1 x 1.5 x 400 + 2 x 1 x 100) g over 8 queries.
  EXPECT_DOUBLE_EQ(cells[0].carbon_g_per_query, 800.0 / 8);
  EXPECT_EQ(cells[0].carbon_sources, "table:100; table:400");
  EXPECT_TRUE(std::isnan(cells[0].cost_usd_per_query));  // no prices yet
  EXPECT_EQ(cells[0].cost_basis, "");

  ASSERT_OK(db().Transact(
      [&](pqxx::work& w) { return SetHardwarePrices(w, testing::kClass, 3.0, std::nullopt); }));
  cells = Summarize(sweep);
  EXPECT_DOUBLE_EQ(cells[0].cost_usd_per_query, 3.0 * 0.5 / 8);  // 1800 s at $3/h
  EXPECT_EQ(cells[0].cost_basis, "hardware");

  // Prices are read at query time: a corrected electricity price re-prices the stored sweep.
  ASSERT_OK(db().Transact(
      [&](pqxx::work& w) { return SetHardwarePrices(w, testing::kClass, std::nullopt, 0.2); }));
  cells = Summarize(sweep);
  // $1.50 of hardware + (1.5 + 2) kWh at the facility x $0.20.
  EXPECT_DOUBLE_EQ(cells[0].cost_usd_per_query, (1.5 + 3.5 * 0.2) / 8);
  EXPECT_EQ(cells[0].cost_basis, "hardware+electricity");
}

TEST_F(ReportQueriesTest, AShardWithoutAnIntensityLeavesTheCellsCarbonUnknown) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4), Planned("m1", 4, 8)});
  RunShard(worker, 4, 3.6e6, v1::ENERGY_METHOD_RAPL, 1, 600, 1, 400);
  RunShard(worker, 4, 3.6e6, v1::ENERGY_METHOD_RAPL, 1, 600, 1, 0);
  ASSERT_OK(db().Transact(
      [&](pqxx::work& w) { return SetHardwarePrices(w, testing::kClass, std::nullopt, 0.1); }));
  std::vector<CellSummary> cells = Summarize(sweep);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_TRUE(std::isnan(cells[0].carbon_g_per_query));  // not half of it
  EXPECT_DOUBLE_EQ(cells[0].cost_usd_per_query, 2 * 0.1 / 8);
  EXPECT_EQ(cells[0].cost_basis, "electricity");
}

TEST_F(ReportQueriesTest, CellSpeedIsWallTimePerSampleOfSucceededShardsAtThatConcurrency) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  AddSweep({Planned("m1", 0, 4), Planned("m1", 4, 10)});
  RunShard(worker, 4, 1.0, v1::ENERGY_METHOD_RAPL, 1, /*wall_s=*/2.0);
  RunShard(worker, 6, 1.0, v1::ENERGY_METHOD_RAPL, 1, /*wall_s=*/8.0);
  auto speed = [&](const std::string& model, uint32_t concurrency) {
    absl::StatusOr<std::optional<CellSpeed>> result;
    EXPECT_OK(db().Transact([&](pqxx::work& w) {
      result = CellSecondsPerSample(w, model, "mini", testing::kClass, concurrency);
      return result.status();
    }));
    return result.value_or(std::nullopt);
  };
  // Measured but not completed: no history yet.
  EXPECT_EQ(speed("m1", 4), std::nullopt);
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec0("UPDATE shards SET state = 'succeeded', finished_at = now()");
    return absl::OkStatus();
  }));
  std::optional<CellSpeed> m1 = speed("m1", 4);
  ASSERT_TRUE(m1.has_value());
  EXPECT_DOUBLE_EQ(m1->seconds_per_sample, 10.0 / 10);  // (2 + 8) s over (4 + 6) samples
  EXPECT_EQ(m1->shards, 2);
  EXPECT_EQ(speed("m1", 16), std::nullopt);  // the planned shards ran at concurrency 4
  EXPECT_EQ(speed("m2", 4), std::nullopt);
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
  EXPECT_TRUE(std::isnan(cells[0].carbon_g_per_query));
  EXPECT_TRUE(std::isnan(cells[0].cost_usd_per_query));
  EXPECT_EQ(cells[0].score_metric, "");
  EXPECT_TRUE(std::isnan(cells[0].score));
}

// The score comes from the stored rows through the task's aggregation: failed rows are left
// out of the score (and counted as errors), and corpus statistics survive the round trip.
TEST_F(ReportQueriesTest, ScoreIsTheTasksAggregateOverStoredRows) {
  SeedSuite();
  std::string worker = AddWorker("w", {"m1"});
  int64_t sweep = AddSweep({Planned("m1", 0, 4)});
  auto leased = Acquire(worker);
  ASSERT_TRUE(leased.has_value());
  std::vector<v1::SampleResult> batch = {Result(0, 1), Result(1, 0), Result(2, 1), Result(3, 0)};
  batch[3].set_error("UNAVAILABLE: server down");
  (*batch[0].mutable_corpus_stats())["none/bleu"].add_values(4);
  (*batch[0].mutable_corpus_stats())["none/bleu"].add_values(5);
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    return InsertResults(w, leased->shard_id, leased->epoch, worker, batch).status();
  }));
  std::vector<CellSummary> cells = Summarize(sweep);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].samples, 4);
  EXPECT_EQ(cells[0].errors, 1);
  EXPECT_NEAR(cells[0].score, 2.0 / 3.0, 1e-12);
  absl::StatusOr<tasks::TaskScores> scores;
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    scores = ScoreCell(w, sweep, "m1", "mini", testing::kClass);
    return scores.status();
  }));
  EXPECT_EQ(scores->failed_rows, 1u);
  EXPECT_EQ(scores->samples, 3u);
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    pqxx::row row = w.exec1("SELECT corpus_stats::text FROM sample_results WHERE sample_index = 0");
    EXPECT_EQ(nlohmann::json::parse(row[0].as<std::string>()),
              nlohmann::json::parse(R"({"none/bleu": [4, 5]})"));
    return absl::OkStatus();
  }));
}

}  // namespace
}  // namespace jb::storage
