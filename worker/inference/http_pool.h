// RunExchanges: the worker's HTTP/1.1 client engine. It sends a batch of HttpExchanges
// (http_exchange.h) to one server over keep-alive connections and keeps exactly
// `concurrency` attempts in flight while that many are ready, on one epoll I/O thread: the
// calling thread. One thread and non-blocking sockets are what keep the client's CPU cost per
// streamed token small and its timestamps exact at 1024 streams (bench/, docs/performance.md).
//
// Scheduling:
//   - `concurrency` connection slots. A free slot takes the earliest retry whose backoff is
//     over, else the next exchange never tried, in order; a slot whose connection is still
//     open and reusable sends on it, otherwise it connects first.
//   - A retryable outcome (IsRetryableAttempt) while attempts < retry.max_attempts schedules
//     another attempt after the backoff (common/backoff.h: exponential with jitter), or after
//     the response's Retry-After (delta-seconds or HTTP-date) when that is longer, capped at
//     max_retry_after. The waiting exchange holds no slot: the slot serves other exchanges, so
//     the server keeps seeing `concurrency` requests while any are ready.
//   - A connection is reused only after a complete response that did not say
//     "Connection: close"; after any failed or abandoned attempt it is closed.
// Timeouts: connecting is bounded by connect_timeout (Unavailable); an attempt (from its first
// byte sent to its last byte received) by attempt_timeout (DeadlineExceeded), both measured on
// the real monotonic clock whatever options.clock is.
// Cancellation: when *cancel becomes true (checked at least every 50 ms), attempts in flight
// end with Cancelled, every unfinished exchange gets OnDone(Cancelled), and RunExchanges
// returns Cancelled.
// Connections outlive a run through an HttpConnectionCache when the options name one: a run
// starts on the cached idle connections and gives back the ones still reusable at its end, so
// consecutive batches (a worker's shards) do not reconnect, and the server's per-connection
// start-up (accepting, a thread per connection in some servers) stays out of request latency,
// as in vLLM's benchmark client, which keeps one connection pool for a whole run.
// Only http:// is spoken: the worker drives a node-local inference server. TLS is refused at
// option validation with a message saying so.
// Thread-safety: RunExchanges may run on several threads at once (independent batches); the
// exchanges of one batch are called only on its thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/backoff.h"
#include "common/clock.h"
#include "worker/inference/http_exchange.h"

namespace jb::worker {

// Idle keep-alive connections to one server, kept between runs (see the header comment). A
// cached connection the server closed meanwhile is noticed when used and replaced without
// counting an attempt (the keep-alive race rule). Closes what it holds when destroyed.
// Thread-safe: runs on several threads may share one cache.
class HttpConnectionCache {
 public:
  explicit HttpConnectionCache(size_t capacity = 1024) : capacity_(capacity) {}
  ~HttpConnectionCache();
  HttpConnectionCache(const HttpConnectionCache&) = delete;
  HttpConnectionCache& operator=(const HttpConnectionCache&) = delete;

  // An idle connection's descriptor, now owned by the caller, or -1 when none is cached.
  int Take();
  // Keeps `fd`, an idle connection with nothing unread, or closes it when the cache is full.
  void Give(int fd);
  size_t size() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::vector<int> fds_ ABSL_GUARDED_BY(mu_);
};

struct HttpPoolOptions {
  // The server: a host name or IP literal, and a port (1..65535).
  std::string host = "127.0.0.1";
  int port = 80;
  // Attempts in flight at once, 1..1024 (the sweep's concurrency).
  int concurrency = 1;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration attempt_timeout = absl::Minutes(5);
  // max_attempts counts every attempt, the first included (>= 1).
  BackoffOptions retry = {absl::Milliseconds(500), absl::Seconds(30), 2.0, 4};
  absl::Duration max_retry_after = absl::Seconds(60);
  // A response body larger than this fails its attempt with OutOfRange.
  size_t max_response_bytes = size_t{64} << 20;
  // Timestamps given to exchanges; must be a real clock (the pool's waits are real). nullptr
  // means Clock::Real().
  Clock* clock = nullptr;
  // Where idle connections to this host and port wait between runs; nullptr keeps none (every
  // run opens its own and closes them at its end). Not owned.
  HttpConnectionCache* connections = nullptr;
};

// InvalidArgument naming the bad option (empty host, port or concurrency out of range,
// max_attempts < 1, non-positive timeouts).
absl::Status ValidateHttpPoolOptions(const HttpPoolOptions& options);

// Runs every exchange to its OnDone as described above. Returns OK when all were done
// (whatever each one's outcome), Cancelled when cancelled, InvalidArgument for bad options,
// Unavailable when the host cannot be resolved, ResourceExhausted when RLIMIT_NOFILE cannot be
// raised to fit `concurrency` connections (in these three cases every exchange gets OnDone
// with that status and no attempt).
// REQUIRES: the exchanges outlive the call and appear once each.
absl::Status RunExchanges(const HttpPoolOptions& options, absl::Span<HttpExchange* const> exchanges,
                          const std::atomic<bool>* cancel = nullptr);

}  // namespace jb::worker
