// ScriptedHttpServer: a raw-socket HTTP/1.1 server for the pool's tests (http_pool.h). It
// binds 127.0.0.1 (or ::1) port 0 and answers each request with a script the test gives: bytes
// to send, waits, a close or a reset, so a test can stage exactly the server behaviour it pins
// down (a stall, a reset mid-body, a keep-alive connection closed under the client).
//
// One thread runs a poll loop over the listener and every connection. A connection serves its
// requests one at a time: the next one is read only when the current script has finished, as
// a real HTTP/1.1 server does. The loop ends when the server is destroyed, or by itself after
// 20 s so a broken test cannot hang.
// Counters: connections accepted, requests parsed, and requests "in flight" (parsed, their
// script not finished), with the maximum ever seen.
// Thread-safety: the handler runs on the server thread; the accessors may be called from any.
#pragma once

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace jb::worker::testing {

struct ServerRequest {
  // Accept order of its connection, and requests before it on that connection (0-based).
  int connection = 0;
  int on_connection = 0;
  std::string method;
  std::string target;
  // Field names as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first field named `name` (any case), or "".
  std::string Header(absl::string_view name) const;
};

struct ServerStep {
  enum class Kind { kSend, kWait, kClose, kReset };
  Kind kind;
  std::string bytes;
  absl::Duration wait;

  static ServerStep Send(std::string bytes) { return {Kind::kSend, std::move(bytes), {}}; }
  static ServerStep Wait(absl::Duration d) { return {Kind::kWait, "", d}; }
  // A graceful close (FIN) once everything before it was sent.
  static ServerStep Close() { return {Kind::kClose, "", {}}; }
  // An abortive close (RST).
  static ServerStep Reset() { return {Kind::kReset, "", {}}; }
};
using ServerScript = std::vector<ServerStep>;

// "HTTP/1.1 <status> X\r\nContent-Length: ..\r\n<extra_headers>\r\n<body>"; extra_headers are
// whole lines ending with "\r\n".
std::string HttpResponse(int status, absl::string_view body, absl::string_view extra_headers = "");
// The head of a chunked 200 text/event-stream response, and one chunk of it.
std::string ChunkedHead();
std::string Chunk(absl::string_view data);

class ScriptedHttpServer {
 public:
  using Handler = std::function<ServerScript(const ServerRequest& request)>;

  // `address` is "127.0.0.1" or "::1"; port() is 0 when it cannot be bound.
  explicit ScriptedHttpServer(Handler handler, const std::string& address = "127.0.0.1");
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const { return port_; }
  int accepted() const;
  int max_in_flight() const;
  std::vector<ServerRequest> requests() const;

 private:
  struct Connection;
  void Loop();
  void Serve(Connection& connection, absl::Time now);
  bool NextRequest(Connection& connection);

  const Handler handler_;
  int listener_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  mutable absl::Mutex mu_;
  int accepted_ ABSL_GUARDED_BY(mu_) = 0;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<ServerRequest> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace jb::worker::testing
