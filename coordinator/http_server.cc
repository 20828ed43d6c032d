#include "coordinator/http_server.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "httplib.h"

namespace jb::coordinator {
namespace {

constexpr char kJson[] = "application/json";

void Send(const HttpReply& reply, httplib::Response& res) {
  res.status = reply.status;
  res.set_content(reply.body, kJson);
}

}  // namespace

HttpServer::HttpServer() : http_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                              const HttpApi* api) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http-listen '", listen, "' is not HOST:PORT; pass e.g. 0.0.0.0:8080 or :8080"));
  }
  const std::string host = colon == 0 ? "0.0.0.0" : listen.substr(0, colon);
  std::unique_ptr<HttpServer> server(new HttpServer());
  httplib::Server& http = *server->http_;
  http.Get(".*", [api](const httplib::Request& req, httplib::Response& res) {
    Send(api->Get(req.path, req.params), res);
  });
  const auto refuse = [](const httplib::Request& req, httplib::Response& res) {
    Send(HttpApi::MethodNotAllowed(req.method, req.path), res);
  };
  http.Post(".*", refuse);
  http.Put(".*", refuse);
  http.Patch(".*", refuse);
  http.Delete(".*", refuse);
  http.Options(".*", refuse);
  // httplib's own refusals, before any route runs (a POST without Content-Length, a request
  // line too long, a method it does not know), answer JSON like every other error.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // the API's own error
    const int http_status = res.status;
    const std::string message =
        absl::StrCat(req.method, " ", req.path, ": HTTP ", http_status,
                     ", the request could not be served as sent; the API answers GET requests "
                     "(docs/api.md)");
    const absl::Status status = http_status == 404  ? absl::NotFoundError(message)
                                : http_status < 500 ? absl::InvalidArgumentError(message)
                                                    : absl::InternalError(message);
    Send(HttpApi::ErrorReply(status), res);
    res.status = http_status;
  });
  // httplib's default also sets SO_REUSEPORT, which lets a second server bind a port in use
  // and share its connections; a busy port must be an error instead.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->port_ =
      port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (server->port_ <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot listen for HTTP on ", listen,
                     " (address in use or not local); pass another --http-listen HOST:PORT"));
  }
  server->thread_ = std::thread([s = server.get()] { s->http_->listen_after_bind(); });
  // httplib's stop() does nothing until the loop runs; wait for it so Stop() cannot hang.
  for (int i = 0; i < 5000 && !http.is_running(); ++i) absl::SleepFor(absl::Milliseconds(1));
  return server;
}

void HttpServer::Stop() {
  if (!thread_.joinable()) return;
  http_->stop();
  thread_.join();
}

}  // namespace jb::coordinator
