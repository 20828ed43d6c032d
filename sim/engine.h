// SimEngine: the simulator's state and decisions, independent of HTTP: per-model queues, the
// answer oracle, latency planning, failure injection, simulated power, the metrics and the
// timing log. The HTTP layer (sim/generate_handler.h) parses, asks the engine, waits and
// replies.
//
// A request's life:
//   1. DrawFailure(): with the profile's rates, one of 429, 500, 503 (answered at once),
//      disconnect or stall (the request goes on and fails later), or none.
//   2. Admit(): a place among the model's max_num_seqs, first come first served; while all are
//      taken the request waits (vllm:num_requests_waiting), unless max_waiting already wait:
//      then ResourceExhausted. The slot's load factor (ModelProfile::LoadFactor) is fixed here,
//      with the running requests counted including this one.
//   3. Plan(): the oracle's answer (drawn per request seed when the request samples), cut or
//      padded by the request's length fields, and its schedule: the first token after
//      (ttft_ms + prefill_ms_per_token * prompt_tokens) * jitter * load factor, then each next
//      token itl_ms * jitter * load factor later, every jitter factor drawn independently and
//      uniformly from [1 - j, 1 + j] (j = ttft_jitter for the first token, itl_jitter for each
//      gap).
//   4. The slot counts as running (vllm:num_requests_running, and the power draw) until it is
//      destroyed. Finish() records the request's timing in the metrics and the timing log.
// Randomness (jitter, failures) comes from one RNG seeded with the profile's seed and drawn in
// arrival order, so a sequential client sees the same sequence on every run; answers do not
// depend on it (the oracle hashes the prompt, and the request's seed when it samples).
// Sleeps go through the clock in steps of at most 50 ms and end early when the engine stops.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "sim/energy.h"
#include "sim/generation.h"
#include "sim/metrics.h"
#include "sim/oracle.h"
#include "sim/profile.h"
#include "sim/timing_log.h"

namespace jb::sim {

class SimEngine;

enum class FailureKind { kNone, k429, k500, k503, kDisconnect, kStall };

// "429", "500", "503", "disconnect", "stall"; "" for kNone.
const char* FailureKindName(FailureKind kind);

// One of a model's max_num_seqs places, held while a request generates.
class RequestSlot {
 public:
  RequestSlot(SimEngine* engine, const ModelProfile* model, double load_factor)
      : engine_(engine), model_(model), load_factor_(load_factor) {}
  RequestSlot(const RequestSlot&) = delete;
  RequestSlot& operator=(const RequestSlot&) = delete;
  ~RequestSlot();

  double load_factor() const { return load_factor_; }

 private:
  SimEngine* const engine_;
  const ModelProfile* const model_;
  const double load_factor_;
};

class SimEngine {
 public:
  // REQUIRES: `clock` outlives the engine; timing_log_capacity >= 1.
  SimEngine(Profile profile, std::shared_ptr<const Oracle> oracle, Clock* clock,
            size_t timing_log_capacity);

  const Profile& profile() const { return profile_; }
  const Oracle& oracle() const { return *oracle_; }
  Clock* clock() const { return clock_; }
  TimingLog& timing_log() { return timing_log_; }

  // Step 1; counts the failure it draws.
  FailureKind DrawFailure();

  // Step 2. ResourceExhausted "waiting queue full", or Unavailable when the engine stops while
  // the request waits.
  absl::StatusOr<std::unique_ptr<RequestSlot>> Admit(const ModelProfile& model);

  // Step 3.
  GenerationPlan Plan(const ModelProfile& model, const GenerationRequest& request,
                      double load_factor);

  // Sleeps until clock()->MonotonicNow() >= deadline; false at once when the engine stops.
  bool SleepUntil(absl::Duration deadline);
  bool stopping() const;

  // Counts a finished request in the metrics and keeps its record.
  void Finish(RequestTiming timing);

  // Wakes every waiting and sleeping request; they fail with 503. Idempotent.
  void Stop();

  // Prometheus text exposition (format 0.0.4) of every metric (sim/metrics.h).
  std::string RenderMetrics();

  // A new request id, unique in this process ("chatcmpl-sim-000000000001").
  std::string NextId(const std::string& prefix);

  double EnergyJ() { return power_.EnergyJ(); }

 private:
  friend class RequestSlot;

  // A request waiting for a place; Release() hands it one.
  struct Waiter {
    bool admitted = false;
    double load_factor = 1;
    absl::CondVar cv;
  };

  struct ModelState {
    uint32_t running = 0;
    std::deque<Waiter*> waiting;
  };

  void Release(const ModelProfile& model);
  double JitterFactor(double jitter) ABSL_EXCLUSIVE_LOCKS_REQUIRED(rng_mu_);

  const Profile profile_;
  const std::shared_ptr<const Oracle> oracle_;
  Clock* const clock_;
  const absl::Time started_;
  SimulatedPower power_;
  SimMetrics metrics_;
  TimingLog timing_log_;

  // Read by every sleeping request, hence not under mu_.
  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  std::map<std::string, ModelState> models_ ABSL_GUARDED_BY(mu_);
  uint32_t running_total_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex rng_mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(rng_mu_);
};

}  // namespace jb::sim
