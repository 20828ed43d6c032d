// HttpFetch: one buffered HTTP request through the pool (http_pool.h), for the small control
// calls of the worker: GET /v1/models, /health, /version, /metrics, and Prometheus exporters.
// Not retried (max_attempts 1): callers have their own retry loops at a coarser grain.
//
//   HttpPoolOptions pool = {.host = "127.0.0.1", .port = 8000};
//   absl::StatusOr<HttpFetchResult> r = HttpFetch(pool, {.method = "GET", .target = "/health"});
//
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "worker/inference/http_exchange.h"
#include "worker/inference/http_pool.h"

namespace jb::worker {

struct HttpFetchResult {
  int status = 0;
  std::string body;
};

// Sends `request` once with options.attempt_timeout. Every HTTP status comes back as a
// result; transport errors as Unavailable or DeadlineExceeded, prefixed with
// "METHOD http://host:port/target: ".
absl::StatusOr<HttpFetchResult> HttpFetch(const HttpPoolOptions& options, HttpRequest request);

// The body of a 200. Any other status means "not serving this now", whatever the code says:
// Unavailable, except 404 (NotFound), kept apart so callers can tell an endpoint the server
// lacks. The message is "<what>: HTTP <status>: <the server's error message>".
absl::StatusOr<std::string> BodyOf200(absl::string_view what, HttpFetchResult result);

// GET `url` ("http://host:port/path") and return the body of a 200 (BodyOf200). InvalidArgument for
// a URL that is not http://; Unavailable for transport errors and for any other status, NotFound
// for 404. With `connections`, the connection is taken from and given back to that cache, so a
// caller polling one endpoint (a meter scraping /metrics at 10 Hz) keeps one connection alive.
absl::StatusOr<std::string> HttpGetUrl(const std::string& url,
                                       absl::Duration timeout = absl::Seconds(5),
                                       HttpConnectionCache* connections = nullptr);

}  // namespace jb::worker
