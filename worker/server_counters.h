// ServerCountersDelta: what the inference server counted over a shard window, from its
// /metrics text before and after (common.proto ServerCounters), under vLLM's metric names as
// they changed across releases (reference/vllm-lmeval-pg-grpc-k8s.md section 1.8):
//
//   field               current name                          older name
//   preemptions         vllm:num_preemptions_total            vllm:num_preemptions
//   itl_*               vllm:inter_token_latency_seconds      vllm:time_per_output_token_seconds
//   kv_cache_usage_end  vllm:kv_cache_usage_perc              vllm:gpu_cache_usage_perc
//   (the others have kept their names: prompt/generation tokens, request_success,
//    time_to_first_token, e2e_request_latency, request_queue_time)
//   model_memory_bytes  joulebench_sim_model_memory_bytes     (the simulator's; vLLM has none)
//
// The current name wins when a server exposes both. Series are summed over their labels,
// keeping only those whose model_name is `model` (or that have no model_name). A counter that
// went down (the server restarted in the window) counts from zero: its delta is the after
// value, a lower bound, as for energy counters.
// Thread-safety: a free function.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "joulebench/v1/common.pb.h"

namespace jb::worker {

// The counters of `model` between the two texts. Empty texts (a server without /metrics) give
// an empty message. InvalidArgument when a text does not parse as Prometheus exposition.
absl::StatusOr<joulebench::v1::ServerCounters> ServerCountersDelta(absl::string_view before,
                                                                   absl::string_view after,
                                                                   absl::string_view model);

}  // namespace jb::worker
