#include "sim/timing_log.h"

#include <utility>

#include "nlohmann/json.hpp"

namespace jb::sim {

void TimingLog::Add(RequestTiming timing) {
  absl::MutexLock lock(&mu_);
  if (records_.size() >= capacity_) records_.pop_front();
  records_.push_back(std::move(timing));
}

std::string TimingLog::Json() const {
  using nlohmann::json;
  std::deque<RequestTiming> records;
  {
    // Copied so that finishing requests do not wait for the JSON of 100000 records.
    absl::MutexLock lock(&mu_);
    records = records_;
  }
  json requests = json::array();
  {
    for (const RequestTiming& t : records) {
      auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
      requests.push_back({{"id", t.id},
                          {"model", t.model},
                          {"endpoint", t.endpoint},
                          {"stream", t.stream},
                          {"status", t.status},
                          {"injected_failure", or_null(t.injected_failure)},
                          {"completed", t.completed},
                          {"finish_reason", or_null(t.finish_reason)},
                          {"prompt_tokens", t.prompt_tokens},
                          {"completion_tokens", t.completion_tokens},
                          {"queue_s", t.queue_s},
                          {"ttft_s", t.ttft_s ? json(*t.ttft_s) : json(nullptr)},
                          {"itl_s", t.itl_s},
                          {"e2e_s", t.e2e_s}});
    }
  }
  return json{{"requests", std::move(requests)}}.dump(-1, ' ', false,
                                                      json::error_handler_t::replace);
}

void TimingLog::Clear() {
  absl::MutexLock lock(&mu_);
  records_.clear();
}

size_t TimingLog::size() const {
  absl::MutexLock lock(&mu_);
  return records_.size();
}

}  // namespace jb::sim
