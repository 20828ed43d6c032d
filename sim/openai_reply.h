// The OpenAI/vLLM reply side as the simulator speaks it: whole responses for non-streaming
// requests and the server-sent events of streamed ones (reference/vllm-lmeval-pg-grpc-k8s.md
// sections 1.3-1.5).
//
// A stream, exactly as vLLM sends it (each event "data: <json>\n\n", fields in vLLM's order):
//   chat         {"id","object":"chat.completion.chunk","created","model","choices":[{"index":0,
//                "delta":{"role":"assistant","content":""},"logprobs":null,
//                "finish_reason":null}]}, then one chunk per token with "delta":{"content":T};
//                the last token's chunk carries finish_reason (and stop_reason null)
//   completions  {"id","object":"text_completion","created","model","choices":[{"index":0,
//                "text":T,"logprobs":null,"finish_reason":null,"stop_reason":null}]} per
//                token, the last with finish_reason; with echo the first chunk's text starts
//                with the prompt
//   a reply of no tokens (echo with max_tokens 0, or a stop string at the very start) is one
//   content chunk with empty text (plus the echoed prompt) and the finish_reason
//   with stream_options.include_usage every chunk has "usage":null (or, with
//   continuous_usage_stats, the usage so far) and after the last token comes one chunk with
//   "choices":[] and the usage; then "data: [DONE]\n\n".
// With logprobs, each chunk's "logprobs" covers its own tokens (sim/logprobs.h).
// Thread-safety: StreamEvents is immutable after construction; the functions are free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/generation.h"
#include "sim/logprobs.h"

namespace jb::sim {

// Everything a reply says besides the plan.
struct ReplyContext {
  bool chat = false;
  std::string id;
  int64_t created = 0;
  std::string model;
  const GenerationRequest* request = nullptr;
  const GenerationPlan* plan = nullptr;
  // ReplyLogprobs when the request asked for logprobs, else empty.
  const std::vector<TokenLogprob>* logprobs = nullptr;
};

// The whole response body of a non-streaming request ("chat.completion" or "text_completion").
std::string ReplyJson(const ReplyContext& reply);

class StreamEvents {
 public:
  // REQUIRES: the context's pointers outlive this object.
  explicit StreamEvents(ReplyContext reply);

  // Number of content events: one per token, at least one.
  size_t content_events() const;
  // Chat's first event (role only); "" for completions.
  std::string RoleEvent() const;
  // Content event i < content_events().
  std::string ContentEvent(size_t i) const;
  // The usage-only event after the last token; "" unless include_usage.
  std::string UsageEvent() const;

  static constexpr char kDone[] = "data: [DONE]\n\n";

 private:
  std::string Event(const std::string& choice, uint32_t completion_tokens) const;

  const ReplyContext reply_;
  // "data: {\"id\":...,\"choices\":[" shared by every event.
  const std::string head_;
  // Logprob entries before the first generated token (the echoed prompt's).
  const size_t echoed_;
};

}  // namespace jb::sim
