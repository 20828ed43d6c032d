#include "storage/result_repository.h"

#include <algorithm>
#include <array>
#include <optional>
#include <pqxx/stream_to>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "storage/shard_queue.h"
#include "storage/sql_values.h"

namespace jb::storage {

namespace v1 = ::joulebench::v1;

namespace {

// The columns of a result as a worker reports it, in the order of Row(): those of the COPY
// staging table and of the JSON rows of a small report.
constexpr std::array<std::pair<const char*, const char*>, 18> kColumns = {{
    {"sample_index", "INTEGER"},
    {"repeat_index", "INTEGER"},
    {"prediction", "TEXT"},
    {"extracted", "TEXT"},
    {"target", "TEXT"},
    {"score", "DOUBLE PRECISION"},
    {"metrics", "JSONB"},
    {"prompt_tokens", "INTEGER"},
    {"completion_tokens", "INTEGER"},
    {"finish_reason", "TEXT"},
    {"ttft_s", "DOUBLE PRECISION"},
    {"tpot_s", "DOUBLE PRECISION"},
    {"e2e_s", "DOUBLE PRECISION"},
    {"attempts", "INTEGER"},
    {"energy_j", "DOUBLE PRECISION"},
    {"error", "TEXT"},
    {"corpus_stats", "JSONB"},
    {"answer_method", "TEXT"},
}};

// "name TYPE, ..." (with_types) or "name, ...".
std::string ColumnList(bool with_types) {
  std::string list;
  for (const auto& [name, type] : kColumns) {
    absl::StrAppend(&list, list.empty() ? "" : ", ", name, with_types ? " " : "",
                    with_types ? type : "");
  }
  return list;
}

// The INSERT of rows from `source`, a relation with kColumns: $1 shard, $2 epoch, $3 worker.
std::string InsertFrom(absl::string_view source) {
  return absl::StrCat("INSERT INTO sample_results (shard_id, epoch, worker_id, ", ColumnList(false),
                      ") SELECT $1, $2, $3, ", ColumnList(false), " FROM ", source,
                      " ON CONFLICT (shard_id, sample_index, repeat_index) DO NOTHING");
}

// A result's values in kColumns order. TTFT and TPOT are NULL for requests that did not
// stream, energy NULL while 0 (not yet apportioned).
auto Row(const v1::SampleResult& r) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, value] : r.metrics()) metrics[name] = value;
  nlohmann::json corpus_stats = nlohmann::json::object();
  for (const auto& [name, stats] : r.corpus_stats()) {
    corpus_stats[name] = std::vector<double>(stats.values().begin(), stats.values().end());
  }
  const bool streamed = r.timing().streamed();
  return std::make_tuple(
      r.sample_index(), r.repeat_index(), r.prediction(), r.extracted(), r.target(), r.score(),
      std::move(metrics), r.prompt_tokens(), r.completion_tokens(), r.finish_reason(),
      streamed ? std::optional<double>(r.timing().ttft_s()) : std::nullopt,
      streamed ? std::optional<double>(r.timing().tpot_s()) : std::nullopt, r.timing().e2e_s(),
      std::max(1u, r.timing().attempts()), NullIfZero(r.energy_j()), r.error(),
      std::move(corpus_stats), r.answer_method());
}

// A value as COPY takes it: JSON as its text.
template <typename T>
const T& CopyValue(const T& value) {
  return value;
}
std::string CopyValue(const nlohmann::json& value) { return value.dump(); }

template <typename T>
nlohmann::json JsonValue(const std::optional<T>& value) {
  return value.has_value() ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
template <typename T>
nlohmann::json JsonValue(const T& value) {
  return nlohmann::json(value);
}

// The results as a JSON array of objects keyed by column name.
std::string ResultsJson(const std::vector<v1::SampleResult>& results) {
  nlohmann::json rows = nlohmann::json::array();
  for (const v1::SampleResult& r : results) {
    std::apply(
        [&rows](const auto&... values) {
          nlohmann::json row = nlohmann::json::object();
          size_t i = 0;
          ((row[kColumns[i++].first] = JsonValue(values)), ...);
          rows.push_back(std::move(row));
        },
        Row(r));
  }
  return rows.dump();
}

// COPY into the connection's staging table, then one INSERT from it. The staging table
// lives as long as the connection: created once, emptied by each use (so a transaction may
// store several reports) and truncated when the transaction ends. Creating and dropping it per
// call wrote a dozen catalog rows and broadcast a cache invalidation to every backend each
// time, which throttled the whole queue under load. Nothing vacuums a temporary table, so
// without ON COMMIT DELETE ROWS the deleted rows piled up and every insert scanned them all:
// 100,000 rows in batches of 1,000 went at 38,000 rows/s instead of 54,000
// (bench/ingest_bench.cc).
pqxx::result InsertByCopy(pqxx::work& w, int64_t shard_id, int64_t epoch,
                          const std::string& worker_id,
                          const std::vector<v1::SampleResult>& results, bool create_staging) {
  if (create_staging) {
    w.exec0(absl::StrCat("CREATE TEMP TABLE jb_results_staging (", ColumnList(true),
                         ") ON COMMIT DELETE ROWS"));
  }
  {
    std::vector<std::string> columns;
    for (const auto& column : kColumns) columns.emplace_back(column.first);
    pqxx::stream_to stream(w, "jb_results_staging", columns);
    for (const v1::SampleResult& r : results) {
      stream << std::apply(
          [](const auto&... values) { return std::make_tuple(CopyValue(values)...); }, Row(r));
    }
    stream.complete();
  }
  // Emptying the staging table in the same statement: a data-modifying WITH runs exactly
  // once, whether or not its rows are inserted.
  static const std::string kInsert = absl::StrCat(
      "WITH staged AS (DELETE FROM jb_results_staging RETURNING *) ", InsertFrom("staged"));
  return ExecPrepared(w, "jb_insert_staged_results", kInsert, shard_id, epoch, worker_id);
}

}  // namespace

absl::StatusOr<InsertResultsOutcome> InsertResults(pqxx::work& w, int64_t shard_id, int64_t epoch,
                                                   const std::string& worker_id,
                                                   const std::vector<v1::SampleResult>& results) {
  // The lease check, the shard's range, and whether this connection has its staging table
  // yet, in one round trip (committing as lease writes do: shard_queue.h).
  static const std::string kLockHeld = absl::StrCat(
      "SELECT sample_begin, sample_end, to_regclass('pg_temp.jb_results_staging') IS NULL, ",
      kAsyncCommitSql, " FROM shards WHERE ", kLeaseHeldSql, " FOR SHARE");
  pqxx::result held = ExecPrepared(w, "jb_lock_held_shard", kLockHeld, shard_id, worker_id, epoch);
  if (held.empty()) return LeaseLostError(w, shard_id, worker_id, epoch);
  const auto begin = held[0][0].as<int64_t>();
  const auto end = held[0][1].as<int64_t>();
  for (const v1::SampleResult& r : results) {
    if (r.sample_index() < begin || r.sample_index() >= end) {
      return absl::InvalidArgumentError(absl::StrCat("sample ", r.sample_index(),
                                                     " is outside shard ", shard_id, "'s range [",
                                                     begin, ", ", end, ")"));
    }
  }
  if (results.empty()) return InsertResultsOutcome{};
  pqxx::result inserted;
  if (results.size() >= kCopyResultsFrom) {
    inserted = InsertByCopy(w, shard_id, epoch, worker_id, results, held[0][2].as<bool>());
  } else {
    // COPY takes two round trips with the backend idle between them; one statement is
    // cheaper for the few results a completion carries.
    static const std::string kInsert =
        InsertFrom(absl::StrCat("jsonb_to_recordset($4::jsonb) AS r(", ColumnList(true), ")"));
    inserted = ExecPrepared(w, "jb_insert_json_results", kInsert, shard_id, epoch, worker_id,
                            ResultsJson(results));
  }
  InsertResultsOutcome outcome;
  outcome.inserted = static_cast<int>(inserted.affected_rows());
  outcome.duplicates = static_cast<int>(results.size()) - outcome.inserted;
  return outcome;
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
