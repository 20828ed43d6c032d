#include "storage/result_repository.h"

#include <pqxx/result>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/measurement_repository.h"
#include "storage/shard_queue.h"
#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

using ::jb::testing::StatusIs;
namespace v1 = ::joulebench::v1;

class ResultRepositoryTest : public testing::StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    SeedSuite();
    worker_ = AddWorker("worker-a", {"m1"});
    AddSweep({Planned("m1", 0, 10)});
    auto leased = Acquire(worker_);
    ASSERT_TRUE(leased.has_value());
    shard_ = *leased;
  }

  // What ReportSamples does.
  absl::StatusOr<InsertResultsOutcome> Report(const std::vector<v1::SampleResult>& results,
                                              int64_t epoch) {
    return db().TransactValue(
        [&](pqxx::work& w) { return InsertResults(w, shard_.shard_id, epoch, worker_, results); });
  }

  int64_t Count() {
    return std::stoll(Scalar(
        absl::StrCat("SELECT count(*) FROM sample_results WHERE shard_id = ", shard_.shard_id)));
  }

  std::string worker_;
  LeasedShard shard_;
};

TEST_F(ResultRepositoryTest, ASecondReportOfTheSameResultsIsAllDuplicates) {
  std::vector<v1::SampleResult> batch = {Result(0, 1), Result(1, 0), Result(2, 1), Result(2, 0, 1)};
  ASSERT_OK_AND_ASSIGN(InsertResultsOutcome first, Report(batch, shard_.epoch));
  EXPECT_EQ(first.inserted, 4);
  EXPECT_EQ(first.duplicates, 0);
  ASSERT_OK_AND_ASSIGN(InsertResultsOutcome second, Report(batch, shard_.epoch));
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.duplicates, 4);
  EXPECT_EQ(Count(), 4);
}

TEST_F(ResultRepositoryTest, DuplicatesWithinABatchAndTwoBatchesInOneTransaction) {
  ASSERT_OK_AND_ASSIGN(
      auto outcomes,
      db().TransactValue(
          [&](pqxx::work& w)
              -> absl::StatusOr<std::pair<InsertResultsOutcome, InsertResultsOutcome>> {
            JB_ASSIGN_OR_RETURN(auto a, InsertResults(w, shard_.shard_id, shard_.epoch, worker_,
                                                      {Result(3, 1), Result(3, 0)}));
            JB_ASSIGN_OR_RETURN(auto b, InsertResults(w, shard_.shard_id, shard_.epoch, worker_,
                                                      {Result(3, 1), Result(4, 1)}));
            return std::make_pair(a, b);
          }));
  EXPECT_EQ(outcomes.first.inserted, 1);
  EXPECT_EQ(outcomes.first.duplicates, 1);
  EXPECT_EQ(outcomes.second.inserted, 1);
  EXPECT_EQ(outcomes.second.duplicates, 1);
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(Scalar("SELECT score FROM sample_results WHERE sample_index = 3"), "1")
      << "the first stored result is kept";
}

// Both ways in: one INSERT of JSON rows for a small report, COPY for a large one.
TEST_F(ResultRepositoryTest, StoresEveryFieldWithNullsForUnknowns) {
  for (const bool large : {false, true}) {
    SCOPED_TRACE(large ? "COPY" : "JSON rows");
    const int repeat = large ? 1 : 0;
    v1::SampleResult streamed = Result(5, 0.5, repeat);
    streamed.set_energy_j(2.5);
    streamed.mutable_timing()->set_attempts(2);
    (*streamed.mutable_corpus_stats())["bleu"].add_values(1.5);
    streamed.set_answer_method("regex");
    v1::SampleResult plain = Result(6, 1, repeat);
    plain.mutable_timing()->set_streamed(false);
    plain.set_error("HTTP 503 \"busy\"\nretried");
    std::vector<v1::SampleResult> batch = {streamed, plain};
    for (int r = 2; large && batch.size() < kCopyResultsFrom; ++r) {
      for (int i = 0; i < 10; ++i) batch.push_back(Result(i, 0, r));
    }
    ASSERT_OK_AND_ASSIGN(InsertResultsOutcome outcome, Report(batch, shard_.epoch));
    EXPECT_EQ(outcome.inserted, static_cast<int>(batch.size()));
    const std::string where = absl::StrCat(" FROM sample_results WHERE repeat_index = ", repeat);
    EXPECT_EQ(Scalar(absl::StrCat(
                  "SELECT concat_ws('|', epoch, worker_id, prediction, extracted, target, score,"
                  " metrics->>'none/exact_match', prompt_tokens, completion_tokens,"
                  " finish_reason, ttft_s, tpot_s, e2e_s, attempts, energy_j,"
                  " corpus_stats->'bleu'->>0, answer_method)",
                  where, " AND sample_index = 5")),
              absl::StrCat(shard_.epoch, "|", worker_,
                           "|answer 5|1|1|0.5|0.5|12|3|stop|0.05|0.01|0.07|2|2.5|1.5|regex"));
    EXPECT_EQ(Scalar(absl::StrCat("SELECT ttft_s IS NULL AND tpot_s IS NULL AND energy_j IS NULL"
                                  " AND attempts = 1 AND error = 'HTTP 503 \"busy\"' || chr(10) ||"
                                  " 'retried'",
                                  where, " AND sample_index = 6")),
              "t");
  }
}

// A large report (COPY into the staging table) keeps every guarantee of a small one.
TEST_F(ResultRepositoryTest, LargeReportsThroughCopyKeepTheGuarantees) {
  std::vector<v1::SampleResult> batch;
  for (int repeat = 0; repeat < 4; ++repeat) {
    for (int i = 0; i < 10; ++i) batch.push_back(Result(i, i % 2, repeat));
  }
  ASSERT_GE(batch.size(), kCopyResultsFrom);
  batch.push_back(Result(3, 0));  // repeated within the batch
  ASSERT_OK_AND_ASSIGN(InsertResultsOutcome first, Report(batch, shard_.epoch));
  EXPECT_EQ(first.inserted, 40);
  EXPECT_EQ(first.duplicates, 1);
  ASSERT_OK_AND_ASSIGN(InsertResultsOutcome second, Report(batch, shard_.epoch));
  EXPECT_EQ(second.inserted, 0);
  EXPECT_EQ(second.duplicates, 41);
  EXPECT_EQ(Count(), 40);

  std::vector<v1::SampleResult> more;
  for (int i = 0; i < 40; ++i) more.push_back(Result(i % 10, 1, 4 + i / 10));
  more.push_back(Result(10, 1));
  EXPECT_THAT(Report(more, shard_.epoch),
              StatusIs(absl::StatusCode::kInvalidArgument, "sample 10"));
  more.pop_back();
  EXPECT_THAT(Report(more, shard_.epoch + 1), StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(Count(), 40) << "a refused report stores none of its results";
  ASSERT_OK_AND_ASSIGN(InsertResultsOutcome third, Report(more, shard_.epoch));
  EXPECT_EQ(third.inserted, 40);
  EXPECT_EQ(third.duplicates, 0) << "nothing staged by an earlier report is left over";
  EXPECT_EQ(Count(), 80);
}

TEST_F(ResultRepositoryTest, RefusesSamplesOutsideTheShardAndStaleLeases) {
  EXPECT_THAT(Report({Result(10, 1)}, shard_.epoch),
              StatusIs(absl::StatusCode::kInvalidArgument, "outside shard"));
  EXPECT_THAT(Report({Result(1, 1)}, shard_.epoch + 1),
              StatusIs(absl::StatusCode::kAborted,
                       absl::StrCat("lease on shard ", shard_.shard_id, " epoch ", shard_.epoch + 1,
                                    " is no longer held (shard is leased at "
                                    "epoch ",
                                    shard_.epoch, ")")));
  const std::string other = AddWorker("worker-b", {"m1"});
  EXPECT_THAT(db().TransactValue([&](pqxx::work& w) {
    return InsertResults(w, shard_.shard_id, shard_.epoch, other, {Result(1, 1)});
  }),
              StatusIs(absl::StatusCode::kAborted, absl::StrCat("last held by ", worker_)));
  EXPECT_THAT(
      db().TransactValue([](pqxx::work& w) { return InsertResults(w, 987654, 1, "w", {}); }),
      StatusIs(absl::StatusCode::kAborted, "shard does not exist"));
  EXPECT_EQ(Count(), 0);
  // An empty report only checks the lease.
  ASSERT_OK_AND_ASSIGN(InsertResultsOutcome none, Report({}, shard_.epoch));
  EXPECT_EQ(none.inserted, 0);
  EXPECT_EQ(none.duplicates, 0);
}

TEST_F(ResultRepositoryTest, MeasurementSumsDomainsAndIsStoredOnce) {
  v1::Measurement m;
  m.set_window_start_s(1.0);
  m.set_window_end_s(11.0);
  m.set_wall_time_s(10.0);
  auto add = [&](const char* domain, double joules, v1::EnergyMethod method) {
    v1::EnergyReading* r = m.add_readings();
    r->set_domain(domain);
    r->set_energy_j(joules);
    r->set_method(method);
  };
  add("gpu", 100, v1::ENERGY_METHOD_NVML_ENERGY_COUNTER);
  add("gpu", 50, v1::ENERGY_METHOD_NVML_ENERGY_COUNTER);
  add("cpu", 30, v1::ENERGY_METHOD_RAPL);
  m.set_total_energy_j(180);
  m.set_idle_power_w(5);
  m.set_above_idle_energy_j(130);
  m.set_method(v1::ENERGY_METHOD_NVML_ENERGY_COUNTER);
  m.set_simulated(true);
  m.set_region("DEU");
  m.set_exclusive(false);
  m.set_shared_reason("GPU-a: 2 compute processes (pids 311, 912)");
  m.set_failed_samples(2);
  m.mutable_readings(0)->set_counter_resets(1);
  m.set_completion_tokens(300);
  m.mutable_server()->set_kind("joulebench-sim");
  m.set_server_metrics_before("vllm:num_requests_running 0\n");
  m.mutable_server_counters()->set_generation_tokens(300);
  m.mutable_server_counters()->add_names_found("vllm:generation_tokens_total");
  m.set_peak_memory_mb(40960);
  m.set_memory_source("nvml-peak");

  auto insert = [&](const v1::Measurement& measurement) {
    return db().TransactValue([&](pqxx::work& w) {
      return InsertMeasurement(w, shard_.shard_id, shard_.epoch, worker_, measurement);
    });
  };
  ASSERT_OK_AND_ASSIGN(bool inserted, insert(m));
  EXPECT_TRUE(inserted);
  EXPECT_EQ(Scalar("SELECT concat_ws('|', gpu_energy_j, cpu_energy_j,"
                   " COALESCE(dram_energy_j::text, 'null'), total_energy_j, method, simulated,"
                   " jsonb_array_length(readings), server->>'kind', completion_tokens, pue,"
                   " COALESCE(carbon_intensity_g_per_kwh::text, 'null'), region,"
                   " server_counters->>'generation_tokens', server_metrics_before)"
                   " FROM shard_measurements"),
            "150|30|null|180|nvml-energy-counter|t|3|joulebench-sim|300|1|null|DEU|300|"
            "vllm:num_requests_running 0\n");
  EXPECT_EQ(Scalar("SELECT concat_ws('|', exclusive, shared_reason, failed_samples,"
                   " readings->0->>'counter_resets') FROM shard_measurements"),
            "f|GPU-a: 2 compute processes (pids 311, 912)|2|1");
  EXPECT_EQ(Scalar("SELECT concat_ws('|', peak_memory_mb, memory_source) FROM shard_measurements"),
            "40960|nvml-peak");
  v1::Measurement other = m;
  other.set_total_energy_j(1);
  ASSERT_OK_AND_ASSIGN(bool again, insert(other));
  EXPECT_FALSE(again);
  EXPECT_EQ(Scalar("SELECT total_energy_j FROM shard_measurements"), "180");
}

}  // namespace
}  // namespace jb::storage
