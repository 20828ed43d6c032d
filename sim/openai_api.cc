#include "sim/openai_api.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace jb::sim {
namespace {

using nlohmann::json;

// vLLM's default --max-logprobs.
constexpr int64_t kMaxLogprobs = 20;

// The text of a message's content: a string, null, or a list of parts whose text parts count.
std::optional<std::string> ContentText(const json& content) {
  if (content.is_null()) return std::string();
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return std::nullopt;
  std::string text;
  for (const json& part : content) {
    if (!part.is_object()) return std::nullopt;
    auto type = part.find("type");
    auto t = part.find("text");
    if (type != part.end() && *type == "text" && t != part.end() && t->is_string()) {
      text += t->get<std::string>();
    }
  }
  return text;
}

// doc[key] when present and not null, else nullptr.
const json* Field(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it == doc.end() || it->is_null() ? nullptr : &*it;
}

// Reads an optional boolean field into *out. False on a wrong type (error set).
bool OptionalBool(const json& doc, const char* key, bool* out, ParsedRequest* parsed) {
  const json* v = Field(doc, key);
  if (v == nullptr) return true;
  if (!v->is_boolean()) {
    parsed->error = BadRequest(absl::StrCat("'", key, "' must be true or false"), key);
    return false;
  }
  *out = v->get<bool>();
  return true;
}

// Reads an optional integer field in [lo, hi]. False on a wrong value (error set).
bool OptionalInt(const json& doc, const char* key, int64_t lo, int64_t hi,
                 std::optional<int64_t>* out, ParsedRequest* parsed) {
  const json* v = Field(doc, key);
  if (v == nullptr) return true;
  if (!v->is_number_integer() || v->get<int64_t>() < lo || v->get<int64_t>() > hi) {
    parsed->error =
        BadRequest(absl::StrCat("'", key, "' must be an integer from ", lo, " to ", hi), key);
    return false;
  }
  *out = v->get<int64_t>();
  return true;
}

bool ParseStreamOptions(const json& doc, ParsedRequest* out) {
  GenerationRequest& r = out->request;
  const json* options = Field(doc, "stream_options");
  if (options == nullptr) return true;
  // vLLM's validator tests the value's truth: {} passes without stream.
  if (options->is_object() && !options->empty() && !r.stream) {
    out->error =
        BadRequest("Stream options can only be defined when `stream=True`.", "stream_options");
    return false;
  }
  if (!options->is_object()) {
    out->error = BadRequest("'stream_options' must be an object", "stream_options");
    return false;
  }
  return OptionalBool(*options, "include_usage", &r.include_usage, out) &&
         OptionalBool(*options, "continuous_usage_stats", &r.continuous_usage_stats, out);
}

bool ParseStop(const json& doc, ParsedRequest* out) {
  const json* stop = Field(doc, "stop");
  if (stop == nullptr) return true;
  if (stop->is_string()) {
    out->request.stop.push_back(stop->get<std::string>());
    return true;
  }
  if (stop->is_array()) {
    for (const json& s : *stop) {
      if (!s.is_string()) break;
      out->request.stop.push_back(s.get<std::string>());
    }
    if (out->request.stop.size() == stop->size()) return true;
  }
  out->error = BadRequest("'stop' must be a string or a list of strings", "stop");
  return false;
}

// Sets r.sampling_seed from temperature and seed (vLLM: temperature defaults to 1.0, must not
// be negative; seed is a 64-bit integer). False on a wrong value (error set).
bool ParseSampling(const json& doc, ParsedRequest* out) {
  double temperature = 1.0;
  if (const json* t = Field(doc, "temperature"); t != nullptr) {
    if (!t->is_number()) {
      out->error = BadRequest("'temperature' must be a number", "temperature");
      return false;
    }
    temperature = t->get<double>();
    if (temperature < 0) {
      out->error = BadRequest(
          absl::StrCat("temperature must be non-negative, got ", t->dump(), "."), "temperature");
      return false;
    }
  }
  std::optional<int64_t> seed;
  if (!OptionalInt(doc, "seed", std::numeric_limits<int64_t>::min(),
                   std::numeric_limits<int64_t>::max(), &seed, out)) {
    return false;
  }
  if (temperature > 0) out->request.sampling_seed = seed;
  return true;
}

// Parses the body and the fields both endpoints share; *max_tokens gets the raw limit (chat:
// max_completion_tokens wins). On error, sets out->error.
json ParseCommon(const std::string& body, ParsedRequest* out, std::optional<int64_t>* max_tokens) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    out->error = BadRequest("the request body is not valid JSON");
    return doc;
  }
  if (!doc.is_object()) {
    out->error = BadRequest("the request body must be a JSON object");
    return doc;
  }
  GenerationRequest& r = out->request;
  auto model = doc.find("model");
  if (model == doc.end() || !model->is_string()) {
    out->error = BadRequest("'model' is required and must be a string", "model");
    return doc;
  }
  r.model = model->get<std::string>();
  if (!OptionalBool(doc, "stream", &r.stream, out) || !ParseStreamOptions(doc, out)) return doc;
  if (auto n = doc.find("n"); n != doc.end() && !n->is_null() && *n != 1) {
    out->error = BadRequest("n > 1 is not simulated by joulebench-sim; send n: 1", "n");
    return doc;
  }
  if (!ParseStop(doc, out) || !OptionalBool(doc, "ignore_eos", &r.ignore_eos, out) ||
      !ParseSampling(doc, out)) {
    return doc;
  }
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    if (!OptionalInt(doc, key, 0, 100'000'000, max_tokens, out)) return doc;
  }
  std::optional<int64_t> min_tokens;
  if (!OptionalInt(doc, "min_tokens", 0, 100'000'000, &min_tokens, out)) return doc;
  r.min_tokens = static_cast<uint32_t>(min_tokens.value_or(0));
  return doc;
}

// Checks max_tokens (>= 1 unless `allow_zero`) against min_tokens and stores it.
bool SetMaxTokens(std::optional<int64_t> max_tokens, bool allow_zero, ParsedRequest* out) {
  GenerationRequest& r = out->request;
  if (!max_tokens) return true;
  if (*max_tokens < 1 && !allow_zero) {
    out->error = BadRequest("'max_tokens' must be an integer of at least 1 (0 only with echo)",
                            "max_tokens");
    return false;
  }
  if (r.min_tokens > *max_tokens) {
    out->error =
        BadRequest(absl::StrCat("min_tokens must be less than or equal to max_tokens=", *max_tokens,
                                ", got ", r.min_tokens, "."),
                   "min_tokens");
    return false;
  }
  r.max_tokens = static_cast<uint32_t>(*max_tokens);
  return true;
}

}  // namespace

ApiError BadRequest(std::string message, std::string param) {
  return ApiError{400, "BadRequestError", std::move(message), std::move(param)};
}

std::string ErrorJson(const ApiError& error) {
  json param = error.param.empty() ? json(nullptr) : json(error.param);
  return json{{"error",
               {{"message", error.message},
                {"type", error.type},
                {"param", param},
                {"code", error.status}}}}
      .dump();
}

ParsedRequest ParseChatRequest(const std::string& body) {
  ParsedRequest out;
  std::optional<int64_t> max_tokens;
  json doc = ParseCommon(body, &out, &max_tokens);
  if (out.error || !SetMaxTokens(max_tokens, /*allow_zero=*/false, &out)) return out;
  GenerationRequest& r = out.request;
  if (const json* echo = Field(doc, "echo"); echo != nullptr && *echo != false) {
    out.error = BadRequest("chat echo is not simulated by joulebench-sim", "echo");
    return out;
  }
  bool logprobs = false;
  std::optional<int64_t> top;
  if (!OptionalBool(doc, "logprobs", &logprobs, &out) ||
      !OptionalInt(doc, "top_logprobs", 0, kMaxLogprobs, &top, &out)) {
    return out;
  }
  if (top.value_or(0) > 0 && !logprobs) {
    out.error =
        BadRequest("when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
    return out;
  }
  if (logprobs) r.logprobs = static_cast<uint32_t>(top.value_or(0));
  auto messages = doc.find("messages");
  if (messages == doc.end() || !messages->is_array() || messages->empty()) {
    out.error = BadRequest("'messages' is required and must be a non-empty list", "messages");
    return out;
  }
  bool has_user = false;
  for (const json& m : *messages) {
    auto role = m.is_object() ? m.find("role") : m.end();
    auto content = m.is_object() ? m.find("content") : m.end();
    std::optional<std::string> text;
    if (m.is_object() && content != m.end()) text = ContentText(*content);
    if (!m.is_object() || role == m.end() || !role->is_string() || !text) {
      out.error = BadRequest(
          "each message needs a string 'role' and a 'content' string or list of text parts",
          "messages");
      return out;
    }
    r.prompt_tokens += CountTokens(*text);
    if (*role == "user") {
      r.prompt = *text;
      has_user = true;
    }
  }
  if (!has_user) out.error = BadRequest("'messages' holds no user message", "messages");
  return out;
}

ParsedRequest ParseCompletionRequest(const std::string& body) {
  ParsedRequest out;
  std::optional<int64_t> max_tokens;
  json doc = ParseCommon(body, &out, &max_tokens);
  if (out.error) return out;
  GenerationRequest& r = out.request;
  if (!OptionalBool(doc, "echo", &r.echo, &out)) return out;
  if (!max_tokens) max_tokens = 16;
  if (!SetMaxTokens(max_tokens, /*allow_zero=*/r.echo, &out)) return out;
  if (const json* logprobs = Field(doc, "logprobs"); logprobs != nullptr) {
    if (!logprobs->is_number_integer() || logprobs->get<int64_t>() < 0) {
      out.error = BadRequest("`logprobs` must be a positive value.", "logprobs");
      return out;
    }
    if (logprobs->get<int64_t>() > kMaxLogprobs) {
      out.error = BadRequest(absl::StrCat("Requested sample logprobs of ", logprobs->dump(),
                                          ", which is greater than max allowed: ", kMaxLogprobs),
                             "logprobs");
      return out;
    }
    r.logprobs = logprobs->get<uint32_t>();
  }
  auto prompt = doc.find("prompt");
  const json* text = nullptr;
  if (prompt != doc.end() && prompt->is_string()) {
    text = &*prompt;
  } else if (prompt != doc.end() && prompt->is_array() && prompt->size() == 1 &&
             (*prompt)[0].is_string()) {
    text = &(*prompt)[0];
  }
  if (text == nullptr) {
    out.error = BadRequest(
        "'prompt' must be a string or a list of one string (token ids and several prompts are "
        "not simulated)",
        "prompt");
    return out;
  }
  r.prompt = text->get<std::string>();
  r.prompt_tokens = CountTokens(r.prompt);
  return out;
}

std::string ModelsJson(const Profile& profile, int64_t created) {
  json data = json::array();
  for (const ModelProfile& m : profile.models) {
    data.push_back({{"id", m.name},
                    {"object", "model"},
                    {"created", created},
                    {"owned_by", "joulebench-sim"},
                    {"root", m.name},
                    {"parent", nullptr},
                    {"max_model_len", m.max_model_len},
                    {"permission", json::array()}});
  }
  return json{{"object", "list"}, {"data", data}}.dump();
}

}  // namespace jb::sim
