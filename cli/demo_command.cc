// `joulebench demo`: the whole stack on one machine (DESIGN.md section 11, first stage).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/admin_connection.h"
#include "cli/command.h"
#include "cli/local_stack.h"
#include "cli/sweep_progress.h"
#include "common/embedded_file.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "common/status_macros.h"
#include "common/text_table.h"
#include "storage/database.h"
#include "storage/report_queries.h"

namespace jb::cli {
namespace embedded {
const std::vector<jb::EmbeddedFile>& EmbeddedFiles();  // suites/sweeps/*.yaml
}  // namespace embedded

namespace {

namespace v1 = joulebench::v1;

struct DemoFlags {
  // Not inside the checkout: as root, PostgreSQL runs as the postgres user, which must be able
  // to enter every directory above its data (a clone under /root is not).
  std::string state_dir = "/var/tmp/joulebench-demo";
  bool keep_running = false;
  std::string log_level = "warn";
};

std::string Num(double v, const char* format) {
  return std::isnan(v) ? "-" : absl::StrFormat(format, v);
}

// "0.812 [0.731, 0.874]"; bleu is on sacrebleu's 0-100 scale, so it gets fewer decimals.
std::string ScoreWithInterval(const storage::CellSummary& c) {
  if (std::isnan(c.score)) return "-";
  const char* format = absl::EndsWith(c.score_metric, "/bleu") ? "%.1f" : "%.3f";
  std::string out = Num(c.score, format);
  if (c.score_ci.method != "none") {
    absl::StrAppend(&out, " [", Num(c.score_ci.low, format), ", ", Num(c.score_ci.high, format),
                    "]");
  }
  return out;
}

absl::Status PrintSummary(const std::string& db_url, int64_t sweep_id) {
  storage::DatabaseOptions options;
  options.url = db_url;
  options.pool_size = 1;
  auto db = storage::Database::Connect(options);
  if (!db.ok()) return db.status();
  std::vector<storage::CellSummary> cells;
  absl::Status s = (*db)->Transact([&](pqxx::work& tx) -> absl::Status {
    JB_ASSIGN_OR_RETURN(cells, storage::SummarizeSweep(tx, sweep_id));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  TextTable table({"task", "model", "hardware", "samples", "errors", "score [95% CI]", "metric",
                   "TTFT p50 s", "TPOT p50 ms", "e2e p50 s", "J/query", "J/query above idle",
                   "energy method", "gCO2e/query", "USD/1k queries"});
  bool simulated = false;
  std::set<std::string> carbon_sources;
  std::set<std::string> cost_bases;
  for (const auto& c : cells) {
    std::string method = c.method;
    if (c.simulated) method += " (simulated)";
    if (c.estimated) method += " (estimate)";
    simulated = simulated || c.simulated;
    if (!c.carbon_sources.empty()) carbon_sources.insert(c.carbon_sources);
    if (!c.cost_basis.empty())
      cost_bases.insert(absl::StrCat(c.hardware_class, ": ", c.cost_basis));
    table.AddRow({c.task, c.model, c.hardware_class, absl::StrCat(c.samples),
                  absl::StrCat(c.errors), ScoreWithInterval(c), c.score_metric,
                  Num(c.p50_ttft_s, "%.3f"), Num(c.p50_tpot_s * 1e3, "%.2f"),
                  Num(c.p50_e2e_s, "%.3f"), Num(c.joules_per_query, "%.2f"),
                  Num(c.above_idle_joules_per_query, "%.2f"), method,
                  Num(c.carbon_g_per_query, "%.3g"), Num(c.cost_usd_per_query * 1e3, "%.3g")});
  }
  std::cout << "\nSummary of sweep " << sweep_id << ":\n" << table.Render();
  if (!carbon_sources.empty()) {
    std::cout << "Carbon is kWh x PUE x grid intensity from " << absl::StrJoin(carbon_sources, "; ")
              << ".\n";
  }
  if (!cost_bases.empty()) {
    std::cout << "Cost is the hardware price per hour x wall time plus kWh x PUE x the electricity "
                 "price, as declared in the sweep file (parts included: "
              << absl::StrJoin(cost_bases, ", ") << ").\n";
  }
  if (simulated) {
    std::cout << "Scores, latencies and joules above come from `joulebench sim`: they show the "
                 "pipeline working, not any real model or machine.\n";
  }
  return absl::OkStatus();
}

int RunDemo(const DemoFlags& flags) {
  if (!InitLogging("demo", flags.log_level).ok()) return kExitUsage;
  const EmbeddedFile* sweep_file = nullptr;
  for (const auto& f : embedded::EmbeddedFiles()) {
    if (f.path == "demo.yaml") sweep_file = &f;
  }
  if (sweep_file == nullptr) {
    std::cerr << "error: this build has no embedded demo sweep (suites/sweeps/demo.yaml)\n";
    return kExitFailure;
  }
  std::string state_dir = std::filesystem::absolute(flags.state_dir).lexically_normal().string();
  std::cout << "joulebench demo: starting PostgreSQL, 2 simulators, a coordinator and 2 workers "
               "(state and logs in "
            << state_dir << ")\n";
  LocalStackOptions options;
  options.state_dir = state_dir;
  options.log_level = flags.log_level == "warn" ? "info" : flags.log_level;
  options.sims = {{.profile = "builtin:demo-gpu", .hardware_class = "sim-gpu", .workers = 1},
                  {.profile = "builtin:demo-cpu", .hardware_class = "sim-cpu", .workers = 1}};
  auto stack = LocalStack::Start(options);
  if (!stack.ok()) {
    std::cerr << "error: the demo stack did not start: " << stack.status().message() << "\n";
    return kExitFailure;
  }
  if (Shutdown::Requested()) return kExitFailure;
  std::cout << "coordinator at " << (*stack)->coordinator_address() << ", database "
            << (*stack)->db_url() << "\n";

  AdminConnection admin((*stack)->coordinator_address());
  v1::SubmitSweepRequest request;
  request.set_spec_yaml(sweep_file->contents);
  request.set_source_name("suites/sweeps/demo.yaml");
  auto submitted = admin.SubmitSweep(request);
  if (!submitted.ok()) return ReportError(submitted.status(), (*stack)->coordinator_address());
  std::cout << "submitted sweep " << submitted->sweep_id() << ": " << submitted->shards_total()
            << " shards, " << submitted->samples_total() << " samples\n";
  int code = WaitForSweep(admin, submitted->sweep_id(), absl::Milliseconds(500));
  if (Shutdown::Requested()) {
    std::cout << "interrupted; stopping every process the demo started\n";
    return kExitFailure;
  }
  if (absl::Status s = PrintSummary((*stack)->db_url(), submitted->sweep_id()); !s.ok()) {
    std::cerr << "error: reading the summary: " << s.message() << "\n";
    code = kExitFailure;
  }
  if (flags.keep_running) {
    std::cout << "\nThe stack keeps running: `joulebench status --coordinator "
              << (*stack)->coordinator_address() << "`, or psql " << (*stack)->db_url()
              << ". Ctrl-C stops it." << std::endl;
    while (!Shutdown::WaitFor(absl::Seconds(1))) {
    }
  }
  std::cout << "stopping the demo stack\n";
  return code;
}

}  // namespace

void AddDemoCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Run the whole stack on this machine (private PostgreSQL, simulators, coordinator, "
      "workers), submit the demo sweep and print its summary.");
  AddFlag(cmd, "--state-dir", flags->state_dir,
          "Directory for the PostgreSQL cluster and the logs (reused by the next run)");
  cmd->add_flag("--keep-running", flags->keep_running,
                "Leave the stack running after the summary until Ctrl-C");
  AddFlag(cmd, "--log-level", flags->log_level, "Log level of the demo itself");
  cmd->callback([flags, exit_code] { *exit_code = RunDemo(*flags); });
}

}  // namespace jb::cli
