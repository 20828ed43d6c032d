// HttpInferenceClient: the InferenceClient (inference_client.h) for a real OpenAI-compatible
// server over HTTP. Generation batches run through the epoll pool (http_pool.h) as
// GenerationExchanges, so one I/O thread per batch keeps `concurrency` streams in flight over
// keep-alive connections and timestamps every token; the control calls (models, health,
// version, metrics) are single buffered requests (http_fetch.h). Idle connections are kept
// between batches (HttpConnectionCache), so consecutive shards do not reconnect.
// Thread-safety: thread-safe; RunBatch calls on different threads run independently, each on
// its own connections.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/backoff.h"
#include "common/clock.h"
#include "worker/inference/http_pool.h"
#include "worker/inference/http_url.h"
#include "worker/inference/inference_client.h"

namespace jb::worker {

struct HttpInferenceClientOptions {
  // Base URL of the OpenAI API, e.g. "http://127.0.0.1:8000/v1" (http:// only).
  std::string base_url;
  // Limit on one attempt of a generation request, from its first byte sent to its last byte
  // received; a stalled stream fails with DeadlineExceeded and is retried.
  absl::Duration request_timeout = absl::Minutes(5);
  // Limit on connecting, and on the whole of each control call.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Retries of 429, 5xx, connection errors and timeouts: attempts in all (max_attempts),
  // backoff from `initial` doubling to `max`, with jitter; Retry-After is honoured up to
  // max_retry_after.
  BackoffOptions retry = {absl::Milliseconds(500), absl::Seconds(30), 2.0, 4};
  absl::Duration max_retry_after = absl::Seconds(60);
  // Sent as "Authorization: Bearer <api_key>" when non-empty (vLLM's --api-key).
  std::string api_key;
};

class HttpInferenceClient : public InferenceClient {
 public:
  // InvalidArgument when base_url is not an http:// URL. `clock` (not owned, must outlive the
  // client, must be real) timestamps requests; nullptr means Clock::Real().
  static absl::StatusOr<std::unique_ptr<HttpInferenceClient>> Create(
      HttpInferenceClientOptions options, Clock* clock = nullptr);

  absl::StatusOr<std::vector<joulebench::v1::ServedModel>> ListModels() override;
  absl::Status Health() override;
  absl::StatusOr<joulebench::v1::InferenceServer> ServerInfo() override;
  absl::StatusOr<std::string> ScrapeMetrics() override;
  absl::Status RunBatch(const std::vector<InferenceRequest>& requests, const BatchOptions& options,
                        const ResultFn& on_result) override;

 private:
  HttpInferenceClient(HttpInferenceClientOptions options, HttpUrl base, Clock* clock);

  // GET root_path_ + `path` (or the API path when `api` is true): the body of a 200.
  // Unavailable for transport errors and other statuses (NotFound for 404).
  absl::StatusOr<std::string> Get(const std::string& path, bool api);
  // The pool options for this server; `concurrency` for a batch.
  HttpPoolOptions PoolOptions(int concurrency, absl::Duration attempt_timeout) const;
  // Authorization, when configured.
  void AddAuth(HttpRequest& request) const;

  const HttpInferenceClientOptions options_;
  const HttpUrl base_;
  // The server root's path ("" for vLLM): where /health, /version, /metrics live.
  const std::string root_path_;
  Clock* const clock_;
  // Keep-alive connections carried from one batch to the next (a worker's shards).
  const std::unique_ptr<HttpConnectionCache> connections_;
};

}  // namespace jb::worker
