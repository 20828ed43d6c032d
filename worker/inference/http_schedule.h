// HttpSchedule: which exchange a free connection slot of the pool (http_pool.h) serves next,
// and what each exchange carries between its attempts: the attempt count, its Backoff and its
// serialized request head.
//
// Order: the earliest retry whose wait is over, else the next exchange never tried, in order.
// A retry waits max(backoff, min(Retry-After, max_retry_after)). Each exchange's Backoff is
// seeded from its index, so a run's schedule of waits is reproducible; it is created only on
// the first retry (a Backoff is kilobytes of generator state, and most exchanges never retry).
// Thread-compatible: owned by one pool run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/backoff.h"

namespace jb::worker {

class HttpSchedule {
 public:
  HttpSchedule(size_t exchanges, const BackoffOptions& retry, absl::Duration max_retry_after);

  // The exchange to start now (`now` on the monotonic clock of the retry times), or nullopt
  // when no retry is due and every exchange was tried.
  std::optional<size_t> TakeReady(absl::Duration now);
  // When the earliest waiting retry is due; InfiniteDuration when none waits.
  absl::Duration NextRetryDue() const;

  // Counts a new attempt of `index` and returns its number (1 for the first).
  int CountAttempt(size_t index) { return ++states_[index].attempts; }
  int attempts(size_t index) const { return states_[index].attempts; }
  // Whether `index` may have another attempt (retry.max_attempts).
  bool CanRetry(size_t index) const { return states_[index].attempts < max_attempts_; }

  // Queues the next attempt of `index` and returns its wait.
  // REQUIRES: CanRetry(index), and `index` is not queued.
  absl::Duration ScheduleRetry(size_t index, absl::Duration now,
                               std::optional<absl::Duration> retry_after);

  // The serialized request head of `index`, "" until the pool sets it.
  std::string& request_head(size_t index) { return states_[index].request_head; }

  // Marks `index` done and frees what it held.
  void Finish(size_t index);
  bool finished(size_t index) const { return states_[index].finished; }
  size_t finished_count() const { return finished_count_; }
  size_t size() const { return states_.size(); }

 private:
  struct ExchangeState {
    int attempts = 0;
    bool finished = false;
    std::unique_ptr<Backoff> backoff;
    std::string request_head;
  };
  struct Retry {
    absl::Duration due;
    // Arrival order among retries due at once.
    uint64_t sequence;
    size_t index;
    bool operator>(const Retry& other) const {
      return due != other.due ? due > other.due : sequence > other.sequence;
    }
  };

  const BackoffOptions retry_;
  const int max_attempts_;
  const absl::Duration max_retry_after_;
  std::vector<ExchangeState> states_;
  std::priority_queue<Retry, std::vector<Retry>, std::greater<Retry>> retries_;
  uint64_t next_sequence_ = 0;
  size_t next_untried_ = 0;
  size_t finished_count_ = 0;
};

}  // namespace jb::worker
