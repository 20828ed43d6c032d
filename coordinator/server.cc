#include "coordinator/server.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/shutdown.h"
#include "coordinator/grpc_services.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server_builder.h"
#include "storage/migrator.h"

namespace jb::coordinator {

absl::StatusOr<std::unique_ptr<CoordinatorServer>> CoordinatorServer::Start(
    CoordinatorOptions options) {
  std::unique_ptr<CoordinatorServer> server(new CoordinatorServer());
  server->options_ = options;
  storage::DatabaseOptions db_options;
  db_options.url = options.db_url;
  db_options.pool_size = options.db_connections;
  auto db = storage::Database::Connect(db_options);
  if (!db.ok()) return db.status();
  server->db_ = *std::move(db);
  if (absl::Status s = storage::Migrate(*server->db_); !s.ok()) return s;

  server->sweeps_ = std::make_unique<SweepService>(server->db_.get());
  server->leases_ = std::make_unique<LeaseService>(server->db_.get(), options.lease);
  server->admin_grpc_ = std::make_unique<AdminGrpcService>(server->sweeps_.get());
  server->coordinator_grpc_ = std::make_unique<CoordinatorGrpcService>(server->leases_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  grpc::ResourceQuota quota("coordinator");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  // Keep as many idle handler threads as there are connections to use. With gRPC's default
  // of at most 2, a thread finishing a call exits and the next call starts a new one:
  // 650 threads created a second at 1,000 workers (bench/scheduler_bench.cc).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              std::max(2, options.db_connections));
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddListeningPort(options.grpc_listen, grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(server->admin_grpc_.get());
  builder.RegisterService(server->coordinator_grpc_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot listen on ", options.grpc_listen,
                     " (address in use or invalid); pass another --grpc-listen HOST:PORT"));
  }
  if (!options.http_listen.empty()) {
    server->http_api_ = std::make_unique<HttpApi>(server->db_.get());
    auto http = HttpServer::Start(options.http_listen, server->http_api_.get());
    if (!http.ok()) return http.status();
    server->http_ = *std::move(http);
  }
  server->reaper_ = std::thread([s = server.get()] { s->ReapLoop(); });
  server->sealer_ = std::thread([s = server.get()] { s->SealLoop(); });
  return server;
}

CoordinatorServer::~CoordinatorServer() { Stop(); }

void CoordinatorServer::Stop() {
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
  if (http_ != nullptr) http_->Stop();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_->Wait();
    server_.reset();
  }
  if (reaper_.joinable()) reaper_.join();
  if (sealer_.joinable()) sealer_.join();
}

void CoordinatorServer::Wait() { stopping_.WaitForNotification(); }

void CoordinatorServer::ReapLoop() {
  while (!stopping_.WaitForNotificationWithTimeout(options_.reaper_interval)) {
    absl::StatusOr<int> reaped = leases_->ReapExpiredLeases();
    if (!reaped.ok()) {
      JB_LOG(warn, "lease reaper: {}", reaped.status().ToString());
    } else if (*reaped > 0) {
      JB_LOG(info, "lease reaper returned {} expired lease(s) to the queue", *reaped);
    }
    absl::StatusOr<int> lost = leases_->MarkLostWorkers();
    if (!lost.ok()) {
      JB_LOG(warn, "marking lost workers: {}", lost.status().ToString());
    } else if (*lost > 0) {
      JB_LOG(warn, "{} worker(s) silent for more than a lease TTL are now marked lost", *lost);
    }
  }
}

void CoordinatorServer::SealLoop() {
  while (!stopping_.WaitForNotificationWithTimeout(options_.reaper_interval)) {
    if (int sealed = sweeps_->SealEndedSweeps(); sealed > 0) {
      JB_LOG(info, "sealed {} ended sweep(s): their scores are stored", sealed);
    }
  }
}

int RunCoordinatorCommand(const CoordinatorOptions& options) {
  if (options.db_url.empty()) {
    JB_LOG(error, "no database: pass --db postgresql://USER@HOST:PORT/DB (or JOULEBENCH_DB)");
    return 2;
  }
  auto server = CoordinatorServer::Start(options);
  if (!server.ok()) {
    JB_LOG(error, "coordinator failed to start: {}", server.status().ToString());
    return server.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  JB_LOG(info, "coordinator serving gRPC on port {} (lease TTL {})", (*server)->port(),
         absl::FormatDuration(options.lease.lease_ttl));
  if ((*server)->http_port() != 0) {
    JB_LOG(info, "coordinator serving the HTTP API on port {} (/api/v1/, docs/api.md)",
           (*server)->http_port());
  }
  Shutdown::OnShutdown([s = server->get()] { s->Stop(); });
  (*server)->Wait();
  (*server)->Stop();
  JB_LOG(info, "coordinator stopped");
  return 0;
}

}  // namespace jb::coordinator
