// The two generation endpoints, POST /v1/chat/completions and POST /v1/completions, over a
// SimEngine: parse (sim/openai_api.h), check, inject the drawn failure, wait for a place, plan,
// then either sleep through the schedule and send the whole reply, or stream it token by token
// (sim/openai_reply.h) with one write per token at its absolute deadline (admission time + the
// token's time in the plan, so sleeps do not drift).
//
// Failures and what the client sees:
//   400  malformed body or field, or prompt + max_tokens over max_model_len (vLLM's message)
//   404  unknown model
//   429, 500, 503  injected (429 and 503 with Retry-After: failure_injection.retry_after_s)
//   503  "waiting queue full" (max_waiting), or the simulator is stopping (Retry-After too)
//   injected disconnect: streaming, the connection closes when the token at half the reply is
//        due, after the earlier tokens and without the terminating chunk; otherwise it closes
//        at that moment without any response
//   injected stall: the whole schedule starts failure_injection.stall_s late
// The X-Request-Id header, when present, names the request: the response id becomes
// "chatcmpl-<id>" or "cmpl-<id>" (as vLLM), the header is echoed, and the timing record
// (sim/timing_log.h) uses it. Every request that passed validation leaves a timing record.
// Thread-safety: the handler may run on many threads at once; the engine is thread-safe.
#pragma once

#include <httplib.h>

#include "sim/engine.h"

namespace jb::sim {

// Handles one request. `chat` picks the endpoint.
void HandleGenerate(SimEngine& engine, bool chat, const httplib::Request& req,
                    httplib::Response& res);

// Writes an OpenAI-shaped error (sim/openai_api.h) with Retry-After on 429 and 503.
void ReplyError(httplib::Response& res, int status, const char* type, const std::string& message,
                const std::string& param, int retry_after_s);

}  // namespace jb::sim
