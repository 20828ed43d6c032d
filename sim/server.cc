#include "sim/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "sim/connections.h"
#include "sim/generate_handler.h"
#include "sim/openai_api.h"
#include "sim/task_queue.h"

#ifndef JB_VERSION
#define JB_VERSION "0.0.0"
#endif

namespace jb::sim {
namespace {

constexpr char kJson[] = "application/json";
// Clients keep a connection for a whole shard; httplib's default closes it after 5 requests.
constexpr size_t kKeepAliveMaxCount = 1'000'000'000;
// Connections the kernel may hold for accept(); capped by net.core.somaxconn.
constexpr int kListenBacklog = 4096;

}  // namespace

std::string SimVersion() { return absl::StrCat("joulebench-sim ", JB_VERSION); }

SimServer::SimServer(Profile profile, std::shared_ptr<const Oracle> oracle,
                     SimServerOptions options)
    : options_(options),
      engine_(std::move(profile), std::move(oracle), options.clock, options.timing_log_capacity),
      http_(std::make_unique<httplib::Server>()) {
  const size_t threads = static_cast<size_t>(std::max(1, options_.http_threads));
  http_->new_task_queue = [threads] { return new LazyThreadPool(threads); };
  http_->set_payload_max_length(options_.max_body_bytes);
  http_->set_keep_alive_max_count(kKeepAliveMaxCount);
  http_->set_keep_alive_timeout(std::max(1, options_.keep_alive_timeout_s));
  // Each token is its own small write; Nagle would hold one back until the previous is ACKed
  // (uvicorn, under vLLM, also disables it).
  http_->set_tcp_nodelay(true);
  http_->set_default_headers({{"x-joulebench-simulated", "true"}});
  // httplib's default sets SO_REUSEPORT, which lets a second simulator bind the same port and
  // silently take half the requests; SO_REUSEADDR alone still allows a quick restart.
  http_->set_socket_options([this](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = sock;  // the last one httplib creates is the one it binds
  });
  RegisterRoutes();
}

SimServer::~SimServer() { Stop(); }

void SimServer::RegisterRoutes() {
  http_->Get("/health", [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
  http_->Get("/version", [](const httplib::Request&, httplib::Response& res) {
    // vLLM answers a bare version number; the server kind comes from owned_by.
    res.set_content(nlohmann::json{{"version", JB_VERSION}}.dump(), kJson);
  });
  http_->Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(ModelsJson(engine_.profile(), absl::ToUnixSeconds(engine_.clock()->Now())),
                    kJson);
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(engine_.RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http_->Get("/sim/requests", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(engine_.timing_log().Json(), kJson);
  });
  http_->Delete("/sim/requests", [this](const httplib::Request&, httplib::Response& res) {
    engine_.timing_log().Clear();
    res.status = 204;
  });
  for (const bool chat : {true, false}) {
    const char* path = chat ? "/v1/chat/completions" : "/v1/completions";
    const bool served = chat ? engine_.profile().serves_chat : engine_.profile().serves_completions;
    http_->Post(path, [this, chat, path, served](const httplib::Request& req,
                                                 httplib::Response& res) {
      if (!served) {
        // OpenAI's answer to a path it does not serve; the worker's probe reads the 404 as "no
        // log-likelihoods here" and uses the generative fallback.
        return ReplyError(res, 404, "NotFoundError",
                          absl::StrCat("Invalid URL (POST ", path,
                                       "): this server's profile does not list it in endpoints"),
                          "", engine_.profile().failures.retry_after_s);
      }
      Begin(&res);
      HandleGenerate(engine_, chat, req, res);
    });
  }
  // httplib calls the logger after it has written a response, streamed ones included.
  http_->set_logger([this](const httplib::Request&, const httplib::Response& res) { End(&res); });
}

void SimServer::Begin(const httplib::Response* res) {
  absl::MutexLock lock(&in_flight_mu_);
  in_flight_.insert(res);
}

void SimServer::End(const httplib::Response* res) {
  absl::MutexLock lock(&in_flight_mu_);
  in_flight_.erase(res);
}

absl::StatusOr<int> SimServer::Start(const std::string& host, int port) {
  if (thread_.joinable()) return absl::FailedPreconditionError("the simulator already started");
  if (port == 0) {
    port_ = http_->bind_to_any_port(host);
  } else {
    port_ = http_->bind_to_port(host, port) ? port : -1;
  }
  if (port_ <= 0) {
    port_ = 0;
    return absl::UnavailableError(absl::StrCat("cannot listen on ", host, ":", port,
                                               "; is the address in use or not local?"));
  }
  // httplib 0.11 listens with a backlog of 5: a burst of a thousand clients connecting at once
  // would see dropped handshakes and retries seconds later. Listening again raises it (Linux).
  if (listen_fd_ >= 0) ::listen(listen_fd_, kListenBacklog);
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  // httplib's stop() does nothing until the loop runs; wait for it so Stop() cannot hang.
  for (int i = 0; i < 5000 && !http_->is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  return port_;
}

void SimServer::Stop() {
  engine_.Stop();
  if (thread_.joinable()) {
    http_->stop();
    {
      absl::MutexLock lock(&in_flight_mu_);
      const auto written = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(in_flight_mu_) {
        return in_flight_.empty();
      };
      in_flight_mu_.AwaitWithTimeout(absl::Condition(&written), absl::Seconds(2));
    }
    // Connections idling in httplib's keep-alive wait do not notice the stop by themselves.
    ShutdownConnections(port_);
    thread_.join();
  }
}

}  // namespace jb::sim
