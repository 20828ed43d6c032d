// Shared setup of the pool's tests: options for a ScriptedHttpServer and batches of
// RecordingExchanges.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tests/worker/http_recording_exchange.h"
#include "worker/inference/http_pool.h"

namespace jb::worker::testing {

// Short timeouts and millisecond backoffs, so failing paths stay fast.
inline HttpPoolOptions TestOptions(int port, int concurrency = 1) {
  HttpPoolOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.concurrency = concurrency;
  options.connect_timeout = absl::Seconds(1);
  options.attempt_timeout = absl::Seconds(2);
  options.retry = {absl::Milliseconds(1), absl::Milliseconds(5), 2.0, 3};
  options.max_retry_after = absl::Seconds(5);
  return options;
}

// `count` GET exchanges of "/0", "/1", ...
struct Batch {
  explicit Batch(int count) {
    for (int i = 0; i < count; ++i) {
      exchanges.push_back(std::make_unique<RecordingExchange>(
          HttpRequest{.method = "GET", .target = absl::StrCat("/", i)}));
    }
  }

  absl::Status Run(const HttpPoolOptions& options, const std::atomic<bool>* cancel = nullptr) {
    std::vector<HttpExchange*> pointers;
    for (auto& exchange : exchanges) pointers.push_back(exchange.get());
    return RunExchanges(options, pointers, cancel);
  }

  RecordingExchange& operator[](size_t i) { return *exchanges[i]; }

  std::vector<std::unique_ptr<RecordingExchange>> exchanges;
};

}  // namespace jb::worker::testing
