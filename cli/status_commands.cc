// `joulebench status [SWEEP]`, `joulebench cancel SWEEP`, `joulebench workers`
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cli/admin_connection.h"
#include "cli/command.h"
#include "cli/sweep_progress.h"
#include "common/flags.h"
#include "common/text_table.h"
#include "storage/sweep_repository.h"

namespace jb::cli {
namespace {

namespace v1 = joulebench::v1;

struct StatusFlags {
  std::string coordinator = "127.0.0.1:7070";
  int64_t sweep_id = 0;
};

std::string FormatTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

int RunStatus(const StatusFlags& flags) {
  AdminConnection admin(flags.coordinator);
  if (flags.sweep_id > 0) {
    auto sweep = admin.GetSweep(flags.sweep_id);
    if (!sweep.ok()) return ReportError(sweep.status(), flags.coordinator);
    std::cout << RenderSweep(*sweep);
    return kExitOk;
  }
  auto sweeps = admin.ListSweeps(50);
  if (!sweeps.ok()) return ReportError(sweeps.status(), flags.coordinator);
  TextTable table({"id", "name", "state", "shards", "failed", "samples", "created (UTC)"});
  for (const auto& s : sweeps->sweeps()) {
    table.AddRow(
        {absl::StrCat(s.sweep_id()), s.name(), storage::SweepStateText(s.state()),
         absl::StrCat(s.shards_succeeded(), "/", s.shards_total()), absl::StrCat(s.shards_failed()),
         absl::StrCat(s.samples_done(), "/", s.samples_total()), FormatTime(s.created_at())});
  }
  if (table.rows() == 0) {
    std::cout << "no sweeps yet; submit one with `joulebench submit SWEEP.yaml`\n";
  } else {
    std::cout << table.Render();
  }
  return kExitOk;
}

int RunCancel(const StatusFlags& flags) {
  AdminConnection admin(flags.coordinator);
  auto response = admin.CancelSweep(flags.sweep_id);
  if (!response.ok()) return ReportError(response.status(), flags.coordinator);
  std::cout << "cancelled sweep " << flags.sweep_id << ": " << response->shards_cancelled()
            << " shards stopped\n";
  return kExitOk;
}

int RunWorkers(const StatusFlags& flags) {
  AdminConnection admin(flags.coordinator);
  auto response = admin.ListWorkers();
  if (!response.ok()) return ReportError(response.status(), flags.coordinator);
  TextTable table({"id", "name", "hardware class", "state", "server", "models", "shard",
                   "last heartbeat (UTC)"});
  for (const auto& w : response->workers()) {
    std::vector<std::string> models;
    for (const auto& m : w.server().models()) models.push_back(m.name());
    const std::string state =
        w.detail().empty() ? w.state() : absl::StrCat(w.state(), " (", w.detail(), ")");
    table.AddRow({w.worker_id(), w.name(), w.hardware().hardware_class(), state, w.server().kind(),
                  absl::StrJoin(models, ","),
                  w.current_shard_id() ? absl::StrCat(w.current_shard_id()) : "-",
                  FormatTime(w.last_heartbeat_at())});
  }
  if (table.rows() == 0) {
    std::cout << "no workers registered; start one with `joulebench worker`\n";
  } else {
    std::cout << table.Render();
  }
  return kExitOk;
}

}  // namespace

void AddStatusCommands(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<StatusFlags>();
  CLI::App* status = app.add_subcommand("status", "Show sweeps, or one sweep's progress per cell.");
  status->add_option("sweep", flags->sweep_id, "Sweep id (omit to list recent sweeps)");
  AddFlag(status, "--coordinator", flags->coordinator, "Coordinator gRPC address HOST:PORT");
  status->callback([flags, exit_code] { *exit_code = RunStatus(*flags); });

  CLI::App* cancel = app.add_subcommand(
      "cancel", "Cancel a sweep: nothing more is leased and running shards are revoked.");
  cancel->add_option("sweep", flags->sweep_id, "Sweep id")->required();
  AddFlag(cancel, "--coordinator", flags->coordinator, "Coordinator gRPC address HOST:PORT");
  cancel->callback([flags, exit_code] { *exit_code = RunCancel(*flags); });

  CLI::App* workers = app.add_subcommand("workers", "List registered workers.");
  AddFlag(workers, "--coordinator", flags->coordinator, "Coordinator gRPC address HOST:PORT");
  workers->callback([flags, exit_code] { *exit_code = RunWorkers(*flags); });
}

}  // namespace jb::cli
