// The coordinator process: migrations, the worker and admin gRPC services, the read-only HTTP
// API (coordinator/http_api.h) when asked for, the reaper (expired leases, lost workers) and
// the sealer (ended sweeps' scores), over one database.
// Coordinators keep no state of their own, so several may run against one database (DESIGN.md
// section 2).
//
// Lifecycle: Start() connects (retrying while PostgreSQL starts), migrates, binds and serves;
// Stop() stops the HTTP server, stops accepting calls, lets running calls finish within a
// grace period, stops the reaper and the sealer. The destructor calls Stop(). Both run every
// reaper_interval on their own threads, so sealing a sweep of millions of rows (minutes) never
// delays returning an expired lease to the queue. Thread-safety: Start and Stop from one thread;
// everything else is internal.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "coordinator/http_api.h"
#include "coordinator/http_server.h"
#include "coordinator/lease_service.h"
#include "coordinator/sweep_service.h"
#include "grpcpp/server.h"
#include "storage/database.h"

namespace jb::coordinator {

struct CoordinatorOptions {
  std::string db_url;
  // host:port to listen on; port 0 picks a free port (read it back with port()).
  std::string grpc_listen = "0.0.0.0:7070";
  // host:port for the HTTP API; "" serves none; port 0 picks a free port (http_port()).
  std::string http_listen;
  LeaseOptions lease;
  absl::Duration reaper_interval = absl::Seconds(5);
  // Bound on gRPC handler threads; a call beyond it is shed with RESOURCE_EXHAUSTED (workers
  // retry it with backoff). Handlers beyond db_connections wait for a connection instead.
  int max_threads = 512;
  // Database connections, hence concurrent transactions.
  int db_connections = 32;
};

class CoordinatorServer {
 public:
  // UNAVAILABLE when the database cannot be reached, FAILED_PRECONDITION when a migration's
  // checksum does not match, INVALID_ARGUMENT when the listen address cannot be bound.
  static absl::StatusOr<std::unique_ptr<CoordinatorServer>> Start(CoordinatorOptions options);
  ~CoordinatorServer();

  int port() const { return port_; }
  // The HTTP API's port; 0 when http_listen was empty.
  int http_port() const { return http_ == nullptr ? 0 : http_->port(); }
  void Stop();
  // Blocks until Stop() is called.
  void Wait();

 private:
  CoordinatorServer() = default;
  void ReapLoop();
  void SealLoop();

  // Members in dependency order: services use the database, the server uses the services.
  CoordinatorOptions options_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<SweepService> sweeps_;
  std::unique_ptr<LeaseService> leases_;
  std::unique_ptr<grpc::Service> admin_grpc_;
  std::unique_ptr<grpc::Service> coordinator_grpc_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpApi> http_api_;
  std::unique_ptr<HttpServer> http_;
  int port_ = 0;
  absl::Notification stopping_;
  std::thread reaper_;
  std::thread sealer_;
};

// `joulebench coordinator`: runs until SIGTERM/SIGINT. Returns the process exit code.
int RunCoordinatorCommand(const CoordinatorOptions& options);

}  // namespace jb::coordinator
