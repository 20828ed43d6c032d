// The OpenAI API's JSON as pure functions: request bodies, non-streaming responses with
// logprobs, lm-eval's continuation log-likelihood, and the control endpoints' answers.
#include "worker/inference/openai_protocol.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Optional;
using json = nlohmann::json;

InferenceRequest Request(v1::Endpoint endpoint, bool stream) {
  InferenceRequest request;
  request.model = "tiny";
  request.endpoint = endpoint;
  request.prompt = "What is 2+2?";
  request.stream = stream;
  return request;
}

TEST(BuildGenerationBodyTest, StreamingChatAsksForUsage) {
  InferenceRequest request = Request(v1::ENDPOINT_CHAT, /*stream=*/true);
  request.max_tokens = 32;
  request.temperature = 0.5;
  request.top_p = 0.9;
  request.stop = {"\n", "END"};
  request.seed = 1234;
  EXPECT_EQ(json::parse(BuildGenerationBody(request)), json::parse(R"({
    "model": "tiny", "messages": [{"role": "user", "content": "What is 2+2?"}],
    "max_tokens": 32, "temperature": 0.5, "top_p": 0.9, "stop": ["\n", "END"], "seed": 1234,
    "stream": true, "stream_options": {"include_usage": true}})"));
}

TEST(BuildGenerationBodyTest, NonStreamingCompletionsHasNoStreamOptionsAndOmitsDefaults) {
  // vLLM rejects stream_options when stream is false.
  EXPECT_EQ(json::parse(BuildGenerationBody(Request(v1::ENDPOINT_COMPLETIONS, false))),
            json::parse(R"({"model": "tiny", "prompt": "What is 2+2?", "temperature": 0.0,
                            "stream": false})"));
}

TEST(BuildGenerationBodyTest, LoglikelihoodRequestSendsEchoAndLogprobs) {
  InferenceRequest request = Request(v1::ENDPOINT_COMPLETIONS, /*stream=*/false);
  request.prompt = "Question: 2+2?\nAnswer: 4";
  request.max_tokens = 1;
  request.echo = true;
  request.logprobs = 1;
  request.seed = 0;
  EXPECT_EQ(json::parse(BuildGenerationBody(request)), json::parse(R"({
    "model": "tiny", "prompt": "Question: 2+2?\nAnswer: 4", "max_tokens": 1,
    "temperature": 0.0, "seed": 0, "stream": false, "echo": true, "logprobs": 1})"));
}

TEST(BuildGenerationBodyTest, ChatLogprobsUseTheChatFields) {
  InferenceRequest request = Request(v1::ENDPOINT_CHAT, /*stream=*/false);
  request.logprobs = 3;
  json body = json::parse(BuildGenerationBody(request));
  EXPECT_EQ(body["logprobs"], true);
  EXPECT_EQ(body["top_logprobs"], 3);
  request.logprobs = 0;
  body = json::parse(BuildGenerationBody(request));
  EXPECT_EQ(body["logprobs"], true);
  EXPECT_FALSE(body.contains("top_logprobs"));
}

TEST(BuildGenerationBodyTest, IgnoreEosIsSentOnlyWhenSet) {
  InferenceRequest request = Request(v1::ENDPOINT_CHAT, /*stream=*/true);
  EXPECT_FALSE(json::parse(BuildGenerationBody(request)).contains("ignore_eos"));
  EXPECT_FALSE(json::parse(BuildGenerationBody(request)).contains("echo"));
  EXPECT_FALSE(json::parse(BuildGenerationBody(request)).contains("logprobs"));
  request.ignore_eos = true;
  EXPECT_EQ(json::parse(BuildGenerationBody(request))["ignore_eos"], true);
}

TEST(BuildGenerationBodyTest, InvalidUtf8InThePromptIsReplacedNotThrown) {
  InferenceRequest request = Request(v1::ENDPOINT_COMPLETIONS, /*stream=*/false);
  request.prompt = "ok \xff end";
  EXPECT_EQ(json::parse(BuildGenerationBody(request))["prompt"], "ok \xEF\xBF\xBD end");
}

TEST(ParseGenerationResponseTest, Chat) {
  InferenceResult result;
  result.logprobs = CompletionLogprobs();  // overwritten
  ASSERT_OK(ParseGenerationResponse(v1::ENDPOINT_CHAT, R"({
    "id": "chatcmpl-1", "object": "chat.completion", "model": "tiny",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "The answer is 4."},
                 "logprobs": null, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18}})",
                                    &result));
  EXPECT_EQ(result.text, "The answer is 4.");
  EXPECT_EQ(result.finish_reason, "stop");
  EXPECT_EQ(result.prompt_tokens, 12u);
  EXPECT_EQ(result.completion_tokens, 6u);
  EXPECT_FALSE(result.logprobs.has_value());
}

TEST(ParseGenerationResponseTest, NullContentAndMissingUsageAreEmpty) {
  InferenceResult result;
  result.prompt_tokens = 7;
  ASSERT_OK(
      ParseGenerationResponse(v1::ENDPOINT_CHAT,
                              R"({"choices": [{"message": {"role": "assistant", "content": null},)"
                              R"( "finish_reason": null}]})",
                              &result));
  EXPECT_EQ(result.text, "");
  EXPECT_EQ(result.finish_reason, "");
  EXPECT_EQ(result.prompt_tokens, 0u);
  EXPECT_EQ(result.completion_tokens, 0u);
}

TEST(ParseGenerationResponseTest, CompletionsWithoutLogprobs) {
  InferenceResult result;
  ASSERT_OK(ParseGenerationResponse(v1::ENDPOINT_COMPLETIONS, R"({
    "object": "text_completion", "choices": [{"index": 0, "text": " 4", "logprobs": null,
    "finish_reason": "length"}], "usage": {"prompt_tokens": 5, "completion_tokens": 1}})",
                                    &result));
  EXPECT_EQ(result.text, " 4");
  EXPECT_EQ(result.finish_reason, "length");
  EXPECT_EQ(result.completion_tokens, 1u);
  EXPECT_FALSE(result.logprobs.has_value());
}

TEST(ParseGenerationResponseTest, NotJsonOrNoChoicesIsInternal) {
  InferenceResult result;
  for (const char* body : {"", "<html>502</html>", "[]", R"({"choices": []})",
                           R"({"choices": [1]})", R"({"object": "list"})"}) {
    EXPECT_THAT(ParseGenerationResponse(v1::ENDPOINT_CHAT, body, &result),
                StatusIs(absl::StatusCode::kInternal))
        << body;
  }
}

// An lm-eval loglikelihood request as vLLM answers it: prompt = context + continuation,
// echo, logprobs 1, max_tokens 1 (one generated token after the echoed prompt).
constexpr char kContext[] = "Question: 2+2?\nAnswer:";
constexpr char kContinuation[] = " 4";
constexpr char kEchoResponse[] = R"({
  "object": "text_completion", "model": "tiny",
  "choices": [{"index": 0, "text": "Question: 2+2?\nAnswer: 4\n", "finish_reason": "length",
    "logprobs": {
      "tokens": ["Question", ":", " 2", "+", "2", "?", "\n", "Answer", ":", " 4", "\n"],
      "token_logprobs": [null, -1.5, -3.0, -0.5, -0.25, -0.75, -0.5, -2.0, -0.125, -0.375, -1.0],
      "top_logprobs": [null, {":": -1.5}, {" 3": -2.5, " 2": -3.0}, {"+": -0.5}, {"2": -0.25},
                       {"?": -0.75}, {"\n": -0.5}, {"Answer": -2.0}, {":": -0.125},
                       {" 4": -0.375, " four": -1.5}, {"\n": -1.0}],
      "text_offset": [0, 8, 9, 11, 12, 13, 14, 15, 21, 22, 24]}}],
  "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11}})";

TEST(ParseGenerationResponseTest, CompletionsEchoLogprobs) {
  InferenceResult result;
  ASSERT_OK(ParseGenerationResponse(v1::ENDPOINT_COMPLETIONS, kEchoResponse, &result));
  EXPECT_EQ(result.text, "Question: 2+2?\nAnswer: 4\n");
  ASSERT_TRUE(result.logprobs.has_value());
  const CompletionLogprobs& logprobs = *result.logprobs;
  ASSERT_EQ(logprobs.tokens.size(), 11u);
  EXPECT_EQ(logprobs.tokens[9], " 4");
  EXPECT_EQ(logprobs.token_logprobs[0], std::nullopt);
  EXPECT_THAT(logprobs.token_logprobs[1], Optional(-1.5));
  EXPECT_EQ(logprobs.top_tokens[0], std::nullopt);
  EXPECT_THAT(logprobs.top_tokens[2], Optional(std::string(" 3")));  // the argmax
  EXPECT_THAT(logprobs.top_tokens[9], Optional(std::string(" 4")));
  EXPECT_THAT(logprobs.text_offset, ElementsAre(0, 8, 9, 11, 12, 13, 14, 15, 21, 22, 24));
}

TEST(ParseGenerationResponseTest, TopLogprobTiesGoToTheFirstListedToken) {
  InferenceResult result;
  ASSERT_OK(ParseGenerationResponse(v1::ENDPOINT_COMPLETIONS, R"({"choices": [{"text": "",
    "logprobs": {"tokens": ["b"], "token_logprobs": [-1], "top_logprobs": [{"z": -1, "a": -1}],
    "text_offset": [0]}}]})",
                                    &result));
  ASSERT_TRUE(result.logprobs.has_value());
  EXPECT_THAT(result.logprobs->top_tokens[0], Optional(std::string("z")));
}

TEST(ParseGenerationResponseTest, AbsentTopLogprobsGiveNoTopTokens) {
  InferenceResult result;
  ASSERT_OK(ParseGenerationResponse(v1::ENDPOINT_COMPLETIONS, R"({"choices": [{"text": "",
    "logprobs": {"tokens": ["a", "b"], "token_logprobs": [null, -1], "text_offset": [0, 1]}}]})",
                                    &result));
  ASSERT_TRUE(result.logprobs.has_value());
  EXPECT_THAT(result.logprobs->top_tokens, ElementsAre(std::nullopt, std::nullopt));
}

TEST(ParseGenerationResponseTest, MalformedLogprobsAreInternal) {
  for (const char* logprobs :
       {R"("yes")", R"({"token_logprobs": [], "text_offset": []})",
        R"({"tokens": ["a"], "token_logprobs": [], "text_offset": [0]})",
        R"({"tokens": ["a"], "token_logprobs": [-1], "text_offset": [0, 1]})",
        R"({"tokens": ["a"], "token_logprobs": [-1]})",
        R"({"tokens": [1], "token_logprobs": [-1], "text_offset": [0]})",
        R"({"tokens": ["a"], "token_logprobs": ["x"], "text_offset": [0]})",
        R"({"tokens": ["a"], "token_logprobs": [-1], "text_offset": [-1]})",
        R"({"tokens": ["a"], "token_logprobs": [-1], "text_offset": [0.5]})",
        R"({"tokens": ["a"], "token_logprobs": [-1], "text_offset": [0], "top_logprobs": []})",
        R"({"tokens": ["a"], "token_logprobs": [-1], "text_offset": [0], "top_logprobs": [1]})",
        R"({"tokens": ["a"], "token_logprobs": [-1], "text_offset": [0],
               "top_logprobs": [{"a": "high"}]})"}) {
    InferenceResult result;
    const std::string body =
        std::string(R"({"choices": [{"text": "", "logprobs": )") + logprobs + "}]}";
    EXPECT_THAT(ParseGenerationResponse(v1::ENDPOINT_COMPLETIONS, body, &result),
                StatusIs(absl::StatusCode::kInternal, "malformed logprobs"))
        << logprobs;
  }
}

TEST(ContinuationLoglikelihoodTest, LmEvalEchoResponse) {
  InferenceResult result;
  ASSERT_OK(ParseGenerationResponse(v1::ENDPOINT_COMPLETIONS, kEchoResponse, &result));
  // The context is 22 code points, so " 4" (offset 22) is the continuation; the generated
  // "\n" (offset 24 == the prompt's length) is excluded, and the null first logprob unread.
  ASSERT_OK_AND_ASSIGN(Loglikelihood ll,
                       ContinuationLoglikelihood(*result.logprobs, kContext, kContinuation));
  EXPECT_DOUBLE_EQ(ll.logprob, -0.375);
  EXPECT_TRUE(ll.is_greedy);
  EXPECT_EQ(ll.tokens, 1u);
}

TEST(ContinuationLoglikelihoodTest, SumsSeveralTokensAndChecksEachIsGreedy) {
  CompletionLogprobs logprobs;
  logprobs.tokens = {"Q", ":", " 2", "+", "2"};
  logprobs.token_logprobs = {std::nullopt, -1.0, -2.0, -0.5, -0.25};
  logprobs.top_tokens = {std::nullopt, ":", " 2", "-", "2"};
  logprobs.text_offset = {0, 1, 2, 4, 5};
  ASSERT_OK_AND_ASSIGN(Loglikelihood ll, ContinuationLoglikelihood(logprobs, "Q:", " 2+2"));
  EXPECT_DOUBLE_EQ(ll.logprob, -2.75);
  EXPECT_FALSE(ll.is_greedy);  // "+" was not the most likely token
  EXPECT_EQ(ll.tokens, 3u);
}

TEST(ContinuationLoglikelihoodTest, OffsetsCountCodePointsNotBytes) {
  // "Café:" is 5 code points but 6 bytes; " ok" starts at code point 5.
  CompletionLogprobs logprobs;
  logprobs.tokens = {"Caf", "\xC3\xA9", ":", " ok"};
  logprobs.token_logprobs = {std::nullopt, -1.0, -1.0, -0.5};
  logprobs.top_tokens = {std::nullopt, std::nullopt, std::nullopt, " ok"};
  logprobs.text_offset = {0, 3, 4, 5};
  ASSERT_OK_AND_ASSIGN(Loglikelihood ll,
                       ContinuationLoglikelihood(logprobs, "Caf\xC3\xA9:", " ok"));
  EXPECT_DOUBLE_EQ(ll.logprob, -0.5);
  EXPECT_EQ(ll.tokens, 1u);
  EXPECT_TRUE(ll.is_greedy);
}

TEST(ContinuationLoglikelihoodTest, ATokenStraddlingTheBoundaryCountsWithTheContext) {
  // BPE merged ":" and " 4" into ": 4", which starts inside the context.
  CompletionLogprobs logprobs;
  logprobs.tokens = {"A", ": 4", "2"};
  logprobs.token_logprobs = {std::nullopt, -1.0, -2.0};
  logprobs.top_tokens = {std::nullopt, ": 4", std::nullopt};
  logprobs.text_offset = {0, 1, 4};
  ASSERT_OK_AND_ASSIGN(Loglikelihood ll, ContinuationLoglikelihood(logprobs, "A:", " 42"));
  EXPECT_DOUBLE_EQ(ll.logprob, -2.0);
  EXPECT_EQ(ll.tokens, 1u);
  EXPECT_FALSE(ll.is_greedy);  // no top token: not known to be greedy
}

TEST(ContinuationLoglikelihoodTest, Failures) {
  CompletionLogprobs logprobs;
  logprobs.tokens = {"A", ":", " 4"};
  logprobs.token_logprobs = {std::nullopt, -1.0, std::nullopt};
  logprobs.top_tokens = {std::nullopt, std::nullopt, std::nullopt};
  logprobs.text_offset = {0, 1, 2};
  EXPECT_THAT(ContinuationLoglikelihood(logprobs, "A:", " 4"),
              StatusIs(absl::StatusCode::kInternal, "null logprob"));
  EXPECT_THAT(ContinuationLoglikelihood(logprobs, "A: 4", "!"),
              StatusIs(absl::StatusCode::kInternal, "no token starts inside the continuation"));
  logprobs.text_offset.pop_back();
  EXPECT_THAT(ContinuationLoglikelihood(logprobs, "A:", " 4"),
              StatusIs(absl::StatusCode::kInternal, "differ in length"));
}

TEST(ParseModelListTest, ReadsIdOwnerAndMaxLength) {
  ASSERT_OK_AND_ASSIGN(std::vector<v1::ServedModel> models, ParseModelList(R"({
    "object": "list", "data": [
      {"id": "qwen-0.5b", "object": "model", "owned_by": "vllm", "max_model_len": 4096},
      {"id": "qwen-7b", "object": "model"},
      {"object": "model", "owned_by": "vllm"}]})"));
  ASSERT_EQ(models.size(), 2u);  // a card without an id is skipped
  EXPECT_EQ(models[0].name(), "qwen-0.5b");
  EXPECT_EQ(models[0].owned_by(), "vllm");
  EXPECT_EQ(models[0].max_model_len(), 4096u);
  EXPECT_EQ(models[1].name(), "qwen-7b");
  EXPECT_EQ(models[1].owned_by(), "");
  EXPECT_EQ(models[1].max_model_len(), 0u);
}

TEST(ParseModelListTest, AnythingButADataArrayIsInternal) {
  for (const char* body : {"", "not json", "[]", R"({"data": {}})", R"({"models": []})"}) {
    EXPECT_THAT(ParseModelList(body), StatusIs(absl::StatusCode::kInternal)) << body;
  }
}

TEST(ParseVersionTest, ReadsTheVersionFieldOrNothing) {
  EXPECT_EQ(ParseVersion(R"({"version": "0.6.3.post1"})"), "0.6.3.post1");
  EXPECT_EQ(ParseVersion(R"({"version": 6})"), "");
  EXPECT_EQ(ParseVersion("Not Found"), "");
}

TEST(ServerKindFromOwnedByTest, KnownTagsAndUnknown) {
  for (const char* kind : {"vllm", "sglang", "llamacpp", "tgi", "ollama", "joulebench-sim"}) {
    EXPECT_EQ(ServerKindFromOwnedBy(kind), kind);
  }
  EXPECT_EQ(ServerKindFromOwnedBy("openai"), "unknown");
  EXPECT_EQ(ServerKindFromOwnedBy(""), "unknown");
  EXPECT_EQ(ServerKindFromOwnedBy("VLLM"), "unknown");
}

TEST(ParseErrorMessageTest, EveryShapeOfErrorBody) {
  EXPECT_EQ(ParseErrorMessage(R"({"error": {"message": "model not found", "code": 404}})"),
            "model not found");
  EXPECT_EQ(ParseErrorMessage(R"({"error": "plain"})"), "plain");
  EXPECT_EQ(ParseErrorMessage(R"({"object": "error", "message": "too long", "code": 400})"),
            "too long");
  EXPECT_EQ(ParseErrorMessage(R"({"detail": "Not Found"})"), "Not Found");
  EXPECT_EQ(ParseErrorMessage(R"({"detail": [{"loc": ["body"], "msg": "field required"}]})"),
            R"([{"loc":["body"],"msg":"field required"}])");
  EXPECT_EQ(ParseErrorMessage("upstream connect error"), "upstream connect error");
  const std::string long_body(600, 'x');
  EXPECT_EQ(ParseErrorMessage(long_body), std::string(500, 'x') + "...");
}

}  // namespace
}  // namespace jb::worker
