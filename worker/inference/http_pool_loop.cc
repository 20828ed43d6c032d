#include "worker/inference/http_pool_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "worker/inference/http_wire.h"

namespace jb::worker {
namespace {

// The longest epoll_wait, so cancellation is seen within it.
constexpr absl::Duration kMaxWait = absl::Milliseconds(50);
// Descriptors besides the connections: epoll, logging, whatever the process holds.
constexpr int kSpareDescriptors = 64;

// One slot per attempt in flight: the concurrency, or fewer for a smaller batch.
int SlotCount(const HttpPoolOptions& options, size_t exchanges) {
  return static_cast<int>(std::min<size_t>(options.concurrency, exchanges));
}

}  // namespace

HttpPoolLoop::HttpPoolLoop(const HttpPoolOptions& options,
                           absl::Span<HttpExchange* const> exchanges,
                           const std::atomic<bool>* cancel)
    : options_(options),
      exchanges_(exchanges),
      cancel_(cancel),
      real_clock_(Clock::Real()),
      stamp_clock_(options.clock != nullptr ? options.clock : Clock::Real()),
      host_header_(HostHeader(options.host, options.port)),
      schedule_(exchanges.size(), options.retry, options.max_retry_after),
      connect_deadlines_(SlotCount(options, exchanges.size())),
      attempt_deadlines_(SlotCount(options, exchanges.size())) {
  const int slots = SlotCount(options, exchanges.size());
  const HttpResponseParser::Limits limits = {.max_body_bytes = options.max_response_bytes};
  slots_.reserve(slots);
  free_.reserve(slots);
  for (int id = 0; id < slots; ++id) slots_.emplace_back(id, limits);
  // Taken from the back: slot 0 first, so a batch smaller than the concurrency opens few.
  for (int id = slots - 1; id >= 0; --id) free_.push_back(id);
}

HttpPoolLoop::~HttpPoolLoop() {
  for (Slot& slot : slots_) {
    // An idle slot's open connection ended on a complete reusable response: keep it warm.
    if (options_.connections != nullptr && slot.phase == Phase::kIdle && slot.fd >= 0) {
      if (slot.events != 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, slot.fd, nullptr);
      options_.connections->Give(slot.fd);
      slot.fd = -1;
      slot.events = 0;
      continue;
    }
    CloseConnection(slot);
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

absl::Status HttpPoolLoop::Setup() {
  JB_RETURN_IF_ERROR(EnsureFileLimit(static_cast<int>(slots_.size()) + kSpareDescriptors));
  JB_ASSIGN_OR_RETURN(addresses_, ResolveHost(options_.host, options_.port));
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return ErrnoStatus(errno, "epoll_create1");
  events_.resize(slots_.size());
  buffer_ = std::make_unique_for_overwrite<char[]>(kReadBufferBytes);
  // Cached connections go to the slots taken first; each is watched like any idle one.
  for (Slot& slot : slots_) {
    const int fd = options_.connections != nullptr ? options_.connections->Take() : -1;
    if (fd < 0) break;
    slot.fd = fd;
    if (!SetInterest(slot, EPOLLIN)) CloseConnection(slot);
  }
  return absl::OkStatus();
}

absl::Status HttpPoolLoop::Run() {
  if (absl::Status status = Setup(); !status.ok()) {
    FinishAll(status);
    return status;
  }
  while (schedule_.finished_count() < schedule_.size()) {
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
      return Abort(absl::CancelledError("the run was cancelled"));
    }
    const Now now = ReadClocks();
    ExpireDeadlines(now);
    Dispatch(now.real);
    if (schedule_.finished_count() == schedule_.size()) break;
    const int ready =
        epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), WaitMs(now.real));
    if (ready < 0 && errno != EINTR) return Abort(ErrnoStatus(errno, "epoll_wait"));
    for (int i = 0; i < ready; ++i) OnEvent(slots_[events_[i].data.u32], events_[i].events);
  }
  return absl::OkStatus();
}

HttpPoolLoop::Now HttpPoolLoop::ReadClocks() const {
  const absl::Duration real = real_clock_->MonotonicNow();
  return {real, stamp_clock_ == real_clock_ ? real : stamp_clock_->MonotonicNow()};
}

int HttpPoolLoop::WaitMs(absl::Duration now) const {
  absl::Duration next = now + kMaxWait;
  for (const DeadlineList* list : {&connect_deadlines_, &attempt_deadlines_}) {
    if (list->earliest() >= 0) next = std::min(next, list->deadline(list->earliest()));
  }
  // A retry that comes due matters only when a slot is free to take it.
  if (!free_.empty()) next = std::min(next, schedule_.NextRetryDue());
  if (next <= now) return 0;
  // Rounded up: waking a little early would only spin until the deadline.
  return static_cast<int>(absl::Ceil(next - now, absl::Milliseconds(1)) / absl::Milliseconds(1));
}

void HttpPoolLoop::ExpireDeadlines(const Now& now) {
  for (int id;
       (id = connect_deadlines_.earliest()) >= 0 && connect_deadlines_.deadline(id) <= now.real;) {
    connect_deadlines_.Disarm(id);
    Slot& slot = slots_[id];
    FailBeforeSend(slot, absl::UnavailableError(absl::StrCat(
                             "connecting to ", addresses_[slot.address].text, " timed out after ",
                             absl::FormatDuration(options_.connect_timeout))));
  }
  for (int id;
       (id = attempt_deadlines_.earliest()) >= 0 && attempt_deadlines_.deadline(id) <= now.real;) {
    EndAttempt(slots_[id],
               absl::DeadlineExceededError(absl::StrCat(
                   "no complete response within ", absl::FormatDuration(options_.attempt_timeout))),
               /*keep_connection=*/false, now);
  }
}

void HttpPoolLoop::Dispatch(absl::Duration now) {
  while (!free_.empty()) {
    const std::optional<size_t> index = schedule_.TakeReady(now);
    if (!index.has_value()) return;
    Slot& slot = slots_[free_.back()];
    free_.pop_back();
    StartAttempt(slot, *index);
  }
}

void HttpPoolLoop::StartAttempt(Slot& slot, size_t index) {
  std::string& head = schedule_.request_head(index);
  if (head.empty()) {
    absl::StatusOr<std::string> serialized =
        SerializeRequestHead(exchanges_[index]->request(), host_header_);
    if (!serialized.ok()) {
      free_.push_back(slot.id);
      Done(index, serialized.status());
      return;
    }
    head = std::move(*serialized);
  }
  slot.exchange = index;
  slot.attempt = schedule_.CountAttempt(index);
  slot.attempt_started = false;
  slot.parser.Reset();
  if (slot.fd >= 0) {
    slot.reused = true;
    BeginSend(slot);
  } else {
    Connect(slot);
  }
}

void HttpPoolLoop::EndAttempt(Slot& slot, absl::Status transport, bool keep_connection,
                              const Now& now) {
  connect_deadlines_.Disarm(slot.id);
  attempt_deadlines_.Disarm(slot.id);
  if (!keep_connection) CloseConnection(slot);
  slot.phase = Phase::kIdle;
  slot.attempt_started = false;
  free_.push_back(slot.id);
  const size_t index = slot.exchange;
  absl::Status outcome = exchanges_[index]->OnAttemptEnd(std::move(transport), now.stamp);
  Settle(index, std::move(outcome), slot.parser.head(), now);
}

void HttpPoolLoop::Settle(size_t index, absl::Status outcome, const HttpResponseHead& head,
                          const Now& now) {
  if (outcome.ok() || !IsRetryableAttempt(outcome) || !schedule_.CanRetry(index)) {
    Done(index, std::move(outcome));
    return;
  }
  std::optional<absl::Duration> retry_after;
  if (head.status != 0) {
    const absl::string_view value = head.Header("retry-after");
    if (!value.empty()) retry_after = ParseRetryAfter(value, real_clock_->Now());
  }
  schedule_.ScheduleRetry(index, now.real, retry_after);
}

void HttpPoolLoop::Done(size_t index, absl::Status status) {
  exchanges_[index]->OnDone(std::move(status), schedule_.attempts(index));
  schedule_.Finish(index);
}

absl::Status HttpPoolLoop::Abort(absl::Status status) {
  const Now now = ReadClocks();
  for (Slot& slot : slots_) {
    if (slot.phase == Phase::kIdle) continue;
    HttpExchange* exchange = exchanges_[slot.exchange];
    if (!slot.attempt_started) exchange->OnAttemptStart(slot.attempt, now.stamp);
    exchange->OnAttemptEnd(status, now.stamp).IgnoreError();  // the run ends regardless
    slot.phase = Phase::kIdle;
    CloseConnection(slot);
  }
  FinishAll(status);
  return status;
}

void HttpPoolLoop::FinishAll(const absl::Status& status) {
  for (size_t index = 0; index < schedule_.size(); ++index) {
    if (!schedule_.finished(index)) Done(index, status);
  }
}

}  // namespace jb::worker
