// TimingLog: the simulator's own record of each generation request it answered, for checking a
// client's timing against the server's (the benchmark's fidelity check) through the
// simulator-only endpoint GET /sim/requests (and DELETE to clear it).
//
// What is measured, on the server's monotonic clock, from the moment the handler got the
// request (its body read):
//   queue_s  until the request was admitted (a place among max_num_seqs)
//   ttft_s   until just before the first content chunk was written (streaming); for a
//            non-streaming reply, when its first token was scheduled (it waits for the whole
//            schedule and sends everything at once); null when no token was produced
//   itl_s    between consecutive content chunk writes (streaming), or the scheduled gaps
//   e2e_s    until just before the last content chunk was written, or the body was handed over
// Records keep the last `capacity` requests in arrival order of completion.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace jb::sim {

struct RequestTiming {
  // X-Request-Id when the request had one, else the response id.
  std::string id;
  std::string model;
  // "chat" or "completions".
  std::string endpoint;
  bool stream = false;
  // The HTTP status sent (200 also for a stream cut by an injected disconnect); 0 when the
  // connection was closed before any response (an injected disconnect without streaming).
  int status = 200;
  // The injected failure: "429", "500", "503", "disconnect", "stall", or "" for none.
  std::string injected_failure;
  // Every token was sent (for a stream: recorded right after the last content chunk).
  bool completed = false;
  // "stop" or "length" when completed.
  std::string finish_reason;
  uint32_t prompt_tokens = 0;
  // Tokens actually sent.
  uint32_t completion_tokens = 0;
  double queue_s = 0;
  std::optional<double> ttft_s;
  std::vector<double> itl_s;
  double e2e_s = 0;
};

class TimingLog {
 public:
  // REQUIRES: capacity >= 1.
  explicit TimingLog(size_t capacity) : capacity_(capacity) {}

  void Add(RequestTiming timing);
  // {"requests": [{id, model, endpoint, stream, status, injected_failure (or null), completed,
  // finish_reason (or null), prompt_tokens, completion_tokens, queue_s, ttft_s (or null),
  // itl_s: [...], e2e_s}, ...]}, oldest first.
  std::string Json() const;
  void Clear();
  size_t size() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<RequestTiming> records_ ABSL_GUARDED_BY(mu_);
};

}  // namespace jb::sim
