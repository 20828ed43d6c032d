// Ingestion of sample results: how fast the coordinator stores what workers report, against
// a raw COPY of the same rows through psql into the same table, in the same run.
//
// A private PostgreSQL (fsync on) holds one sweep with two leased shards of N samples each.
// joulebench stores N results into the first through storage::InsertResults, as ReportSamples
// does: each batch its own transaction, the lease checked, the rows COPY'd into the
// connection's staging table and inserted with ON CONFLICT DO NOTHING (batches of at least
// kCopyResultsFrom), or inserted from JSON rows (smaller batches); each commit, like every
// lease write's, does not wait for the WAL flush (storage/shard_queue.h). The reference is psql's
// `\copy` of the same N rows, written as CSV beforehand, straight into sample_results for the
// second shard: one statement, no lease check, no idempotence. Each starts from an empty
// table after a checkpoint. Target: at least 50 % of it. Then the same rows are stored again
// through InsertResults: every one a duplicate, none stored twice.
// Rows look like a GSM8K answer: a 400-character prediction, its metrics and timings.
//
//   jb_ingest_bench [--rows N] [--batch B]   (defaults 100000 and 1000)
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "common/process.h"
#include "common/text_table.h"
#include "joulebench/v1/common.pb.h"
#include "storage/database.h"
#include "storage/local_postgres.h"
#include "storage/migrator.h"
#include "storage/result_repository.h"

namespace jb::bench {
namespace {

namespace v1 = joulebench::v1;

constexpr char kWorker[] = "w-bench";

struct Flags {
  int rows = 100000;
  int batch = 1000;
};

v1::SampleResult MakeResult(int sample_index) {
  v1::SampleResult r;
  r.set_sample_index(sample_index);
  r.set_prediction(absl::StrCat(
      "Natalia sold 48 clips in April and half as many in May, so she sold 48 / 2 = 24 clips "
      "in May. Altogether she sold 48 + 24 = 72 clips in April and May. Checking the sum: 72 "
      "is 48 plus 24, and 24 is half of 48, so the answer follows from both months. She sold "
      "72 clips, which is the number asked for in question ",
      sample_index, ".\n#### 72"));
  r.set_extracted("72");
  r.set_target("72");
  r.set_score(sample_index % 3 == 0 ? 0 : 1);
  (*r.mutable_metrics())["strict-match/exact_match"] = r.score();
  (*r.mutable_metrics())["flexible-extract/exact_match"] = r.score();
  r.set_prompt_tokens(180 + sample_index % 40);
  r.set_completion_tokens(110 + sample_index % 30);
  r.set_finish_reason("stop");
  r.mutable_timing()->set_streamed(true);
  r.mutable_timing()->set_ttft_s(0.041);
  r.mutable_timing()->set_tpot_s(0.0123);
  r.mutable_timing()->set_e2e_s(1.43);
  r.mutable_timing()->set_attempts(1);
  r.set_answer_method("generate");
  return r;
}

std::string CsvQuote(const std::string& text) {
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

// The rows as CSV for psql's \copy, with the columns of kCopyColumns.
constexpr char kCopyColumns[] =
    "shard_id, sample_index, repeat_index, epoch, worker_id, prediction, extracted, target, "
    "score, metrics, prompt_tokens, completion_tokens, finish_reason, ttft_s, tpot_s, e2e_s, "
    "attempts, error, corpus_stats, answer_method";

void WriteCsv(const std::string& path, int64_t shard_id, const std::vector<v1::SampleResult>& rs) {
  std::ofstream out(path);
  for (const v1::SampleResult& r : rs) {
    std::string metrics = "{";
    for (const auto& [name, value] : r.metrics()) {
      absl::StrAppend(&metrics, metrics.size() > 1 ? ", " : "", "\"", name, "\": ", value);
    }
    metrics += "}";
    out << shard_id << "," << r.sample_index() << ",0,1," << kWorker << ","
        << CsvQuote(r.prediction()) << "," << r.extracted() << "," << r.target() << "," << r.score()
        << "," << CsvQuote(metrics) << "," << r.prompt_tokens() << "," << r.completion_tokens()
        << "," << r.finish_reason() << "," << r.timing().ttft_s() << "," << r.timing().tpot_s()
        << "," << r.timing().e2e_s() << "," << r.timing().attempts() << ",\"\",{},"
        << r.answer_method() << "\n";
  }
}

// One sweep with two shards of `rows` samples, both leased to kWorker at epoch 1. Returns
// their ids.
absl::StatusOr<std::pair<int64_t, int64_t>> Seed(storage::Database& db, int rows) {
  std::pair<int64_t, int64_t> shards;
  absl::Status seeded = db.Transact([&](pqxx::work& w) -> absl::Status {
    w.exec0("INSERT INTO models (name) VALUES ('bench-model')");
    w.exec0(
        "INSERT INTO suites (content_hash, name, version, task_definition, sample_count) "
        "VALUES ('bench-suite', 'gsm8k-like', '1', '{}', 0)");
    w.exec_params0(
        "INSERT INTO workers (id, name, hardware_class, hardware, server) "
        "VALUES ($1, 'bench-worker', 'bench', '{}', '{}')",
        kWorker);
    const int64_t sweep =
        w.exec1("INSERT INTO sweeps (name, spec_yaml) VALUES ('ingest', '') RETURNING id")[0]
            .as<int64_t>();
    pqxx::result ids = w.exec_params(
        "INSERT INTO shards (sweep_id, model, suite_hash, task, hardware_class, sweep_repeat,"
        "  sample_begin, sample_end, settings, state, lease_owner, lease_epoch, attempts,"
        "  lease_expires_at) "
        "SELECT $1, 'bench-model', 'bench-suite', 'gsm8k-like', 'bench', r, 0, $2, '{}',"
        "  'leased', $3, 1, 1, now() + interval '1 day' FROM generate_series(0, 1) r "
        "ORDER BY r RETURNING id",
        sweep, rows, kWorker);
    shards = {ids[0][0].as<int64_t>(), ids[1][0].as<int64_t>()};
    return absl::OkStatus();
  });
  if (!seeded.ok()) return seeded;
  return shards;
}

// Rows per second storing `results` into `shard` with InsertResults in batches of `batch`.
absl::StatusOr<double> Ingest(storage::Database& db, int64_t shard,
                              const std::vector<v1::SampleResult>& results, int batch) {
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < results.size(); i += batch) {
    std::vector<v1::SampleResult> slice(results.begin() + i,
                                        results.begin() + std::min(results.size(), i + batch));
    absl::Status stored = db.Transact([&](pqxx::work& w) {
      return storage::InsertResults(w, shard, 1, kWorker, slice).status();
    });
    if (!stored.ok()) return stored;
  }
  return results.size() / absl::ToDoubleSeconds(absl::Now() - start);
}

int64_t Count(storage::Database& db, int64_t shard) {
  int64_t n = -1;
  (void)db.Transact([&](pqxx::work& w) {
    n = w.exec_params1("SELECT count(*) FROM sample_results WHERE shard_id = $1", shard)[0]
            .as<int64_t>();
    return absl::OkStatus();
  });
  return n;
}

int Run(const Flags& flags) {
  const std::string dir = absl::StrCat("/var/tmp/jb_ingest_bench_", getpid());
  std::filesystem::create_directories(dir);
  storage::LocalPostgresOptions pg_options;
  pg_options.data_dir = dir + "/pg";
  auto pg = storage::LocalPostgres::Start(pg_options);
  if (!pg.ok()) {
    std::cerr << "PostgreSQL did not start: " << pg.status() << "\n";
    return 1;
  }
  auto db = storage::Database::Connect((*pg)->url());
  if (!db.ok() || !storage::Migrate(**db).ok()) {
    std::cerr << "cannot connect or migrate\n";
    return 1;
  }
  auto shards = Seed(**db, flags.rows);
  if (!shards.ok()) {
    std::cerr << "seeding failed: " << shards.status() << "\n";
    return 1;
  }
  std::vector<v1::SampleResult> results;
  for (int i = 0; i < flags.rows; ++i) results.push_back(MakeResult(i));
  const std::string csv = dir + "/rows.csv";
  WriteCsv(csv, shards->second, results);

  // Each side starts from an empty table and a clean checkpoint, so neither pays for the
  // other's rows or dirty pages.
  auto fresh_start = [&] {
    return (*db)
               ->Transact([](pqxx::work& w) {
                 w.exec0("TRUNCATE sample_results");
                 return absl::OkStatus();
               })
               .ok() &&
           (*db)
               ->Transact([](pqxx::work& w) {
                 w.exec0("CHECKPOINT");
                 return absl::OkStatus();
               })
               .ok();
  };
  if (!fresh_start()) {
    std::cerr << "cannot empty sample_results\n";
    return 1;
  }
  const absl::Time start = absl::Now();
  std::string output;
  auto code = RunCommand(
      {.argv = {"/usr/lib/postgresql/15/bin/psql", (*pg)->url(), "-v", "ON_ERROR_STOP=1", "-c",
                absl::StrCat("\\copy sample_results (", kCopyColumns, ") FROM '", csv,
                             "' WITH (FORMAT csv)")}},
      &output, absl::Minutes(10));
  const double psql_rows_s = flags.rows / absl::ToDoubleSeconds(absl::Now() - start);
  if (!code.ok() || *code != 0 || Count(**db, shards->second) != flags.rows) {
    std::cerr << "psql \\copy failed:\n" << output << "\n";
    return 1;
  }
  if (!fresh_start()) {
    std::cerr << "cannot empty sample_results\n";
    return 1;
  }
  auto ours = Ingest(**db, shards->first, results, flags.batch);
  if (!ours.ok() || Count(**db, shards->first) != flags.rows) {
    std::cerr << "InsertResults failed: " << (ours.ok() ? absl::OkStatus() : ours.status()) << "\n";
    return 1;
  }
  // A repeated report stores nothing twice: the same rows again, all duplicates.
  auto again = Ingest(**db, shards->first, results, flags.batch);
  const bool idempotent = again.ok() && Count(**db, shards->first) == flags.rows;

  std::cout << "Ingestion: " << flags.rows << " GSM8K-like sample results into sample_results, "
            << "PostgreSQL with fsync on, one client, batches of " << flags.batch
            << (static_cast<size_t>(flags.batch) >= storage::kCopyResultsFrom
                    ? " (COPY into the staging table, then INSERT ... ON CONFLICT DO NOTHING)"
                    : " (one INSERT of JSON rows each)")
            << ", each batch a transaction with its lease check.\n";
  TextTable table({"figure", "joulebench", "reference", "target"});
  table.AddRow({"rows/s", Fixed(*ours, 0),
                absl::StrCat("raw COPY through psql ", Fixed(psql_rows_s, 0)), ">= 50 %"});
  table.AddRow({"of the reference", absl::StrCat(Fixed(100 * *ours / psql_rows_s, 1), " %"), "-",
                *ours >= 0.5 * psql_rows_s ? "met" : "NOT met"});
  table.AddRow({"the same rows reported again (all duplicates), rows/s",
                again.ok() ? Fixed(*again, 0) : "failed", "-",
                idempotent ? "none stored twice" : "ROWS STORED TWICE"});
  std::cout << table.Render();
  (void)(*pg)->Stop();
  std::filesystem::remove_all(dir);
  return idempotent ? 0 : 1;
}

}  // namespace
}  // namespace jb::bench

int main(int argc, char** argv) {
  jb::bench::Flags flags;
  const jb::bench::FlagHandlers handlers = {
      {"--rows",
       [&](const std::string& v) { return absl::SimpleAtoi(v, &flags.rows) && flags.rows > 0; }},
      {"--batch",
       [&](const std::string& v) { return absl::SimpleAtoi(v, &flags.batch) && flags.batch > 0; }},
  };
  if (!jb::bench::ParseFlagPairs(argc, argv, handlers,
                                 "usage: jb_ingest_bench [--rows N] [--batch B]")) {
    return 2;
  }
  return jb::bench::Run(flags);
}
