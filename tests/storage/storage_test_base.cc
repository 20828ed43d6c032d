#include "tests/storage/storage_test_base.h"

#include <pqxx/result>

#include "absl/strings/str_cat.h"
#include "storage/measurement_repository.h"
#include "storage/model_repository.h"
#include "storage/result_repository.h"
#include "storage/suite_repository.h"
#include "storage/sweep_repository.h"
#include "storage/worker_repository.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage::testing {

namespace v1 = ::joulebench::v1;

v1::TaskDefinition StorageTest::MiniTask(int repeats) {
  v1::TaskDefinition task;
  task.set_name("mini");
  task.set_version("1");
  task.set_content_hash(kSuiteHash);
  task.set_family("sentiment");
  task.set_output_type(v1::OUTPUT_TYPE_GENERATE_UNTIL);
  task.set_doc_to_text("{{text}}");
  task.set_doc_to_target("{{label}}");
  task.set_repeats(repeats);
  task.mutable_generation()->set_max_tokens(16);
  task.mutable_generation()->add_stop("\n");
  task.add_metrics()->set_metric("exact_match");
  return task;
}

std::vector<v1::Sample> StorageTest::MiniSamples(int n) {
  std::vector<v1::Sample> samples;
  for (int i = 0; i < n; ++i) {
    v1::Sample s;
    s.set_index(i);
    s.set_doc_json(absl::StrCat("{\"text\": \"doc ", i, "\", \"label\": ", i % 2, "}"));
    samples.push_back(s);
  }
  return samples;
}

PlannedShard StorageTest::Planned(const std::string& model, int begin, int end, int max_attempts,
                                  int priority, const std::string& hardware_class) {
  PlannedShard s;
  s.model = model;
  s.suite_hash = kSuiteHash;
  s.task = "mini";
  s.hardware_class = hardware_class;
  s.sample_begin = begin;
  s.sample_end = end;
  s.settings_json = R"({"concurrency": 4})";
  s.priority = priority;
  s.max_attempts = max_attempts;
  return s;
}

v1::SampleResult StorageTest::Result(int sample_index, double score, int repeat) {
  v1::SampleResult r;
  r.set_sample_index(sample_index);
  r.set_repeat_index(repeat);
  r.set_prediction(absl::StrCat("answer ", sample_index));
  r.set_extracted(absl::StrCat(sample_index % 2));
  r.set_target(absl::StrCat(sample_index % 2));
  r.set_score(score);
  (*r.mutable_metrics())["none/exact_match"] = score;
  r.set_prompt_tokens(12);
  r.set_completion_tokens(3);
  r.set_finish_reason("stop");
  r.mutable_timing()->set_streamed(true);
  r.mutable_timing()->set_ttft_s(0.05);
  r.mutable_timing()->set_tpot_s(0.01);
  r.mutable_timing()->set_e2e_s(0.07);
  return r;
}

void StorageTest::RunShard(const std::string& worker, int results, double joules,
                           v1::EnergyMethod method, double score, double wall_s, double pue,
                           double intensity) {
  auto leased = Acquire(worker);
  ASSERT_TRUE(leased.has_value());
  std::vector<v1::SampleResult> batch;
  for (int i = leased->sample_begin; i < leased->sample_begin + results; ++i) {
    batch.push_back(Result(i, score));
    batch.back().set_answer_method("generate");
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
  m.set_completion_tokens(3 * results);  // Result() gives every row 3 completion tokens
  m.set_method(method);
  m.set_estimated(method == v1::ENERGY_METHOD_ESTIMATE_TDP);
  m.set_wall_time_s(wall_s);
  m.set_pue(pue);
  m.set_carbon_intensity_g_per_kwh(intensity);
  if (intensity > 0) m.set_carbon_intensity_source(absl::StrCat("table:", intensity));
  ASSERT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    JB_RETURN_IF_ERROR(InsertResults(w, leased->shard_id, leased->epoch, worker, batch));
    return InsertMeasurement(w, leased->shard_id, leased->epoch, worker, m).status();
  }));
}

void StorageTest::EndSweep(int64_t sweep_id, const std::string& state) {
  ASSERT_OK(db().Transact([&](pqxx::work& w) {
    w.exec_params0("UPDATE shards SET state = $2 WHERE sweep_id = $1", sweep_id,
                   state == "cancelled" ? "cancelled" : "succeeded");
    w.exec_params0("UPDATE sweeps SET state = $2, finished_at = now() WHERE id = $1", sweep_id,
                   state);
    return absl::OkStatus();
  }));
}

void StorageTest::SeedSuite(int samples, int repeats) {
  EXPECT_OK(db().Transact([&](pqxx::work& w) -> absl::Status {
    JB_RETURN_IF_ERROR(PutSuite(w, MiniTask(repeats), MiniSamples(samples)).status());
    v1::ModelSpec m1;
    m1.set_name("m1");
    m1.set_parameters(1e9);
    JB_RETURN_IF_ERROR(UpsertModel(w, m1));
    v1::ModelSpec m2;
    m2.set_name("m2");
    return UpsertModel(w, m2);
  }));
}

int64_t StorageTest::AddSweep(const std::vector<PlannedShard>& shards, const std::string& name) {
  auto id = db().TransactValue([&](pqxx::work& w) -> absl::StatusOr<int64_t> {
    JB_ASSIGN_OR_RETURN(int64_t sweep_id, InsertSweep(w, name, "spec: yaml", "test.yaml", 0, {}));
    JB_RETURN_IF_ERROR(InsertShards(w, sweep_id, shards).status());
    return sweep_id;
  });
  EXPECT_TRUE(id.ok()) << id.status();
  return id.value_or(0);
}

std::string StorageTest::AddWorker(const std::string& name, const std::vector<std::string>& models,
                                   const std::string& hardware_class) {
  v1::HardwareProfile hardware;
  hardware.set_hardware_class(hardware_class);
  hardware.set_hostname(absl::StrCat(name, ".local"));
  v1::InferenceServer server;
  server.set_kind("joulebench-sim");
  for (const auto& m : models) server.add_models()->set_name(m);
  auto id = db().TransactValue(
      [&](pqxx::work& w) { return RegisterWorker(w, name, hardware, server, "test"); });
  EXPECT_TRUE(id.ok()) << id.status();
  return id.value_or("");
}

std::optional<LeasedShard> StorageTest::Acquire(const std::string& worker, absl::Duration ttl) {
  auto leased = db().TransactValue([&](pqxx::work& w) { return AcquireShard(w, worker, ttl); });
  EXPECT_TRUE(leased.ok()) << leased.status();
  return leased.value_or(std::nullopt);
}

ShardRecord StorageTest::Shard(int64_t shard_id) {
  auto shard = db().TransactValue([&](pqxx::work& w) { return GetShard(w, shard_id); });
  EXPECT_TRUE(shard.ok()) << shard.status();
  return shard.value_or(ShardRecord{});
}

std::string StorageTest::Scalar(const std::string& sql) {
  auto value = db().TransactValue([&](pqxx::work& w) -> absl::StatusOr<std::string> {
    pqxx::row row = w.exec1(sql);
    return row[0].is_null() ? std::string() : row[0].as<std::string>();
  });
  EXPECT_TRUE(value.ok()) << value.status();
  return value.value_or("<error>");
}

}  // namespace jb::storage::testing
