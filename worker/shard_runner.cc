#include "worker/shard_runner.h"

#include <algorithm>
#include <deque>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "worker/energy/measure_window.h"
#include "worker/server_counters.h"

namespace jb::worker {

namespace v1 = joulebench::v1;

namespace {

// A request outcome that says the server, not the sample, is in trouble.
bool IsServerFailure(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsResourceExhausted(status) ||
         absl::IsDeadlineExceeded(status);
}

}  // namespace

ShardRunner::ShardRunner(ShardRunnerOptions options, InferenceClient* inference,
                         const TaskEvaluator* evaluator, EnergyMeter* meter, Clock* clock)
    : options_(std::move(options)),
      inference_(inference),
      evaluator_(evaluator),
      meter_(meter),
      clock_(clock) {}

void ShardRunner::Cancel(absl::Status reason) {
  absl::MutexLock lock(&mu_);
  if (cancelled_.load()) return;
  cancel_status_ = std::move(reason);
  cancelled_.store(true);
}

absl::Status ShardRunner::CancelStatus() const {
  absl::MutexLock lock(&mu_);
  return cancel_status_;
}

std::string ShardRunner::ScrapeServerMetrics() {
  absl::StatusOr<std::string> text = inference_->ScrapeMetrics();
  if (!text.ok()) {
    JB_LOG(debug, "server metrics not kept: {}", text.status().ToString());
    return "";
  }
  if (text->size() > options_.max_server_metrics_bytes) {
    // Cut at a line end so what is kept still parses.
    const size_t end = text->rfind('\n', options_.max_server_metrics_bytes);
    text->resize(end == std::string::npos ? 0 : end + 1);
    text->append("# truncated by joulebench\n");
  }
  return *std::move(text);
}

absl::StatusOr<ShardOutcome> ShardRunner::Run(const v1::Shard& shard, const ReportFn& report) {
  const absl::Duration origin = clock_->MonotonicNow();
  const v1::TaskDefinition& task = shard.task();
  if (absl::Status valid = evaluator_->Validate(task); !valid.ok()) {
    return absl::Status(valid.code(), absl::StrCat("task ", task.name(), ": ", valid.message()));
  }
  const ShardRequests plan = PlanShardRequests(shard, *evaluator_, options_.choice_method);

  ShardOutcome outcome;
  v1::Measurement& m = outcome.measurement;
  std::string metrics_before = ScrapeServerMetrics();
  WindowOptions window;
  window.idle_baseline = absl::Seconds(std::max(0.0, shard.idle_baseline_s()));
  window.origin = origin;
  window.sampling_period = options_.sampling_period;
  if (options_.tally != nullptr) {
    options_.tally->active_parameters.store(shard.model().active_parameters() > 0
                                                ? shard.model().active_parameters()
                                                : shard.model().parameters());
  }
  JB_ASSIGN_OR_RETURN(m, MeasureWindow(*meter_, *clock_, window, [&]() -> absl::Status {
                        return RunRequests(shard, plan, report, outcome.results,
                                           outcome.unreported);
                      }));
  m.set_server_metrics_before(std::move(metrics_before));
  m.set_server_metrics_after(ScrapeServerMetrics());
  absl::StatusOr<v1::ServerCounters> counters = ServerCountersDelta(
      m.server_metrics_before(), m.server_metrics_after(), shard.model().name());
  if (counters.ok()) {
    *m.mutable_server_counters() = *std::move(counters);
    if (m.memory_source().empty() && m.server_counters().model_memory_bytes() > 0) {
      m.set_peak_memory_mb(m.server_counters().model_memory_bytes() / kBytesPerMb);
      m.set_memory_source(kMemoryFromServer);
    }
  } else {
    JB_LOG(warn, "the server's /metrics do not parse; its counters are not kept: {}",
           counters.status().ToString());
  }

  uint64_t completion_tokens = 0;
  for (const v1::SampleResult& r : outcome.results) completion_tokens += r.completion_tokens();
  m.set_completion_tokens(completion_tokens);
  m.set_region(options_.carbon.region);
  m.set_carbon_intensity_g_per_kwh(options_.carbon.intensity.g_per_kwh);
  m.set_carbon_intensity_source(options_.carbon.intensity.source);
  m.set_pue(options_.carbon.pue);
  m.set_simulated(m.simulated() || options_.server.simulated());
  *m.mutable_server() = options_.server;
  ApportionEnergyByTokens(m.total_energy_j(), outcome.results);
  return outcome;
}

void ShardRunner::CountRequest(const InferenceResult& result) {
  if (!IsServerFailure(result.status)) {
    if (result.status.ok()) consecutive_unavailable_ = 0;
    return;
  }
  const int failures = ++consecutive_unavailable_;
  if (options_.max_consecutive_unavailable > 0 &&
      failures >= options_.max_consecutive_unavailable) {
    Cancel(absl::UnavailableError(absl::StrCat(
        "inference server failing: ", failures,
        " requests in a row failed after their retries; last: ", result.status.message())));
  }
}

absl::Status ShardRunner::RunRequests(const v1::Shard& shard, const ShardRequests& plan,
                                      const ReportFn& report,
                                      std::vector<v1::SampleResult>& all_results,
                                      size_t& held_back) {
  if (cancelled()) return CancelStatus();
  const size_t batch_size = static_cast<size_t>(std::max(1, options_.report_batch_size));

  // Finished requests travel from the I/O thread to this one through `ready`.
  struct Channel {
    absl::Mutex mu;
    std::deque<std::pair<size_t, InferenceResult>> ready ABSL_GUARDED_BY(mu);
    bool done ABSL_GUARDED_BY(mu) = false;
  } channel;
  const InferenceClient::ResultFn on_result = [&](size_t index, InferenceResult result) {
    CountRequest(result);
    if (options_.tally != nullptr) {
      options_.tally->tokens.fetch_add(uint64_t{result.prompt_tokens} + result.completion_tokens);
    }
    absl::MutexLock lock(&channel.mu);
    channel.ready.emplace_back(index, std::move(result));
  };
  BatchOptions batch_options;
  batch_options.concurrency = static_cast<int>(std::clamp<uint32_t>(shard.concurrency(), 1, 1024));
  batch_options.cancel = &cancelled_;
  absl::Status batch_status;
  std::thread batch([&] {
    batch_status = inference_->RunBatch(plan.requests, batch_options, on_result);
    absl::MutexLock lock(&channel.mu);
    channel.done = true;
  });

  // Work without requests (unbuildable prompts) is finished first; the rest as the results of
  // all its requests arrive. Full report batches go out as they fill; the remainder stays for
  // the completion; after a cancel nothing more is reported.
  std::vector<InferenceResult> results(plan.requests.size());
  std::vector<size_t> pending(plan.work.size());
  std::vector<bool> abandoned(plan.work.size(), false);
  std::vector<size_t> group_finished(plan.groups.size(), 0);
  std::vector<v1::SampleResult> unreported;
  // Rows wait in their sample's group until every repeat has finished, then are scored
  // together (ScoreSampleGroup) and queued for reporting.
  std::vector<std::vector<v1::SampleResult>> group_rows(plan.groups.size());
  auto finish = [&](size_t w) {
    const SampleWork& work = plan.work[w];
    const size_t g = plan.group_of[w];
    const auto [begin, end] = plan.groups[g];
    std::vector<v1::SampleResult>& rows = group_rows[g];
    if (rows.empty()) rows.resize(end - begin);
    rows[w - begin] = FinishSample(
        shard, plan, w, absl::MakeConstSpan(results).subspan(work.first_request, work.num_requests),
        *evaluator_);
    for (size_t i = 0; i < work.num_requests; ++i) results[work.first_request + i] = {};
    samples_done_.fetch_add(1);
    if (++group_finished[g] < end - begin) return;
    ScoreSampleGroup(shard, plan, g, absl::MakeSpan(rows), *evaluator_);
    for (v1::SampleResult& row : rows) unreported.push_back(std::move(row));
    rows.clear();
  };
  auto flush = [&](size_t at_least) {
    while (!unreported.empty() && unreported.size() >= at_least && !cancelled()) {
      const size_t n = std::min(batch_size, unreported.size());
      std::vector<v1::SampleResult> out(std::make_move_iterator(unreported.begin()),
                                        std::make_move_iterator(unreported.begin() + n));
      unreported.erase(unreported.begin(), unreported.begin() + n);
      all_results.insert(all_results.end(), out.begin(), out.end());
      if (absl::Status reported = report(out); !reported.ok()) Cancel(std::move(reported));
    }
  };
  for (size_t w = 0; w < plan.work.size(); ++w) {
    pending[w] = plan.work[w].num_requests;
    if (pending[w] == 0) finish(w);
  }
  flush(batch_size);

  bool done = false;
  while (!done) {
    std::deque<std::pair<size_t, InferenceResult>> arrived;
    {
      absl::MutexLock lock(&channel.mu);
      auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(channel.mu) {
        return !channel.ready.empty() || channel.done;
      };
      channel.mu.Await(absl::Condition(&ready));
      arrived.swap(channel.ready);
      done = channel.done;
    }
    for (auto& [index, result] : arrived) {
      const size_t w = plan.owner[index];
      // A request the cancel abandoned leaves its sample unfinished (and unreported).
      if (absl::IsCancelled(result.status)) abandoned[w] = true;
      results[index] = std::move(result);
      if (--pending[w] == 0 && !abandoned[w]) finish(w);
    }
    flush(batch_size);
  }
  batch.join();
  if (cancelled()) return CancelStatus();
  if (!batch_status.ok()) return batch_status;
  held_back = unreported.size();
  all_results.insert(all_results.end(), std::make_move_iterator(unreported.begin()),
                     std::make_move_iterator(unreported.end()));
  return absl::OkStatus();
}

}  // namespace jb::worker
