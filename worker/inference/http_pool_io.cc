#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "worker/inference/http_pool_loop.h"

namespace jb::worker {
namespace {

// Hands the parser's output to the exchange with the time of the read it came from.
class Delivery : public HttpResponseParser::Handler {
 public:
  Delivery(HttpExchange* exchange, absl::Duration now) : exchange_(exchange), now_(now) {}
  void OnHead(const HttpResponseHead& head) override { exchange_->OnResponseHead(head, now_); }
  bool OnBody(absl::string_view data) override {
    abandoned_ = !exchange_->OnBody(data, now_);
    return !abandoned_;
  }
  bool abandoned() const { return abandoned_; }

 private:
  HttpExchange* const exchange_;
  const absl::Duration now_;
  bool abandoned_ = false;
};

}  // namespace

void HttpPoolLoop::Connect(Slot& slot) {
  slot.reused = false;
  slot.address = preferred_address_;
  slot.addresses_tried = 0;
  connect_deadlines_.Arm(slot.id, ReadClocks().real + options_.connect_timeout);
  TryAddresses(slot, absl::OkStatus());
}

void HttpPoolLoop::TryAddresses(Slot& slot, absl::Status last) {
  // A name with several addresses ("localhost": ::1 and 127.0.0.1) may listen on only one.
  while (slot.addresses_tried < addresses_.size()) {
    const size_t address = slot.address;
    slot.address = (slot.address + 1) % addresses_.size();
    ++slot.addresses_tried;
    bool connected = false;
    absl::StatusOr<int> fd = StartConnect(addresses_[address], &connected);
    if (!fd.ok()) {
      last = fd.status();
      continue;
    }
    slot.fd = *fd;
    slot.address = address;
    if (connected) {
      preferred_address_ = address;
      connect_deadlines_.Disarm(slot.id);
      BeginSend(slot);
      return;
    }
    slot.phase = Phase::kConnecting;
    if (SetInterest(slot, EPOLLOUT)) return;
    last = ErrnoStatus(errno, "epoll_ctl");
    CloseConnection(slot);
  }
  FailBeforeSend(slot, std::move(last));
}

void HttpPoolLoop::OnConnectEvent(Slot& slot) {
  absl::Status status = FinishConnect(slot.fd, addresses_[slot.address]);
  if (status.ok()) {
    preferred_address_ = slot.address;
    connect_deadlines_.Disarm(slot.id);
    BeginSend(slot);
    return;
  }
  CloseConnection(slot);
  slot.address = (slot.address + 1) % addresses_.size();
  TryAddresses(slot, std::move(status));
}

void HttpPoolLoop::BeginSend(Slot& slot) {
  const Now now = ReadClocks();
  slot.phase = Phase::kSending;
  slot.sent = 0;
  slot.attempt_started = true;
  attempt_deadlines_.Arm(slot.id, now.real + options_.attempt_timeout);
  exchanges_[slot.exchange]->OnAttemptStart(slot.attempt, now.stamp);
  ContinueSend(slot);
}

void HttpPoolLoop::ContinueSend(Slot& slot) {
  const std::string& head = schedule_.request_head(slot.exchange);
  const std::string& body = exchanges_[slot.exchange]->request().body;
  iovec parts[2];
  int count = 0;
  if (slot.sent < head.size()) {
    parts[count++] = {const_cast<char*>(head.data()) + slot.sent, head.size() - slot.sent};
  }
  const size_t body_sent = slot.sent > head.size() ? slot.sent - head.size() : 0;
  if (body_sent < body.size()) {
    parts[count++] = {const_cast<char*>(body.data()) + body_sent, body.size() - body_sent};
  }
  msghdr message = {};
  message.msg_iov = parts;
  message.msg_iovlen = count;
  // MSG_NOSIGNAL: a server that closed the connection must not kill the process with SIGPIPE.
  const ssize_t written = sendmsg(slot.fd, &message, MSG_NOSIGNAL);
  if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    TransportFailure(slot, ErrnoStatus(errno, "sending the request"));
    return;
  }
  if (written > 0) slot.sent += static_cast<size_t>(written);
  const bool all_sent = slot.sent == head.size() + body.size();
  if (all_sent) slot.phase = Phase::kReceiving;
  // While sending, reads are watched too: a server may answer (and close) before reading all.
  const uint32_t events = all_sent ? EPOLLIN : EPOLLIN | EPOLLOUT;
  if (!SetInterest(slot, events)) {
    EndAttempt(slot, ErrnoStatus(errno, "epoll_ctl"), false, ReadClocks());
  }
}

void HttpPoolLoop::OnEvent(Slot& slot, uint32_t events) {
  switch (slot.phase) {
    case Phase::kIdle:
      // An idle keep-alive connection is readable only when the server closed it (or sent
      // bytes nobody asked for): either way it cannot carry a request.
      CloseConnection(slot);
      return;
    case Phase::kConnecting:
      OnConnectEvent(slot);
      return;
    case Phase::kSending:
      if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
        OnReadable(slot);
        if (slot.phase != Phase::kSending) return;
      }
      if ((events & EPOLLOUT) != 0) ContinueSend(slot);
      return;
    case Phase::kReceiving:
      OnReadable(slot);
      return;
  }
}

void HttpPoolLoop::OnReadable(Slot& slot) {
  const ssize_t size = read(slot.fd, buffer_.get(), kReadBufferBytes);
  if (size > 0) {
    OnBytes(slot, static_cast<size_t>(size));
    return;
  }
  if (size < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  absl::Status status =
      size < 0 ? ErrnoStatus(errno, "reading the response") : slot.parser.FinishAtEof();
  if (!slot.parser.started()) {
    TransportFailure(slot, std::move(status));
    return;
  }
  EndAttempt(slot, std::move(status), /*keep_connection=*/false, ReadClocks());
}

void HttpPoolLoop::OnBytes(Slot& slot, size_t size) {
  const Now now = ReadClocks();
  Delivery delivery(exchanges_[slot.exchange], now.stamp);
  absl::StatusOr<size_t> fed = slot.parser.Feed(absl::string_view(buffer_.get(), size), delivery);
  if (!fed.ok()) {
    EndAttempt(slot, fed.status(), false, now);
  } else if (delivery.abandoned()) {
    EndAttempt(slot, absl::AbortedError("the exchange abandoned the response"), false, now);
  } else if (slot.parser.complete()) {
    // Bytes past the response, or a request not fully sent, leave the connection unusable.
    const bool keep = slot.parser.keep_alive() && *fed == size && slot.phase == Phase::kReceiving;
    EndAttempt(slot, absl::OkStatus(), keep, now);
  }
}

void HttpPoolLoop::TransportFailure(Slot& slot, absl::Status status) {
  if (slot.reused && !slot.parser.started()) {
    // The keep-alive race (RFC 9112 section 9.3.1): the server closed the idle connection as
    // the request went out, so no response can come on it. It goes again on a fresh
    // connection, once (inference requests have no side effects to fear doing twice); a fresh
    // connection failing is the server's answer and ends the attempt.
    CloseConnection(slot);
    attempt_deadlines_.Disarm(slot.id);
    Connect(slot);
    return;
  }
  EndAttempt(slot, std::move(status), /*keep_connection=*/false, ReadClocks());
}

void HttpPoolLoop::FailBeforeSend(Slot& slot, absl::Status status) {
  // Every attempt is OnAttemptStart .. OnAttemptEnd for the exchange, even one whose
  // connection never came up: its per-attempt state is reset either way.
  const Now now = ReadClocks();
  if (!slot.attempt_started) {
    slot.attempt_started = true;
    exchanges_[slot.exchange]->OnAttemptStart(slot.attempt, now.stamp);
  }
  EndAttempt(slot, std::move(status), /*keep_connection=*/false, now);
}

bool HttpPoolLoop::SetInterest(Slot& slot, uint32_t events) {
  if (slot.events == events) return true;
  epoll_event event = {};
  event.events = events;
  event.data.u32 = static_cast<uint32_t>(slot.id);
  if (epoll_ctl(epoll_fd_, slot.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, slot.fd, &event) !=
      0) {
    return false;
  }
  slot.events = events;
  return true;
}

void HttpPoolLoop::CloseConnection(Slot& slot) {
  if (slot.fd < 0) return;
  close(slot.fd);  // also leaves the epoll set: the descriptor is never duplicated
  slot.fd = -1;
  slot.events = 0;
}

}  // namespace jb::worker
