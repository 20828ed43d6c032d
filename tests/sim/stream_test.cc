// Streaming on both endpoints, byte for byte as vLLM sends it (sim/openai_reply.h), read through
// raw sockets so that chunk boundaries and the end of the body are visible.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/generation.h"
#include "tests/sim/sim_testing.h"

namespace jb::sim {
namespace {

using nlohmann::json;
using testing::BuiltinPrompt;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RawRequest;
using testing::RawResponse;
using testing::SseEvents;

constexpr char kProfile[] = R"yaml(seed: 7
hardware: {name: test-hw, idle_w: 50, busy_w: 250}
models:
  - {name: fast, ttft_ms: 1, itl_ms: 0.5, jitter: 0, max_num_seqs: 8, max_model_len: 2000,
     skill: {default: 1.0}}
)yaml";

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = testing::StartServer(kProfile, &port_); }

  RawResponse Post(const std::string& path, const json& body, const std::string& request_id) {
    return RawRequest(port_, "POST", path, body.dump(), {{"X-Request-Id", request_id}});
  }

  int port_ = 0;
  std::unique_ptr<SimServer> server_;
};

json ChatBody(const std::string& prompt) {
  return {{"model", "fast"},
          {"messages", {{{"role", "user"}, {"content", prompt}}}},
          {"max_tokens", 16},
          {"stream", true}};
}

// The JSON of an event, with `created` read back for building expected bytes.
int64_t Created(const std::string& event) { return json::parse(event)["created"].get<int64_t>(); }

TEST_F(StreamTest, ChatStreamIsVllmsWireFormat) {
  const std::string prompt = BuiltinPrompt("sentiment-mini", 0);
  const RawResponse res = Post("/v1/chat/completions", ChatBody(prompt), "req-1");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.headers.at("content-type"), "text/event-stream");
  EXPECT_EQ(res.headers.at("transfer-encoding"), "chunked");
  EXPECT_EQ(res.headers.at("x-request-id"), "req-1");
  EXPECT_TRUE(res.complete);
  const std::vector<std::string> events = SseEvents(res.body);
  ASSERT_EQ(events.size(), 6u) << res.body;  // role, 4 tokens, [DONE]
  const std::string head =
      absl::StrCat(R"({"id":"chatcmpl-req-1","object":"chat.completion.chunk","created":)",
                   Created(events[0]), R"(,"model":"fast","choices":[)");
  EXPECT_EQ(events[0], head + R"({"index":0,"delta":{"role":"assistant","content":""},)"
                              R"("logprobs":null,"finish_reason":null}]})");
  const std::vector<std::string> pieces = {"The", " answer", " is", " positive."};
  for (size_t i = 0; i < pieces.size(); ++i) {
    const bool last = i + 1 == pieces.size();
    EXPECT_EQ(events[i + 1], absl::StrCat(head, R"({"index":0,"delta":{"content":")", pieces[i],
                                          R"("},"logprobs":null,"finish_reason":)",
                                          last ? R"("stop","stop_reason":null)" : "null", "}]}"));
  }
  EXPECT_EQ(events[5], "[DONE]");
  // One write per event: each event is its own chunk.
  ASSERT_EQ(res.chunks.size(), 6u);
  for (size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(res.chunks[i], "data: " + events[i] + "\n\n");
}

TEST_F(StreamTest, IncludeUsageAddsNullUsageAndAFinalUsageChunk) {
  const std::string prompt = BuiltinPrompt("sentiment-mini", 0);
  json body = ChatBody(prompt);
  body["stream_options"] = {{"include_usage", true}};
  const RawResponse res = Post("/v1/chat/completions", body, "req-2");
  ASSERT_EQ(res.status, 200);
  const std::vector<std::string> events = SseEvents(res.body);
  ASSERT_EQ(events.size(), 7u);  // role, 4 tokens, usage, [DONE]
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_TRUE(absl::EndsWith(events[i], R"(}],"usage":null})")) << events[i];
  }
  const uint32_t p = CountTokens(prompt);
  EXPECT_EQ(events[5],
            absl::StrCat(R"({"id":"chatcmpl-req-2","object":"chat.completion.chunk","created":)",
                         Created(events[0]), R"(,"model":"fast","choices":[],"usage":)",
                         R"({"prompt_tokens":)", p, R"(,"total_tokens":)", p + 4,
                         R"(,"completion_tokens":4}})"));
  EXPECT_EQ(events[6], "[DONE]");

  // Without stream_options there is no usage anywhere.
  const RawResponse plain = Post("/v1/chat/completions", ChatBody(prompt), "req-3");
  EXPECT_THAT(plain.body, Not(HasSubstr("usage")));
}

TEST_F(StreamTest, CompletionsStreamWithContinuousUsage) {
  const std::string prompt = BuiltinPrompt("arith-mini", 0);
  const json body = {
      {"model", "fast"},
      {"prompt", prompt},
      {"max_tokens", 3},
      {"stream", true},
      {"stream_options", {{"include_usage", true}, {"continuous_usage_stats", true}}}};
  const RawResponse res = Post("/v1/completions", body, "c-1");
  ASSERT_EQ(res.status, 200);
  EXPECT_TRUE(res.complete);
  const std::vector<std::string> events = SseEvents(res.body);
  ASSERT_EQ(events.size(), 5u);  // 3 tokens, usage, [DONE]
  const uint32_t p = CountTokens(prompt);
  const std::string head = absl::StrCat(R"({"id":"cmpl-c-1","object":"text_completion","created":)",
                                        Created(events[0]), R"(,"model":"fast","choices":[)");
  const std::vector<std::string> pieces = {"The", " answer", " is"};
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(
        events[i],
        absl::StrCat(head, R"({"index":0,"text":")", pieces[i],
                     R"(","logprobs":null,"finish_reason":)", i == 2 ? R"("length")" : "null",
                     R"(,"stop_reason":null}],"usage":{"prompt_tokens":)", p, R"(,"total_tokens":)",
                     p + i + 1, R"(,"completion_tokens":)", i + 1, "}}"));
  }
  EXPECT_EQ(json::parse(events[3])["usage"]["completion_tokens"], 3);
  EXPECT_EQ(events[4], "[DONE]");
}

TEST_F(StreamTest, StreamedAndWholeRepliesAgree) {
  const std::string prompt = BuiltinPrompt("arith-mini", 3);
  json body = {{"model", "fast"}, {"prompt", prompt}, {"max_tokens", 64}};
  const RawResponse whole = Post("/v1/completions", body, "w");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.headers.at("content-type"), "application/json");
  const json reply = json::parse(whole.body);
  body["stream"] = true;
  const RawResponse streamed = Post("/v1/completions", body, "s");
  std::string text;
  std::string finish;
  for (const std::string& event : SseEvents(streamed.body)) {
    if (event == "[DONE]") break;
    const json chunk = json::parse(event);
    text += chunk["choices"][0]["text"].get<std::string>();
    if (!chunk["choices"][0]["finish_reason"].is_null())
      finish = chunk["choices"][0]["finish_reason"];
  }
  EXPECT_EQ(text, reply["choices"][0]["text"]);
  EXPECT_EQ(finish, reply["choices"][0]["finish_reason"]);
  EXPECT_EQ(reply["id"], "cmpl-w");
}

TEST_F(StreamTest, IgnoreEosStreamsExactlyMaxTokens) {
  const json body = {{"model", "fast"},   {"prompt", "Tell me about joules."},
                     {"max_tokens", 128}, {"ignore_eos", true},
                     {"stream", true},    {"stream_options", {{"include_usage", true}}}};
  const RawResponse res = Post("/v1/completions", body, "eos");
  const std::vector<std::string> events = SseEvents(res.body);
  ASSERT_EQ(events.size(), 130u);  // 128 tokens, usage, [DONE]
  EXPECT_EQ(json::parse(events[127])["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(json::parse(events[128])["usage"]["completion_tokens"], 128);
  // Chat without max_tokens and ignore_eos fills the context; with max_tokens, exactly that.
  json chat = ChatBody("Tell me about joules.");
  chat["ignore_eos"] = true;
  chat["max_tokens"] = 40;
  chat["stream"] = false;
  const RawResponse whole = Post("/v1/chat/completions", chat, "eos-chat");
  const json reply = json::parse(whole.body);
  EXPECT_EQ(reply["usage"]["completion_tokens"], 40);
  EXPECT_EQ(CountTokens(reply["choices"][0]["message"]["content"]), 40u);
  EXPECT_EQ(reply["choices"][0]["finish_reason"], "length");
}

TEST_F(StreamTest, EchoStreamsThePromptInTheFirstChunk) {
  const json body = {
      {"model", "fast"}, {"prompt", "Say hi"}, {"max_tokens", 2}, {"echo", true}, {"stream", true}};
  const RawResponse res = Post("/v1/completions", body, "echo");
  const std::vector<std::string> events = SseEvents(res.body);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(json::parse(events[0])["choices"][0]["text"], "Say hiThis");
  EXPECT_EQ(json::parse(events[1])["choices"][0]["text"], " is");
  // max_tokens 0 with echo: one chunk with the prompt, nothing generated.
  const json only = {
      {"model", "fast"}, {"prompt", "Say hi"}, {"max_tokens", 0}, {"echo", true}, {"stream", true}};
  const std::vector<std::string> echoed = SseEvents(Post("/v1/completions", only, "e0").body);
  ASSERT_EQ(echoed.size(), 2u);
  const json chunk = json::parse(echoed[0]);
  EXPECT_EQ(chunk["choices"][0]["text"], "Say hi");
  EXPECT_EQ(chunk["choices"][0]["finish_reason"], "length");
}

TEST_F(StreamTest, EachChunkCarriesTheLogprobsOfItsOwnTokens) {
  const json body = {{"model", "fast"}, {"prompt", "Say hi"}, {"max_tokens", 3},
                     {"echo", true},    {"logprobs", 1},      {"stream", true}};
  const std::vector<std::string> events = SseEvents(Post("/v1/completions", body, "lp").body);
  ASSERT_EQ(events.size(), 4u);
  // The echoed prompt's two tokens travel with the first generated one.
  const json first = json::parse(events[0])["choices"][0]["logprobs"];
  EXPECT_EQ(first["tokens"], json({"Say", " hi", "This"}));
  EXPECT_EQ(first["text_offset"], json({0, 3, 6}));
  EXPECT_TRUE(first["token_logprobs"][0].is_null());
  const json second = json::parse(events[1])["choices"][0]["logprobs"];
  EXPECT_EQ(second["tokens"], json({" is"}));
  EXPECT_EQ(second["text_offset"], json({10}));

  json chat = ChatBody("hi");
  chat["max_tokens"] = 2;
  chat["logprobs"] = true;
  chat["top_logprobs"] = 2;
  const std::vector<std::string> chunks = SseEvents(Post("/v1/chat/completions", chat, "c").body);
  ASSERT_EQ(chunks.size(), 4u);  // role, 2 tokens, [DONE]
  EXPECT_TRUE(json::parse(chunks[0])["choices"][0]["logprobs"].is_null());
  for (size_t i = 1; i <= 2; ++i) {
    const json choice = json::parse(chunks[i])["choices"][0];
    const json& content = choice["logprobs"]["content"];
    ASSERT_EQ(content.size(), 1u);
    EXPECT_EQ(content[0]["token"], choice["delta"]["content"]);
    EXPECT_EQ(content[0]["top_logprobs"].size(), 2u);
  }
}

}  // namespace
}  // namespace jb::sim
