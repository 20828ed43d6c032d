#include "sim/openai_reply.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace jb::sim {
namespace {

using nlohmann::json;

// Invalid UTF-8 cannot come from a parsed request, but must not throw if it ever does.
std::string Quote(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

json Usage(uint32_t prompt_tokens, uint32_t completion_tokens) {
  return {{"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", prompt_tokens + completion_tokens}};
}

std::string UsageText(uint32_t prompt_tokens, uint32_t completion_tokens) {
  return absl::StrCat("{\"prompt_tokens\":", prompt_tokens,
                      ",\"total_tokens\":", prompt_tokens + completion_tokens,
                      ",\"completion_tokens\":", completion_tokens, "}");
}

std::string Head(const ReplyContext& r) {
  return absl::StrCat("data: {\"id\":", Quote(r.id), ",\"object\":\"",
                      r.chat ? "chat.completion.chunk" : "text_completion",
                      "\",\"created\":", r.created, ",\"model\":", Quote(r.model),
                      ",\"choices\":[");
}

size_t Echoed(const ReplyContext& r) {
  if (r.logprobs == nullptr || r.logprobs->empty()) return 0;
  return r.logprobs->size() - r.plan->pieces.size();
}

bool WantsLogprobs(const ReplyContext& r) {
  return r.request->logprobs.has_value() && r.logprobs != nullptr;
}

}  // namespace

std::string ReplyJson(const ReplyContext& r) {
  const GenerationPlan& plan = *r.plan;
  const uint32_t top = r.request->logprobs.value_or(0);
  json logprobs = nullptr;
  json choice;
  if (r.chat) {
    if (WantsLogprobs(r)) logprobs = ChatLogprobsJson(*r.logprobs, 0, r.logprobs->size(), top);
    choice = {{"index", 0},
              {"message", {{"role", "assistant"}, {"content", plan.text}}},
              {"logprobs", logprobs},
              {"finish_reason", plan.finish_reason},
              {"stop_reason", nullptr}};
  } else {
    if (WantsLogprobs(r)) {
      logprobs = CompletionLogprobsJson(*r.logprobs, 0, r.logprobs->size(), top);
    }
    choice = {{"index", 0},
              {"text", r.request->echo ? r.request->prompt + plan.text : plan.text},
              {"logprobs", logprobs},
              {"finish_reason", plan.finish_reason},
              {"stop_reason", nullptr}};
  }
  return json{{"id", r.id},
              {"object", r.chat ? "chat.completion" : "text_completion"},
              {"created", r.created},
              {"model", r.model},
              {"choices", json::array({choice})},
              {"usage", Usage(plan.prompt_tokens, plan.completion_tokens)}}
      .dump();
}

StreamEvents::StreamEvents(ReplyContext reply)
    : reply_(std::move(reply)), head_(Head(reply_)), echoed_(Echoed(reply_)) {}

size_t StreamEvents::content_events() const {
  return std::max<size_t>(1, reply_.plan->pieces.size());
}

std::string StreamEvents::Event(const std::string& choice, uint32_t completion_tokens) const {
  const GenerationRequest& request = *reply_.request;
  std::string usage;
  if (request.include_usage) {
    usage =
        absl::StrCat(",\"usage\":", request.continuous_usage_stats
                                        ? UsageText(reply_.plan->prompt_tokens, completion_tokens)
                                        : "null");
  }
  return absl::StrCat(head_, choice, "]", usage, "}\n\n");
}

std::string StreamEvents::RoleEvent() const {
  if (!reply_.chat) return "";
  return Event(
      "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
      "\"finish_reason\":null}",
      0);
}

std::string StreamEvents::ContentEvent(size_t i) const {
  const GenerationPlan& plan = *reply_.plan;
  const GenerationRequest& request = *reply_.request;
  const bool last = i + 1 >= content_events();
  std::string text = i < plan.pieces.size() ? plan.pieces[i] : "";
  // The echoed prompt and its logprobs travel with the first event.
  size_t begin = echoed_ + i, end = echoed_ + i + 1;
  if (i == 0) {
    if (request.echo) text = request.prompt + text;
    begin = 0;
    end = echoed_ + (plan.pieces.empty() ? 0 : 1);
  }
  std::string logprobs = "null";
  if (WantsLogprobs(reply_)) {
    const uint32_t top = *request.logprobs;
    logprobs = reply_.chat ? ChatLogprobsJson(*reply_.logprobs, begin, end, top).dump()
                           : CompletionLogprobsJson(*reply_.logprobs, begin, end, top).dump();
  }
  const std::string finish = last ? Quote(plan.finish_reason) : "null";
  const uint32_t generated = static_cast<uint32_t>(std::min(i + 1, plan.pieces.size()));
  if (reply_.chat) {
    return Event(absl::StrCat("{\"index\":0,\"delta\":{\"content\":", Quote(text),
                              "},\"logprobs\":", logprobs, ",\"finish_reason\":", finish,
                              last ? ",\"stop_reason\":null}" : "}"),
                 generated);
  }
  return Event(absl::StrCat("{\"index\":0,\"text\":", Quote(text), ",\"logprobs\":", logprobs,
                            ",\"finish_reason\":", finish, ",\"stop_reason\":null}"),
               generated);
}

std::string StreamEvents::UsageEvent() const {
  if (!reply_.request->include_usage) return "";
  return absl::StrCat(
      head_, "],\"usage\":", UsageText(reply_.plan->prompt_tokens, reply_.plan->completion_tokens),
      "}\n\n");
}

}  // namespace jb::sim
