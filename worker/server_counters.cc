#include "worker/server_counters.h"

#include <map>
#include <string>
#include <vector>

#include "common/status_macros.h"
#include "worker/energy/prometheus_text.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;

// Sum of each metric name over the series that belong to `model`.
using Totals = std::map<std::string, double>;

absl::StatusOr<Totals> Sum(absl::string_view text, absl::string_view model) {
  Totals totals;
  if (text.empty()) return totals;
  JB_ASSIGN_OR_RETURN(std::vector<PrometheusSample> samples, ParsePrometheusText(text));
  for (const PrometheusSample& sample : samples) {
    bool other_model = false;
    for (const auto& [name, value] : sample.labels) {
      if (name == "model_name" && value != model) other_model = true;
    }
    if (!other_model) totals[sample.name] += sample.value;
  }
  return totals;
}

struct Field {
  // Current name first, then older ones.
  std::vector<const char*> names;
  void (v1::ServerCounters::*set)(double);
  // Gauges are read at the end; counters and histogram parts as after - before.
  bool gauge = false;
};

const std::vector<Field>& Fields() {
  using C = v1::ServerCounters;
  static const auto* fields = new std::vector<Field>{
      {{"vllm:prompt_tokens_total"}, &C::set_prompt_tokens},
      {{"vllm:generation_tokens_total"}, &C::set_generation_tokens},
      {{"vllm:request_success_total"}, &C::set_requests_succeeded},
      {{"vllm:num_preemptions_total", "vllm:num_preemptions"}, &C::set_preemptions},
      {{"vllm:time_to_first_token_seconds_sum"}, &C::set_ttft_sum_s},
      {{"vllm:time_to_first_token_seconds_count"}, &C::set_ttft_count},
      {{"vllm:inter_token_latency_seconds_sum", "vllm:time_per_output_token_seconds_sum"},
       &C::set_itl_sum_s},
      {{"vllm:inter_token_latency_seconds_count", "vllm:time_per_output_token_seconds_count"},
       &C::set_itl_count},
      {{"vllm:e2e_request_latency_seconds_sum"}, &C::set_e2e_sum_s},
      {{"vllm:e2e_request_latency_seconds_count"}, &C::set_e2e_count},
      {{"vllm:request_queue_time_seconds_sum"}, &C::set_queue_sum_s},
      {{"vllm:request_queue_time_seconds_count"}, &C::set_queue_count},
      {{"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"},
       &C::set_kv_cache_usage_end,
       /*gauge=*/true},
      {{"joulebench_sim_model_memory_bytes"}, &C::set_model_memory_bytes, /*gauge=*/true},
  };
  return *fields;
}

}  // namespace

absl::StatusOr<v1::ServerCounters> ServerCountersDelta(absl::string_view before,
                                                       absl::string_view after,
                                                       absl::string_view model) {
  JB_ASSIGN_OR_RETURN(Totals start, Sum(before, model));
  JB_ASSIGN_OR_RETURN(Totals end, Sum(after, model));
  v1::ServerCounters counters;
  for (const Field& field : Fields()) {
    for (const char* name : field.names) {
      auto e = end.find(name);
      if (e == end.end()) continue;
      double value = e->second;
      if (!field.gauge) {
        auto s = start.find(name);
        const double begin = s == start.end() ? 0 : s->second;
        if (value >= begin) value -= begin;  // else a reset: count from zero
      }
      (counters.*field.set)(value);
      counters.add_names_found(name);
      break;
    }
  }
  return counters;
}

}  // namespace jb::worker
