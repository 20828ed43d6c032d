#include "tests/worker/http_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace jb::worker::testing {

struct ScriptedHttpServer::Connection {
  int fd = -1;
  int index = 0;
  int served = 0;
  std::string in;
  std::string out;
  ServerScript script;
  size_t step = 0;
  bool active = false;
  bool done = false;
  absl::Time wait_until = absl::InfinitePast();
};

namespace {

// Writes what the socket takes now; false when the peer is gone.
bool Flush(int fd, std::string& out) {
  while (!out.empty()) {
    const ssize_t n = send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    out.erase(0, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string ServerRequest::Header(absl::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (absl::EqualsIgnoreCase(field, name)) return value;
  }
  return "";
}

std::string HttpResponse(int status, absl::string_view body, absl::string_view extra_headers) {
  return absl::StrCat("HTTP/1.1 ", status, " X\r\nContent-Length: ", body.size(), "\r\n",
                      extra_headers, "\r\n", body);
}

std::string ChunkedHead() {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
}

std::string Chunk(absl::string_view data) {
  return absl::StrCat(absl::Hex(data.size()), "\r\n", data, "\r\n");
}

ScriptedHttpServer::ScriptedHttpServer(Handler handler, const std::string& address)
    : handler_(std::move(handler)) {
  const bool v6 = address.find(':') != std::string::npos;
  listener_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_storage storage = {};
  socklen_t length = 0;
  if (v6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, address.c_str(), &in6->sin6_addr);
    length = sizeof(*in6);
  } else {
    auto* in4 = reinterpret_cast<sockaddr_in*>(&storage);
    in4->sin_family = AF_INET;
    inet_pton(AF_INET, address.c_str(), &in4->sin_addr);
    length = sizeof(*in4);
  }
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&storage), length) != 0 ||
      listen(listener_, 4096) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&storage), &length) != 0 ||
      pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return;
  }
  port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                   : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  thread_ = std::thread([this] { Loop(); });
}

ScriptedHttpServer::~ScriptedHttpServer() {
  if (thread_.joinable()) {
    const char byte = 0;
    (void)!write(wake_[1], &byte, 1);
    thread_.join();
  }
  for (int fd : {listener_, wake_[0], wake_[1]}) {
    if (fd >= 0) close(fd);
  }
}

int ScriptedHttpServer::accepted() const {
  absl::MutexLock lock(&mu_);
  return accepted_;
}

int ScriptedHttpServer::max_in_flight() const {
  absl::MutexLock lock(&mu_);
  return max_in_flight_;
}

std::vector<ServerRequest> ScriptedHttpServer::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

void ScriptedHttpServer::Loop() {
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<pollfd> polled;
  char buffer[65536];
  while (absl::Now() < give_up) {
    polled.assign({{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}});
    absl::Duration wait = absl::Milliseconds(20);
    for (const auto& c : connections) {
      polled.push_back({c->fd, static_cast<short>(c->out.empty() ? POLLIN : POLLIN | POLLOUT), 0});
      if (c->active && c->out.empty()) wait = std::min(wait, c->wait_until - absl::Now());
    }
    poll(polled.data(), polled.size(),
         static_cast<int>(absl::Ceil(std::max(wait, absl::ZeroDuration()), absl::Milliseconds(1)) /
                          absl::Milliseconds(1)));
    if (polled[0].revents != 0) break;
    for (int fd; (fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
      auto connection = std::make_unique<Connection>();
      connection->fd = fd;
      absl::MutexLock lock(&mu_);
      connection->index = accepted_++;
      connections.push_back(std::move(connection));
    }
    for (auto& c : connections) {
      for (;;) {
        const ssize_t n = read(c->fd, buffer, sizeof(buffer));
        if (n > 0) c->in.append(buffer, static_cast<size_t>(n));
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) c->done = true;
        if (n <= 0) break;
      }
      if (!c->done) Serve(*c, absl::Now());
      if (c->done) {
        if (c->active) {
          absl::MutexLock lock(&mu_);
          --in_flight_;
        }
        close(c->fd);
      }
    }
    std::erase_if(connections, [](const auto& c) { return c->done; });
  }
  for (auto& c : connections) close(c->fd);
}

void ScriptedHttpServer::Serve(Connection& c, absl::Time now) {
  for (;;) {
    if (!c.active && !NextRequest(c)) return;
    if (!Flush(c.fd, c.out)) {
      c.done = true;
      return;
    }
    if (!c.out.empty() || now < c.wait_until) return;
    if (c.step == c.script.size()) {
      c.active = false;
      absl::MutexLock lock(&mu_);
      --in_flight_;
      continue;
    }
    const ServerStep& step = c.script[c.step++];
    switch (step.kind) {
      case ServerStep::Kind::kSend:
        c.out += step.bytes;
        break;
      case ServerStep::Kind::kWait:
        c.wait_until = now + step.wait;
        break;
      case ServerStep::Kind::kReset: {
        const linger abort = {1, 0};
        setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
        c.done = true;
        return;
      }
      case ServerStep::Kind::kClose:
        c.done = true;
        return;
    }
  }
}

bool ScriptedHttpServer::NextRequest(Connection& c) {
  const size_t head_end = c.in.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  ServerRequest request;
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(c.in).substr(0, head_end), "\r\n");
  std::vector<absl::string_view> first = absl::StrSplit(lines[0], ' ');
  if (first.size() == 3) {
    request.method = std::string(first[0]);
    request.target = std::string(first[1]);
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    request.headers.emplace_back(lines[i].substr(0, colon),
                                 absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  size_t length = 0;
  (void)absl::SimpleAtoi(request.Header("content-length"), &length);
  if (c.in.size() < head_end + 4 + length) return false;
  request.body = c.in.substr(head_end + 4, length);
  c.in.erase(0, head_end + 4 + length);
  request.connection = c.index;
  request.on_connection = c.served++;
  c.script = handler_(request);
  c.step = 0;
  c.active = true;
  c.wait_until = absl::InfinitePast();
  absl::MutexLock lock(&mu_);
  requests_.push_back(std::move(request));
  max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  return true;
}

}  // namespace jb::worker::testing
