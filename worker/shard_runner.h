// ShardRunner: runs one leased shard (DESIGN.md section 2, steps 3 to 5): validates the task,
// plans its requests (sample_requests.h), sends them with exactly `shard.concurrency` in
// flight through InferenceClient::RunBatch, scores each sample, hands results to a report
// callback in batches, measures the energy of the request window, and keeps the server's
// /metrics from just before and just after it.
//
// Lifecycle of a runner (one per shard):
//   1. Constructed by the agent for a leased shard.
//   2. Run() on the agent's thread: /metrics scrape, idle baseline, then the request window:
//      a batch thread runs RunBatch (its I/O thread timestamps the streams), this thread
//      scores finished samples and calls `report` with each full batch of
//      options.report_batch_size, so the callback never runs concurrently with itself; then
//      the closing /metrics scrape. The remainder, fewer than a batch, is left for the caller
//      to send with the completion (ShardOutcome::unreported).
//   3. Cancel() from any thread (a revoked lease, a drain deadline) stops it early: requests
//      in flight are abandoned, no new one starts, unreported results are dropped, and Run()
//      returns the cancel status.
//   4. Run() returns the Measurement and every result with its token-share energy_j.
//
// Device memory (PER's memory term): the NVML peak the window's sampler saw; where the meter
// reads no memory, the model memory the server reports in its closing /metrics
// (ServerCounters.model_memory_bytes, source "server-reported"); else none.
//
// Results: every (sample, repeat) gives one SampleResult, also when its request fails for good
// (error set, score 0: it is still a row). Results reported during the run carry energy_j = 0,
// because the window's energy is known only at its end. The stored energy_j is the
// coordinator's: it apportions the measurement by output tokens when the shard completes
// (storage::ApportionShardEnergy, over the stored token counts); the copy Run() returns is
// apportioned by the same rule for the caller's own use.
// A server that fails `max_consecutive_unavailable` requests in a row after their retries
// (Unavailable, ResourceExhausted or DeadlineExceeded) is taken as down rather than the samples
// as bad: Run() stops with Unavailable so the shard is failed and retried, instead of
// completing with a shard full of error rows. The count is kept on the I/O thread, in request
// order, so the stop is exact.
// Thread-safety: Run() once, from one thread; Cancel(), cancelled() and samples_done() from
// any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "joulebench/v1/common.pb.h"
#include "worker/energy/carbon.h"
#include "worker/energy/energy_meter.h"
#include "worker/inference/inference_client.h"
#include "worker/sample_requests.h"
#include "worker/task_evaluator.h"

namespace jb::worker {

struct ShardRunnerOptions {
  // Results per report callback (>= 1).
  int report_batch_size = 32;
  // Consecutive failed requests that stop the shard; 0 never stops.
  int max_consecutive_unavailable = 8;
  // Each /metrics text kept with the measurement is cut to this many bytes (at a line end).
  size_t max_server_metrics_bytes = size_t{512} << 10;
  // Copied into every Measurement: the grid region, its intensity and where that came from,
  // and the site's PUE (energy/carbon.h).
  CarbonSettings carbon;
  joulebench::v1::InferenceServer server;
  // Period of the energy sampler during a window (energy/energy_sampler.h); 0 reads the meter
  // only at the window's ends.
  absl::Duration sampling_period = absl::Milliseconds(100);
  // When set, the runner publishes the shard model's active parameters before each window and
  // adds every finished request's prompt and output tokens, for work-based estimates
  // (estimate-params).
  std::shared_ptr<WorkTally> tally;
  // How multiple_choice samples are answered: log-likelihoods when the server has completions
  // logprobs, else the generative fallback (worker/sample_requests.h).
  ChoiceMethod choice_method = ChoiceMethod::kLoglikelihood;
};

struct ShardOutcome {
  joulebench::v1::Measurement measurement;
  // Every result of the shard, in completion order, energy_j apportioned by output tokens.
  std::vector<joulebench::v1::SampleResult> results;
  // How many results at the end of `results` were not passed to the report callback (fewer
  // than a batch): the caller sends them with CompleteShard.
  size_t unreported = 0;
};

class ShardRunner {
 public:
  // Receives one batch; a non-OK status cancels the run with that status (ABORTED when the
  // lease was lost).
  using ReportFn =
      std::function<absl::Status(const std::vector<joulebench::v1::SampleResult>& batch)>;

  // Pointers are not owned and must outlive the runner.
  ShardRunner(ShardRunnerOptions options, InferenceClient* inference,
              const TaskEvaluator* evaluator, EnergyMeter* meter, Clock* clock);

  // Runs `shard`.
  // Errors: the cancel status; InvalidArgument when the task fails validation (retrying cannot
  // help); FailedPrecondition when this worker cannot run the task (a code task without a
  // sandbox: another worker may); Unavailable when the server is down (see the header comment); the
  // meter's error when an energy read fails (the shard is then retried).
  absl::StatusOr<ShardOutcome> Run(const joulebench::v1::Shard& shard, const ReportFn& report);

  // Stops the run; the first reason wins. `reason` must not be OK.
  void Cancel(absl::Status reason);
  bool cancelled() const { return cancelled_.load(); }
  // Results finished so far (for heartbeats).
  uint32_t samples_done() const { return samples_done_.load(); }

 private:
  // Appends every result to all_results; the last `held_back` of them were not reported.
  absl::Status RunRequests(const joulebench::v1::Shard& shard, const ShardRequests& plan,
                           const ReportFn& report,
                           std::vector<joulebench::v1::SampleResult>& all_results,
                           size_t& held_back);
  // Counts a finished request toward the server-down rule; called on the I/O thread.
  void CountRequest(const InferenceResult& result);
  // GET /metrics, cut to max_server_metrics_bytes; "" when the server has none.
  std::string ScrapeServerMetrics();
  absl::Status CancelStatus() const;

  const ShardRunnerOptions options_;
  InferenceClient* const inference_;
  const TaskEvaluator* const evaluator_;
  EnergyMeter* const meter_;
  Clock* const clock_;
  std::atomic<bool> cancelled_{false};
  std::atomic<uint32_t> samples_done_{0};
  int consecutive_unavailable_ = 0;  // I/O thread only
  mutable absl::Mutex mu_;
  absl::Status cancel_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace jb::worker
