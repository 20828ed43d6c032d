#include "worker/inference/openai_stream.h"

#include <cmath>
#include <limits>
#include <utility>

#include "common/status_macros.h"
#include "worker/inference/json_scan.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;

// Reads a string or null (as "") into *out, replacing its contents.
absl::Status ReadNullableString(JsonReader& reader, std::string* out) {
  out->clear();
  if (reader.ConsumeNull()) return absl::OkStatus();
  return reader.AppendString(out);
}

// Reads an unsigned count, null meaning 0.
absl::Status ReadCount(JsonReader& reader, uint32_t* out) {
  *out = 0;
  if (reader.ConsumeNull()) return absl::OkStatus();
  return reader.ReadInt(out);
}

// An error's "code": vLLM puts the HTTP status there as a number; OpenAI uses strings
// ("invalid_api_key") or null, which carry no status: 0.
absl::Status ReadErrorCode(JsonReader& reader, int* out) {
  *out = 0;
  if (reader.Peek() != JsonType::kNumber) return reader.SkipValue();
  double code;
  JB_RETURN_IF_ERROR(reader.ReadDouble(&code));
  if (code == std::trunc(code) && code >= std::numeric_limits<int>::min() &&
      code <= std::numeric_limits<int>::max()) {
    *out = static_cast<int>(code);
  }
  return absl::OkStatus();
}

// The fields of one element of "choices".
struct ChoiceFields {
  std::string* content;
  std::string* finish_reason;
  int64_t index = 0;  // an element without "index" counts as index 0
};

absl::Status ReadChoice(JsonReader& reader, v1::Endpoint endpoint, ChoiceFields& choice) {
  choice.content->clear();
  choice.finish_reason->clear();
  const bool chat = endpoint != v1::ENDPOINT_COMPLETIONS;
  return reader.ForEachMember([&](absl::string_view key) -> absl::Status {
    if (key == "index") return reader.ReadInt(&choice.index);
    if (key == "finish_reason") return ReadNullableString(reader, choice.finish_reason);
    if (!chat && key == "text") return ReadNullableString(reader, choice.content);
    if (chat && key == "delta") {
      if (reader.ConsumeNull()) return absl::OkStatus();
      return reader.ForEachMember([&](absl::string_view delta_key) -> absl::Status {
        if (delta_key == "content") return ReadNullableString(reader, choice.content);
        return reader.SkipValue();  // role, reasoning_content, tool_calls, ...
      });
    }
    return reader.SkipValue();
  });
}

// Reads "choices" into chunk: the element with "index": 0, else the first element. Only
// the first element is read in place; with n == 1 (what we send) there is no other.
absl::Status ReadChoices(JsonReader& reader, v1::Endpoint endpoint, StreamChunk* chunk) {
  bool chosen_is_zero = false;
  return reader.ForEachElement([&]() -> absl::Status {
    if (!chunk->has_choices) {
      chunk->has_choices = true;
      ChoiceFields first{&chunk->content, &chunk->finish_reason};
      JB_RETURN_IF_ERROR(ReadChoice(reader, endpoint, first));
      chosen_is_zero = first.index == 0;
      return absl::OkStatus();
    }
    if (chosen_is_zero) return reader.SkipValue();
    std::string content;
    std::string finish_reason;
    ChoiceFields other{&content, &finish_reason};
    JB_RETURN_IF_ERROR(ReadChoice(reader, endpoint, other));
    if (other.index == 0) {
      chunk->content.swap(content);
      chunk->finish_reason.swap(finish_reason);
      chosen_is_zero = true;
    }
    return absl::OkStatus();
  });
}

absl::Status ReadUsage(JsonReader& reader, StreamChunk* chunk) {
  chunk->usage.reset();
  if (reader.ConsumeNull()) return absl::OkStatus();  // content chunks with include_usage
  TokenUsage usage;
  JB_RETURN_IF_ERROR(reader.ForEachMember([&](absl::string_view key) -> absl::Status {
    if (key == "prompt_tokens") return ReadCount(reader, &usage.prompt_tokens);
    if (key == "completion_tokens") return ReadCount(reader, &usage.completion_tokens);
    return reader.SkipValue();  // total_tokens, prompt_tokens_details, ...
  }));
  chunk->usage = usage;
  return absl::OkStatus();
}

// {"error": {"message", "type", "code"}} (OpenAI, newer vLLM); a bare string is accepted too.
absl::Status ReadErrorMember(JsonReader& reader, StreamChunk* chunk) {
  if (reader.ConsumeNull()) return absl::OkStatus();
  chunk->is_error = true;
  chunk->error_message.clear();
  chunk->error_code = 0;
  if (reader.Peek() == JsonType::kString) return reader.ReadString(&chunk->error_message);
  std::string type;
  JB_RETURN_IF_ERROR(reader.ForEachMember([&](absl::string_view key) -> absl::Status {
    if (key == "message") return ReadNullableString(reader, &chunk->error_message);
    if (key == "type") return ReadNullableString(reader, &type);
    if (key == "code") return ReadErrorCode(reader, &chunk->error_code);
    return reader.SkipValue();
  }));
  if (chunk->error_message.empty()) chunk->error_message = std::move(type);
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseStreamChunk(v1::Endpoint endpoint, absl::string_view data, StreamChunk* chunk) {
  chunk->has_choices = false;
  chunk->content.clear();
  chunk->finish_reason.clear();
  chunk->usage.reset();
  chunk->is_error = false;
  chunk->error_message.clear();
  chunk->error_code = 0;

  // vLLM's older error form puts the fields at the top level: {"object": "error", "message",
  // "code"}. They are kept aside until "object" (in any order) says the payload is an error.
  bool object_is_error = false;
  std::string top_message;
  int top_code = 0;
  std::string scratch;  // for an "object" value with escapes, which no server sends

  JsonReader reader(data);
  JB_RETURN_IF_ERROR(reader.ForEachMember([&](absl::string_view key) -> absl::Status {
    if (key == "choices") return ReadChoices(reader, endpoint, chunk);
    if (key == "usage") return ReadUsage(reader, chunk);
    if (key == "error") return ReadErrorMember(reader, chunk);
    if (key == "object") {
      absl::string_view object;
      JB_RETURN_IF_ERROR(reader.ReadStringView(&object, &scratch));
      object_is_error = object == "error";
      return absl::OkStatus();
    }
    if (key == "message") return ReadNullableString(reader, &top_message);
    if (key == "code") return ReadErrorCode(reader, &top_code);
    return reader.SkipValue();
  }));
  JB_RETURN_IF_ERROR(reader.Finish());
  if (object_is_error && !chunk->is_error) {
    chunk->is_error = true;
    chunk->error_message = std::move(top_message);
    chunk->error_code = top_code;
  }
  return absl::OkStatus();
}

StreamAccumulator::StreamAccumulator(absl::Duration send_time) : send_time_(send_time) {}

void StreamAccumulator::Add(const StreamChunk& chunk, absl::Duration now) {
  if (chunk.is_error) return;
  if (chunk.usage.has_value()) usage_ = chunk.usage;
  if (!chunk.finish_reason.empty()) finish_reason_ = chunk.finish_reason;
  // A chunk without choices (the include_usage one) is no token and moves no timestamp.
  if (!chunk.has_choices) return;
  last_choice_ = now;
  if (chunk.content.empty()) return;  // e.g. the role-only first chunk of a chat stream
  ++content_chunks_;
  text_ += chunk.content;
  if (!first_content_.has_value()) {
    first_content_ = now;
  } else {
    itl_s_.push_back(absl::ToDoubleSeconds(now - *last_content_));
  }
  last_content_ = now;
}

void StreamAccumulator::Finish(absl::Duration now) { end_ = now; }

uint32_t StreamAccumulator::completion_tokens() const {
  return usage_.has_value() ? usage_->completion_tokens : content_chunks_;
}

StreamTiming StreamAccumulator::Timing() const {
  StreamTiming timing;
  const absl::Duration last =
      last_content_.value_or(last_choice_.value_or(end_.value_or(send_time_)));
  timing.e2e_s = absl::ToDoubleSeconds(last - send_time_);
  timing.itl_s = itl_s_;
  if (!first_content_.has_value()) return timing;  // no token: no TTFT, no TPOT
  timing.ttft_s = absl::ToDoubleSeconds(*first_content_ - send_time_);
  const uint32_t tokens = completion_tokens();
  if (tokens > 1) timing.tpot_s = (timing.e2e_s - timing.ttft_s) / (tokens - 1);
  return timing;
}

}  // namespace jb::worker
