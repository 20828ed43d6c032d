// `joulebench coordinator --db URL --grpc-listen :7070 [--http-listen :8080]`
#include "cli/command.h"
#include "common/flags.h"
#include "common/logging.h"
#include "coordinator/server.h"

namespace jb::cli {

void AddCoordinatorCommand(CLI::App& app, int* exit_code) {
  struct Flags {
    coordinator::CoordinatorOptions options;
    double lease_ttl_s = 30;
    double reaper_interval_s = 5;
    std::string log_level = "info";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "coordinator",
      "Run the coordinator: migrations, the worker and admin gRPC APIs, the HTTP API, the lease "
      "reaper.");
  AddFlag(cmd, "--db", flags->options.db_url,
          "PostgreSQL URL, e.g. postgresql://joulebench@127.0.0.1:5432/joulebench");
  AddFlag(cmd, "--grpc-listen", flags->options.grpc_listen, "gRPC listen address HOST:PORT");
  AddFlag(cmd, "--http-listen", flags->options.http_listen,
          "HTTP listen address HOST:PORT of the read-only JSON API (docs/api.md), e.g. :8080; "
          "empty serves none");
  AddFlag(cmd, "--lease-ttl", flags->lease_ttl_s,
          "Seconds a shard lease lasts without a heartbeat (workers beat every TTL/3)");
  AddFlag(cmd, "--reaper-interval", flags->reaper_interval_s,
          "Seconds between scans for expired leases, and for ended sweeps to seal");
  AddFlag(cmd, "--max-threads", flags->options.max_threads,
          "Bound on concurrent gRPC handlers; calls beyond it are shed with RESOURCE_EXHAUSTED "
          "(workers retry) while the handlers wait for a database connection");
  AddFlag(cmd, "--db-connections", flags->options.db_connections,
          "Database connections, hence concurrent transactions; PostgreSQL does most with 2 to 4 "
          "per core of its machine");
  AddFlag(cmd, "--log-level", flags->log_level, "trace, debug, info, warn or error");
  cmd->callback([flags, exit_code] {
    if (!InitLogging("coordinator", flags->log_level).ok()) {
      *exit_code = kExitUsage;
      return;
    }
    if (flags->options.max_threads < 1 || flags->options.db_connections < 1) {
      JB_LOG(error, "--max-threads and --db-connections must be at least 1");
      *exit_code = kExitUsage;
      return;
    }
    if (flags->lease_ttl_s <= 0 || flags->reaper_interval_s <= 0) {
      JB_LOG(error, "--lease-ttl and --reaper-interval must be positive");
      *exit_code = kExitUsage;
      return;
    }
    coordinator::CoordinatorOptions options = flags->options;
    options.lease.lease_ttl = absl::Seconds(flags->lease_ttl_s);
    options.lease.heartbeat_interval = options.lease.lease_ttl / 3;
    options.reaper_interval = absl::Seconds(flags->reaper_interval_s);
    *exit_code = coordinator::RunCoordinatorCommand(options);
  });
}

}  // namespace jb::cli
