#include "worker/inference/generation_exchange.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "worker/inference/openai_protocol.h"

namespace jb::worker {
namespace {

// The status of a mid-stream error event: its code read as an HTTP status when it has one.
absl::Status StreamErrorStatus(const std::string& what, const StreamChunk& chunk) {
  const std::string message =
      absl::StrCat(what, ": error event in the stream: ", chunk.error_message);
  if (chunk.error_code >= 400 && chunk.error_code <= 599) {
    return StatusForHttpStatus(chunk.error_code, message);
  }
  return absl::InternalError(message);
}

}  // namespace

GenerationExchange::GenerationExchange(const InferenceRequest& request, HttpRequest http,
                                       std::string what, size_t index,
                                       const InferenceClient::ResultFn* on_result)
    : endpoint_(request.endpoint),
      wants_stream_(request.stream),
      http_(std::move(http)),
      what_(std::move(what)),
      index_(index),
      on_result_(on_result) {}

void GenerationExchange::OnAttemptStart(int attempt, absl::Duration send_time) {
  send_time_ = send_time;
  status_ = 0;
  streaming_ = false;
  done_seen_ = false;
  body_.clear();
  sse_.Reset();
  stream_.reset();
  stream_error_ = absl::OkStatus();
}

void GenerationExchange::OnResponseHead(const HttpResponseHead& head, absl::Duration now) {
  status_ = head.status;
  // A server may ignore "stream" and answer JSON; the content type decides how to read it.
  streaming_ = wants_stream_ && status_ == 200 &&
               absl::StartsWithIgnoreCase(head.Header("content-type"), "text/event-stream");
  if (streaming_) stream_.emplace(send_time_);
}

bool GenerationExchange::OnBody(absl::string_view data, absl::Duration now) {
  if (!streaming_) {
    body_.append(data.data(), data.size());
    return true;
  }
  // Whatever follows [DONE] is ignored, also when it comes in a later read.
  if (done_seen_) return true;
  absl::Status fed = sse_.Feed(data, [&](const SseEvent& event) {
    if (event.data == "[DONE]") {
      done_seen_ = true;
      return false;
    }
    if (absl::Status parsed = ParseStreamChunk(endpoint_, event.data, &chunk_); !parsed.ok()) {
      stream_error_ =
          absl::InternalError(absl::StrCat(what_, ": malformed stream chunk: ", parsed.message()));
      return false;
    }
    if (chunk_.is_error) {
      stream_error_ = StreamErrorStatus(what_, chunk_);
      return false;
    }
    stream_->Add(chunk_, now);
    return true;
  });
  if (!fed.ok()) {
    stream_error_ =
        absl::InternalError(absl::StrCat(what_, ": malformed event stream: ", fed.message()));
  }
  // Bytes after [DONE] are ignored; the response still ends normally, keeping the connection.
  return stream_error_.ok();
}

absl::Status GenerationExchange::OnAttemptEnd(absl::Status transport, absl::Duration now) {
  if (!stream_error_.ok()) return stream_error_;
  if (!transport.ok()) {
    const uint32_t tokens = stream_.has_value() ? stream_->content_chunks() : 0;
    return absl::Status(transport.code(), streaming_
                                              ? absl::StrCat(what_, ": ", transport.message(),
                                                             " after ", tokens, " streamed chunks")
                                              : absl::StrCat(what_, ": ", transport.message()));
  }
  if (status_ < 200 || status_ > 299) {
    return StatusForHttpStatus(
        status_, absl::StrCat(what_, ": HTTP ", status_, ": ", ParseErrorMessage(body_)));
  }
  return streaming_ ? FinishStream(now) : FinishBody(now);
}

absl::Status GenerationExchange::FinishStream(absl::Duration now) {
  if (!done_seen_ && sse_.HasPartialEvent()) {
    return absl::UnavailableError(absl::StrCat(what_, ": the event stream was cut mid-event"));
  }
  stream_->Finish(now);
  const StreamTiming timing = stream_->Timing();
  result_.text = stream_->text();
  result_.finish_reason = stream_->finish_reason();
  result_.prompt_tokens = stream_->usage().has_value() ? stream_->usage()->prompt_tokens : 0;
  result_.completion_tokens = stream_->completion_tokens();
  result_.streamed = true;
  result_.ttft_s = timing.ttft_s;
  result_.tpot_s = timing.tpot_s;
  result_.e2e_s = timing.e2e_s;
  result_.itl_s = timing.itl_s;
  result_.logprobs.reset();
  return absl::OkStatus();
}

absl::Status GenerationExchange::FinishBody(absl::Duration now) {
  InferenceResult parsed;
  if (absl::Status status = ParseGenerationResponse(endpoint_, body_, &parsed); !status.ok()) {
    return absl::InternalError(absl::StrCat(what_, ": ", status.message()));
  }
  result_.text = std::move(parsed.text);
  result_.finish_reason = std::move(parsed.finish_reason);
  result_.prompt_tokens = parsed.prompt_tokens;
  result_.completion_tokens = parsed.completion_tokens;
  result_.logprobs = std::move(parsed.logprobs);
  result_.streamed = false;
  result_.ttft_s = 0;
  result_.tpot_s = 0;
  result_.itl_s.clear();
  result_.e2e_s = absl::ToDoubleSeconds(now - send_time_);
  return absl::OkStatus();
}

void GenerationExchange::OnDone(absl::Status final_status, int attempts) {
  if (!final_status.ok()) result_ = InferenceResult();  // nothing partial is ever reported
  result_.status = std::move(final_status);
  result_.attempts = attempts;
  body_.clear();
  body_.shrink_to_fit();
  if (on_result_ != nullptr && *on_result_) (*on_result_)(index_, std::move(result_));
}

}  // namespace jb::worker
