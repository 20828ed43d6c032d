// The streaming half of the OpenAI API as vLLM speaks it (reference/vllm-lmeval-pg-grpc-k8s.md
// sections 1.3, 1.4, 1.7): parsing one SSE data payload into a StreamChunk, and
// StreamAccumulator, which turns a timestamped sequence of chunks into the text, usage and the
// latency figures vLLM's benchmark client reports.
//
// ParseStreamChunk is on the hot path (one call per token of every stream), so it reads the
// JSON with a small single-pass scanner (json_scan.h) instead of building a DOM; it still
// rejects malformed JSON.
//
// Timing rules (vLLM benchmarks/lib/endpoint_request_func.py, made strict):
//   - TTFT = time of the first chunk whose choice 0 carries non-empty content (delta.content
//     for chat, text for completions) minus send_time. A role-only first chunk does not count.
//   - Every later chunk with non-empty content appends (now - previous content chunk) to ITL.
//   - e2e = time of the last content chunk - send_time; when no content arrived, the time of
//     the last chunk with choices, and when none, the end of the stream.
//   - A chunk with empty "choices" (the include_usage final chunk) is no token: it moves no
//     timestamp; it provides usage.
//   - TPOT = (e2e - TTFT) / (completion_tokens - 1) when completion_tokens > 1, else 0;
//     completion_tokens come from usage, or, without usage, the number of content chunks.
//   - Without any content chunk, TTFT and TPOT are 0 (there was no first token).
// One chunk may carry several tokens (servers batch under load); its interval is then one
// ITL entry, as in vLLM's client.
// Thread-compatible: free functions and one accumulator per attempt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "joulebench/v1/common.pb.h"

namespace jb::worker {

struct TokenUsage {
  uint32_t prompt_tokens = 0;
  uint32_t completion_tokens = 0;
};

// One parsed data payload. Reused across calls to avoid allocations: ParseStreamChunk
// overwrites every field.
struct StreamChunk {
  // "choices" is present and non-empty.
  bool has_choices = false;
  // Choice 0's delta.content (chat) or text (completions), JSON-unescaped; may be empty.
  std::string content;
  // Choice 0's finish_reason, "" when null or absent.
  std::string finish_reason;
  // The "usage" object when present and not null.
  std::optional<TokenUsage> usage;
  // A mid-stream error event ({"error": {...}} or {"object": "error", ...}): set, with the
  // server's message. error_code is the numeric "code" when it has one (vLLM puts the HTTP
  // status there), else 0.
  bool is_error = false;
  std::string error_message;
  int error_code = 0;
};

// Parses one SSE data payload (not "[DONE]"). InvalidArgument when it is not one well-formed
// JSON object or a known field has the wrong type (null is accepted where vLLM sends it: content,
// text, finish_reason, usage and its counts, delta); other fields are skipped, validated but
// not decoded. Allocation-free in the steady state: the strings reuse `chunk`'s capacity.
absl::Status ParseStreamChunk(joulebench::v1::Endpoint endpoint, absl::string_view data,
                              StreamChunk* chunk);

// The latency figures of one streamed request, in seconds (common.proto RequestTiming).
struct StreamTiming {
  double ttft_s = 0;
  double tpot_s = 0;
  double e2e_s = 0;
  std::vector<double> itl_s;
};

class StreamAccumulator {
 public:
  // REQUIRES: send_time is the monotonic time read just before the request was sent.
  explicit StreamAccumulator(absl::Duration send_time);

  // Adds a chunk that arrived at `now` (>= send_time). Error chunks are ignored: the caller
  // turns them into the request's status (generation_exchange.h).
  void Add(const StreamChunk& chunk, absl::Duration now);

  // The stream ended at `now` (after [DONE], or when the body ended).
  void Finish(absl::Duration now);

  // The concatenated content.
  const std::string& text() const { return text_; }
  // The last non-empty finish_reason seen.
  const std::string& finish_reason() const { return finish_reason_; }
  // The last usage seen (the include_usage chunk carries the totals).
  const std::optional<TokenUsage>& usage() const { return usage_; }
  // Chunks with non-empty content.
  uint32_t content_chunks() const { return content_chunks_; }
  // Completion tokens: usage when reported, else content_chunks().
  uint32_t completion_tokens() const;
  // The figures by the rules above. REQUIRES: Finish() was called.
  StreamTiming Timing() const;

 private:
  absl::Duration send_time_;
  std::optional<absl::Duration> first_content_;
  std::optional<absl::Duration> last_content_;
  std::optional<absl::Duration> last_choice_;
  std::optional<absl::Duration> end_;
  std::vector<double> itl_s_;
  std::string text_;
  std::string finish_reason_;
  std::optional<TokenUsage> usage_;
  uint32_t content_chunks_ = 0;
};

}  // namespace jb::worker
