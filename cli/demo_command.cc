// `joulebench demo [--sweep FILE]`: the whole stack on one machine (DESIGN.md section 11): a
// sweep, the built-in demo sweep by default, run on simulators (cli/sweep_sims.h) by a
// LocalStack (cli/local_stack.h), with progress, then its report as `joulebench report` prints
// it. Exit codes (cli/command.h): 0 when the sweep succeeded; 2 for a sweep file that is bad or
// does not pair each hardware class with a simulator profile, before anything starts; 1
// otherwise.
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/admin_connection.h"
#include "cli/command.h"
#include "cli/local_stack.h"
#include "cli/sweep_file.h"
#include "cli/sweep_progress.h"
#include "cli/sweep_report.h"
#include "cli/sweep_sims.h"
#include "common/embedded_file.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "common/status_macros.h"
#include "storage/database.h"
#include "storage/report_queries.h"

namespace jb::cli {
namespace embedded {
const std::vector<jb::EmbeddedFile>& EmbeddedFiles();  // suites/sweeps/*.yaml
}  // namespace embedded

namespace {

struct DemoFlags {
  // Not inside the checkout: as root, PostgreSQL runs as the postgres user, which must be able
  // to enter every directory above its data (a clone under /root is not).
  std::string state_dir = "/var/tmp/joulebench-demo";
  // "" = the demo sweep built into the binary (suites/sweeps/demo.yaml).
  std::string sweep;
  bool keep_running = false;
  std::string log_level = "warn";
};

// The coordinator's reaper seals an ended sweep within one reaper interval (5 s in a
// LocalStack); a sealed sweep's scores are final.
constexpr absl::Duration kSealTimeout = absl::Seconds(30);

// The sweep --sweep names, or the built-in demo sweep; either read as `joulebench submit` reads
// a file.
absl::StatusOr<SweepFile> DemoSweep(const DemoFlags& flags) {
  if (!flags.sweep.empty()) return ReadSweepFile(flags.sweep);
  for (const auto& f : embedded::EmbeddedFiles()) {
    if (f.path == "demo.yaml") return LoadSweep(f.contents, "suites/sweeps/demo.yaml", ".");
  }
  return absl::InternalError("this build has no embedded demo sweep (suites/sweeps/demo.yaml)");
}

// "1 simulator", "2 workers".
std::string Count(size_t n, const std::string& noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

// "sweep 'demo': starting PostgreSQL, 2 simulators (sim-gpu: builtin:demo-gpu, sim-cpu:
// builtin:demo-cpu), a coordinator and 2 workers".
std::string StartLine(const std::string& sweep_name, const std::vector<LocalSim>& sims) {
  std::vector<std::string> pairs;
  size_t workers = 0;
  for (const LocalSim& sim : sims) {
    pairs.push_back(absl::StrCat(sim.hardware_class, ": ", sim.profile));
    workers += sim.workers;
  }
  return absl::StrCat("sweep '", sweep_name, "': starting PostgreSQL, ",
                      Count(sims.size(), "simulator"), " (", absl::StrJoin(pairs, ", "),
                      "), a coordinator and ", Count(workers, "worker"));
}

// Waits until the sweep is sealed, at most `timeout` or until shutdown is requested; a report
// read before says its scores are provisional, so it is printed either way.
void WaitUntilSealed(storage::Database& db, int64_t sweep_id, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    bool sealed = false;
    absl::Status s = db.TransactReadOnly([&](pqxx::work& w) -> absl::Status {
      JB_ASSIGN_OR_RETURN(storage::SweepOverview sweep, storage::GetSweepOverview(w, sweep_id));
      sealed = sweep.sealed;
      return absl::OkStatus();
    });
    if (!s.ok() || sealed || Shutdown::WaitFor(absl::Milliseconds(500))) return;
  }
}

// Prints the sweep's report as `joulebench report --sweep ID` does.
absl::Status PrintReport(const std::string& db_url, int64_t sweep_id) {
  storage::DatabaseOptions options;
  options.url = db_url;
  options.pool_size = 1;
  JB_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::Database::Connect(options));
  WaitUntilSealed(*db, sweep_id, kSealTimeout);
  JB_ASSIGN_OR_RETURN(std::string report, RenderSweepReport(*db, sweep_id, ReportFormat::kTable));
  std::cout << "\n" << report;
  return absl::OkStatus();
}

// Prints why the sweep cannot run; exit 2 for a bad sweep file, 1 otherwise.
int RefuseSweep(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return status.code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

int RunDemo(const DemoFlags& flags) {
  if (!InitLogging("demo", flags.log_level).ok()) return kExitUsage;
  // Everything about the sweep is checked before any process starts.
  absl::StatusOr<SweepFile> sweep = DemoSweep(flags);
  if (!sweep.ok()) return RefuseSweep(sweep.status());
  absl::StatusOr<std::vector<LocalSim>> sims = SimsForSweep(*sweep);
  if (!sims.ok()) return RefuseSweep(sims.status());
  std::string state_dir = std::filesystem::absolute(flags.state_dir).lexically_normal().string();
  std::cout << "joulebench demo: " << StartLine(sweep->spec.name, *sims) << " (state and logs in "
            << state_dir << ")\n";
  LocalStackOptions options;
  options.state_dir = state_dir;
  options.log_level = flags.log_level == "warn" ? "info" : flags.log_level;
  options.sims = *std::move(sims);
  auto stack = LocalStack::Start(options);
  if (!stack.ok()) {
    std::cerr << "error: the demo stack did not start: " << stack.status().message() << "\n";
    return kExitFailure;
  }
  if (Shutdown::Requested()) return kExitFailure;
  std::cout << "coordinator at " << (*stack)->coordinator_address() << " (JSON API "
            << (*stack)->api_url() << "), database " << (*stack)->db_url() << "\n";

  AdminConnection admin((*stack)->coordinator_address());
  auto submitted = admin.SubmitSweep(sweep->request);
  if (!submitted.ok()) return ReportError(submitted.status(), (*stack)->coordinator_address());
  std::cout << "submitted sweep " << submitted->sweep_id() << ": " << submitted->shards_total()
            << " shards, " << submitted->samples_total() << " samples\n";
  int code = WaitForSweep(admin, submitted->sweep_id(), absl::Milliseconds(500));
  if (Shutdown::Requested()) {
    std::cout << "interrupted; stopping every process the demo started\n";
    return kExitFailure;
  }
  if (absl::Status s = PrintReport((*stack)->db_url(), submitted->sweep_id()); !s.ok()) {
    std::cerr << "error: reading the report: " << s.message() << "\n";
    code = kExitFailure;
  }
  if (flags.keep_running) {
    std::cout << "\nThe stack keeps running: `joulebench status --coordinator "
              << (*stack)->coordinator_address() << "`, the JSON API at " << (*stack)->api_url()
              << " (docs/api.md), or psql " << (*stack)->db_url() << ". Ctrl-C stops it."
              << std::endl;
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
      "workers), submit the demo sweep or --sweep FILE, and print its report.");
  AddFlag(cmd, "--state-dir", flags->state_dir,
          "Directory for the PostgreSQL cluster and the logs (reused by the next run)");
  AddFlag(cmd, "--sweep", flags->sweep,
          "Run this sweep file instead of the built-in demo sweep: one simulator per hardware "
          "class, with the profile its label sim_profiles pairs with the class (docs/sweeps.md)");
  cmd->add_flag("--keep-running", flags->keep_running,
                "Leave the stack running after the report until Ctrl-C");
  AddFlag(cmd, "--log-level", flags->log_level, "Log level of the demo itself");
  cmd->callback([flags, exit_code] { *exit_code = RunDemo(*flags); });
}

}  // namespace jb::cli
