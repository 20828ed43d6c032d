// Report and leaderboard reads at scale: how long `joulebench leaderboard` and `joulebench
// report --sweep ID` take with 10 million sample rows stored, against the same report read
// live, before its sweep is sealed, in the same run.
//
// A private PostgreSQL (fsync on, default settings but a larger max_wal_size for the load) is
// filled server-side by bench/report_bench_data.h: two older sweeps, sealed, with 90 days of
// leaderboard snapshots, then the current sweep of N rows (40 cells), ended; then VACUUM
// ANALYZE, as autovacuum would leave the tables. Measured, each run one read-only transaction
// as the command opens it:
//   reference  SummarizeSweep on the ended sweep before it is sealed: the view
//              unsealed_cell_rows aggregates its rows, with UnsealedScores::kCompute (what
//              `joulebench report` asks for: every cell also scored from its rows in C++) and
//              kOmit (a reader role's report: the view only). At most --live-runs runs each,
//              and no new run after kLiveBudget: they are slow.
//   once       SealSweep, as the coordinator's sealer runs it (the cells' row statistics and
//              scores stored), then RefreshLeaderboard and TakeLeaderboardSnapshot.
//   targets    SummarizeSweep on the sealed sweep: p95 under 1 s. ReadLeaderboard for one task
//              and for every task: p95 under 100 ms.
//   psql       the sealed sweep's rows of cell_metrics as an ad-hoc query reads them, with the
//              server's JIT setting (on by default): SummarizeSweep turns JIT off, because
//              cell_metrics' estimate counts the rows of its live branch even for a sealed
//              sweep, and compiling for it cost more than the query (docs/performance.md).
// The sealed scores are checked against the ones computed live from the same rows.
//
//   jb_report_bench [--rows N] [--runs R] [--report-runs S] [--live-runs L]
//   (defaults 10000000, 50 leaderboard reads of each kind, 20 sealed reports, 3 live reports)
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "bench/report_bench_data.h"
#include "common/text_table.h"
#include "storage/database.h"
#include "storage/leaderboard.h"
#include "storage/local_postgres.h"
#include "storage/migrator.h"
#include "storage/report_queries.h"
#include "storage/sealed_cells.h"
#include "tasks/confidence.h"

namespace jb::bench {
namespace {

struct Flags {
  int64_t rows = 10'000'000;
  int runs = 50;
  int report_runs = 20;
  int live_runs = 3;
};

// A live report of 10 million rows takes minutes; no run of one kind starts after this long.
constexpr absl::Duration kLiveBudget = absl::Minutes(3);
constexpr char kOneTask[] = "arith-cot";

// Seconds per run of `body`, each in its own read-only transaction; at most `runs`, none
// started after `budget`. Stops at the first error.
absl::StatusOr<std::vector<double>> TimeRuns(storage::Database& db, int runs, absl::Duration budget,
                                             const storage::Database::Body& body) {
  std::vector<double> seconds;
  const absl::Time start = absl::Now();
  while (static_cast<int>(seconds.size()) < runs && absl::Now() - start < budget) {
    const absl::Time run_start = absl::Now();
    absl::Status status = db.TransactReadOnly(body);
    if (!status.ok()) return status;
    seconds.push_back(absl::ToDoubleSeconds(absl::Now() - run_start));
  }
  return seconds;
}

// Times `body` once in a read-write transaction.
absl::StatusOr<double> TimeOnce(storage::Database& db, const storage::Database::Body& body) {
  const absl::Time start = absl::Now();
  absl::Status status = db.Transact(body);
  if (!status.ok()) return status;
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// The report of `sweep` as `joulebench report` reads it; `cells` gets the last run's cells.
storage::Database::Body Report(int64_t sweep, storage::UnsealedScores unsealed,
                               std::vector<storage::CellSummary>* cells) {
  return [=](pqxx::work& w) -> absl::Status {
    absl::StatusOr<std::vector<storage::CellSummary>> read =
        storage::SummarizeSweep(w, sweep, unsealed);
    if (!read.ok()) return read.status();
    *cells = *std::move(read);
    return absl::OkStatus();
  };
}

storage::Database::Body Leaderboard(const std::string& task, size_t* rows) {
  return [=](pqxx::work& w) -> absl::Status {
    absl::StatusOr<std::vector<storage::LeaderboardRow>> read = storage::ReadLeaderboard(w, task);
    if (!read.ok()) return read.status();
    *rows = read->size();
    return absl::OkStatus();
  };
}

// A row of the results table: p50, p95 and max in ms of `seconds`, and whether p95 is under
// `target_ms` (0: a reference, no target).
void AddTimes(TextTable& table, const std::string& query, const std::string& rows,
              const std::vector<double>& seconds, double target_ms) {
  const double p95_ms = 1000 * tasks::Percentile(seconds, 95);
  table.AddRow({query, rows, absl::StrCat(seconds.size()),
                Fixed(1000 * tasks::Percentile(seconds, 50), 1), Fixed(p95_ms, 1),
                Fixed(1000 * tasks::Percentile(seconds, 100), 1),
                target_ms > 0 ? absl::StrCat("p95 < ", target_ms, " ms") : "reference",
                target_ms > 0 ? (p95_ms < target_ms ? "yes" : "NO") : "-"});
}

// Cells whose sealed score differs from the one computed live from the same rows.
int ScoreMismatches(const std::vector<storage::CellSummary>& live,
                    const std::vector<storage::CellSummary>& sealed) {
  if (live.size() != sealed.size()) return static_cast<int>(std::max(live.size(), sealed.size()));
  int mismatches = 0;
  for (size_t i = 0; i < live.size(); ++i) {
    const bool same = live[i].model == sealed[i].model &&
                      live[i].score_metric == sealed[i].score_metric &&
                      std::abs(live[i].score - sealed[i].score) < 1e-9 &&
                      std::abs(live[i].score_ci.low - sealed[i].score_ci.low) < 1e-9;
    mismatches += same ? 0 : 1;
  }
  return mismatches;
}

std::string Rate(int64_t rows, double seconds) { return Fixed(rows / seconds, 0); }

absl::Status RunIn(const std::string& dir, const Flags& flags) {
  storage::LocalPostgresOptions pg_options;
  pg_options.data_dir = dir + "/pg";
  // The load writes about 10 GB of WAL; at the default 1 GB it would checkpoint every few
  // seconds. Nothing else differs from a stock server (shared_buffers 128 MB, work_mem 4 MB).
  pg_options.settings = {{"max_wal_size", "16GB"}, {"checkpoint_timeout", "30min"}};
  absl::StatusOr<std::unique_ptr<storage::LocalPostgres>> pg =
      storage::LocalPostgres::Start(pg_options);
  if (!pg.ok()) return pg.status();
  storage::DatabaseOptions db_options;
  db_options.pool_size = kLoadConnections;
  absl::StatusOr<std::unique_ptr<storage::Database>> connected =
      storage::Database::Connect((*pg)->url(), db_options);
  if (!connected.ok()) return connected.status();
  storage::Database& db = **connected;
  if (absl::Status migrated = storage::Migrate(db); !migrated.ok()) return migrated;

  ReportBenchData data(db, (*pg)->url());
  const absl::Time load_start = absl::Now();
  absl::StatusOr<int64_t> history_rows = data.AddHistory(flags.rows);
  if (!history_rows.ok()) return history_rows.status();
  const double history_s = absl::ToDoubleSeconds(absl::Now() - load_start);
  const absl::Time sweep_start = absl::Now();
  absl::StatusOr<CurrentSweep> sweep = data.AddCurrentSweep(flags.rows);
  if (!sweep.ok()) return sweep.status();
  const double sweep_s = absl::ToDoubleSeconds(absl::Now() - sweep_start);
  absl::StatusOr<double> vacuum_s = data.VacuumAnalyze();
  if (!vacuum_s.ok()) return vacuum_s.status();
  const int64_t all_rows = *history_rows + sweep->rows;

  std::vector<storage::CellSummary> omitted, computed, sealed;
  absl::StatusOr<std::vector<double>> live_omit =
      TimeRuns(db, flags.live_runs, kLiveBudget,
               Report(sweep->id, storage::UnsealedScores::kOmit, &omitted));
  if (!live_omit.ok()) return live_omit.status();
  absl::StatusOr<std::vector<double>> live_compute =
      TimeRuns(db, flags.live_runs, kLiveBudget,
               Report(sweep->id, storage::UnsealedScores::kCompute, &computed));
  if (!live_compute.ok()) return live_compute.status();

  absl::StatusOr<double> seal_s = TimeOnce(db, [&](pqxx::work& w) -> absl::Status {
    if (storage::LockNextSealableSweep(w, 0) != sweep->id) {
      return absl::InternalError(absl::StrCat("sweep ", sweep->id, " is not the one to seal"));
    }
    return storage::SealSweep(w, sweep->id);
  });
  if (!seal_s.ok()) return seal_s.status();
  absl::StatusOr<double> refresh_s = TimeOnce(db, [](pqxx::work& w) {
    storage::RefreshLeaderboard(w);
    return absl::OkStatus();
  });
  if (!refresh_s.ok()) return refresh_s.status();
  absl::StatusOr<double> snapshot_s =
      TimeOnce(db, [](pqxx::work& w) { return storage::TakeLeaderboardSnapshot(w, {}).status(); });
  if (!snapshot_s.ok()) return snapshot_s.status();

  absl::StatusOr<std::vector<double>> sealed_report =
      TimeRuns(db, flags.report_runs, absl::InfiniteDuration(),
               Report(sweep->id, storage::UnsealedScores::kCompute, &sealed));
  if (!sealed_report.ok()) return sealed_report.status();
  absl::StatusOr<std::vector<double>> sealed_psql =
      TimeRuns(db, flags.report_runs, absl::InfiniteDuration(), [&](pqxx::work& w) {
        w.exec_params("SELECT * FROM cell_metrics WHERE sweep_id = $1", sweep->id);
        return absl::OkStatus();
      });
  if (!sealed_psql.ok()) return sealed_psql.status();
  size_t one_task_rows = 0, all_tasks_rows = 0;
  absl::StatusOr<std::vector<double>> one_task =
      TimeRuns(db, flags.runs, absl::InfiniteDuration(), Leaderboard(kOneTask, &one_task_rows));
  if (!one_task.ok()) return one_task.status();
  absl::StatusOr<std::vector<double>> all_tasks =
      TimeRuns(db, flags.runs, absl::InfiniteDuration(), Leaderboard("", &all_tasks_rows));
  if (!all_tasks.ok()) return all_tasks.status();

  std::cout << "Report reads: sweep " << sweep->id << " holds " << sweep->rows << " sample rows in "
            << sweep->cells << " cells (" << sweep->shards << " shards of up to " << kShardSamples
            << " samples); " << all_rows
            << " rows in the database with two older sealed sweeps. PostgreSQL 15, stock "
               "settings, one client.\n";
  TextTable steps({"one-off step", "rows", "seconds", "rows/s"});
  steps.AddRow({"current sweep generated (INSERT ... SELECT, 2 connections)",
                absl::StrCat(sweep->rows), Fixed(sweep_s, 1), Rate(sweep->rows, sweep_s)});
  steps.AddRow({"older sweeps generated and sealed, 90 days of snapshots",
                absl::StrCat(*history_rows), Fixed(history_s, 1), Rate(*history_rows, history_s)});
  steps.AddRow({"VACUUM ANALYZE", absl::StrCat(all_rows), Fixed(*vacuum_s, 1), "-"});
  steps.AddRow({"SealSweep (current sweep)", absl::StrCat(sweep->rows), Fixed(*seal_s, 1),
                Rate(sweep->rows, *seal_s)});
  steps.AddRow({"RefreshLeaderboard", "-", Fixed(*refresh_s, 3), "-"});
  steps.AddRow({"TakeLeaderboardSnapshot", "-", Fixed(*snapshot_s, 3), "-"});
  std::cout << steps.Render() << "\n";

  const std::string cells = absl::StrCat(sweep->rows, " -> ", sweep->cells, " cells");
  TextTable table({"query", "rows", "runs", "p50 ms", "p95 ms", "max ms", "target", "met?"});
  AddTimes(table, absl::StrCat("ReadLeaderboard, one task (", kOneTask, ")"),
           absl::StrCat(all_rows, " -> ", one_task_rows), *one_task, 100);
  AddTimes(table, "ReadLeaderboard, all tasks", absl::StrCat(all_rows, " -> ", all_tasks_rows),
           *all_tasks, 100);
  AddTimes(table, "SummarizeSweep, sealed", cells, *sealed_report, 1000);
  AddTimes(table, "cell_metrics of the sealed sweep, jit as configured", cells, *sealed_psql, 0);
  AddTimes(table, "SummarizeSweep, not sealed, kCompute (live)", cells, *live_compute, 0);
  AddTimes(table, "SummarizeSweep, not sealed, kOmit (live)", cells, *live_omit, 0);
  std::cout << table.Render();
  const int mismatches = ScoreMismatches(computed, sealed);
  std::cout << "sealed scores equal the scores computed live from the same rows: "
            << (mismatches == 0 ? "yes" : absl::StrCat("NO, ", mismatches, " cells differ"))
            << "\n";
  (void)(*pg)->Stop();
  return mismatches == 0 ? absl::OkStatus() : absl::InternalError("sealed scores differ");
}

int Run(const Flags& flags) {
  const std::string dir = absl::StrCat("/var/tmp/jb_report_bench_", getpid());
  std::filesystem::create_directories(dir);
  absl::Status status = RunIn(dir, flags);
  // The cluster holds gigabytes: never leave it behind.
  std::filesystem::remove_all(dir);
  if (!status.ok()) {
    std::cerr << "jb_report_bench: " << status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace jb::bench

int main(int argc, char** argv) {
  jb::bench::Flags flags;
  auto positive = [](int* out) {
    return [out](const std::string& v) { return absl::SimpleAtoi(v, out) && *out > 0; };
  };
  const jb::bench::FlagHandlers handlers = {
      {"--rows",
       [&](const std::string& v) { return absl::SimpleAtoi(v, &flags.rows) && flags.rows > 0; }},
      {"--runs", positive(&flags.runs)},
      {"--report-runs", positive(&flags.report_runs)},
      {"--live-runs", positive(&flags.live_runs)},
  };
  if (!jb::bench::ParseFlagPairs(
          argc, argv, handlers,
          "jb_report_bench [--rows N] [--runs R] [--report-runs S] [--live-runs L]")) {
    return 2;
  }
  return jb::bench::Run(flags);
}
