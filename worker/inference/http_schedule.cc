#include "worker/inference/http_schedule.h"

#include <algorithm>

namespace jb::worker {
namespace {

// SplitMix64 (Steele, Lea, Flood 2014): spreads consecutive indexes into unrelated seeds.
uint64_t SeedFor(size_t index) {
  uint64_t z = static_cast<uint64_t>(index) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

HttpSchedule::HttpSchedule(size_t exchanges, const BackoffOptions& retry,
                           absl::Duration max_retry_after)
    : retry_(retry),
      max_attempts_(retry.max_attempts),
      max_retry_after_(max_retry_after),
      states_(exchanges) {}

std::optional<size_t> HttpSchedule::TakeReady(absl::Duration now) {
  if (!retries_.empty() && retries_.top().due <= now) {
    const size_t index = retries_.top().index;
    retries_.pop();
    return index;
  }
  if (next_untried_ < states_.size()) return next_untried_++;
  return std::nullopt;
}

absl::Duration HttpSchedule::NextRetryDue() const {
  return retries_.empty() ? absl::InfiniteDuration() : retries_.top().due;
}

absl::Duration HttpSchedule::ScheduleRetry(size_t index, absl::Duration now,
                                           std::optional<absl::Duration> retry_after) {
  ExchangeState& state = states_[index];
  if (state.backoff == nullptr) state.backoff = std::make_unique<Backoff>(retry_, SeedFor(index));
  absl::Duration wait = state.backoff->Next();
  if (retry_after.has_value()) wait = std::max(wait, std::min(*retry_after, max_retry_after_));
  retries_.push({now + wait, next_sequence_++, index});
  return wait;
}

void HttpSchedule::Finish(size_t index) {
  ExchangeState& state = states_[index];
  if (state.finished) return;
  state.finished = true;
  state.backoff.reset();
  std::string().swap(state.request_head);
  ++finished_count_;
}

}  // namespace jb::worker
