// Fakes of the worker's injected interfaces, for unit tests: an inference server, an energy
// meter, a task evaluator and a coordinator. Each records its calls and takes a replaceable
// handler for its behaviour. Thread-safe: the shard runner calls them from pool threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "joulebench/v1/common.pb.h"
#include "joulebench/v1/coordinator.pb.h"
#include "worker/coordinator_client.h"
#include "worker/energy/energy_meter.h"
#include "worker/inference/inference_client.h"
#include "worker/task_evaluator.h"

namespace jb::worker::testing {

// Answers every request with "answer" (completion tokens 3) unless on_complete is set. RunBatch
// keeps `concurrency` requests in flight on that many threads, takes requests in order, checks
// the cancel flag before each, and calls on_result one at a time, like the real client.
class FakeInferenceClient : public InferenceClient {
 public:
  using CompleteFn = std::function<absl::StatusOr<InferenceResult>(const InferenceRequest&)>;

  absl::StatusOr<std::vector<joulebench::v1::ServedModel>> ListModels() override {
    absl::StatusOr<joulebench::v1::InferenceServer> server = ServerInfo();
    if (!server.ok()) return server.status();
    return std::vector<joulebench::v1::ServedModel>(server->models().begin(),
                                                    server->models().end());
  }
  absl::Status Health() override {
    health_calls.fetch_add(1);
    return on_health ? on_health() : absl::OkStatus();
  }
  absl::StatusOr<joulebench::v1::InferenceServer> ServerInfo() override {
    server_info_calls.fetch_add(1);
    if (on_server_info) return on_server_info();
    joulebench::v1::InferenceServer server;
    server.set_base_url("http://127.0.0.1:8000/v1");
    server.set_kind("joulebench-sim");
    server.set_simulated(true);
    server.add_models()->set_name("tiny");
    return server;
  }
  absl::StatusOr<std::string> ScrapeMetrics() override {
    const int n = metrics_scrapes.fetch_add(1);
    return absl::StrCat("vllm:generation_tokens_total ", n, "\n", more_metrics);
  }
  absl::Status RunBatch(const std::vector<InferenceRequest>& batch, const BatchOptions& options,
                        const ResultFn& on_result) override {
    std::atomic<size_t> next{0};
    absl::Mutex result_mu;
    std::vector<std::thread> threads;
    const size_t n = std::min<size_t>(std::max(1, options.concurrency), batch.size());
    for (size_t t = 0; t < n; ++t) {
      threads.emplace_back([&] {
        for (;;) {
          if (options.cancel != nullptr && options.cancel->load()) break;
          const size_t i = next.fetch_add(1);
          if (i >= batch.size()) break;
          InferenceResult result = Complete(batch[i]);
          absl::MutexLock lock(&result_mu);
          on_result(i, std::move(result));
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    // Requests never started end Cancelled, as the contract says.
    for (size_t i = next.load(); i < batch.size(); ++i) {
      InferenceResult cancelled;
      cancelled.status = absl::CancelledError("cancelled");
      on_result(i, std::move(cancelled));
    }
    if (options.cancel != nullptr && options.cancel->load()) {
      return absl::CancelledError("cancelled");
    }
    return absl::OkStatus();
  }

  static InferenceResult Answer(std::string text = "answer", uint32_t tokens = 3) {
    InferenceResult result;
    result.text = std::move(text);
    result.finish_reason = "stop";
    result.prompt_tokens = 10;
    result.completion_tokens = tokens;
    result.streamed = true;
    result.ttft_s = 0.1;
    result.e2e_s = 0.5;
    result.tpot_s = 0.2;
    result.itl_s = {0.2, 0.2};
    return result;
  }

  std::vector<InferenceRequest> Requests() {
    absl::MutexLock lock(&mu);
    return requests;
  }

  CompleteFn on_complete;
  std::function<absl::StatusOr<joulebench::v1::InferenceServer>()> on_server_info;
  std::function<absl::Status()> on_health;
  std::atomic<int> health_calls{0};
  std::atomic<int> calls{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::atomic<int> server_info_calls{0};
  std::atomic<int> metrics_scrapes{0};
  // Appended to every /metrics text; set before the runner starts.
  std::string more_metrics;
  absl::Mutex mu;
  std::vector<InferenceRequest> requests ABSL_GUARDED_BY(mu);

 private:
  InferenceResult Complete(const InferenceRequest& request) {
    const int now = in_flight.fetch_add(1) + 1;
    int seen = max_in_flight.load();
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
    }
    {
      absl::MutexLock lock(&mu);
      requests.push_back(request);
    }
    absl::StatusOr<InferenceResult> response = on_complete ? on_complete(request) : Answer();
    in_flight.fetch_sub(1);
    calls.fetch_add(1);
    InferenceResult result;
    if (response.ok()) {
      result = *std::move(response);
    } else {
      result.status = response.status();
    }
    result.attempts = 1;
    return result;
  }
};

// A counter meter: reads return on_read() (default: no readings), counted in `reads`; memory
// in use is what SetMemoryInUse set (default: the meter reads none).
class FakeEnergyMeter : public EnergyMeter {
 public:
  using ReadFn = std::function<absl::StatusOr<std::vector<joulebench::v1::EnergyReading>>()>;

  absl::Status Probe() override { return probe_status; }
  MeterDescription Describe() const override { return description; }
  absl::StatusOr<std::vector<joulebench::v1::EnergyReading>> Read() override {
    reads.fetch_add(1);
    if (on_read) return on_read();
    return std::vector<joulebench::v1::EnergyReading>();
  }

  static joulebench::v1::EnergyReading Reading(
      double joules, std::string domain = "gpu",
      joulebench::v1::EnergyMethod method = joulebench::v1::ENERGY_METHOD_NVML_ENERGY_COUNTER,
      bool estimated = false) {
    joulebench::v1::EnergyReading reading;
    reading.set_domain(domain);
    reading.set_energy_j(joules);
    reading.set_method(method);
    reading.set_estimated(estimated);
    reading.set_source(absl::StrCat("fake ", domain));
    return reading;
  }

  std::string SharingNow() override {
    sharing_checks.fetch_add(1);
    absl::MutexLock lock(&mu);
    return sharing;
  }
  void SetSharing(std::string evidence) {
    absl::MutexLock lock(&mu);
    sharing = std::move(evidence);
  }

  std::optional<uint64_t> MemoryInUseBytes() override {
    memory_reads.fetch_add(1);
    absl::MutexLock lock(&mu);
    return memory_in_use;
  }
  void SetMemoryInUse(std::optional<uint64_t> bytes) {
    absl::MutexLock lock(&mu);
    memory_in_use = bytes;
  }

  ReadFn on_read;
  absl::Status probe_status;
  MeterDescription description{
      {joulebench::v1::ENERGY_METHOD_NVML_ENERGY_COUNTER}, "fake", false, true};
  std::atomic<int> reads{0};
  std::atomic<int> sharing_checks{0};
  std::atomic<int> memory_reads{0};
  absl::Mutex mu;
  std::string sharing ABSL_GUARDED_BY(mu);
  std::optional<uint64_t> memory_in_use ABSL_GUARDED_BY(mu);  // none by default
};

// Prompt "prompt:<doc_json>", target "gold:<index>", exact-match scoring under "none/exact";
// choices "A" "B" "C" with gold choice 0, scored by acc under "none/acc" (the likeliest, or
// for the generative fallback the named one). Every
// ScoreGenerations call is counted with its number of predictions.
class FakeTaskEvaluator : public TaskEvaluator {
 public:
  absl::Status Validate(const joulebench::v1::TaskDefinition&) const override {
    return validate_status;
  }
  absl::StatusOr<std::string> BuildPrompt(const joulebench::v1::TaskDefinition&,
                                          const joulebench::v1::Sample& sample) const override {
    if (sample.doc_json() == "bad") return absl::InvalidArgumentError("no field 'q'");
    return absl::StrCat("prompt:", sample.doc_json());
  }
  absl::StatusOr<std::string> RenderTarget(const joulebench::v1::TaskDefinition&,
                                           const joulebench::v1::Sample& sample) const override {
    return absl::StrCat("gold:", sample.index());
  }
  absl::StatusOr<std::vector<std::string>> RenderTargets(
      const joulebench::v1::TaskDefinition& task,
      const joulebench::v1::Sample& sample) const override {
    return std::vector<std::string>{absl::StrCat("gold:", sample.index())};
  }
  absl::StatusOr<std::vector<std::string>> RenderChoices(
      const joulebench::v1::TaskDefinition&, const joulebench::v1::Sample&) const override {
    return std::vector<std::string>{"A", "B", "C"};
  }
  absl::StatusOr<uint32_t> RenderGoldIndex(const joulebench::v1::TaskDefinition&,
                                           const joulebench::v1::Sample&) const override {
    return 0u;
  }
  absl::StatusOr<std::vector<std::string>> ChoiceContinuations(
      const joulebench::v1::TaskDefinition&, const joulebench::v1::Sample&) const override {
    return std::vector<std::string>{" A", " B", " C"};
  }
  absl::StatusOr<std::vector<tasks::Score>> ScoreGenerations(
      const joulebench::v1::TaskDefinition&, const joulebench::v1::Sample&,
      const std::vector<std::string>& targets,
      const std::vector<std::string>& predictions) const override {
    group_sizes.push_back(predictions.size());
    std::vector<tasks::Score> scores;
    for (const std::string& prediction : predictions) {
      tasks::Score& score = scores.emplace_back();
      score.extracted = prediction;
      score.score = prediction == targets.at(0) ? 1.0 : 0.0;
      score.metrics["none/exact"] = score.score;
    }
    return scores;
  }
  absl::StatusOr<tasks::Score> ScoreMultipleChoice(
      const joulebench::v1::TaskDefinition&, const tasks::ChoiceEvidence& evidence) const override {
    size_t chosen = 0;
    if (evidence.loglikelihoods.empty()) {
      if (!evidence.named_choice.has_value()) return tasks::Score{};
      chosen = *evidence.named_choice;
    }
    for (size_t i = 1; i < evidence.loglikelihoods.size(); ++i) {
      if (evidence.loglikelihoods[i] > evidence.loglikelihoods[chosen]) chosen = i;
    }
    tasks::Score score;
    score.extracted = evidence.choices.at(chosen);
    score.score = chosen == evidence.gold ? 1.0 : 0.0;
    score.metrics["none/acc"] = score.score;
    return score;
  }

  // "<prompt>|choices:A,B,C"; a reply names the first choice it contains.
  std::string FallbackPrompt(const std::string& prompt,
                             const std::vector<std::string>& choices) const override {
    return absl::StrCat(prompt, "|choices:", absl::StrJoin(choices, ","));
  }
  std::optional<uint32_t> ParseChosenOption(const std::vector<std::string>& choices,
                                            const std::string& reply) const override {
    for (uint32_t i = 0; i < choices.size(); ++i) {
      if (absl::StrContains(reply, choices[i])) return i;
    }
    return std::nullopt;
  }

  absl::Status validate_status;
  // Predictions per ScoreGenerations call, in call order (the runner calls from one thread).
  mutable std::vector<size_t> group_sizes;
};

// Default behaviour: registration succeeds as "w-1", heartbeats renew, AcquireShard has no
// shard (retry after 1 s), reports, completions and failures succeed. Every request is kept.
class FakeCoordinatorClient : public CoordinatorClient {
 public:
  template <typename Request, typename Response>
  struct Rpc {
    std::function<absl::StatusOr<Response>(const Request&)> handler;
    std::vector<Request> requests;
  };

  absl::StatusOr<joulebench::v1::RegisterWorkerResponse> RegisterWorker(
      const joulebench::v1::RegisterWorkerRequest& request) override {
    return Call(register_worker, request, [] {
      joulebench::v1::RegisterWorkerResponse response;
      response.set_worker_id("w-1");
      response.set_lease_ttl_s(30);
      response.set_heartbeat_interval_s(3600);
      return response;
    });
  }
  absl::StatusOr<joulebench::v1::HeartbeatResponse> Heartbeat(
      const joulebench::v1::HeartbeatRequest& request) override {
    return Call(heartbeat, request, [] { return joulebench::v1::HeartbeatResponse(); });
  }
  absl::StatusOr<joulebench::v1::AcquireShardResponse> AcquireShard(
      const joulebench::v1::AcquireShardRequest& request) override {
    return Call(acquire_shard, request, [] {
      joulebench::v1::AcquireShardResponse response;
      response.set_retry_after_s(1);
      return response;
    });
  }
  absl::StatusOr<joulebench::v1::ReportSamplesResponse> ReportSamples(
      const joulebench::v1::ReportSamplesRequest& request) override {
    return Call(report_samples, request, [] { return joulebench::v1::ReportSamplesResponse(); });
  }
  absl::StatusOr<joulebench::v1::CompleteShardResponse> CompleteShard(
      const joulebench::v1::CompleteShardRequest& request) override {
    return Call(complete_shard, request, [] { return joulebench::v1::CompleteShardResponse(); });
  }
  absl::StatusOr<joulebench::v1::FailShardResponse> FailShard(
      const joulebench::v1::FailShardRequest& request) override {
    return Call(fail_shard, request, [] { return joulebench::v1::FailShardResponse(); });
  }

  // Requests received so far by `rpc` (a copy, safe while the agent runs).
  template <typename Request, typename Response>
  std::vector<Request> Received(const Rpc<Request, Response>& rpc) {
    absl::MutexLock lock(&mu);
    return rpc.requests;
  }

  absl::Mutex mu;
  Rpc<joulebench::v1::RegisterWorkerRequest, joulebench::v1::RegisterWorkerResponse>
      register_worker;
  Rpc<joulebench::v1::HeartbeatRequest, joulebench::v1::HeartbeatResponse> heartbeat;
  Rpc<joulebench::v1::AcquireShardRequest, joulebench::v1::AcquireShardResponse> acquire_shard;
  Rpc<joulebench::v1::ReportSamplesRequest, joulebench::v1::ReportSamplesResponse> report_samples;
  Rpc<joulebench::v1::CompleteShardRequest, joulebench::v1::CompleteShardResponse> complete_shard;
  Rpc<joulebench::v1::FailShardRequest, joulebench::v1::FailShardResponse> fail_shard;

 private:
  template <typename Request, typename Response, typename Default>
  absl::StatusOr<Response> Call(Rpc<Request, Response>& rpc, const Request& request,
                                Default fallback) {
    std::function<absl::StatusOr<Response>(const Request&)> handler;
    {
      absl::MutexLock lock(&mu);
      rpc.requests.push_back(request);
      handler = rpc.handler;
    }
    if (handler) return handler(request);
    return fallback();
  }
};

// A shard of `samples` samples (doc_json "doc<i>") with the given concurrency.
inline joulebench::v1::Shard MakeShard(int samples, uint32_t concurrency, uint32_t repeats = 1) {
  joulebench::v1::Shard shard;
  shard.set_shard_id(42);
  shard.set_sweep_id(7);
  shard.mutable_model()->set_name("tiny");
  shard.set_hardware_class("sim");
  shard.mutable_task()->set_name("fake-task");
  shard.mutable_task()->set_output_type(joulebench::v1::OUTPUT_TYPE_GENERATE_UNTIL);
  shard.mutable_task()->set_repeats(repeats);
  for (int i = 0; i < samples; ++i) {
    joulebench::v1::Sample* sample = shard.add_samples();
    sample->set_index(100 + i);
    sample->set_doc_json(absl::StrCat("doc", i));
  }
  shard.set_sample_begin(100);
  shard.set_sample_end(100 + samples);
  joulebench::v1::GenerationSettings* generation = shard.mutable_generation();
  generation->set_max_tokens(64);
  generation->set_temperature(0);
  generation->set_seed(1234);
  generation->set_endpoint(joulebench::v1::ENDPOINT_CHAT);
  generation->add_stop("\n\n");
  shard.set_concurrency(concurrency);
  return shard;
}

}  // namespace jb::worker::testing
