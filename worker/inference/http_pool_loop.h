// HttpPoolLoop: the event loop behind RunExchanges (http_pool.h), one object per run.
//
// Connection slots: `concurrency` of them (fewer when the batch is smaller). A slot's life:
//   1. kIdle: no attempt; it may hold an open keep-alive connection, from an earlier response
//      or from the connection cache at the start (watched for EPOLLIN, which can only mean
//      the server closed it: then it is closed here). At the end of the run, the idle slots'
//      connections go back to the cache when there is one.
//   2. kConnecting: a non-blocking connect, bounded by connect_timeout (only when the slot has
//      no open connection); the addresses of the host are tried in turn.
//   3. kSending: the request head and body go out with sendmsg; a partial write waits for
//      EPOLLOUT. Reads are watched too: a server may answer before it read the whole request.
//   4. kReceiving: each read goes through the slot's HttpResponseParser to the exchange.
//   Then back to kIdle, keeping the connection only after a complete reusable response.
// From kSending or kReceiving, an attempt timeout ends the attempt; a connection reused from
// an earlier response that fails before any response byte is reconnected and the request
// sent again without counting an attempt (the server closed it while it was idle).
//
// Time: deadlines are in lists per timeout (event_loop_deadlines.h); epoll_wait sleeps until
// the earliest, a due retry when a slot is free, or 50 ms, the cancellation check's period.
// The methods are split between http_pool_loop.cc (the run, scheduling and outcomes) and
// http_pool_io.cc (connect, send, receive).
// Thread-compatible: one run on one thread; the exchanges are called on it.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "worker/inference/event_loop_deadlines.h"
#include "worker/inference/http_exchange.h"
#include "worker/inference/http_pool.h"
#include "worker/inference/http_response_parser.h"
#include "worker/inference/http_schedule.h"
#include "worker/inference/http_socket.h"

namespace jb::worker {

class HttpPoolLoop {
 public:
  // REQUIRES: ValidateHttpPoolOptions(options) is OK and `exchanges` is not empty.
  HttpPoolLoop(const HttpPoolOptions& options, absl::Span<HttpExchange* const> exchanges,
               const std::atomic<bool>* cancel);
  ~HttpPoolLoop();
  HttpPoolLoop(const HttpPoolLoop&) = delete;
  HttpPoolLoop& operator=(const HttpPoolLoop&) = delete;

  // Runs every exchange to OnDone; returns as RunExchanges does.
  absl::Status Run();

 private:
  // The monotonic time read once: `real` for deadlines and retry waits, `stamp` for exchanges.
  struct Now {
    absl::Duration real;
    absl::Duration stamp;
  };
  enum class Phase : uint8_t { kIdle, kConnecting, kSending, kReceiving };
  struct Slot {
    Slot(int slot_id, HttpResponseParser::Limits limits) : id(slot_id), parser(limits) {}

    const int id;
    int fd = -1;
    // What the fd is registered for in epoll; 0 when not registered.
    uint32_t events = 0;
    Phase phase = Phase::kIdle;
    // The attempt runs on a connection that carried an earlier response.
    bool reused = false;
    // OnAttemptStart was called for the attempt.
    bool attempt_started = false;
    size_t exchange = 0;
    int attempt = 0;
    // Bytes of the request head and body written.
    size_t sent = 0;
    // The address being connected to, and how many were tried for this connect.
    size_t address = 0;
    size_t addresses_tried = 0;
    HttpResponseParser parser;
  };

  // http_pool_loop.cc
  absl::Status Setup();
  Now ReadClocks() const;
  int WaitMs(absl::Duration now) const;
  void ExpireDeadlines(const Now& now);
  void Dispatch(absl::Duration now);
  void StartAttempt(Slot& slot, size_t index);
  void EndAttempt(Slot& slot, absl::Status transport, bool keep_connection, const Now& now);
  void Settle(size_t index, absl::Status outcome, const HttpResponseHead& head, const Now& now);
  void Done(size_t index, absl::Status status);
  // Ends the attempts in flight and every unfinished exchange with `status`, and returns it.
  absl::Status Abort(absl::Status status);
  void FinishAll(const absl::Status& status);

  // http_pool_io.cc
  void Connect(Slot& slot);
  void TryAddresses(Slot& slot, absl::Status last);
  void OnConnectEvent(Slot& slot);
  void BeginSend(Slot& slot);
  void ContinueSend(Slot& slot);
  void OnEvent(Slot& slot, uint32_t events);
  void OnReadable(Slot& slot);
  void OnBytes(Slot& slot, size_t size);
  void TransportFailure(Slot& slot, absl::Status status);
  void FailBeforeSend(Slot& slot, absl::Status status);
  bool SetInterest(Slot& slot, uint32_t events);
  void CloseConnection(Slot& slot);

  const HttpPoolOptions options_;
  const absl::Span<HttpExchange* const> exchanges_;
  const std::atomic<bool>* const cancel_;
  Clock* const real_clock_;
  Clock* const stamp_clock_;
  const std::string host_header_;
  HttpSchedule schedule_;
  std::vector<SocketAddress> addresses_;
  // Where the last connect succeeded: tried first by the next one.
  size_t preferred_address_ = 0;
  int epoll_fd_ = -1;
  std::vector<Slot> slots_;
  // Slots without an attempt, the latest freed last: it is taken first, its connection warm.
  std::vector<int> free_;
  DeadlineList connect_deadlines_;
  DeadlineList attempt_deadlines_;
  std::vector<epoll_event> events_;
  // One buffer serves every connection's reads: each read is parsed before the next one.
  // 256 KiB keeps a large body to few reads; an SSE stream's reads are small anyway.
  static constexpr size_t kReadBufferBytes = size_t{256} << 10;
  std::unique_ptr<char[]> buffer_;
};

}  // namespace jb::worker
