#include "worker/inference/openai_protocol.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "nlohmann/json.hpp"

namespace jb::worker {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr size_t kMaxErrorBytes = 500;

// Parses without exceptions: a discarded value means the body was not JSON.
json ParseJson(absl::string_view body) {
  return json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
}

template <typename Json>
std::string StringOr(const Json& object, const char* key, std::string fallback = "") {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->template get<std::string>();
}

template <typename Json>
uint32_t UintOr0(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  double value = it->template get<double>();
  if (value <= 0) return 0;
  if (value >= static_cast<double>(UINT32_MAX)) return UINT32_MAX;
  return static_cast<uint32_t>(value);
}

std::string Truncate(absl::string_view text) {
  if (text.size() <= kMaxErrorBytes) return std::string(text);
  return absl::StrCat(text.substr(0, kMaxErrorBytes), "...");
}

absl::Status MalformedLogprobs(absl::string_view why) {
  return absl::InternalError(absl::StrCat("malformed logprobs: ", why));
}

// The array `key` of `logprobs`, which must hold `size` entries (or set it when size is 0).
absl::StatusOr<const ordered_json*> LogprobsArray(const ordered_json& logprobs, const char* key,
                                                  size_t size) {
  auto it = logprobs.find(key);
  if (it == logprobs.end() || !it->is_array()) {
    return MalformedLogprobs(absl::StrCat("\"", key, "\" is not an array"));
  }
  if (it->size() != size) {
    return MalformedLogprobs(
        absl::StrCat("\"", key, "\" has ", it->size(), " entries for ", size, " tokens"));
  }
  return &*it;
}

// The most likely token of one top_logprobs entry ({token: logprob}); the first listed wins a
// tie (lm-eval: Python's max over the dict, which keeps the server's order).
absl::StatusOr<std::optional<std::string>> TopToken(const ordered_json& top) {
  if (top.is_null()) return std::optional<std::string>();
  if (!top.is_object()) return MalformedLogprobs("a top_logprobs entry is not an object");
  std::optional<std::string> best;
  double best_logprob = 0;
  for (const auto& [token, logprob] : top.items()) {
    if (!logprob.is_number()) return MalformedLogprobs("a top logprob is not a number");
    const double value = logprob.get<double>();
    if (!best.has_value() || value > best_logprob) {
      best = token;
      best_logprob = value;
    }
  }
  return best;
}

// choices[0].logprobs of a completions response (reference section 1.5).
absl::StatusOr<CompletionLogprobs> ParseCompletionLogprobs(const ordered_json& logprobs) {
  if (!logprobs.is_object()) return MalformedLogprobs("not an object");
  auto tokens = logprobs.find("tokens");
  if (tokens == logprobs.end() || !tokens->is_array()) {
    return MalformedLogprobs("\"tokens\" is not an array");
  }
  const size_t size = tokens->size();
  JB_ASSIGN_OR_RETURN(const ordered_json* token_logprobs,
                      LogprobsArray(logprobs, "token_logprobs", size));
  JB_ASSIGN_OR_RETURN(const ordered_json* text_offset,
                      LogprobsArray(logprobs, "text_offset", size));
  const ordered_json* top_logprobs = nullptr;  // optional: absent or null means no top tokens
  if (auto top = logprobs.find("top_logprobs"); top != logprobs.end() && !top->is_null()) {
    JB_ASSIGN_OR_RETURN(top_logprobs, LogprobsArray(logprobs, "top_logprobs", size));
  }
  CompletionLogprobs out;
  out.tokens.reserve(size);
  out.token_logprobs.reserve(size);
  out.top_tokens.reserve(size);
  out.text_offset.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    const ordered_json& token = (*tokens)[i];
    if (!token.is_string()) return MalformedLogprobs(absl::StrCat("token ", i, " is not a string"));
    out.tokens.push_back(token.get<std::string>());
    const ordered_json& logprob = (*token_logprobs)[i];
    if (logprob.is_null()) {
      out.token_logprobs.push_back(std::nullopt);
    } else if (logprob.is_number()) {
      out.token_logprobs.push_back(logprob.get<double>());
    } else {
      return MalformedLogprobs(absl::StrCat("token_logprobs[", i, "] is not a number"));
    }
    if (top_logprobs == nullptr) {
      out.top_tokens.push_back(std::nullopt);
    } else {
      JB_ASSIGN_OR_RETURN(std::optional<std::string> top, TopToken((*top_logprobs)[i]));
      out.top_tokens.push_back(std::move(top));
    }
    const ordered_json& offset = (*text_offset)[i];
    if (!offset.is_number_integer() || offset.get<int64_t>() < 0 ||
        offset.get<int64_t>() > int64_t{UINT32_MAX}) {
      return MalformedLogprobs(absl::StrCat("text_offset[", i, "] is not an offset"));
    }
    out.text_offset.push_back(static_cast<uint32_t>(offset.get<int64_t>()));
  }
  return out;
}

// vLLM's text_offset counts code points.
uint32_t CodePoints(absl::string_view text) {
  return static_cast<uint32_t>(Utf8CodePoints(std::string_view(text.data(), text.size())));
}

}  // namespace

std::string BuildGenerationBody(const InferenceRequest& request) {
  const bool completions = request.endpoint == joulebench::v1::ENDPOINT_COMPLETIONS;
  json body = json::object();
  body["model"] = request.model;
  if (completions) {
    body["prompt"] = request.prompt;
  } else {
    body["messages"] = json::array({{{"role", "user"}, {"content", request.prompt}}});
  }
  if (request.max_tokens > 0) body["max_tokens"] = request.max_tokens;
  body["temperature"] = request.temperature;
  if (request.top_p > 0) body["top_p"] = request.top_p;
  if (!request.stop.empty()) body["stop"] = request.stop;
  if (request.seed.has_value()) body["seed"] = *request.seed;
  body["stream"] = request.stream;
  // vLLM rejects stream_options unless stream is true ("Stream options can only be defined
  // when stream is True"); with it, the final chunk carries the usage totals.
  if (request.stream) body["stream_options"] = {{"include_usage", true}};
  if (request.echo) body["echo"] = true;
  if (request.logprobs.has_value()) {
    if (completions) {
      body["logprobs"] = *request.logprobs;
    } else {
      // The chat API splits it: a flag, and the number of alternatives (validated only with
      // the flag set).
      body["logprobs"] = true;
      if (*request.logprobs > 0) body["top_logprobs"] = *request.logprobs;
    }
  }
  if (request.ignore_eos) body["ignore_eos"] = true;
  // Invalid UTF-8 in a prompt is replaced rather than thrown (json::dump would throw).
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::Status ParseGenerationResponse(joulebench::v1::Endpoint endpoint, absl::string_view body,
                                     InferenceResult* result) {
  // Ordered, so that ties in top_logprobs resolve to the first listed token, as in lm-eval.
  const ordered_json parsed =
      ordered_json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return absl::InternalError(
        absl::StrCat("generation response is not a JSON object: ", Truncate(body)));
  }
  auto choices = parsed.find("choices");
  if (choices == parsed.end() || !choices->is_array() || choices->empty() ||
      !(*choices)[0].is_object()) {
    return absl::InternalError(
        absl::StrCat("generation response has no choices: ", Truncate(body)));
  }
  const ordered_json& choice = (*choices)[0];
  result->text.clear();
  result->logprobs.reset();
  if (endpoint == joulebench::v1::ENDPOINT_COMPLETIONS) {
    result->text = StringOr(choice, "text");
    auto logprobs = choice.find("logprobs");
    if (logprobs != choice.end() && !logprobs->is_null()) {
      JB_ASSIGN_OR_RETURN(result->logprobs, ParseCompletionLogprobs(*logprobs));
    }
  } else {
    auto message = choice.find("message");
    // content is null when the model produced only a tool call or nothing at all.
    if (message != choice.end()) result->text = StringOr(*message, "content");
  }
  result->finish_reason = StringOr(choice, "finish_reason");
  auto usage = parsed.find("usage");
  const bool has_usage = usage != parsed.end();
  result->prompt_tokens = has_usage ? UintOr0(*usage, "prompt_tokens") : 0;
  result->completion_tokens = has_usage ? UintOr0(*usage, "completion_tokens") : 0;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<joulebench::v1::ServedModel>> ParseModelList(absl::string_view body) {
  json parsed = ParseJson(body);
  auto data = parsed.is_object() ? parsed.find("data") : parsed.end();
  if (!parsed.is_object() || data == parsed.end() || !data->is_array()) {
    return absl::InternalError(
        absl::StrCat("model list is not {\"data\": [...]}: ", Truncate(body)));
  }
  std::vector<joulebench::v1::ServedModel> models;
  for (const json& card : *data) {
    std::string id = StringOr(card, "id");
    if (id.empty()) continue;
    joulebench::v1::ServedModel model;
    model.set_name(id);
    model.set_owned_by(StringOr(card, "owned_by"));
    model.set_max_model_len(UintOr0(card, "max_model_len"));
    models.push_back(std::move(model));
  }
  return models;
}

std::string ParseVersion(absl::string_view body) { return StringOr(ParseJson(body), "version"); }

std::string ServerKindFromOwnedBy(absl::string_view owned_by) {
  for (absl::string_view kind : {"vllm", "sglang", "llamacpp", "tgi", "ollama", "joulebench-sim"}) {
    if (owned_by == kind) return std::string(kind);
  }
  return "unknown";
}

std::string ParseErrorMessage(absl::string_view body) {
  json parsed = ParseJson(body);
  if (parsed.is_object()) {
    auto error = parsed.find("error");
    if (error != parsed.end()) {
      if (error->is_string()) return error->get<std::string>();
      std::string message = StringOr(*error, "message");
      if (!message.empty()) return message;
    }
    std::string message = StringOr(parsed, "message");
    if (!message.empty()) return message;
    auto detail = parsed.find("detail");
    if (detail != parsed.end()) {
      return Truncate(detail->is_string()
                          ? detail->get<std::string>()
                          : detail->dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return Truncate(body);
}

absl::StatusOr<Loglikelihood> ContinuationLoglikelihood(const CompletionLogprobs& logprobs,
                                                        absl::string_view context,
                                                        absl::string_view continuation) {
  const size_t size = logprobs.tokens.size();
  if (logprobs.token_logprobs.size() != size || logprobs.top_tokens.size() != size ||
      logprobs.text_offset.size() != size) {
    return absl::InternalError(absl::StrCat("logprobs arrays differ in length: ", size, " tokens, ",
                                            logprobs.token_logprobs.size(), " logprobs, ",
                                            logprobs.top_tokens.size(), " top tokens, ",
                                            logprobs.text_offset.size(), " offsets"));
  }
  const uint32_t begin = CodePoints(context);
  const uint32_t end = begin + CodePoints(continuation);
  Loglikelihood out;
  for (size_t i = 0; i < size; ++i) {
    const uint32_t offset = logprobs.text_offset[i];
    if (offset < begin || offset >= end) continue;
    if (!logprobs.token_logprobs[i].has_value()) {
      return absl::InternalError(absl::StrCat("continuation token ", i, " (\"", logprobs.tokens[i],
                                              "\") has a null logprob"));
    }
    out.logprob += *logprobs.token_logprobs[i];
    out.is_greedy = out.is_greedy && logprobs.top_tokens[i].has_value() &&
                    *logprobs.top_tokens[i] == logprobs.tokens[i];
    ++out.tokens;
  }
  if (out.tokens == 0) {
    return absl::InternalError(absl::StrCat("no token starts inside the continuation (code points ",
                                            begin, "..", end, " of ", size, " tokens)"));
  }
  return out;
}

}  // namespace jb::worker
