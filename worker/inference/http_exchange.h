// HttpExchange: one logical HTTP/1.1 request that the HTTP pool (http_pool.h) sends, and
// sends again when an attempt fails in a retryable way. The pool owns sockets, framing,
// timeouts and retries; an exchange owns what the bytes mean (an SSE stream of OpenAI chunks,
// a JSON body) and decides what each attempt's outcome was.
//
// Life of an exchange, all on the pool's one I/O thread:
//   1. For each attempt, 1-based:
//      a. OnAttemptStart(attempt, send_time): send_time is the monotonic clock read just
//         before the request's first byte is written, after the connection is established
//         (vLLM's benchmark client convention). Per-attempt state is reset here.
//         An attempt whose connection never comes up (refused, connect timeout, cancelled
//         while connecting) still gets it, with the time it failed, just before (d).
//         When a reused keep-alive connection turns out to have been closed by the server
//         before any response byte, the pool sends the request again on a fresh connection
//         and calls OnAttemptStart again with the same attempt number and the new send time.
//      b. OnResponseHead once the status line and headers are parsed (never for an attempt
//         that fails before them).
//      c. OnBody with the de-framed body bytes, in order, as each read returns them, with the
//         time the read returned. Returning false abandons the attempt: the pool closes the
//         connection (its unread bytes make it unusable) and goes on to (d) with ABORTED.
//      d. OnAttemptEnd(transport, now) exactly once: `transport` is OK when the whole response
//         arrived, else what went wrong below HTTP (see the codes below). The exchange
//         answers with the attempt's outcome: OK ends the exchange; a retryable code
//         (IsRetryableAttempt) asks for another attempt while attempts remain; any other code
//         ends the exchange with it.
//   2. OnDone(final, attempts) exactly once, after the last attempt, or with CANCELLED when the
//      run is cancelled (then possibly without any attempt, attempts = 0). Also when the run
//      fails before any attempt (invalid options or request, unresolvable host): attempts = 0.
//
// Transport codes given to OnAttemptEnd:
//   Unavailable        connection refused, reset or timed out while connecting, EOF before
//                      the response was complete
//   DeadlineExceeded   the attempt ran past the pool's attempt timeout
//   Aborted            the exchange abandoned the attempt (OnBody returned false)
//   OutOfRange         the response exceeded the pool's size limit (or its head 64 KiB)
//   Internal           the bytes are not a valid HTTP/1.x response
//   ResourceExhausted  the process ran out of file descriptors
//   Cancelled          the run was cancelled while the attempt was in flight
// Thread-safety: an exchange is used by one pool run at a time, on that run's I/O thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace jb::worker {

struct HttpHeader {
  std::string name;
  std::string value;
};

// What to send. The pool adds Host, Content-Length (for a body), Connection: keep-alive and
// User-Agent; `headers` are the rest (Content-Type, Authorization, X-Request-Id, ...).
struct HttpRequest {
  // "GET" or "POST".
  std::string method = "GET";
  // Origin-form target: path and optional query, e.g. "/v1/chat/completions".
  std::string target;
  std::vector<HttpHeader> headers;
  std::string body;
};

// The status line and headers of one attempt's response.
struct HttpResponseHead {
  int status = 0;
  // Header names lower-cased, values with surrounding whitespace removed, in arrival order.
  std::vector<HttpHeader> headers;

  // The first header called `lowercase_name`, or "" when absent.
  absl::string_view Header(absl::string_view lowercase_name) const;
};

class HttpExchange {
 public:
  virtual ~HttpExchange() = default;

  // The request every attempt sends. Must not change during a run.
  virtual const HttpRequest& request() const = 0;

  virtual void OnAttemptStart(int attempt, absl::Duration send_time) = 0;
  virtual void OnResponseHead(const HttpResponseHead& head, absl::Duration now) = 0;
  virtual bool OnBody(absl::string_view data, absl::Duration now) = 0;
  virtual absl::Status OnAttemptEnd(absl::Status transport, absl::Duration now) = 0;
  virtual void OnDone(absl::Status final_status, int attempts) = 0;
};

// The outcome codes that ask for another attempt: Unavailable (connection trouble, 408,
// 5xx), ResourceExhausted (429) and DeadlineExceeded (a stalled server).
bool IsRetryableAttempt(const absl::Status& status);

// The outcome of a complete response with a non-2xx status, by retry meaning:
//   429 -> ResourceExhausted; 408, 5xx -> Unavailable; 404 -> NotFound;
//   other 4xx -> InvalidArgument; anything else (1xx, 3xx) -> Internal.
// `message` says what failed, e.g. "POST http://h/v1/completions: HTTP 503: <server message>".
absl::Status StatusForHttpStatus(int status, absl::string_view message);

}  // namespace jb::worker
