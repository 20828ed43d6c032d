// `joulebench report`, `joulebench leaderboard` and `joulebench recommend`: read the reporting
// views (docs/sql.md) over a database URL, so the read-only role joulebench_reader is enough
// for everything but `leaderboard --snapshot`, then build (cli/report_model.h) and render
// (cli/report_render.h). Exit codes (cli/command.h): 0 ok; 1 when the database cannot be read,
// or recommend finds nothing that qualifies (it says why); 2 for bad flags or an unknown sweep.
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/command.h"
#include "cli/report_model.h"
#include "cli/report_render.h"
#include "cli/sweep_report.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "storage/database.h"
#include "storage/leaderboard.h"
#include "storage/report_queries.h"

namespace jb::cli {
namespace {

struct Output {
  std::string db_url;
  std::string format = "table";
  std::string output = "-";
};

void AddOutputFlags(CLI::App* cmd, Output* o, const std::string& formats) {
  AddFlag(
      cmd, "--db", o->db_url,
      "PostgreSQL URL of the results, e.g. postgresql://joulebench_reader@HOST:5432/joulebench");
  AddFlag(cmd, "--format", o->format, absl::StrCat("Output format: ", formats))
      ->check(CLI::IsMember(std::vector<std::string>(absl::StrSplit(formats, '|'))));
  AddFlag(cmd, "--output", o->output, "Write to this file instead of standard output (-)");
}

absl::StatusOr<std::unique_ptr<storage::Database>> Connect(const Output& o) {
  if (o.db_url.empty()) {
    return absl::InvalidArgumentError(
        "no database: pass --db postgresql://USER@HOST:PORT/DB (or set JOULEBENCH_DB); "
        "`joulebench demo --keep-running` prints its URL");
  }
  storage::DatabaseOptions options;
  options.pool_size = 1;
  options.connect_attempts = 2;
  return storage::Database::Connect(o.db_url, options);
}

// Writes `text` to the --output file or stdout; the file is written whole or not at all.
int Emit(const Output& o, const std::string& text) {
  if (o.output == "-") {
    std::cout << text;
    return kExitOk;
  }
  const std::string partial = o.output + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::cerr << "error: cannot write " << partial << "; check the directory exists and is "
                << "writable\n";
      return kExitFailure;
    }
  }
  if (std::rename(partial.c_str(), o.output.c_str()) != 0) {
    std::cerr << "error: cannot rename " << partial << " to " << o.output << "\n";
    return kExitFailure;
  }
  std::cerr << "wrote " << o.output << "\n";
  return kExitOk;
}

absl::StatusOr<std::vector<storage::LeaderboardRow>> ReadLeaderboardRows(storage::Database& db,
                                                                         const std::string& task) {
  std::vector<storage::LeaderboardRow> rows;
  JB_RETURN_IF_ERROR(db.TransactReadOnly([&](pqxx::work& w) -> absl::Status {
    JB_ASSIGN_OR_RETURN(rows, storage::ReadLeaderboard(w, task));
    return absl::OkStatus();
  }));
  return rows;
}

int Fail(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return status.code() == absl::StatusCode::kInvalidArgument ||
                 status.code() == absl::StatusCode::kNotFound
             ? kExitUsage
             : kExitFailure;
}

// --- report ---

struct ReportFlags {
  Output out;
  int64_t sweep = 0;
  bool latest = false;
};

void AddReport(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "The cross-hardware report of one sweep: per task, each model on each hardware class with "
      "its score and 95% CI, J/query and energy method, gCO2e and cost per query, latency "
      "percentiles, throughput, PER and PER-E, and Pareto fronts (html adds SVG charts).");
  auto* sweep = AddFlag(cmd, "--sweep", flags->sweep, "Sweep id (see `joulebench status`)");
  auto* latest = AddFlag(cmd, "--latest", flags->latest, "The newest sweep");
  sweep->excludes(latest);
  AddOutputFlags(cmd, &flags->out, "table|md|csv|json|html");
  cmd->callback([flags, exit_code] {
    if (flags->sweep <= 0 && !flags->latest) {
      std::cerr << "error: say which sweep: --sweep ID or --latest\n";
      *exit_code = kExitUsage;
      return;
    }
    auto db = Connect(flags->out);
    if (!db.ok()) {
      *exit_code = Fail(db.status());
      return;
    }
    absl::StatusOr<std::string> text =
        RenderSweepReport(**db, flags->latest ? std::nullopt : std::optional<int64_t>(flags->sweep),
                          *ParseReportFormat(flags->out.format));
    *exit_code = text.ok() ? Emit(flags->out, *text) : Fail(text.status());
  });
}

// --- leaderboard ---

struct LeaderboardFlags {
  Output out;
  std::string task;
  bool snapshot = false;
  storage::SnapshotBands bands;
};

std::string ChangesText(const storage::LeaderboardRow& row) {
  if (!row.change) return "";
  std::vector<std::string> what;
  if (row.change->score_changed) {
    what.push_back(absl::StrFormat("score (was %.3f)", row.change->previous_score));
  }
  if (row.change->energy_changed) what.push_back("J/query");
  if (row.change->latency_changed) what.push_back("latency");
  if (row.change->method_changed) what.push_back("energy method");
  if (what.empty()) return "";
  return absl::StrCat(absl::StrJoin(what, ", "), " since ", row.change->previous_date);
}

int RunLeaderboard(const LeaderboardFlags& f) {
  auto db = Connect(f.out);
  if (!db.ok()) return Fail(db.status());
  if (f.snapshot) {
    absl::StatusOr<storage::SnapshotTaken> taken = (*db)->TransactValue(
        [&](pqxx::work& w) { return storage::TakeLeaderboardSnapshot(w, f.bands); });
    if (!taken.ok()) {
      std::cerr << "hint: --snapshot writes, so it needs the coordinator's database role, not "
                   "joulebench_reader\n";
      return Fail(taken.status());
    }
    std::cout << "leaderboard snapshot " << taken->date << ": " << taken->rows << " cell(s)\n";
    return kExitOk;
  }
  absl::StatusOr<std::vector<storage::LeaderboardRow>> rows = ReadLeaderboardRows(**db, f.task);
  if (!rows.ok()) return Fail(rows.status());
  std::vector<ReportCell> cells;
  for (auto& row : *rows) {
    ReportCell rc{std::move(row.cell)};
    rc.rank = row.rank;
    rc.changes = ChangesText(row);
    cells.push_back(std::move(rc));
  }
  ReportHeader header;
  header.title = f.task.empty() ? "Leaderboard" : absl::StrCat("Leaderboard: ", f.task);
  header.ranked = true;
  header.notes.push_back(
      "Each cell is the newest sealed sweep's result for that model, task and hardware class; "
      "rank is by score within task and hardware class.");
  if (cells.empty()) {
    header.notes.push_back(
        "Empty: no sweep has been sealed yet (a sweep is sealed by the coordinator shortly after "
        "it ends), or no task matches --task.");
  }
  return Emit(
      f.out, RenderReport(header, BuildReport(std::move(cells)), *ParseReportFormat(f.out.format)));
}

void AddLeaderboard(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<LeaderboardFlags>();
  CLI::App* cmd = app.add_subcommand(
      "leaderboard",
      "The cross-model leaderboard: for every task, model and hardware class the newest sealed "
      "result, ranked by score, with changes since the previous snapshot flagged. --snapshot "
      "(the nightly job) refreshes it and stores today's snapshot.");
  AddFlag(cmd, "--task", flags->task, "Only this task");
  AddFlag(cmd, "--snapshot", flags->snapshot,
          "Refresh the leaderboard and store today's (UTC) snapshot, replacing one taken earlier "
          "today; needs the coordinator's database role");
  AddFlag(cmd, "--energy-band", flags->bands.energy,
          "With --snapshot: flag a relative change of J/query beyond this fraction");
  AddFlag(cmd, "--latency-band", flags->bands.latency,
          "With --snapshot: flag a relative change of median end-to-end latency beyond this "
          "fraction");
  AddOutputFlags(cmd, &flags->out, "table|md|csv|json|html");
  cmd->callback([flags, exit_code] { *exit_code = RunLeaderboard(*flags); });
}

// --- recommend ---

struct RecommendFlags {
  Output out;
  std::string task;
  double min_score = 0;
  std::string optimize = "energy";
  std::string hardware_class;
};

int RunRecommend(const RecommendFlags& f) {
  auto db = Connect(f.out);
  if (!db.ok()) return Fail(db.status());
  absl::StatusOr<std::vector<storage::LeaderboardRow>> rows = ReadLeaderboardRows(**db, f.task);
  if (!rows.ok()) return Fail(rows.status());
  std::vector<storage::CellSummary> cells;
  for (auto& row : *rows) cells.push_back(std::move(row.cell));
  const Tradeoff optimize = *ParseTradeoff(f.optimize);
  Recommendation r = Recommend(cells, f.task, f.min_score, optimize, f.hardware_class);
  const int emitted =
      Emit(f.out, RenderRecommendation(r, optimize, *ParseReportFormat(f.out.format)));
  return emitted != kExitOk ? emitted : (r.choice ? kExitOk : kExitFailure);
}

void AddRecommend(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<RecommendFlags>();
  CLI::App* cmd = app.add_subcommand(
      "recommend",
      "The model and hardware class that reach a score on a task at the lowest energy, carbon, "
      "cost or latency, from the leaderboard, with the expected figures and the score's 95% "
      "CI. Exit 1, saying why, when nothing qualifies.");
  AddFlag(cmd, "--task", flags->task, "The task (a suite name)")->required();
  AddFlag(cmd, "--min-score", flags->min_score,
          "The least acceptable primary score (e.g. 0.8 for 80% accuracy)")
      ->required();
  AddFlag(cmd, "--optimize", flags->optimize, "What to minimise: energy|carbon|cost|latency")
      ->check(CLI::IsMember({"energy", "carbon", "cost", "latency"}));
  AddFlag(cmd, "--hardware-class", flags->hardware_class, "Only this hardware class");
  AddOutputFlags(cmd, &flags->out, "table|json");
  cmd->callback([flags, exit_code] { *exit_code = RunRecommend(*flags); });
}

}  // namespace

void AddReportCommands(CLI::App& app, int* exit_code) {
  AddReport(app, exit_code);
  AddLeaderboard(app, exit_code);
  AddRecommend(app, exit_code);
}

}  // namespace jb::cli
