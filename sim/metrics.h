// SimMetrics: what `joulebench sim` exposes on GET /metrics, in Prometheus text format 0.0.4,
// under vLLM's names (reference/vllm-lmeval-pg-grpc-k8s.md section 1.8) with the labels
// model_name and engine="0":
//   gauges      vllm:num_requests_running, vllm:num_requests_waiting, vllm:kv_cache_usage_perc
//               and its deprecated name vllm:gpu_cache_usage_perc (the simulator has no KV
//               cache: running / max_num_seqs stands in for it)
//   counters    vllm:prompt_tokens_total, vllm:generation_tokens_total,
//               vllm:request_success_total{finished_reason}, vllm:num_preemptions_total (0)
//   histograms  vllm:time_to_first_token_seconds, vllm:inter_token_latency_seconds and its
//               older name vllm:time_per_output_token_seconds (the same observations),
//               vllm:e2e_request_latency_seconds, vllm:request_queue_time_seconds, with vLLM's
//               bucket bounds; observed from each request's timing record (sim/timing_log.h)
// and the simulator's own: joulebench_sim_energy_joules_total and joulebench_sim_power_watts
// (the SIMULATED hardware, labelled so in HELP), joulebench_sim_injected_failures_total{kind},
// joulebench_sim_start_time_seconds, and joulebench_sim_model_memory_bytes{model_name} (the
// profile's memory_mb per model, which workers read where NVML cannot say; models with none
// are left out).
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "sim/profile.h"
#include "sim/timing_log.h"

namespace jb::sim {

// A Prometheus histogram with fixed upper bounds (cumulative buckets, +Inf, _sum, _count).
class Histogram {
 public:
  explicit Histogram(const std::vector<double>* bounds);
  void Observe(double value);
  // `name`_bucket{labels,le="..."} lines, then _sum and _count.
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  const std::vector<double>* bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; the last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// What the engine knows right now, for the gauges.
struct MetricsSnapshot {
  struct Model {
    uint32_t running = 0;
    uint32_t waiting = 0;
    uint32_t max_num_seqs = 1;
  };
  std::map<std::string, Model> models;
  std::string hardware;
  double energy_j = 0;
  double power_w = 0;
  double start_unix_s = 0;
};

class SimMetrics {
 public:
  explicit SimMetrics(const Profile& profile);

  // Counts a request's tokens, success and latencies from its record (only records of admitted
  // requests count: status 200, or 0 for an injected disconnect without streaming).
  void Observe(const RequestTiming& timing);
  // Counts one injected failure of `kind` ("429", "500", "503", "disconnect", "stall").
  void CountFailure(const std::string& kind);

  std::string Render(const MetricsSnapshot& now) const;

 private:
  struct ModelMetrics {
    ModelMetrics();
    uint64_t prompt_tokens = 0;
    uint64_t generation_tokens = 0;
    uint64_t success_stop = 0;
    uint64_t success_length = 0;
    Histogram ttft;
    Histogram itl;
    Histogram e2e;
    Histogram queue;
  };

  // The profile's memory_mb in bytes, by model; models with none are absent.
  std::map<std::string, double> memory_bytes_;
  mutable absl::Mutex mu_;
  std::map<std::string, ModelMetrics> models_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> failures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace jb::sim
