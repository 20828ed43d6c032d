// The OpenAI API's JSON, as vLLM speaks it (reference/vllm-lmeval-pg-grpc-k8s.md section 1):
// request bodies built from an InferenceRequest and responses parsed into our types. Pure
// functions, separate from the HTTP transport, so each is tested on literal JSON and the
// streaming issue can add its chunk parsing here.
// nlohmann::json exceptions never escape: malformed input becomes a Status.
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "joulebench/v1/common.pb.h"
#include "worker/inference/inference_client.h"

namespace jb::worker {

// The request body for POST {base}/chat/completions (messages: one user message) or
// {base}/completions (prompt), chosen by request.endpoint. With request.stream: "stream": true
// and "stream_options": {"include_usage": true}; otherwise "stream": false and no
// stream_options (vLLM rejects them). echo, logprobs and ignore_eos are sent when set.
std::string BuildGenerationBody(const InferenceRequest& request);

// Parses a non-streaming chat or completions response into `result`'s text, finish_reason,
// usage and (completions with logprobs) logprobs, overwriting them; status, timing and
// attempts are the caller's. Chat logprobs (a different shape) are not read: logprobs stays
// empty. Internal when the body is not JSON, has no choices, or has malformed logprobs
// (arrays of different lengths, a token that is not a string, a negative text_offset).
// Ties in top_logprobs go to the first listed token, as Python's max() in lm-eval.
absl::Status ParseGenerationResponse(joulebench::v1::Endpoint endpoint, absl::string_view body,
                                     InferenceResult* result);

// A continuation's log-likelihood, as lm-eval computes it from an echo request
// (lm_eval/models/openai_completions.py): the sum of token_logprobs over the continuation's
// tokens, and whether each of them was the most likely token at its position.
struct Loglikelihood {
  double logprob = 0;
  bool is_greedy = true;
  // Tokens summed.
  uint32_t tokens = 0;
};

// For a request whose prompt was context + continuation, sent with echo and logprobs: the
// continuation's tokens are those whose text_offset lies in [len(context),
// len(context + continuation)), lengths in code points (vLLM's offsets are Python string
// indices). A token straddling the boundary counts with the context (BPE merges can move the
// boundary by one token; lm-eval avoids that by tokenizing separately, which a client without
// the tokenizer cannot). Tokens at or past the end are generated ones and are ignored.
// A continuation token without a top token (top_logprobs null) is not counted as greedy.
// Internal when the arrays differ in length, when no token starts inside the continuation, or
// when a continuation token's logprob is null.
absl::StatusOr<Loglikelihood> ContinuationLoglikelihood(const CompletionLogprobs& logprobs,
                                                        absl::string_view context,
                                                        absl::string_view continuation);

// Parses GET /v1/models ({"object":"list","data":[ModelCard]}): id, owned_by, max_model_len.
absl::StatusOr<std::vector<joulebench::v1::ServedModel>> ParseModelList(absl::string_view body);

// The "version" field of GET /version; "" when absent or not JSON.
std::string ParseVersion(absl::string_view body);

// The server kind for an owned_by tag: "vllm", "sglang", "llamacpp", "tgi", "ollama",
// "joulebench-sim", or "unknown".
std::string ServerKindFromOwnedBy(absl::string_view owned_by);

// The human message of an error response: OpenAI's {"error":{"message"}}, vLLM's older
// {"object":"error","message"}, FastAPI's {"detail"}; else the body itself, cut to 500 bytes.
std::string ParseErrorMessage(absl::string_view body);

}  // namespace jb::worker
