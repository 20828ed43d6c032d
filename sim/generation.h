// One simulated generation: what a request asks for (from either endpoint), and the plan the
// engine decides for it up front: the text, its tokens, the finish reason and the timing. A
// streaming reply sends plan.pieces one by one, token i at plan.token_times[i] after the request
// was admitted; a non-streaming reply waits plan.Total() and sends the text.
//
// Tokens are whitespace-separated words: the simulator has no tokenizer, and words are close
// enough for latency and energy per token. A piece is a word with the whitespace before it, so
// the pieces concatenate back to the text exactly.
//
// Length (vLLM's semantics): stop strings end the reply before the stop string; max_tokens cuts
// it ("length"). ignore_eos keeps generating past the oracle's answer up to max_tokens and
// min_tokens up to at least min_tokens, with filler words (kFillerWords, in order, cycling), so
// a fixed prompt with ignore_eos yields exactly max_tokens tokens; stop strings do not cut into
// the first min_tokens tokens.
// Thread-safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/oracle.h"

namespace jb::sim {

struct GenerationRequest {
  std::string model;
  // What the oracle looks up: the last user message (chat) or the prompt (completions).
  std::string prompt;
  // Words over every message (chat) or the prompt (completions).
  uint32_t prompt_tokens = 0;
  // Unset: no limit beyond max_model_len.
  std::optional<uint32_t> max_tokens;
  std::vector<std::string> stop;
  bool stream = false;
  // stream_options.include_usage and .continuous_usage_stats.
  bool include_usage = false;
  bool continuous_usage_stats = false;
  // Completions: the reply text starts with the prompt (and so do its logprobs).
  bool echo = false;
  // Set: return logprobs with this many top alternatives per token (completions "logprobs": N;
  // chat "logprobs": true with "top_logprobs": N, default 0).
  std::optional<uint32_t> logprobs;
  // The request's seed when it samples (temperature > 0, vLLM's default 1.0 when absent, and a
  // seed sent): the oracle draws per seed (sim/oracle.h). Unset for greedy or unseeded requests.
  std::optional<int64_t> sampling_seed;
  // vLLM extensions: generate past the answer (see the top of this file).
  bool ignore_eos = false;
  uint32_t min_tokens = 0;
};

struct GenerationPlan {
  OracleAnswer answer;
  // The generated reply after stop strings, max_tokens and padding (without any echo).
  std::string text;
  std::vector<std::string> pieces;
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;
  // "stop" or "length".
  std::string finish_reason = "stop";
  // When the first token is ready, after admission; for a reply of no tokens (echo with
  // max_tokens 0), when the prompt has been processed.
  absl::Duration first_token_delay;
  // When each token of `pieces` is ready, after admission (token_times[0] = first_token_delay).
  std::vector<absl::Duration> token_times;

  // When the reply is complete: the last token's time, or first_token_delay without tokens.
  absl::Duration Total() const;
};

// Words appended, in order and cycling, when a reply must go on past the oracle's answer.
extern const char* const kFillerWords[16];

// Number of whitespace-separated words in `text`.
uint32_t CountTokens(const std::string& text);

// `text` cut into pieces (a word with the whitespace before it); trailing whitespace joins the
// last piece.
std::vector<std::string> SplitTokens(const std::string& text);

// Sets plan->text, pieces, completion_tokens and finish_reason from `reply` and the request's
// length fields (see the top of this file).
void ApplyLimits(const std::string& reply, const GenerationRequest& request, GenerationPlan* plan);

}  // namespace jb::sim
