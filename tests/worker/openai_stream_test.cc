// ParseStreamChunk on vLLM's chunks (chat and completions, usage, errors, malformed ones) and
// StreamAccumulator's figures on fake timestamps (openai_stream.h's timing rules).
#include "worker/inference/openai_stream.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr v1::Endpoint kChat = v1::ENDPOINT_CHAT;
constexpr v1::Endpoint kCompletions = v1::ENDPOINT_COMPLETIONS;

StreamChunk Parse(v1::Endpoint endpoint, absl::string_view data) {
  StreamChunk chunk;
  EXPECT_OK(ParseStreamChunk(endpoint, data, &chunk)) << data;
  return chunk;
}

TEST(ParseStreamChunkTest, ChatContentChunk) {
  const StreamChunk chunk = Parse(
      kChat,
      R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1718000000,"model":"tiny",)"
      R"("choices":[{"index":0,"delta":{"content":" answer"},"logprobs":null,)"
      R"("finish_reason":null}],"usage":null})");
  EXPECT_TRUE(chunk.has_choices);
  EXPECT_EQ(chunk.content, " answer");
  EXPECT_EQ(chunk.finish_reason, "");
  EXPECT_FALSE(chunk.usage.has_value());
  EXPECT_FALSE(chunk.is_error);
}

TEST(ParseStreamChunkTest, RoleOnlyAndNullContentChunksHaveChoicesButNoContent) {
  for (const char* data :
       {R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
        R"({"choices":[{"index":0,"delta":{"role":"assistant"}}]})",
        R"({"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"id":"t"}]}}]})",
        R"({"choices":[{"index":0,"delta":null}]})"}) {
    const StreamChunk chunk = Parse(kChat, data);
    EXPECT_TRUE(chunk.has_choices) << data;
    EXPECT_EQ(chunk.content, "") << data;
  }
}

TEST(ParseStreamChunkTest, FinishReasonAndUsage) {
  const StreamChunk finish =
      Parse(kChat, R"({"choices":[{"index":0,"delta":{"content":"."},"finish_reason":"length"}]})");
  EXPECT_EQ(finish.content, ".");
  EXPECT_EQ(finish.finish_reason, "length");

  const StreamChunk usage =
      Parse(kChat, R"({"id":"c","choices":[],"usage":{"prompt_tokens":12,"total_tokens":17,)"
                   R"("completion_tokens":5,"prompt_tokens_details":{"cached_tokens":8}}})");
  EXPECT_FALSE(usage.has_choices);
  ASSERT_TRUE(usage.usage.has_value());
  EXPECT_EQ(usage.usage->prompt_tokens, 12u);
  EXPECT_EQ(usage.usage->completion_tokens, 5u);
}

TEST(ParseStreamChunkTest, CompletionsReadTextNotDelta) {
  const StreamChunk chunk =
      Parse(kCompletions, R"({"object":"text_completion","choices":[{"index":0,"text":" 4",)"
                          R"("logprobs":{"tokens":[" 4"],"token_logprobs":[-0.1]},)"
                          R"("finish_reason":"stop","stop_reason":null}]})");
  EXPECT_EQ(chunk.content, " 4");
  EXPECT_EQ(chunk.finish_reason, "stop");
  // Each endpoint reads only its own field.
  EXPECT_EQ(Parse(kChat, R"({"choices":[{"index":0,"text":"x"}]})").content, "");
  EXPECT_EQ(Parse(kCompletions, R"({"choices":[{"index":0,"delta":{"content":"x"}}]})").content,
            "");
  EXPECT_EQ(Parse(kCompletions, R"({"choices":[{"index":0,"text":null}]})").content, "");
}

TEST(ParseStreamChunkTest, ContentEscapesAreDecoded) {
  EXPECT_EQ(
      Parse(kChat, R"({"choices":[{"delta":{"content":"a\n\"b\" \u00e9\ud83d\ude00"}}]})").content,
      "a\n\"b\" \xC3\xA9\xF0\x9F\x98\x80");
}

TEST(ParseStreamChunkTest, ChoiceZeroIsChosenWhereverItIs) {
  EXPECT_EQ(Parse(kChat, R"({"choices":[{"index":1,"delta":{"content":"one"},)"
                         R"("finish_reason":"stop"},{"delta":{"content":"zero"},"index":0}]})")
                .content,
            "zero");
  const StreamChunk first = Parse(
      kChat, R"({"choices":[{"index":0,"delta":{"content":"zero"}},{"index":1,"delta":{}}]})");
  EXPECT_EQ(first.content, "zero");
  // Without an index 0, the first element.
  const StreamChunk only = Parse(
      kCompletions, R"({"choices":[{"index":2,"text":"two","finish_reason":"stop"},{"index":3,)"
                    R"("text":"three"}]})");
  EXPECT_EQ(only.content, "two");
  EXPECT_EQ(only.finish_reason, "stop");
}

TEST(ParseStreamChunkTest, ErrorEventsInBothShapes) {
  const StreamChunk error = Parse(
      kChat, R"({"error":{"message":"engine died","type":"InternalServerError","code":500}})");
  EXPECT_TRUE(error.is_error);
  EXPECT_EQ(error.error_message, "engine died");
  EXPECT_EQ(error.error_code, 500);

  const StreamChunk old = Parse(kChat, R"({"message":"too long","object":"error","type":)"
                                       R"("BadRequestError","param":null,"code":400})");
  EXPECT_TRUE(old.is_error);
  EXPECT_EQ(old.error_message, "too long");
  EXPECT_EQ(old.error_code, 400);

  const StreamChunk named = Parse(kChat, R"({"error":{"type":"overloaded","code":"busy"}})");
  EXPECT_TRUE(named.is_error);
  EXPECT_EQ(named.error_message, "overloaded");  // no message: the type
  EXPECT_EQ(named.error_code, 0);                // a string code carries no status

  const StreamChunk bare = Parse(kChat, R"({"error":"plain text"})");
  EXPECT_TRUE(bare.is_error);
  EXPECT_EQ(bare.error_message, "plain text");

  // A top-level "message" alone is no error.
  EXPECT_FALSE(Parse(kChat, R"({"message":"hello","choices":[]})").is_error);
}

TEST(ParseStreamChunkTest, EveryFieldIsOverwrittenAndCapacityReused) {
  StreamChunk chunk;
  const std::string long_text(200, 'x');
  ASSERT_OK(ParseStreamChunk(kChat,
                             R"({"choices":[{"delta":{"content":")" + long_text +
                                 R"("},"finish_reason":"stop"}],)"
                                 R"("usage":{"prompt_tokens":1,"completion_tokens":2}})",
                             &chunk));
  const char* buffer = chunk.content.data();
  ASSERT_OK(ParseStreamChunk(kChat, R"({"error":{"message":"m","code":503}})", &chunk));
  EXPECT_TRUE(chunk.is_error);
  ASSERT_OK(ParseStreamChunk(kChat, R"({"choices":[{"delta":{"content":"short"}}]})", &chunk));
  EXPECT_TRUE(chunk.has_choices);
  EXPECT_EQ(chunk.content, "short");
  EXPECT_EQ(chunk.content.data(), buffer);  // no reallocation
  EXPECT_EQ(chunk.finish_reason, "");
  EXPECT_FALSE(chunk.usage.has_value());
  EXPECT_FALSE(chunk.is_error);
  EXPECT_EQ(chunk.error_message, "");
  EXPECT_EQ(chunk.error_code, 0);
}

TEST(ParseStreamChunkTest, MalformedOrMistypedPayloadsAreInvalidArgument) {
  for (const char* data : {"",
                           "{not json}",
                           "[1]",
                           "\"text\"",
                           R"({"choices":[]} x)",
                           R"({"choices":[})",
                           R"({"choices":{}})",
                           R"({"choices":null})",
                           R"({"choices":[{"delta":{"content":7}}]})",
                           R"({"choices":[{"delta":"text"}]})",
                           R"({"choices":[{"index":"0"}]})",
                           R"({"choices":[{"finish_reason":false}]})",
                           R"({"usage":[]})",
                           R"({"usage":{"completion_tokens":-1}})",
                           R"({"usage":{"completion_tokens":1.5}})",
                           R"({"usage":{"prompt_tokens":4294967296}})",
                           R"({"object":7})",
                           R"({"error":{"message":1}})",
                           R"({"id":"a\x"})",
                           R"({"unknown":[1,2,}]})"}) {
    StreamChunk chunk;
    EXPECT_THAT(ParseStreamChunk(kChat, data, &chunk), StatusIs(absl::StatusCode::kInvalidArgument))
        << data;
  }
  StreamChunk chunk;
  EXPECT_THAT(ParseStreamChunk(kCompletions, R"({"choices":[{"text":["x"]}]})", &chunk),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// Fake timestamps: the request is sent at 10 s on the monotonic clock.
constexpr absl::Duration kSend = absl::Seconds(10);
absl::Duration At(int ms_after_send) { return kSend + absl::Milliseconds(ms_after_send); }

StreamChunk Content(std::string text, std::string finish_reason = "") {
  StreamChunk chunk;
  chunk.has_choices = true;
  chunk.content = std::move(text);
  chunk.finish_reason = std::move(finish_reason);
  return chunk;
}

StreamChunk UsageOnly(uint32_t prompt_tokens, uint32_t completion_tokens) {
  StreamChunk chunk;
  chunk.usage = TokenUsage{prompt_tokens, completion_tokens};
  return chunk;
}

TEST(StreamAccumulatorTest, VllmChatStreamFigures) {
  StreamAccumulator stream(kSend);
  stream.Add(Content(""), At(100));  // role-only: not the first token
  stream.Add(Content("The"), At(250));
  stream.Add(Content(" answer"), At(300));
  stream.Add(Content(" is 4.", "stop"), At(420));
  stream.Add(UsageOnly(12, 3), At(500));  // no token: does not move e2e
  stream.Finish(At(600));

  EXPECT_EQ(stream.text(), "The answer is 4.");
  EXPECT_EQ(stream.finish_reason(), "stop");
  EXPECT_EQ(stream.content_chunks(), 3u);
  EXPECT_EQ(stream.completion_tokens(), 3u);
  ASSERT_TRUE(stream.usage().has_value());
  EXPECT_EQ(stream.usage()->prompt_tokens, 12u);
  const StreamTiming timing = stream.Timing();
  EXPECT_DOUBLE_EQ(timing.ttft_s, 0.25);
  EXPECT_THAT(timing.itl_s, ElementsAre(0.05, 0.12));
  EXPECT_DOUBLE_EQ(timing.e2e_s, 0.42);
  EXPECT_DOUBLE_EQ(timing.tpot_s, (0.42 - 0.25) / 2);
}

TEST(StreamAccumulatorTest, MultiTokenChunksAreOneItlEachAndTpotUsesUsage) {
  StreamAccumulator stream(kSend);
  stream.Add(Content("a b"), At(200));
  stream.Add(Content(" c d"), At(260));
  stream.Add(Content(" e f", "length"), At(400));
  stream.Add(UsageOnly(5, 6), At(401));
  stream.Finish(At(402));
  const StreamTiming timing = stream.Timing();
  EXPECT_EQ(stream.completion_tokens(), 6u);
  EXPECT_THAT(timing.itl_s, ElementsAre(0.06, 0.14));
  EXPECT_DOUBLE_EQ(timing.ttft_s, 0.2);
  EXPECT_DOUBLE_EQ(timing.e2e_s, 0.4);
  EXPECT_DOUBLE_EQ(timing.tpot_s, (0.4 - 0.2) / 5);
}

TEST(StreamAccumulatorTest, WithoutUsageContentChunksCountAsTokens) {
  StreamAccumulator stream(kSend);
  stream.Add(Content(" 4"), At(30));
  stream.Add(Content("."), At(50));
  stream.Add(Content("", "stop"), At(70));  // finish chunk with choices but no content
  stream.Finish(At(80));
  EXPECT_FALSE(stream.usage().has_value());
  EXPECT_EQ(stream.completion_tokens(), 2u);
  const StreamTiming timing = stream.Timing();
  EXPECT_DOUBLE_EQ(timing.ttft_s, 0.03);
  EXPECT_DOUBLE_EQ(timing.e2e_s, 0.05);  // the last content chunk, not the finish chunk
  EXPECT_DOUBLE_EQ(timing.tpot_s, 0.05 - 0.03);
  EXPECT_EQ(stream.finish_reason(), "stop");
}

TEST(StreamAccumulatorTest, OneTokenHasNoTpotAndNoItl) {
  StreamAccumulator stream(kSend);
  stream.Add(Content("4"), At(90));
  stream.Add(UsageOnly(3, 1), At(95));
  stream.Finish(At(99));
  const StreamTiming timing = stream.Timing();
  EXPECT_DOUBLE_EQ(timing.ttft_s, 0.09);
  EXPECT_DOUBLE_EQ(timing.e2e_s, 0.09);
  EXPECT_EQ(timing.tpot_s, 0);
  EXPECT_THAT(timing.itl_s, IsEmpty());
}

TEST(StreamAccumulatorTest, WithoutContentE2eFallsBackToTheLastChoiceThenTheEnd) {
  StreamAccumulator choices_only(kSend);
  choices_only.Add(Content(""), At(40));
  choices_only.Add(Content("", "stop"), At(70));
  choices_only.Add(UsageOnly(3, 4), At(80));  // tokens the content did not show (tool calls)
  choices_only.Finish(At(90));
  StreamTiming timing = choices_only.Timing();
  EXPECT_DOUBLE_EQ(timing.e2e_s, 0.07);
  EXPECT_EQ(timing.ttft_s, 0);
  EXPECT_EQ(timing.tpot_s, 0);

  StreamAccumulator empty(kSend);
  empty.Add(UsageOnly(3, 0), At(20));
  empty.Finish(At(25));
  timing = empty.Timing();
  EXPECT_DOUBLE_EQ(timing.e2e_s, 0.025);
  EXPECT_EQ(timing.ttft_s, 0);
  EXPECT_EQ(empty.completion_tokens(), 0u);
}

TEST(StreamAccumulatorTest, ErrorChunksAreIgnored) {
  StreamAccumulator stream(kSend);
  stream.Add(Content("a"), At(10));
  StreamChunk error = Content("not text", "abort");
  error.is_error = true;
  error.usage = TokenUsage{1, 99};
  stream.Add(error, At(20));
  stream.Finish(At(30));
  EXPECT_EQ(stream.text(), "a");
  EXPECT_EQ(stream.finish_reason(), "");
  EXPECT_FALSE(stream.usage().has_value());
  EXPECT_DOUBLE_EQ(stream.Timing().e2e_s, 0.01);
}

TEST(StreamAccumulatorTest, TheLastUsageAndFinishReasonWin) {
  StreamAccumulator stream(kSend);
  StreamChunk first = Content("a", "length");
  first.usage = TokenUsage{2, 1};  // continuous_usage_stats: cumulative usage on every chunk
  stream.Add(first, At(10));
  StreamChunk second = Content("b", "stop");
  second.usage = TokenUsage{2, 2};
  stream.Add(second, At(20));
  stream.Add(Content("c"), At(30));
  stream.Finish(At(40));
  EXPECT_EQ(stream.finish_reason(), "stop");
  EXPECT_EQ(stream.completion_tokens(), 2u);
}

}  // namespace
}  // namespace jb::worker
