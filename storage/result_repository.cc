#include "storage/result_repository.h"

#include <algorithm>
#include <optional>
#include <pqxx/stream_to>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "storage/sql_values.h"

namespace jb::storage {

namespace v1 = ::joulebench::v1;

absl::StatusOr<InsertResultsOutcome> InsertResults(pqxx::work& w, int64_t shard_id, int64_t epoch,
                                                   const std::string& worker_id,
                                                   const std::vector<v1::SampleResult>& results) {
  pqxx::result range = ExecPrepared(
      w, "jb_shard_range", "SELECT sample_begin, sample_end FROM shards WHERE id = $1", shard_id);
  if (range.empty()) return absl::NotFoundError(absl::StrCat("unknown shard ", shard_id));
  const auto begin = range[0][0].as<int64_t>();
  const auto end = range[0][1].as<int64_t>();
  for (const v1::SampleResult& r : results) {
    if (r.sample_index() < begin || r.sample_index() >= end) {
      return absl::InvalidArgumentError(absl::StrCat("sample ", r.sample_index(),
                                                     " is outside shard ", shard_id, "'s range [",
                                                     begin, ", ", end, ")"));
    }
  }
  if (results.empty()) return InsertResultsOutcome{};

  // The staging table lives as long as the connection: created once, emptied after each use.
  // Creating and dropping it per call wrote a dozen catalog rows and broadcast a cache
  // invalidation to every backend each time, which throttled the whole queue under load.
  // Rows staged by a transaction that rolls back vanish with it.
  if (w.exec("SELECT to_regclass('pg_temp.jb_results_staging') IS NULL")[0][0].as<bool>()) {
    w.exec0(
        "CREATE TEMP TABLE jb_results_staging ("
        "  sample_index INTEGER, repeat_index INTEGER, prediction TEXT, extracted TEXT,"
        "  target TEXT, score DOUBLE PRECISION, metrics JSONB, prompt_tokens INTEGER,"
        "  completion_tokens INTEGER, finish_reason TEXT, ttft_s DOUBLE PRECISION,"
        "  tpot_s DOUBLE PRECISION, e2e_s DOUBLE PRECISION, attempts INTEGER,"
        "  energy_j DOUBLE PRECISION, error TEXT, corpus_stats JSONB, answer_method TEXT)");
  }
  {
    pqxx::stream_to stream(
        w, "jb_results_staging",
        std::vector<std::string>{"sample_index", "repeat_index", "prediction", "extracted",
                                 "target", "score", "metrics", "prompt_tokens", "completion_tokens",
                                 "finish_reason", "ttft_s", "tpot_s", "e2e_s", "attempts",
                                 "energy_j", "error", "corpus_stats", "answer_method"});
    for (const v1::SampleResult& r : results) {
      nlohmann::json metrics = nlohmann::json::object();
      for (const auto& [name, value] : r.metrics()) metrics[name] = value;
      nlohmann::json corpus_stats = nlohmann::json::object();
      for (const auto& [name, stats] : r.corpus_stats()) {
        corpus_stats[name] = std::vector<double>(stats.values().begin(), stats.values().end());
      }
      const bool streamed = r.timing().streamed();
      std::optional<double> ttft =
          streamed ? std::optional<double>(r.timing().ttft_s()) : std::nullopt;
      std::optional<double> tpot =
          streamed ? std::optional<double>(r.timing().tpot_s()) : std::nullopt;
      std::optional<double> energy =
          r.energy_j() != 0 ? std::optional<double>(r.energy_j()) : std::nullopt;
      stream << std::make_tuple(r.sample_index(), r.repeat_index(), r.prediction(), r.extracted(),
                                r.target(), r.score(), metrics.dump(), r.prompt_tokens(),
                                r.completion_tokens(), r.finish_reason(), ttft, tpot,
                                r.timing().e2e_s(), std::max(1u, r.timing().attempts()), energy,
                                r.error(), corpus_stats.dump(), r.answer_method());
    }
    stream.complete();
  }
  pqxx::result inserted = ExecPrepared(
      w, "jb_insert_staged_results",
      "INSERT INTO sample_results (shard_id, sample_index, repeat_index, epoch, worker_id,"
      "  prediction, extracted, target, score, metrics, prompt_tokens, completion_tokens,"
      "  finish_reason, ttft_s, tpot_s, e2e_s, attempts, energy_j, error, corpus_stats,"
      "  answer_method) "
      "SELECT $1, sample_index, repeat_index, $2, $3, prediction, extracted, target, score,"
      "  metrics, prompt_tokens, completion_tokens, finish_reason, ttft_s, tpot_s, e2e_s,"
      "  attempts, energy_j, error, corpus_stats, answer_method "
      "FROM jb_results_staging "
      "ON CONFLICT (shard_id, sample_index, repeat_index) DO NOTHING",
      shard_id, epoch, worker_id);
  w.exec0("DELETE FROM jb_results_staging");
  InsertResultsOutcome outcome;
  outcome.inserted = static_cast<int>(inserted.affected_rows());
  outcome.duplicates = static_cast<int>(results.size()) - outcome.inserted;
  return outcome;
}

absl::StatusOr<int64_t> CountResults(pqxx::work& w, int64_t shard_id) {
  return ExecPrepared(w, "jb_count_results",
                      "SELECT count(*) FROM sample_results WHERE shard_id = $1", shard_id)[0][0]
      .as<int64_t>();
}

absl::StatusOr<int> ApportionShardEnergy(pqxx::work& w, int64_t shard_id, double energy_j) {
  pqxx::result r = w.exec_params(
      "UPDATE sample_results r SET energy_j = $2::float8 * r.completion_tokens / t.tokens "
      "FROM (SELECT sum(completion_tokens)::float8 AS tokens FROM sample_results "
      "      WHERE shard_id = $1) t "
      "WHERE r.shard_id = $1 AND t.tokens > 0",
      shard_id, energy_j);
  return static_cast<int>(r.affected_rows());
}

}  // namespace jb::storage
