// SimServer: `joulebench sim`'s HTTP server, a vLLM-compatible OpenAI API over SimEngine.
//
//   GET  /health                200, empty body
//   GET  /version               {"version": "0.1.0"} (as vLLM: the kind is owned_by)
//   GET  /v1/models             ModelCards, owned_by "joulebench-sim"
//   GET  /metrics               Prometheus text: vLLM's names plus the simulated energy counter
//                               (sim/metrics.h)
//   POST /v1/chat/completions   non-streaming or streaming (server-sent events), logprobs
//   POST /v1/completions        likewise, plus echo (sim/generate_handler.h, openai_reply.h)
//                               Either answers 404 NotFoundError ("Invalid URL (POST ...)")
//                               when the profile's `endpoints` leave it out (sim/profile.h).
//   GET  /sim/requests          simulator only: the timing record of the last
//                               timing_log_capacity requests, {"requests": [...]} oldest first
//                               (sim/timing_log.h)
//   DELETE /sim/requests        simulator only: clears that record; 204
// Every response carries "x-joulebench-simulated: true".
//
// Connections: cpp-httplib gives each connection one thread for as long as the client keeps it
// (a streamed reply holds it to the end), so threads start on demand up to http_threads
// (sim/task_queue.h) and connections beyond wait. Keep-alive lasts keep_alive_timeout_s idle
// (vLLM's uvicorn: 5 s) and practically any number of requests; the listen backlog is raised
// from httplib's 5 to 4096 so that a thousand clients may connect at once; TCP_NODELAY is on.
//
// Lifecycle:
//   1. Constructed: nothing listens; the simulated power starts counting idle energy.
//   2. Start(): binds and serves on a background thread until Stop().
//   3. Stop() (or the destructor): requests still queued or sleeping fail with 503 (streams are
//      cut), the listener closes; once those replies are written (2 s at most), idle keep-alive
//      connections are closed too, and every thread is joined.
// Thread-safety: Start and Stop from one thread; handlers run on the server's threads.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "sim/engine.h"
#include "sim/oracle.h"
#include "sim/profile.h"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace jb::sim {

struct SimServerOptions {
  // Most connection threads at once; each client connection holds one.
  int http_threads = 4096;
  // Largest request body accepted.
  size_t max_body_bytes = size_t{32} << 20;
  // How long an idle keep-alive connection stays open.
  int keep_alive_timeout_s = 5;
  // Requests kept for GET /sim/requests.
  size_t timing_log_capacity = 100'000;
  // Clock for schedules, the timing record, the energy integration and timestamps.
  Clock* clock = Clock::Real();
};

class SimServer {
 public:
  SimServer(Profile profile, std::shared_ptr<const Oracle> oracle, SimServerOptions options = {});
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds host:port (port 0 picks a free one) and starts serving. Returns the bound port.
  // Unavailable when the address cannot be bound; FailedPrecondition when already started.
  absl::StatusOr<int> Start(const std::string& host, int port);

  // Stops serving (see the lifecycle above). Idempotent.
  void Stop();

  int port() const { return port_; }
  const Profile& profile() const { return engine_.profile(); }
  const Oracle& oracle() const { return engine_.oracle(); }
  SimEngine& engine() { return engine_; }

 private:
  void RegisterRoutes();
  // Generation responses from their handler until httplib has written them (its logger runs
  // after the write), so that Stop() lets their 503s out before cutting connections.
  void Begin(const httplib::Response* res);
  void End(const httplib::Response* res);

  const SimServerOptions options_;
  SimEngine engine_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
  int listen_fd_ = -1;
  absl::Mutex in_flight_mu_;
  std::set<const httplib::Response*> in_flight_ ABSL_GUARDED_BY(in_flight_mu_);
};

// The simulator's version string, "joulebench-sim 0.1.0".
std::string SimVersion();

}  // namespace jb::sim
