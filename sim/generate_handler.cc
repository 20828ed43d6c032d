#include "sim/generate_handler.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "sim/connections.h"
#include "sim/logprobs.h"
#include "sim/openai_api.h"
#include "sim/openai_reply.h"

namespace jb::sim {
namespace {

constexpr char kJson[] = "application/json";

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

// What a request needs from validation to its reply, shared with the stream's callbacks.
struct Exchange {
  SimEngine* engine = nullptr;
  bool chat = false;
  GenerationRequest request;
  const ModelProfile* model = nullptr;
  std::string response_id;
  FailureKind failure = FailureKind::kNone;
  std::unique_ptr<RequestSlot> slot;
  GenerationPlan plan;
  std::vector<TokenLogprob> logprobs;
  RequestTiming timing;
  // On the engine's monotonic clock.
  absl::Duration start;
  absl::Duration admitted;
};

ReplyContext Context(const Exchange& x) {
  ReplyContext reply;
  reply.chat = x.chat;
  reply.id = x.response_id;
  reply.created = absl::ToUnixSeconds(x.engine->clock()->Now());
  reply.model = x.model->name;
  reply.request = &x.request;
  reply.plan = &x.plan;
  reply.logprobs = &x.logprobs;
  return reply;
}

// The content event an injected disconnect cuts (when it is due): half-way through the reply.
size_t CutEvent(const GenerationPlan& plan) { return std::max<size_t>(1, plan.pieces.size()) / 2; }

absl::Duration Due(const Exchange& x, size_t event) {
  const std::vector<absl::Duration>& times = x.plan.token_times;
  return x.admitted + (event < times.size() ? times[event] : x.plan.first_token_delay);
}

// A streamed reply in progress: httplib calls Step() until it returns false or the stream is
// done, then Close() when it drops the response.
class Stream {
 public:
  explicit Stream(std::unique_ptr<Exchange> x) : x_(std::move(x)), events_(Context(*x_)) {
    if (x_->failure == FailureKind::kDisconnect) cut_ = CutEvent(x_->plan);
  }

  bool Step(httplib::DataSink& sink) {
    SimEngine& engine = *x_->engine;
    RequestTiming& t = x_->timing;
    if (next_ < events_.content_events()) {
      if (!engine.SleepUntil(Due(*x_, next_))) return false;
      if (next_ == cut_) return false;  // the injected disconnect: no terminating chunk
      if (next_ == 0 && !Write(sink, events_.RoleEvent())) return false;
      const std::string event = events_.ContentEvent(next_);
      const absl::Duration now = engine.clock()->MonotonicNow();
      if (next_ == 0) {
        t.ttft_s = Seconds(now - x_->start);
      } else {
        t.itl_s.push_back(Seconds(now - last_write_));
      }
      t.e2e_s = Seconds(now - x_->start);
      last_write_ = now;
      if (!Write(sink, event)) return false;
      ++next_;
      t.completion_tokens = static_cast<uint32_t>(std::min(next_, x_->plan.pieces.size()));
      if (next_ == events_.content_events()) {
        // Every token is out. Recorded before [DONE], so a client that saw the end finds it.
        t.completed = true;
        t.finish_reason = x_->plan.finish_reason;
        Close();
      }
      return true;
    }
    if (!Write(sink, events_.UsageEvent()) || !Write(sink, StreamEvents::kDone)) return false;
    sink.done();
    return true;
  }

  // Frees the place and records the request, once (at the end, or when httplib drops it).
  void Close() {
    if (closed_) return;
    closed_ = true;
    x_->slot.reset();
    // Without any content written, the request ended now; otherwise at its last write.
    if (!x_->timing.ttft_s) {
      x_->timing.e2e_s = Seconds(x_->engine->clock()->MonotonicNow() - x_->start);
    }
    x_->engine->Finish(std::move(x_->timing));
  }

 private:
  static bool Write(httplib::DataSink& sink, const std::string& data) {
    return data.empty() || sink.write(data.data(), data.size());
  }

  std::unique_ptr<Exchange> x_;
  const StreamEvents events_;
  size_t cut_ = static_cast<size_t>(-1);
  size_t next_ = 0;
  absl::Duration last_write_;
  bool closed_ = false;
};

void StartStream(std::unique_ptr<Exchange> x, httplib::Response& res) {
  auto stream = std::make_shared<Stream>(std::move(x));
  res.set_chunked_content_provider(
      "text/event-stream", [stream](size_t, httplib::DataSink& sink) { return stream->Step(sink); },
      [stream](bool) { stream->Close(); });
}

void ReplyWhole(Exchange& x, const httplib::Request& req, httplib::Response& res) {
  SimEngine& engine = *x.engine;
  RequestTiming& t = x.timing;
  const int retry_after_s = engine.profile().failures.retry_after_s;
  if (x.failure == FailureKind::kDisconnect) {
    engine.SleepUntil(Due(x, CutEvent(x.plan)));
    // No response at all: the socket is shut down under httplib, whose reply then fails, and
    // the provider fails in case the socket was not found.
    ShutdownConnection(req.local_port, req.remote_addr, req.remote_port);
    res.set_content_provider(1, kJson, [](size_t, size_t, httplib::DataSink&) { return false; });
    t.status = 0;
  } else if (!engine.SleepUntil(x.admitted + x.plan.Total())) {
    t.status = 503;
    ReplyError(res, 503, "ServiceUnavailableError", "the simulator is stopping", "", retry_after_s);
  } else {
    res.status = 200;
    res.set_content(ReplyJson(Context(x)), kJson);
    // Nothing was streamed: the record keeps the schedule the reply waited for.
    if (!x.plan.token_times.empty()) {
      t.ttft_s = Seconds(x.admitted + x.plan.token_times[0] - x.start);
      for (size_t i = 1; i < x.plan.token_times.size(); ++i) {
        t.itl_s.push_back(Seconds(x.plan.token_times[i] - x.plan.token_times[i - 1]));
      }
    }
    t.completed = true;
    t.finish_reason = x.plan.finish_reason;
    t.completion_tokens = x.plan.completion_tokens;
  }
  x.slot.reset();
  t.e2e_s = Seconds(engine.clock()->MonotonicNow() - x.start);
  engine.Finish(std::move(t));
}

}  // namespace

void ReplyError(httplib::Response& res, int status, const char* type, const std::string& message,
                const std::string& param, int retry_after_s) {
  if (status == 429 || status == 503) {
    res.set_header("Retry-After", std::to_string(retry_after_s));
  }
  res.status = status;
  res.set_content(ErrorJson({status, type, message, param}), kJson);
}

void HandleGenerate(SimEngine& engine, bool chat, const httplib::Request& req,
                    httplib::Response& res) {
  auto x = std::make_unique<Exchange>();
  x->engine = &engine;
  x->chat = chat;
  x->start = engine.clock()->MonotonicNow();
  const int retry_after_s = engine.profile().failures.retry_after_s;
  ParsedRequest parsed = chat ? ParseChatRequest(req.body) : ParseCompletionRequest(req.body);
  if (parsed.error) {
    const ApiError& e = *parsed.error;
    return ReplyError(res, e.status, e.type.c_str(), e.message, e.param, retry_after_s);
  }
  GenerationRequest& request = x->request = std::move(parsed.request);
  x->model = engine.profile().FindModel(request.model);
  if (x->model == nullptr) {
    return ReplyError(res, 404, "NotFoundError",
                      absl::StrCat("The model `", request.model, "` does not exist."), "model",
                      retry_after_s);
  }
  const uint32_t max_model_len = x->model->max_model_len;
  const uint64_t wanted = uint64_t{request.prompt_tokens} + request.max_tokens.value_or(0);
  if (wanted > max_model_len) {
    return ReplyError(
        res, 400, "BadRequestError",
        absl::StrCat("This model's maximum context length is ", max_model_len,
                     " tokens. However, you requested ", wanted, " tokens (", request.prompt_tokens,
                     " in the prompt, ", request.max_tokens.value_or(0),
                     " in the completion). Please reduce the length of the messages or "
                     "completion."),
        chat ? "messages" : "prompt", retry_after_s);
  }
  // vLLM's default: whatever room the context leaves.
  if (!request.max_tokens) request.max_tokens = max_model_len - request.prompt_tokens;

  const std::string request_id = req.get_header_value("X-Request-Id");
  if (!request_id.empty()) res.set_header("X-Request-Id", request_id);
  x->response_id = request_id.empty() ? engine.NextId(chat ? "chatcmpl" : "cmpl")
                                      : absl::StrCat(chat ? "chatcmpl-" : "cmpl-", request_id);
  RequestTiming& t = x->timing;
  t.id = request_id.empty() ? x->response_id : request_id;
  t.model = x->model->name;
  t.endpoint = chat ? "chat" : "completions";
  t.stream = request.stream;
  t.prompt_tokens = request.prompt_tokens;

  x->failure = engine.DrawFailure();
  t.injected_failure = FailureKindName(x->failure);
  auto fail_now = [&](int status, const char* type, const std::string& message) {
    t.status = status;
    t.e2e_s = Seconds(engine.clock()->MonotonicNow() - x->start);
    engine.Finish(std::move(t));
    ReplyError(res, status, type, message, "", retry_after_s);
  };
  switch (x->failure) {
    case FailureKind::k429:
      return fail_now(429, "RateLimitError",
                      "simulated rate limit (joulebench-sim failure injection)");
    case FailureKind::k500:
      return fail_now(500, "InternalServerError",
                      "simulated internal error (joulebench-sim failure injection)");
    case FailureKind::k503:
      return fail_now(503, "ServiceUnavailableError",
                      "simulated overload (joulebench-sim failure injection)");
    default:
      break;
  }
  absl::StatusOr<std::unique_ptr<RequestSlot>> slot = engine.Admit(*x->model);
  if (!slot.ok()) {
    return fail_now(503, "ServiceUnavailableError", std::string(slot.status().message()));
  }
  x->slot = *std::move(slot);
  x->admitted = engine.clock()->MonotonicNow();
  t.queue_s = Seconds(x->admitted - x->start);
  x->plan = engine.Plan(*x->model, request, x->slot->load_factor());
  if (x->failure == FailureKind::kStall) {
    const absl::Duration stall = absl::Seconds(engine.profile().failures.stall_s);
    x->plan.first_token_delay += stall;
    for (absl::Duration& time : x->plan.token_times) time += stall;
  }
  if (request.logprobs) x->logprobs = ReplyLogprobs(engine.oracle(), request, x->plan);
  if (request.stream) return StartStream(std::move(x), res);
  ReplyWhole(*x, req, res);
}

}  // namespace jb::sim
