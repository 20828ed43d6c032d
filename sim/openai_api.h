// The OpenAI/vLLM request side as the simulator speaks it: parsing POST /v1/chat/completions and
// /v1/completions bodies into a GenerationRequest, and the JSON of errors and model cards
// (reference/vllm-lmeval-pg-grpc-k8s.md sections 1.1-1.5). Replies are in sim/openai_reply.h.
//
// Errors use vLLM's shape: {"error": {"message", "type", "param", "code"}} with the HTTP status
// as code, and vLLM's messages where vLLM has one. Fields the simulator does not model (top_p,
// top_k, ...) are accepted and ignored; fields it cannot honour (n > 1, token-id prompts, chat
// echo) are rejected with 400 so nobody mistakes their absence for a result. Understood:
// stream, stream_options {include_usage, continuous_usage_stats} (only with stream: true),
// stop, max_tokens / max_completion_tokens, min_tokens, ignore_eos, temperature (a number >= 0,
// default 1.0 as vLLM's) and seed (an integer), which together give
// GenerationRequest::sampling_seed, and completions' echo and logprobs (0..20) or chat's
// logprobs and top_logprobs (0..20).
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/generation.h"
#include "sim/profile.h"

namespace jb::sim {

struct ApiError {
  int status = 400;
  // "BadRequestError", "NotFoundError", "RateLimitError", "InternalServerError",
  // "ServiceUnavailableError".
  std::string type = "BadRequestError";
  std::string message;
  // The request field at fault, "" for none (JSON null).
  std::string param;
};

ApiError BadRequest(std::string message, std::string param = "");
std::string ErrorJson(const ApiError& error);

struct ParsedRequest {
  GenerationRequest request;
  // Set when the request is malformed; `request` is then meaningless.
  std::optional<ApiError> error;
};

// Chat: the prompt is the last user message's content (a string, or the text parts of a list);
// prompt_tokens count the words of every message. max_completion_tokens wins over max_tokens.
ParsedRequest ParseChatRequest(const std::string& body);
// Completions: `prompt` is a string or a list of one string; max_tokens defaults to 16 as in
// OpenAI's and vLLM's completions API, and may be 0 with echo (the prompt's logprobs only).
ParsedRequest ParseCompletionRequest(const std::string& body);

// GET /v1/models: {"object": "list", "data": [ModelCard...]} with owned_by "joulebench-sim".
std::string ModelsJson(const Profile& profile, int64_t created);

}  // namespace jb::sim
