// Socket plumbing of the pool (http_pool.h): resolving the server once, non-blocking TCP
// connects with Nagle off (a request is one write, and its latency is measured), errno as
// Status, and the process's file descriptor limit.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <sys/socket.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace jb::worker {

struct SocketAddress {
  sockaddr_storage storage;
  socklen_t length = 0;
  // "127.0.0.1:8000" or "[::1]:8000", for messages.
  std::string text;
};

// Every TCP address of `host` (a name, an IPv4 literal or an IPv6 literal, brackets allowed),
// in getaddrinfo's order of preference. Unavailable when it cannot be resolved.
absl::StatusOr<std::vector<SocketAddress>> ResolveHost(absl::string_view host, int port);

// Starts a non-blocking connect to `address` and returns the socket, with `*connected` set
// when the connect finished at once (else wait for it to become writable, then
// FinishConnect). Unavailable (ResourceExhausted when out of descriptors) when it failed.
absl::StatusOr<int> StartConnect(const SocketAddress& address, bool* connected);

// The outcome of a connect started by StartConnect, once its socket is writable.
absl::Status FinishConnect(int fd, const SocketAddress& address);

// `what: strerror(err)`, Unavailable or, for EMFILE and ENFILE, ResourceExhausted.
absl::Status ErrnoStatus(int err, absl::string_view what);

// Raises the soft RLIMIT_NOFILE so that `needed` descriptors fit; ResourceExhausted saying
// so when the hard limit is lower.
absl::Status EnsureFileLimit(int needed);

}  // namespace jb::worker
