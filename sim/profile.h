// Simulator profiles: which models `joulebench sim` serves, how fast and how well they answer,
// the simulated hardware's power, and how often requests fail on purpose.
//
//   seed: 42                       seeds the answer oracle, jitter and failure injection
//   endpoints: [chat, completions] the generation endpoints served (default both; a non-empty
//                                  list without repeats). One left out answers 404
//                                  NotFoundError: [chat] is a chat-only server (an API, a
//                                  chat model), on which workers answer multiple_choice by the
//                                  generative fallback. /v1/models lists the models either way.
//   hardware: {name: sim-gpu, idle_w: 60, busy_w: 300}
//   failure_injection:             fractions of requests; the five rates sum to at most 1
//     rate_429: 0                  429 with Retry-After
//     rate_500: 0                  500
//     rate_503: 0                  503 with Retry-After
//     rate_disconnect: 0           connection closed after about half the tokens (streaming:
//                                  mid-body, no terminating chunk; otherwise no response)
//     rate_stall: 0                the first token comes stall_s late (the client should time
//                                  out first)
//     stall_s: 30                  0..3600
//     retry_after_s: 1             Retry-After on 429 and 503, whole seconds 0..3600
//   models:
//     - name: sim-small-1b
//       parameters: 1.1e9
//       active_parameters: 1.1e9   default: parameters
//       memory_mb: 2098            the model memory the server reports, MB of 2^20 bytes
//                                  (gauge joulebench_sim_model_memory_bytes; default:
//                                  parameters x 2 bytes, 16-bit weights; none when both are 0)
//       ttft_ms: 10                time to first token (0..600000)
//       itl_ms: 2                  time between tokens (0..60000)
//       jitter: 0.1                latencies vary by up to +-10 % (0..0.99)
//       ttft_jitter: 0.1           jitter of the first token only (default: jitter)
//       itl_jitter: 0.1            jitter of each gap between tokens (default: jitter)
//       prefill_ms_per_token: 0.02 added to the first token per prompt token
//       load_slowdown: 1           latency factor at full load (>= 1; llm-d's
//                                  time-factor-under-load): every delay of a request is
//                                  scaled by 1 + (load_slowdown - 1) * min(1, running /
//                                  max_num_seqs), with `running` counted when it is admitted
//       max_num_seqs: 16           requests run at once; more wait in a queue (default 16)
//       max_waiting: 1000          requests that may wait; one more is answered 503
//                                  "waiting queue full" (default 1000, 0 = no queue)
//       max_model_len: 4096        prompt + max_tokens limit (default 4096)
//       skill: {default: 0.7, arith-mini: 0.5}   probability of a correct answer per task
//                                  (default when the task is not listed; 0.5 without default)
//
// Built-in profiles are compiled in from sim/profiles/*.yaml and named "builtin:NAME":
//   demo-gpu (the default) and demo-cpu: the same two models with the same seed and skills, so
//     the same prompt gets the same answer on either; only latency and power differ.
//   bench-zero: one model "sim-bench" with no latency at all and 2048 sequences, for measuring
//     the cost of a client (bench/inference_bench.cc).
//   bench-fidelity: "sim-bench" at TTFT 200 ms and ITL 20 ms (jitter 0.1), 1024 sequences, for
//     comparing a client's timing with the simulator's own record (GET /sim/requests).
//   garg2025: the five models of suites/sweeps/garg2025.yaml (Garg et al. 2025) on its one
//     hardware class, h200x8.
//   cao2026-a10 and cao2026-a100: the sixteen models of suites/sweeps/cao2026.yaml (Cao et al.
//     2026), one profile per hardware class of the sweep (a10x8, a100x8; its label sim_profiles
//     pairs them), with the same seed and skills; only latency and power differ.
//   The paper profiles' latencies, skills and power are illustrative figures derived from the
//   papers, not measurements; each file's header says how.
// Unknown keys are rejected with file:line:key.
// Thread-safety: a Profile is a value; the functions are safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace jb::sim {

struct ModelProfile {
  std::string name;
  double parameters = 0;
  double active_parameters = 0;
  double memory_mb = 0;
  double ttft_ms = 0;
  double itl_ms = 0;
  double jitter = 0;
  // Resolved: `jitter` unless the profile sets them.
  double ttft_jitter = 0;
  double itl_jitter = 0;
  double prefill_ms_per_token = 0;
  double load_slowdown = 1;
  uint32_t max_num_seqs = 16;
  uint32_t max_waiting = 1000;
  uint32_t max_model_len = 4096;
  // Probability of a correct answer by task name, and for every other task.
  std::map<std::string, double> skill;
  double default_skill = 0.5;

  double Skill(const std::string& task) const;
  // The latency factor for a request admitted while `running` requests (itself included) run.
  double LoadFactor(uint32_t running) const;
};

struct SimHardware {
  std::string name = "sim-gpu";
  double idle_w = 0;
  double busy_w = 0;
};

struct FailureRates {
  double rate_429 = 0;
  double rate_500 = 0;
  double rate_503 = 0;
  double rate_disconnect = 0;
  double rate_stall = 0;
  double stall_s = 30;
  int retry_after_s = 1;

  double Total() const { return rate_429 + rate_500 + rate_503 + rate_disconnect + rate_stall; }
};

struct Profile {
  // Where it came from, for logs: a path or "builtin:NAME".
  std::string origin;
  uint64_t seed = 0;
  // Which generation endpoints answer (`endpoints`); the others answer 404.
  bool serves_chat = true;
  bool serves_completions = true;
  std::vector<ModelProfile> models;
  SimHardware hardware;
  FailureRates failures;

  // The model named `name`, or nullptr.
  const ModelProfile* FindModel(const std::string& name) const;
  // Sum of every model's max_num_seqs: the load at which the hardware draws busy_w.
  uint32_t TotalMaxNumSeqs() const;
};

// Parses profile YAML. `origin` names it in errors. InvalidArgument "origin:line: field: what"
// for bad YAML, unknown keys, missing or out-of-range values, duplicate model names.
absl::StatusOr<Profile> ParseProfile(const std::string& origin, const std::string& yaml_text);

// "" -> DefaultProfile(); "builtin:NAME" -> a built-in profile; anything else a file path.
// NotFound for a missing file or built-in name (listing the built-in names), or ParseProfile's
// errors.
absl::StatusOr<Profile> LoadProfile(const std::string& spec);

// builtin:demo-gpu.
absl::StatusOr<Profile> DefaultProfile();

// The built-in profile names, sorted ("bench-fidelity", "bench-zero", "cao2026-a10", ...).
std::vector<std::string> BuiltinProfileNames();

}  // namespace jb::sim
