// LocalStack: the whole system on one machine as real processes (DESIGN.md section 11):
// a private PostgreSQL cluster in the state directory, simulators, a coordinator and workers,
// each a child process of this one running the same executable. `joulebench demo` and the
// multi-process integration tests both start it, so the demo path is the tested path.
//
// Layout of the state directory:
//   pg/          the PostgreSQL cluster (kept between runs; a second run reuses it)
//   logs/        one log file per process (coordinator.log, worker-1.log, sim-1.log, ...)
//
// Lifecycle: Start() brings everything up in dependency order and waits until each part is
// ready (the simulator answers /health, the coordinator answers the admin API, every worker
// has registered). Stop() (and the destructor) stop them in reverse order: workers first, so
// no lease is left held, then the coordinator, the simulators, and PostgreSQL.
// Thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/process.h"
#include "storage/local_postgres.h"

namespace jb::cli {

// One simulator and the workers that drive it.
struct LocalSim {
  // Passed to `joulebench sim --profile` ("" = the simulator's built-in demo profile).
  std::string profile;
  // Hardware class of the workers driving this simulator.
  std::string hardware_class = "sim";
  int workers = 1;
  // Suite directories the simulator's oracle knows besides the built-ins (`--suites`).
  std::vector<std::string> suite_dirs;
};

struct LocalStackOptions {
  // The joulebench executable (default: this process's own).
  std::string binary;
  std::string state_dir;
  std::vector<LocalSim> sims;
  std::string log_level = "info";
  // Lease TTL of the coordinator; fault tests shorten it.
  absl::Duration lease_ttl = absl::Seconds(30);
  absl::Duration reaper_interval = absl::Seconds(5);
  absl::Duration ready_timeout = absl::Seconds(60);
  // Extra arguments for every worker (e.g. {"--energy", "none"}) and coordinator replica.
  std::vector<std::string> worker_args;
  std::vector<std::string> coordinator_args;
  // Coordinator replicas on the one database; workers are spread over them round-robin.
  int coordinators = 1;
};

class LocalStack {
 public:
  // Starts everything; on any failure stops what it started and returns the error, naming the
  // part and its log file.
  static absl::StatusOr<std::unique_ptr<LocalStack>> Start(LocalStackOptions options);
  ~LocalStack();

  const std::string& db_url() const { return db_url_; }
  // "127.0.0.1:PORT" of coordinator replica `i`'s gRPC server.
  std::string coordinator_address(size_t i = 0) const;
  // "http://127.0.0.1:PORT/api/v1/": coordinator replica `i`'s JSON API (docs/api.md).
  std::string api_url(size_t i = 0) const;
  // "http://127.0.0.1:PORT" of simulator `i` (its API is under /v1).
  std::string sim_url(size_t i) const;
  std::string log_path(const std::string& process) const;
  size_t worker_count() const { return workers_.size(); }
  Subprocess& worker(size_t i) { return *workers_.at(i); }
  Subprocess& coordinator(size_t i = 0) { return *coordinators_.at(i); }
  storage::LocalPostgres& postgres() { return *postgres_; }

  // Stops coordinator replica `i` (SIGKILL when `kill`, else SIGTERM) and starts it again on
  // the same port; waits until it answers.
  absl::Status RestartCoordinator(bool kill, size_t i = 0);
  void Stop();

 private:
  LocalStack() = default;
  absl::Status StartAll();
  absl::Status StartCoordinator(size_t i);
  absl::StatusOr<std::unique_ptr<Subprocess>> Spawn(const std::string& name,
                                                    std::vector<std::string> args);

  LocalStackOptions options_;
  std::unique_ptr<storage::LocalPostgres> postgres_;
  std::string db_url_;
  std::vector<int> coordinator_ports_;
  std::vector<int> coordinator_http_ports_;
  std::vector<int> sim_ports_;
  std::vector<std::unique_ptr<Subprocess>> sims_;
  std::vector<std::unique_ptr<Subprocess>> coordinators_;
  std::vector<std::unique_ptr<Subprocess>> workers_;
};

// Polls `ready` every 100 ms until it returns OK, `child` exits, or `timeout` passes. The error
// names `what` and the last failure.
absl::Status WaitUntilReady(const std::string& what, Subprocess* child, absl::Duration timeout,
                            const std::function<absl::Status()>& ready);

}  // namespace jb::cli
