#include "sim/metrics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace jb::sim {
namespace {

// vLLM's bucket bounds (vllm/v1/metrics/loggers.py).
const std::vector<double> kTtftBuckets = {0.001, 0.005, 0.01, 0.02,  0.04,  0.06,  0.08, 0.1,
                                          0.25,  0.5,   0.75, 1.0,   2.5,   5.0,   7.5,  10.0,
                                          20.0,  40.0,  80.0, 160.0, 640.0, 2560.0};
const std::vector<double> kItlBuckets = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2,  0.3,  0.4, 0.5,
                                         0.75, 1.0,   2.5,  5.0,   7.5, 10.0, 20.0, 40.0, 80.0};
const std::vector<double> kRequestBuckets = {0.3,  0.5,   0.8,   1.0,   1.5,   2.0,    2.5,
                                             5.0,  10.0,  15.0,  20.0,  30.0,  40.0,   50.0,
                                             60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
const char* const kFailureKinds[] = {"429", "500", "503", "disconnect", "stall"};

// Prometheus label value escaping: backslash, double quote and newline.
std::string LabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string ModelLabels(const std::string& model) {
  return absl::StrCat("model_name=\"", LabelValue(model), "\",engine=\"0\"");
}

void Family(std::string* out, const char* name, const char* type, const char* help) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

std::string Number(double v) { return absl::StrFormat("%.9g", v); }

// A bucket bound as Python's prometheus_client writes it: "0.001", "1.0", "2560.0".
std::string Bound(double v) {
  std::string s = Number(v);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), counts_(bounds->size() + 1, 0) {}

void Histogram::Observe(double value) {
  const size_t bucket = std::lower_bound(bounds_->begin(), bounds_->end(), value) -
                        bounds_->begin();  // le is inclusive
  ++counts_[bucket];
  sum_ += value;
  ++count_;
}

void Histogram::Render(const std::string& name, const std::string& labels, std::string* out) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    cumulative += counts_[i];
    const std::string le = i < bounds_->size() ? Bound((*bounds_)[i]) : "+Inf";
    absl::StrAppend(out, name, "_bucket{", labels, ",le=\"", le, "\"} ", cumulative, "\n");
  }
  absl::StrAppend(out, name, "_sum{", labels, "} ", Number(sum_), "\n");
  absl::StrAppend(out, name, "_count{", labels, "} ", count_, "\n");
}

SimMetrics::ModelMetrics::ModelMetrics()
    : ttft(&kTtftBuckets), itl(&kItlBuckets), e2e(&kRequestBuckets), queue(&kRequestBuckets) {}

SimMetrics::SimMetrics(const Profile& profile) {
  for (const ModelProfile& m : profile.models) {
    if (m.memory_mb > 0) memory_bytes_[m.name] = m.memory_mb * 1024 * 1024;
  }
  absl::MutexLock lock(&mu_);
  for (const ModelProfile& m : profile.models) models_[m.name];
  for (const char* kind : kFailureKinds) failures_[kind] = 0;
}

void SimMetrics::Observe(const RequestTiming& t) {
  if (t.status != 200 && t.status != 0) return;  // not admitted: nothing was generated
  absl::MutexLock lock(&mu_);
  auto it = models_.find(t.model);
  if (it == models_.end()) return;
  ModelMetrics& m = it->second;
  m.prompt_tokens += t.prompt_tokens;
  m.generation_tokens += t.completion_tokens;
  if (t.completed) ++(t.finish_reason == "length" ? m.success_length : m.success_stop);
  if (t.ttft_s) m.ttft.Observe(*t.ttft_s);
  for (double itl : t.itl_s) m.itl.Observe(itl);
  m.queue.Observe(t.queue_s);
  if (t.completed) m.e2e.Observe(t.e2e_s);
}

void SimMetrics::CountFailure(const std::string& kind) {
  absl::MutexLock lock(&mu_);
  ++failures_[kind];
}

std::string SimMetrics::Render(const MetricsSnapshot& now) const {
  std::string out;
  auto gauge = [&](const char* name, const char* help, auto value) {
    Family(&out, name, "gauge", help);
    for (const auto& [model, state] : now.models) {
      absl::StrAppend(&out, name, "{", ModelLabels(model), "} ", value(state), "\n");
    }
  };
  using Model = MetricsSnapshot::Model;
  gauge("vllm:num_requests_running", "Number of requests in model execution batches.",
        [](const Model& m) { return m.running; });
  gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.",
        [](const Model& m) { return m.waiting; });
  auto usage = [](const Model& m) {
    return Number(std::min(1.0, static_cast<double>(m.running) / std::max(1u, m.max_num_seqs)));
  };
  gauge("vllm:kv_cache_usage_perc",
        "KV-cache usage. 1 means 100 percent usage. (Simulated: running / max_num_seqs.)", usage);
  gauge("vllm:gpu_cache_usage_perc",
        "GPU KV-cache usage. 1 means 100 percent usage. Deprecated: use "
        "vllm:kv_cache_usage_perc. (Simulated: running / max_num_seqs.)",
        usage);

  Family(&out, "joulebench_sim_model_memory_bytes", "gauge",
         "The model memory the profile reports (memory_mb), in bytes. Simulated, not "
         "measured.");
  for (const auto& [model, bytes] : memory_bytes_) {
    absl::StrAppend(&out, "joulebench_sim_model_memory_bytes{", ModelLabels(model), "} ",
                    absl::StrFormat("%.0f", bytes), "\n");
  }

  absl::MutexLock lock(&mu_);
  auto counter = [&](const char* name, const char* help, auto value) {
    Family(&out, name, "counter", help);
    for (const auto& [model, m] : models_) {
      absl::StrAppend(&out, name, "{", ModelLabels(model), "} ", value(m), "\n");
    }
  };
  counter("vllm:prompt_tokens_total", "Number of prefill tokens processed (simulated: words).",
          [](const ModelMetrics& m) { return m.prompt_tokens; });
  counter("vllm:generation_tokens_total",
          "Number of generation tokens processed (simulated: words).",
          [](const ModelMetrics& m) { return m.generation_tokens; });
  counter("vllm:num_preemptions_total", "Cumulative number of preemptions (never simulated).",
          [](const ModelMetrics&) { return 0; });
  Family(&out, "vllm:request_success_total", "counter",
         "Count of successfully processed requests.");
  for (const auto& [model, m] : models_) {
    const std::string labels = ModelLabels(model);
    absl::StrAppend(&out, "vllm:request_success_total{", labels, ",finished_reason=\"stop\"} ",
                    m.success_stop, "\n");
    absl::StrAppend(&out, "vllm:request_success_total{", labels, ",finished_reason=\"length\"} ",
                    m.success_length, "\n");
  }
  auto histogram = [&](const char* name, const char* help, Histogram ModelMetrics::*member) {
    Family(&out, name, "histogram", help);
    for (const auto& [model, m] : models_) (m.*member).Render(name, ModelLabels(model), &out);
  };
  histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
            &ModelMetrics::ttft);
  histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
            &ModelMetrics::itl);
  histogram("vllm:time_per_output_token_seconds",
            "Histogram of time per output token in seconds. Deprecated: the same observations "
            "as vllm:inter_token_latency_seconds.",
            &ModelMetrics::itl);
  histogram("vllm:e2e_request_latency_seconds",
            "Histogram of end to end request latency in seconds.", &ModelMetrics::e2e);
  histogram("vllm:request_queue_time_seconds",
            "Histogram of time spent in WAITING phase for request.", &ModelMetrics::queue);

  const std::string hw = LabelValue(now.hardware);
  Family(&out, "joulebench_sim_energy_joules_total", "counter",
         "Energy of the SIMULATED hardware since the simulator started, in joules. Simulated, "
         "not measured.");
  absl::StrAppend(&out, "joulebench_sim_energy_joules_total{hardware=\"", hw, "\"} ",
                  absl::StrFormat("%.6f", now.energy_j), "\n");
  Family(&out, "joulebench_sim_power_watts", "gauge",
         "Power of the SIMULATED hardware now, in watts. Simulated, not measured.");
  absl::StrAppend(&out, "joulebench_sim_power_watts{hardware=\"", hw, "\"} ",
                  absl::StrFormat("%.3f", now.power_w), "\n");
  Family(&out, "joulebench_sim_injected_failures_total", "counter",
         "Requests failed on purpose by the profile's failure injection, by kind (429, 500, "
         "503, disconnect, stall).");
  for (const auto& [kind, count] : failures_) {
    absl::StrAppend(&out, "joulebench_sim_injected_failures_total{kind=\"", kind, "\"} ", count,
                    "\n");
  }
  Family(&out, "joulebench_sim_start_time_seconds", "gauge",
         "When the simulator started, in seconds since the Unix epoch.");
  absl::StrAppend(&out, "joulebench_sim_start_time_seconds ",
                  absl::StrFormat("%.3f", now.start_unix_s), "\n");
  return out;
}

}  // namespace jb::sim
