// Splitting http:// URLs into what the HTTP pool needs: host, port and path.
//
//   ParseHttpUrl("http://127.0.0.1:8000/v1") -> {origin "http://127.0.0.1:8000",
//                                               host "127.0.0.1", port 8000, path "/v1"}
//   ParseHttpUrl("http://[::1]/v1")           -> {host "::1", port 80, ...}
//   ServerRootUrl("http://127.0.0.1:8000/v1") -> "http://127.0.0.1:8000"
//
// Only http:// is accepted: the worker's client speaks plain HTTP to the node-local inference
// server and exporters (http_pool.h); https:// gets an error that says so.
// vLLM serves the OpenAI API under /v1 and /health, /version, /metrics on the server root, so
// the worker derives the root from the --inference-url it is given.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace jb::worker {

struct HttpUrl {
  // "http://host:port" as written (port only when the URL had one).
  std::string origin;
  // Host name or IP literal (IPv6 without brackets).
  std::string host;
  int port = 80;
  // The path without a trailing '/', "" for the root; never has a query string.
  std::string path;
};

// InvalidArgument when `url` is not http:// with a host, has a bad port, a query or a
// fragment, or is https:// (with what to do instead).
absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url);

// `base_url` without a trailing "/v1" (and trailing '/'): where /health and /metrics live.
std::string ServerRootUrl(absl::string_view base_url);

}  // namespace jb::worker
