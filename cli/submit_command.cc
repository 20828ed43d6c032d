// `joulebench submit SWEEP.yaml [--dry-run] [--wait]`
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/admin_connection.h"
#include "cli/command.h"
#include "cli/sweep_file.h"
#include "cli/sweep_progress.h"
#include "common/flags.h"
#include "common/text_table.h"

namespace jb::cli {
namespace {

namespace v1 = joulebench::v1;

struct SubmitFlags {
  std::string file;
  std::string coordinator = "127.0.0.1:7070";
  bool dry_run = false;
  bool wait = false;
  double poll_interval_s = 1.0;
};

void PrintPlan(const v1::SubmitSweepResponse& response) {
  TextTable table(
      {"model", "task", "hardware class", "shards", "samples", "samples/shard", "sized by"});
  for (const auto& cell : response.plan()) {
    table.AddRow({cell.model(), cell.task(), cell.hardware_class(), absl::StrCat(cell.shards()),
                  absl::StrCat(cell.samples()), absl::StrCat(cell.shard_size()), cell.sized_by()});
  }
  std::cout << table.Render() << "total: " << response.shards_total() << " shards, "
            << response.samples_total() << " samples\n";
}

int RunSubmit(const SubmitFlags& flags) {
  // Checked locally first: a bad file is reported without contacting the coordinator.
  absl::StatusOr<SweepFile> sweep = ReadSweepFile(flags.file);
  if (!sweep.ok()) {
    std::cerr << "error: " << sweep.status().message() << "\n";
    return kExitUsage;
  }
  const coordinator::SweepSpec& spec = sweep->spec;
  v1::SubmitSweepRequest& request = sweep->request;
  request.set_dry_run(flags.dry_run);
  AdminConnection admin(flags.coordinator);
  auto response = admin.SubmitSweep(request);
  if (!response.ok()) return ReportError(response.status(), flags.coordinator);
  if (flags.dry_run) {
    std::cout << "dry run: sweep '" << spec.name << "' is valid; nothing was submitted\n";
    PrintPlan(*response);
    return kExitOk;
  }
  std::cout << "submitted sweep " << response->sweep_id() << " ('" << spec.name << "')\n";
  PrintPlan(*response);
  if (!flags.wait) return kExitOk;
  return WaitForSweep(admin, response->sweep_id(), absl::Seconds(flags.poll_interval_s));
}

}  // namespace

void AddSubmitCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SubmitFlags>();
  CLI::App* cmd = app.add_subcommand(
      "submit", "Validate a sweep file, plan its shards and submit it to the coordinator.");
  cmd->add_option("sweep", flags->file, "Sweep YAML file (format: docs/sweeps.md)")->required();
  AddFlag(cmd, "--coordinator", flags->coordinator, "Coordinator gRPC address HOST:PORT");
  cmd->add_flag("--dry-run", flags->dry_run, "Validate and print the plan; submit nothing");
  cmd->add_flag("--wait", flags->wait,
                "Show progress until the sweep ends; exit 1 unless it succeeded");
  cmd->add_option("--poll-interval", flags->poll_interval_s, "Seconds between progress updates")
      ->capture_default_str();
  cmd->callback([flags, exit_code] { *exit_code = RunSubmit(*flags); });
}

}  // namespace jb::cli
