#include "bench/report_bench_data.h"

#include <algorithm>
#include <atomic>
#include <pqxx/nontransaction>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "storage/leaderboard.h"
#include "storage/pg_errors.h"
#include "storage/sealed_cells.h"
#include "storage/sql_values.h"
#include "storage/suite_repository.h"
#include "tasks/suite.h"

namespace jb::bench {
namespace {

namespace v1 = joulebench::v1;

struct ModelProfile {
  const char* name;
  double parameters;
  const char* family;
  double skill;  // added to each task's base success rate
  double size;   // scales latency, energy and memory
};
// The first kCurrentModels run in the current sweep; the others only in the older ones, and
// stay on the leaderboard from there.
constexpr ModelProfile kModels[] = {
    {"llama-3.1-8b-instruct", 8.03e9, "llama", 0.06, 1.0},
    {"qwen2.5-7b-instruct", 7.62e9, "qwen", 0.08, 0.95},
    {"mistral-7b-instruct-v0.3", 7.25e9, "mistral", 0.0, 0.92},
    {"phi-3.5-mini-instruct", 3.82e9, "phi", -0.05, 0.5},
    {"gemma-2-9b-it", 9.24e9, "gemma", 0.05, 1.15},
    {"llama-3.2-3b-instruct", 3.21e9, "llama", -0.1, 0.42},
};
constexpr int kCurrentModels = 4;
constexpr int kAllModels = std::size(kModels);

struct ClassProfile {
  const char* name;
  const char* gpu;
  double price_per_hour_usd;
  double ttft_s;  // for a model of size 1
  double tpot_s;
  double power_w;
};
constexpr ClassProfile kClasses[] = {
    {"h100-sxm", "NVIDIA H100 80GB HBM3", 2.49, 0.045, 0.011, 520},
    {"l4", "NVIDIA L4", 0.80, 0.16, 0.038, 68},
};

struct TaskProfile {
  const char* suite;     // a built-in suite, whose task definition is stored
  double base_skill;     // success rate of a model of skill 0
  int tokens;            // mean completion tokens; 0 for log-likelihood scoring
  int prediction_chars;  // the shortest prediction; rows carry up to 140 more
  const char* prediction;
  const char* target_sql;     // over the sample index i
  const char* extracted_sql;  // over i, ok (the primary metric is 1), tgt and prediction
};
constexpr TaskProfile kTasks[] = {
    {"arith-cot", 0.55, 160, 280,
     "Natalia sold 48 clips in April and half as many in May, so she sold 48 / 2 = <<48/2=24>>24 "
     "clips in May. Altogether she sold 48 + 24 = <<48+24=72>>72 clips in April and May. "
     "Checking the sum: 72 is 48 plus 24, and 24 is half of 48, so the answer follows from both "
     "months. She sold 72 clips, which is the number the question asks for, and no other month "
     "is mentioned, so nothing else needs adding to the total.\n#### 72",
     "((i * 37) % 900 + 12)::text", "CASE WHEN ok THEN tgt ELSE ((i * 37) % 900 + 13)::text END"},
    {"science-mc", 0.7, 0, 20,
     "it reflects light from the Sun; it is made of burning gas; it makes its own light; it "
     "reflects light from Earth's cities",
     "chr(65 + i % 4)", "CASE WHEN ok THEN tgt ELSE chr(65 + (i + 1) % 4) END"},
    {"sentiment", 0.85, 24, 280,
     "The review is positive. The customer says the dentist explained the check-up step by step "
     "and put them at ease, calls the visit great value for money and says they cannot wait to "
     "go again. Nothing in it complains about the price, the wait or the staff, and the one "
     "hesitation at the start is answered by the rest of the review, so the overall sentiment "
     "is clearly positive rather than negative.\nAnswer: positive",
     "CASE WHEN i % 2 = 0 THEN 'positive' ELSE 'negative' END",
     "CASE WHEN ok THEN tgt WHEN tgt = 'positive' THEN 'negative' ELSE 'positive' END"},
    {"extractive-qa", 0.6, 48, 280,
     "The passage says that the town was founded in 1160 by Adaeze Kowalczyk, a merchant who "
     "built the first bridge over the River Corran. The question asks when Rookbrook was "
     "founded, and the passage states the year directly in its second sentence, so the "
     "shortest span of text copied from the passage that answers the question is the year with "
     "its preposition, as the passage gives it.\nAnswer: in 1160",
     "'in ' || (1100 + i % 900)", "CASE WHEN ok THEN tgt ELSE 'unanswerable' END"},
    {"summarisation", 0.5, 90, 280,
     "Northstar Textiles will open a new factory in Wickmere in 2028, investing 121 million "
     "pounds and creating 520 jobs; the local council welcomed the announcement, and "
     "recruitment is expected to begin next year. The company said the site would make "
     "technical fabrics for outdoor clothing, and that most of the new jobs would go to people "
     "living within twenty miles of the town, with apprenticeships offered from the first "
     "year of production.",
     "'Northstar Textiles is to open a factory in Wickmere, creating 520 jobs and investing 121 "
     "million pounds; it is due to open in 2028 (article ' || i || ').'",
     "prediction"},
};
constexpr int kConcurrency = 32;
constexpr int kSnapshotDays = 90;

constexpr char kServerMetrics[] =
    "# HELP vllm:num_requests_running Number of requests currently running on GPU.\n"
    "# TYPE vllm:num_requests_running gauge\n"
    "vllm:num_requests_running{model_name=\"bench\"} 0.0\n"
    "# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.\n"
    "# TYPE vllm:gpu_cache_usage_perc gauge\n"
    "vllm:gpu_cache_usage_perc{model_name=\"bench\"} 0.0\n"
    "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.\n"
    "# TYPE vllm:prompt_tokens_total counter\n"
    "vllm:prompt_tokens_total{model_name=\"bench\"} 1.2766e+07\n"
    "# HELP vllm:generation_tokens_total Number of generation tokens processed.\n"
    "# TYPE vllm:generation_tokens_total counter\n"
    "vllm:generation_tokens_total{model_name=\"bench\"} 4.1553e+06\n"
    "# HELP vllm:request_success_total Count of successfully processed requests.\n"
    "# TYPE vllm:request_success_total counter\n"
    "vllm:request_success_total{finished_reason=\"stop\",model_name=\"bench\"} 41187.0\n"
    "vllm:request_success_total{finished_reason=\"length\",model_name=\"bench\"} 2210.0\n";

// Metric values by kind: 0/1 for these, a fraction in [0, 1] for the others (F1, ROUGE).
bool IsProportion(const std::string& metric) {
  return metric == "exact_match" || metric == "acc" || metric == "acc_norm" || metric == "exact";
}

// The SQL of one metric's value, the `ordinal`th of the task (each a little more lenient
// than the one before), over u and v (uniform draws), p (the success rate) and ok.
std::string MetricSql(const std::string& metric, int ordinal) {
  if (IsProportion(metric)) return absl::StrCat("(u < p + ", 0.03 * ordinal, ")::int");
  return absl::StrCat(
      "round(least(1, greatest(0, CASE WHEN ok THEN 0.78 ELSE 0.3 END + 0.4 * (v - 0.5) + ",
      0.02 * ordinal, "))::numeric, 4)");
}

// The task's metrics as ScoreCell reads them: "pipeline/metric" keys (tasks/aggregate.h).
// InvalidArgument for a metric these rows cannot carry (corpus statistics, pass@k).
absl::StatusOr<std::pair<std::string, std::string>> MetricsAndScoreSql(
    const v1::TaskDefinition& task) {
  std::vector<std::string> pipelines;
  for (const auto& pipeline : task.filters()) pipelines.push_back(pipeline.name());
  if (pipelines.empty()) pipelines.push_back("none");
  std::vector<std::string> pairs;
  std::string score;
  for (const std::string& pipeline : pipelines) {
    for (const v1::MetricSpec& spec : task.metrics()) {
      if (spec.metric() == "bleu" || spec.metric() == "pass_at_k" ||
          (spec.metric() == "f1" && task.output_type() == v1::OUTPUT_TYPE_MULTIPLE_CHOICE)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "task ", task.name(), ": metric ", spec.metric(), " is not generated by this bench"));
      }
      const std::string value = MetricSql(spec.metric(), static_cast<int>(pairs.size()));
      if (score.empty()) score = value;
      pairs.push_back(absl::StrCat("'", pipeline, "/", spec.metric(), "', ", value));
    }
  }
  return std::make_pair(absl::StrCat("jsonb_build_object(", absl::StrJoin(pairs, ", "), ")"),
                        score);
}

// The parameters both fill statements share: $1 sweep, $2 task, $3 class, $4 models, $5
// their skill, $6 their size, $7 the class's TTFT, $8 TPOT, $9 power, $10 the task's mean
// completion tokens, $11 concurrency.
constexpr char kCellShards[] =
    "shards s JOIN unnest($4::text[], $5::float8[], $6::float8[]) m(model, skill, size)"
    "  ON m.model = s.model";
constexpr char kCellFilter[] = "s.sweep_id = $1 AND s.task = $2 AND s.hardware_class = $3";

constexpr char kInsertResults[] =
    "INSERT INTO sample_results (shard_id, sample_index, epoch, worker_id, prediction,"
    "  extracted, target, score, metrics, prompt_tokens, completion_tokens, finish_reason,"
    "  ttft_s, tpot_s, e2e_s, attempts, energy_j, error, answer_method, created_at) "
    "SELECT shard_id, i, 1, worker, prediction, CASE WHEN failed THEN '' ELSE {extracted} END,"
    "  tgt, CASE WHEN failed THEN 0 ELSE {score} END,"
    "  CASE WHEN failed THEN '{}'::jsonb ELSE {metrics} END, 120 + i % 380, tokens,"
    "  CASE WHEN failed THEN '' WHEN tokens > 1.5 * $10::int THEN 'length' ELSE 'stop' END,"
    "  ttft, tpot, e2e, CASE WHEN failed THEN 3 ELSE 1 END, $9::float8 * e2e / $11::int,"
    "  CASE WHEN failed THEN 'HTTP 503 after 3 attempts: the server is overloaded' ELSE '' END,"
    "  CASE WHEN $10::int = 0 THEN 'loglikelihood' ELSE 'generate' END, finished_at "
    "FROM ("
    "  SELECT g.*, substr($12, 1 + i % 61, $13::int + i % 141) AS prediction, {target} AS tgt,"
    "    u < p AS ok, f < 0.001 AS failed,"
    "    CASE WHEN $10::int > 0 THEN first_token_s END AS ttft,"
    "    CASE WHEN $10::int > 0 THEN token_s END AS tpot,"
    "    CASE WHEN $10::int > 0 THEN first_token_s + token_s * tokens"
    "         ELSE 2 * first_token_s END AS e2e"
    "  FROM ("
    "    SELECT s.id AS shard_id, s.lease_owner AS worker, s.finished_at, i,"
    "      least(0.97, $14::float8 + m.skill) AS p, random() AS u, random() AS v, random() AS f,"
    "      $7::float8 * m.size * (0.6 + 0.8 * random()) AS first_token_s,"
    "      $8::float8 * m.size * (0.85 + 0.3 * random()) AS token_s,"
    "      CASE WHEN $10::int > 0 THEN greatest(1, round($10::int * (0.4 + 1.2 * random())))::int"
    "           ELSE 0 END AS tokens"
    "    FROM {shards} CROSS JOIN LATERAL generate_series(s.sample_begin, s.sample_end - 1) i"
    "    WHERE {filter}) g) h";

// One measurement per shard: the class's power over the shard's wall time at the sweep's
// concurrency, split over GPU, CPU and DRAM.
constexpr char kInsertMeasurements[] =
    "INSERT INTO shard_measurements (shard_id, epoch, worker_id, window_start_s, window_end_s,"
    "  wall_time_s, gpu_energy_j, cpu_energy_j, dram_energy_j, total_energy_j, idle_power_w,"
    "  above_idle_energy_j, method, estimated, simulated, sampling_period_ms, exclusive, region,"
    "  carbon_intensity_g_per_kwh, carbon_intensity_source, pue, completion_tokens, readings,"
    "  server, server_metrics_before, server_metrics_after, server_counters, peak_memory_mb,"
    "  memory_source) "
    "SELECT id, 1, lease_owner, t0, t0 + wall, wall, 0.82 * joules, 0.14 * joules,"
    "  0.04 * joules, joules, 0.25 * $9::float8, 0.75 * joules, 'rapl', false, false, 100, true,"
    "  'DE', 381, 'table:DE (yearly average 2024)', 1.2, samples * $10::int,"
    "  jsonb_build_array("
    "    jsonb_build_object('domain', 'gpu', 'energy_j', 0.82 * joules,"
    "                       'method', 'ENERGY_METHOD_NVML_ENERGY_COUNTER'),"
    "    jsonb_build_object('domain', 'cpu', 'energy_j', 0.14 * joules,"
    "                       'method', 'ENERGY_METHOD_RAPL'),"
    "    jsonb_build_object('domain', 'dram', 'energy_j', 0.04 * joules,"
    "                       'method', 'ENERGY_METHOD_RAPL')),"
    "  jsonb_build_object('kind', 'vllm', 'version', '0.6.3', 'models',"
    "                     jsonb_build_array(jsonb_build_object('name', model))),"
    "  $12, $12, jsonb_build_object('prompt_tokens', samples * 310,"
    "    'generation_tokens', samples * $10::int, 'requests', samples),"
    "  16000 * size + 3500, 'nvml-peak' "
    "FROM ("
    "  SELECT *, $9::float8 * wall AS joules FROM ("
    "    SELECT s.id, s.lease_owner, s.model, m.size, extract(epoch FROM s.started_at) AS t0,"
    "      s.sample_end - s.sample_begin AS samples,"
    "      (s.sample_end - s.sample_begin) * m.size"
    "        * CASE WHEN $10::int > 0 THEN $7::float8 + $8::float8 * $10::int"
    "               ELSE 2 * $7::float8 END / $11::int AS wall"
    "    FROM {shards} WHERE {filter}) w) x";

std::string FloatArray(const std::vector<double>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

absl::Status StoreCatalog(pqxx::work& w, const std::vector<v1::TaskDefinition>& tasks,
                          int64_t samples) {
  std::vector<std::string> all_models;
  for (const ModelProfile& m : kModels) {
    w.exec_params0("INSERT INTO models (name, parameters, family) VALUES ($1, $2, $3)", m.name,
                   m.parameters, m.family);
    all_models.push_back(m.name);
  }
  for (const ClassProfile& c : kClasses) {
    w.exec_params0(
        "INSERT INTO hardware_classes (name, gpu_product, gpu_count, price_per_hour_usd,"
        "  electricity_usd_per_kwh) VALUES ($1, $2, 1, $3, 0.12)",
        c.name, c.gpu, c.price_per_hour_usd);
    for (int i = 0; i < 2; ++i) {
      w.exec_params0(
          "INSERT INTO workers (id, name, hardware_class, hardware, server, served_models) "
          "VALUES ($1, $1, $2, '{}', '{\"kind\": \"vllm\"}', $3::text[])",
          absl::StrCat(c.name, "-w", i), c.name, storage::TextArrayLiteral(all_models));
    }
  }
  for (const v1::TaskDefinition& task : tasks) {
    JB_RETURN_IF_ERROR(storage::PutSuite(w, task, {}).status());
    w.exec_params0("UPDATE suites SET sample_count = $2 WHERE content_hash = $1",
                   task.content_hash(), samples);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ReportBenchData::AddHistory(int64_t current_rows) {
  for (const TaskProfile& profile : kTasks) {
    JB_ASSIGN_OR_RETURN(tasks::Suite suite, tasks::FindBuiltinSuite(profile.suite));
    suite.task.set_content_hash(absl::StrCat("bench-", profile.suite));
    tasks_.push_back(suite.task);
  }
  const int64_t cells = kCurrentModels * std::size(kTasks) * std::size(kClasses);
  JB_RETURN_IF_ERROR(db_.Transact([&](pqxx::work& w) {
    return StoreCatalog(w, tasks_, std::max<int64_t>(1, current_rows / cells));
  }));
  const int64_t old_cells = kAllModels * std::size(kTasks) * std::size(kClasses);
  const int64_t old_samples = std::max<int64_t>(1, current_rows / 20 / old_cells);
  int64_t rows = 0;
  for (int days_ago : {60, 30}) {
    JB_ASSIGN_OR_RETURN(Sweep sweep, AddSweep(absl::StrCat("nightly, ", days_ago, " days ago"),
                                              days_ago, kAllModels, old_samples));
    JB_RETURN_IF_ERROR(db_.Transact([&](pqxx::work& w) -> absl::Status {
      if (storage::LockNextSealableSweep(w, 0) != sweep.id) {
        return absl::InternalError(absl::StrCat("sweep ", sweep.id, " is not the one to seal"));
      }
      return storage::SealSweep(w, sweep.id);
    }));
    rows += sweep.rows;
  }
  JB_RETURN_IF_ERROR(db_.Transact([](pqxx::work& w) {
    storage::RefreshLeaderboard(w);
    w.exec_params0(
        "INSERT INTO leaderboard_snapshots (snapshot_date, task, model, hardware_class,"
        "  sweep_id, score_metric, score, score_ci_low, score_ci_high, j_per_query,"
        "  energy_method, simulated, gco2e_per_query, usd_per_1k_queries, e2e_p50_s,"
        "  energy_band, latency_band, taken_at) "
        "SELECT (now() AT TIME ZONE 'UTC')::date - d, task, model, hardware_class, sweep_id,"
        "  score_metric, score, score_ci_low, score_ci_high,"
        "  j_per_query * (0.97 + 0.06 * random()), energy_method, simulated, gco2e_per_query,"
        "  usd_per_1k_queries, e2e_p50_s * (0.95 + 0.1 * random()), 0.1, 0.1,"
        "  now() - d * interval '1 day' "
        "FROM leaderboard, generate_series(1, $1) d",
        kSnapshotDays);
    return absl::OkStatus();
  }));
  return rows;
}

absl::StatusOr<CurrentSweep> ReportBenchData::AddCurrentSweep(int64_t rows) {
  const int cells = kCurrentModels * std::size(kTasks) * std::size(kClasses);
  JB_ASSIGN_OR_RETURN(Sweep sweep, AddSweep("nightly, today", 0, kCurrentModels,
                                            std::max<int64_t>(1, rows / cells)));
  return CurrentSweep{sweep.id, sweep.rows, cells, sweep.shards};
}

absl::StatusOr<ReportBenchData::Sweep> ReportBenchData::AddSweep(const std::string& name,
                                                                 int days_ago, int models,
                                                                 int64_t samples) {
  std::vector<std::string> model_names, task_names, class_names;
  for (int i = 0; i < models; ++i) model_names.push_back(kModels[i].name);
  for (const v1::TaskDefinition& task : tasks_) task_names.push_back(task.name());
  for (const ClassProfile& c : kClasses) class_names.push_back(c.name);
  Sweep sweep;
  JB_RETURN_IF_ERROR(db_.Transact([&](pqxx::work& w) {
    sweep.id = w.exec_params1(
                    "INSERT INTO sweeps (name, spec_yaml, source_name, labels, state, created_at) "
                    "VALUES ($1, 'name: nightly\n', 'sweeps/nightly.yaml', "
                    "  '{\"team\": \"eval\"}', 'running', "
                    "  now() - $2::int * interval '1 day' - interval '8 hours') RETURNING id",
                    name, days_ago)[0]
                   .as<int64_t>();
    sweep.shards =
        w.exec_params(
             "INSERT INTO shards (sweep_id, model, suite_hash, task, hardware_class,"
             "  sample_begin, sample_end, settings, state, attempts, lease_owner, lease_epoch,"
             "  progress_samples, created_at, started_at, finished_at) "
             "SELECT w.id, m, 'bench-' || t, t, c, k * $5::int, least((k + 1) * $5::int, $6::int),"
             "  jsonb_build_object('concurrency', $7::int), 'succeeded', 1, c || '-w' || k % 2, 1,"
             "  least((k + 1) * $5::int, $6::int) - k * $5::int, w.created_at,"
             "  w.created_at + k * interval '40 seconds',"
             "  w.created_at + (k + 1) * interval '40 seconds' "
             "FROM sweeps w, unnest($2::text[]) m, unnest($3::text[]) t, unnest($4::text[]) c,"
             "  generate_series(0, ($6::int - 1) / $5::int) k "
             "WHERE w.id = $1 ORDER BY m, t, c, k",
             sweep.id, storage::TextArrayLiteral(model_names),
             storage::TextArrayLiteral(task_names), storage::TextArrayLiteral(class_names),
             kShardSamples, samples, kConcurrency)
            .affected_rows();
    return absl::OkStatus();
  }));

  // One job per (task, class) cell column, kLoadConnections at a time.
  std::atomic<size_t> next{0};
  std::atomic<int64_t> rows{0};
  std::vector<absl::Status> statuses(kLoadConnections);
  std::vector<std::thread> threads;
  const size_t jobs = tasks_.size() * std::size(kClasses);
  for (int t = 0; t < kLoadConnections; ++t) {
    threads.emplace_back([&, t] {
      for (size_t job = next++; job < jobs && statuses[t].ok(); job = next++) {
        absl::StatusOr<int64_t> filled =
            FillCells(sweep.id, models, job / std::size(kClasses), job % std::size(kClasses));
        if (filled.ok()) rows += *filled;
        statuses[t] = filled.status();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& status : statuses) JB_RETURN_IF_ERROR(status);
  sweep.rows = rows;
  // Ended as the shard queue ends a sweep whose shards all succeeded.
  JB_RETURN_IF_ERROR(db_.Transact([&](pqxx::work& w) {
    w.exec_params0(
        "UPDATE sweeps SET state = 'succeeded', finished_at = created_at + interval '6 hours' "
        "WHERE id = $1",
        sweep.id);
    return absl::OkStatus();
  }));
  return sweep;
}

absl::StatusOr<int64_t> ReportBenchData::FillCells(int64_t sweep_id, int models, size_t task,
                                                   size_t hardware_class) {
  const TaskProfile& profile = kTasks[task];
  const ClassProfile& c = kClasses[hardware_class];
  JB_ASSIGN_OR_RETURN(auto metrics, MetricsAndScoreSql(tasks_[task]));
  std::vector<std::string> names;
  std::vector<double> skills, sizes;
  for (int i = 0; i < models; ++i) {
    names.push_back(kModels[i].name);
    skills.push_back(kModels[i].skill);
    sizes.push_back(kModels[i].size);
  }
  const std::string results_sql =
      absl::StrReplaceAll(kInsertResults, {{"{shards}", kCellShards},
                                           {"{filter}", kCellFilter},
                                           {"{metrics}", metrics.first},
                                           {"{score}", metrics.second},
                                           {"{target}", profile.target_sql},
                                           {"{extracted}", profile.extracted_sql}});
  const std::string measurements_sql = absl::StrReplaceAll(
      kInsertMeasurements, {{"{shards}", kCellShards}, {"{filter}", kCellFilter}});
  int64_t rows = 0;
  JB_RETURN_IF_ERROR(db_.Transact([&](pqxx::work& w) {
    rows =
        w.exec_params(results_sql, sweep_id, tasks_[task].name(), c.name,
                      storage::TextArrayLiteral(names), FloatArray(skills), FloatArray(sizes),
                      c.ttft_s, c.tpot_s, c.power_w, profile.tokens, kConcurrency,
                      std::string(profile.prediction), profile.prediction_chars, profile.base_skill)
            .affected_rows();
    w.exec_params0(measurements_sql, sweep_id, tasks_[task].name(), c.name,
                   storage::TextArrayLiteral(names), FloatArray(skills), FloatArray(sizes),
                   c.ttft_s, c.tpot_s, c.power_w, profile.tokens, kConcurrency,
                   std::string(kServerMetrics));
    return absl::OkStatus();
  }));
  return rows;
}

absl::StatusOr<double> ReportBenchData::VacuumAnalyze() {
  const absl::Time start = absl::Now();
  try {
    pqxx::connection conn(url_);
    pqxx::nontransaction tx(conn);
    tx.exec0("VACUUM (ANALYZE)");
  } catch (...) {
    return storage::StatusFromCurrentException("VACUUM (ANALYZE) after loading");
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace jb::bench
