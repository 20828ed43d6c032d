// The request side of the pool's wire format and the Retry-After header (RFC 9110), kept apart
// from the event loop so each is tested on its own.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "worker/inference/http_exchange.h"

namespace jb::worker {

// Whether `s` is a token (RFC 9110 section 5.6.2): what a method or a field name must be.
bool IsHttpToken(absl::string_view s);

// The Host header value for `host` (a name or an IP literal, IPv6 without brackets) and
// `port`: "h", "h:8000", "[::1]:8000".
std::string HostHeader(absl::string_view host, int port);

// The request line and headers of `request`, ending with the empty line; the body is sent
// after it as is. Adds Host, User-Agent: joulebench, Content-Length (for a body or a method
// other than GET) and Connection: keep-alive before the request's own headers.
// InvalidArgument when the method, target or a header could break the framing (CR, LF, NUL,
// a space in the target, a name that is not a token).
absl::StatusOr<std::string> SerializeRequestHead(const HttpRequest& request,
                                                 absl::string_view host_header);

// The wait a Retry-After value asks for (RFC 9110 section 10.2.3): delta-seconds, or an
// HTTP-date (IMF-fixdate, RFC 850 or asctime form) minus `now`, never negative. nullopt when
// the value is neither.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

}  // namespace jb::worker
