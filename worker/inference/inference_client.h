// InferenceClient: what the worker needs from an OpenAI-compatible inference server (vLLM,
// SGLang, llama.cpp server, TGI, Ollama, the joulebench simulator). The shard runner and the
// agent depend only on this interface; HttpInferenceClient (openai_client.h) speaks HTTP,
// tests use a fake.
//
// Generation goes through RunBatch: a batch of requests sent with exactly `concurrency` in
// flight, streaming when asked (TTFT, every ITL, TPOT), retried on 429, 5xx, connection
// errors and timeouts with backoff and Retry-After, and finished one by one through a
// callback. Each request ends with an InferenceResult whose status says how:
//   OK                 the server answered; text, usage, timing (and logprobs) are filled
//   InvalidArgument    the server rejected the request (4xx other than 404/408/429); retrying
//                      the same request cannot help: the sample records an error
//   NotFound           404 (an unknown model, a wrong URL)
//   Unavailable        5xx, 408 or connection trouble through the last attempt
//   ResourceExhausted  429 through the last attempt
//   DeadlineExceeded   the last attempt timed out (a stalled server)
//   Internal           a 2xx answer that is not what the API promises (malformed JSON or SSE,
//                      a mid-stream error event without a retryable code)
//   Cancelled          the batch was cancelled first
// Thread-safety: implementations allow concurrent calls from several threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "joulebench/v1/common.pb.h"

namespace jb::worker {

// One request. Fields map one-to-one onto the OpenAI request body.
struct InferenceRequest {
  // The "model" field: a name from ListModels().
  std::string model;
  // ENDPOINT_CHAT sends one user message to /chat/completions; ENDPOINT_COMPLETIONS sends the
  // prompt to /completions.
  joulebench::v1::Endpoint endpoint = joulebench::v1::ENDPOINT_CHAT;
  std::string prompt;
  // Omitted when 0 (the server's default applies).
  uint32_t max_tokens = 0;
  // Always sent: vLLM's default is 1.0, and benchmarks usually want 0 (greedy).
  double temperature = 0;
  // Sent only when > 0.
  double top_p = 0;
  // Sent only when non-empty.
  std::vector<std::string> stop;
  // Sent when set.
  std::optional<int64_t> seed;
  // "stream": true with stream_options.include_usage, so TTFT and ITL are measured and the
  // final chunk carries usage.
  bool stream = true;
  // Log-likelihood requests (completions only, never streamed): "echo": true returns the
  // prompt's tokens with their logprobs, "logprobs": N the top N alternatives per token.
  bool echo = false;
  std::optional<uint32_t> logprobs;
  // vLLM's extension: keep generating to max_tokens past end-of-sequence (load tests).
  bool ignore_eos = false;
  // Sent as X-Request-Id when non-empty: vLLM uses it as the request id (with
  // --enable-request-id-headers) and the simulator records its own timing under it.
  std::string request_id;
};

// choices[0].logprobs of a completions response: parallel arrays, one entry per token
// (reference/vllm-lmeval-pg-grpc-k8s.md section 1.5).
struct CompletionLogprobs {
  std::vector<std::string> tokens;
  // nullopt where the server sent null (the first token of an echoed prompt).
  std::vector<std::optional<double>> token_logprobs;
  // The most likely token at each position (the argmax of top_logprobs[i]); nullopt where
  // top_logprobs[i] was null or absent.
  std::vector<std::optional<std::string>> top_tokens;
  // Character (code point) offset of each token in prompt + completion.
  std::vector<uint32_t> text_offset;
};

struct InferenceResult {
  // How the request ended (see the header comment). The fields below are meaningful when OK.
  absl::Status status;
  // The first choice's text (completions) or message content (chat), streamed pieces joined.
  std::string text;
  // "stop", "length", ... or "" when the server did not say.
  std::string finish_reason;
  // From usage; without usage, completion_tokens counts content chunks of a stream.
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;
  // Latency of the last attempt, from a monotonic clock read just before it was sent
  // (openai_stream.h for the rules). ttft_s, tpot_s and itl_s are 0/empty when not streamed.
  bool streamed = false;
  double ttft_s = 0;
  double tpot_s = 0;
  double e2e_s = 0;
  std::vector<double> itl_s;
  // Attempts made, 1 when no retry was needed; 0 when cancelled before the first.
  int attempts = 0;
  // Present for echo/logprobs requests that succeeded.
  std::optional<CompletionLogprobs> logprobs;
};

struct BatchOptions {
  // Requests in flight at once, 1..1024.
  int concurrency = 1;
  // When it becomes true, requests in flight are abandoned and the rest end Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

class InferenceClient {
 public:
  // Receives each finished request: its index in the batch and its result. Called on the
  // batch's I/O thread, one call at a time; it must return quickly (hand the result to
  // another thread), since the I/O thread timestamps every other stream.
  using ResultFn = std::function<void(size_t index, InferenceResult result)>;

  virtual ~InferenceClient() = default;

  // GET {base}/models. Unavailable when the server cannot be reached or answers 5xx.
  virtual absl::StatusOr<std::vector<joulebench::v1::ServedModel>> ListModels() = 0;

  // GET /health on the server root. OK on 200; Unavailable otherwise (vLLM answers 503 while
  // its engine is dead). A server without /health (404) is checked with ListModels() instead.
  // A healthy server may still be loading its model: use ListModels().
  virtual absl::Status Health() = 0;

  // What the server is: its models (ListModels), kind from the first model's owned_by
  // ("joulebench-sim" sets simulated), and version from GET /version when the server has it.
  virtual absl::StatusOr<joulebench::v1::InferenceServer> ServerInfo() = 0;

  // GET /metrics on the server root: the Prometheus text. Unavailable when it cannot be read
  // (servers without /metrics answer 404: NotFound).
  virtual absl::StatusOr<std::string> ScrapeMetrics() = 0;

  // Sends every request as described in the header comment and calls `on_result` once per
  // request. Returns when all have finished: OK, or Cancelled when options.cancel fired
  // (every request still got its on_result). InvalidArgument for bad options.
  virtual absl::Status RunBatch(const std::vector<InferenceRequest>& requests,
                                const BatchOptions& options, const ResultFn& on_result) = 0;

  // One request through RunBatch; its result, whatever its status.
  InferenceResult Send(const InferenceRequest& request);
};

}  // namespace jb::worker
