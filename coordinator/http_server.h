// HttpServer: the coordinator's HTTP port (cpp-httplib), serving HttpApi (coordinator/http_api.h)
// read-only: GET goes to the API; POST, PUT, PATCH and DELETE answer 405 with a JSON error.
// Later the dashboard's static files (web/) are served here too.
//
// Lifecycle:
//   1. Start(): binds HOST:PORT (port 0 picks a free one; read it back with port()) and serves
//      on a background thread, with cpp-httplib's bounded pool of handler threads.
//   2. Stop() (or the destructor): stops accepting, lets handlers finish, joins the threads.
// Thread-safety: Start and Stop from one thread; handlers run on the server's threads.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "coordinator/http_api.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace jb::coordinator {

class HttpServer {
 public:
  // Serves `api` (borrowed; it must outlive the server) on `listen`, "HOST:PORT" or ":PORT"
  // (all interfaces). InvalidArgument when `listen` is not HOST:PORT or cannot be bound (in
  // use, not a local address), naming it.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                           const HttpApi* api);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Idempotent.
  void Stop();

 private:
  HttpServer();

  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace jb::coordinator
