// GenerationExchange: one InferenceRequest as an HttpExchange (http_exchange.h), turning each
// attempt's bytes into an InferenceResult: an SSE stream through SseParser, ParseStreamChunk
// and StreamAccumulator (timestamps from the pool's reads), or a JSON body through
// ParseGenerationResponse.
//
// Outcome of an attempt, in this order:
//   1. a mid-stream error event: the code it carries, mapped like an HTTP status
//      (StatusForHttpStatus: 429 and 5xx are retried), Internal when it has none;
//   2. an SSE or chunk that does not parse: Internal (a broken server, not worth a retry);
//   3. a transport error (reset, EOF mid-stream, timeout): that error, annotated with the
//      tokens received so far;
//   4. a non-2xx status: StatusForHttpStatus with the server's error message;
//   5. a 200 that streams (text/event-stream) or not (a server that ignores "stream"): OK once
//      parsed, Internal when the JSON is malformed.
// A stream that ends without [DONE] but with its events complete is accepted (some servers
// omit [DONE]); one cut inside an event is Unavailable.
// Thread-safety: used on the pool's I/O thread only (see HttpExchange).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "worker/inference/http_exchange.h"
#include "worker/inference/inference_client.h"
#include "worker/inference/openai_stream.h"
#include "worker/inference/sse_parser.h"

namespace jb::worker {

class GenerationExchange : public HttpExchange {
 public:
  // `http` is the serialized request (POST with the JSON body); `what` names it in errors
  // ("POST http://127.0.0.1:8000/v1/completions"). `on_result` (not owned, may be null) gets
  // the result with `index` when the exchange is done.
  GenerationExchange(const InferenceRequest& request, HttpRequest http, std::string what,
                     size_t index, const InferenceClient::ResultFn* on_result);

  const HttpRequest& request() const override { return http_; }
  void OnAttemptStart(int attempt, absl::Duration send_time) override;
  void OnResponseHead(const HttpResponseHead& head, absl::Duration now) override;
  bool OnBody(absl::string_view data, absl::Duration now) override;
  absl::Status OnAttemptEnd(absl::Status transport, absl::Duration now) override;
  void OnDone(absl::Status final_status, int attempts) override;

  // The result once done (moved out to on_result when one was given).
  InferenceResult& result() { return result_; }

 private:
  absl::Status FinishStream(absl::Duration now);
  absl::Status FinishBody(absl::Duration now);

  const joulebench::v1::Endpoint endpoint_;
  const bool wants_stream_;
  const HttpRequest http_;
  const std::string what_;
  const size_t index_;
  const InferenceClient::ResultFn* const on_result_;

  // Per attempt.
  absl::Duration send_time_;
  int status_ = 0;
  bool streaming_ = false;
  bool done_seen_ = false;
  std::string body_;
  SseParser sse_;
  StreamChunk chunk_;
  std::optional<StreamAccumulator> stream_;
  absl::Status stream_error_;

  InferenceResult result_;
};

}  // namespace jb::worker
