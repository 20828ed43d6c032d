#include "sim/engine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"

namespace jb::sim {
namespace {

// Longest single sleep, so that Stop() is noticed quickly.
constexpr absl::Duration kSleepStep = absl::Milliseconds(50);

}  // namespace

const char* FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::k429:
      return "429";
    case FailureKind::k500:
      return "500";
    case FailureKind::k503:
      return "503";
    case FailureKind::kDisconnect:
      return "disconnect";
    case FailureKind::kStall:
      return "stall";
    case FailureKind::kNone:
      break;
  }
  return "";
}

RequestSlot::~RequestSlot() { engine_->Release(*model_); }

SimEngine::SimEngine(Profile profile, std::shared_ptr<const Oracle> oracle, Clock* clock,
                     size_t timing_log_capacity)
    : profile_(std::move(profile)),
      oracle_(std::move(oracle)),
      clock_(clock),
      started_(clock->Now()),
      power_(profile_.hardware.idle_w, profile_.hardware.busy_w, profile_.TotalMaxNumSeqs(), clock),
      metrics_(profile_),
      timing_log_(std::max<size_t>(1, timing_log_capacity)),
      rng_(profile_.seed) {
  absl::MutexLock lock(&mu_);
  for (const ModelProfile& m : profile_.models) models_[m.name];
}

FailureKind SimEngine::DrawFailure() {
  const FailureRates& r = profile_.failures;
  if (r.Total() <= 0) return FailureKind::kNone;
  double u;
  {
    absl::MutexLock lock(&rng_mu_);
    u = std::uniform_real_distribution<double>(0, 1)(rng_);
  }
  const std::pair<double, FailureKind> ranges[] = {{r.rate_429, FailureKind::k429},
                                                   {r.rate_500, FailureKind::k500},
                                                   {r.rate_503, FailureKind::k503},
                                                   {r.rate_disconnect, FailureKind::kDisconnect},
                                                   {r.rate_stall, FailureKind::kStall}};
  double upper = 0;
  for (const auto& [rate, kind] : ranges) {
    upper += rate;
    if (rate > 0 && u < upper) {
      metrics_.CountFailure(FailureKindName(kind));
      return kind;
    }
  }
  return FailureKind::kNone;
}

double SimEngine::JitterFactor(double jitter) {
  if (jitter <= 0) return 1;
  return std::uniform_real_distribution<double>(1 - jitter, 1 + jitter)(rng_);
}

GenerationPlan SimEngine::Plan(const ModelProfile& model, const GenerationRequest& request,
                               double load_factor) {
  GenerationPlan plan;
  plan.answer = oracle_->Answer(model.name, request.prompt, request.sampling_seed);
  ApplyLimits(plan.answer.text, request, &plan);
  plan.prompt_tokens = request.prompt_tokens;
  const double ttft_ms = model.ttft_ms + model.prefill_ms_per_token * request.prompt_tokens;
  plan.token_times.reserve(plan.pieces.size());
  absl::MutexLock lock(&rng_mu_);
  plan.first_token_delay =
      absl::Milliseconds(ttft_ms * JitterFactor(model.ttft_jitter) * load_factor);
  absl::Duration t = plan.first_token_delay;
  for (size_t i = 0; i < plan.pieces.size(); ++i) {
    if (i > 0) t += absl::Milliseconds(model.itl_ms * JitterFactor(model.itl_jitter) * load_factor);
    plan.token_times.push_back(t);
  }
  return plan;
}

absl::StatusOr<std::unique_ptr<RequestSlot>> SimEngine::Admit(const ModelProfile& model) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("the simulator is stopping");
  ModelState& state = models_[model.name];
  if (state.running < model.max_num_seqs && state.waiting.empty()) {
    power_.SetRunning(++running_total_);
    return std::make_unique<RequestSlot>(this, &model, model.LoadFactor(++state.running));
  }
  if (state.waiting.size() >= model.max_waiting) {
    return absl::ResourceExhaustedError("waiting queue full");
  }
  Waiter waiter;
  state.waiting.push_back(&waiter);
  while (!waiter.admitted && !stopping_) waiter.cv.Wait(&mu_);
  if (!waiter.admitted) {
    state.waiting.erase(std::find(state.waiting.begin(), state.waiting.end(), &waiter));
    return absl::UnavailableError("the simulator is stopping");
  }
  return std::make_unique<RequestSlot>(this, &model, waiter.load_factor);
}

void SimEngine::Release(const ModelProfile& model) {
  absl::MutexLock lock(&mu_);
  ModelState& state = models_[model.name];
  if (!state.waiting.empty() && !stopping_) {
    // The place passes straight to the oldest waiter: first come, first served.
    Waiter* next = state.waiting.front();
    state.waiting.pop_front();
    next->admitted = true;
    next->load_factor = model.LoadFactor(state.running);
    next->cv.Signal();
    return;
  }
  --state.running;
  power_.SetRunning(--running_total_);
}

bool SimEngine::SleepUntil(absl::Duration deadline) {
  while (!stopping_) {
    const absl::Duration now = clock_->MonotonicNow();
    if (now >= deadline) return true;
    clock_->Sleep(std::min(deadline - now, kSleepStep));
  }
  return false;
}

bool SimEngine::stopping() const { return stopping_; }

void SimEngine::Finish(RequestTiming timing) {
  metrics_.Observe(timing);
  timing_log_.Add(std::move(timing));
}

void SimEngine::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  for (auto& [name, state] : models_) {
    for (Waiter* waiter : state.waiting) waiter->cv.Signal();
  }
}

std::string SimEngine::NextId(const std::string& prefix) {
  absl::MutexLock lock(&mu_);
  return absl::StrFormat("%s-sim-%012d", prefix, ++next_id_);
}

std::string SimEngine::RenderMetrics() {
  MetricsSnapshot now;
  now.hardware = profile_.hardware.name;
  now.energy_j = power_.EnergyJ();
  now.power_w = power_.PowerW();
  now.start_unix_s = absl::ToDoubleSeconds(started_ - absl::UnixEpoch());
  {
    absl::MutexLock lock(&mu_);
    for (const ModelProfile& m : profile_.models) {
      const ModelState& state = models_[m.name];
      now.models[m.name] = {state.running, static_cast<uint32_t>(state.waiting.size()),
                            m.max_num_seqs};
    }
  }
  return metrics_.Render(now);
}

}  // namespace jb::sim
