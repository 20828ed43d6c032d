// HttpInferenceClient against scripted cpp-httplib servers on 127.0.0.1 (port 0): what goes on
// the wire, how each kind of answer maps to a result, the control calls, and URL parsing. The
// client against the simulator (streaming, every injected failure) is in sim_client_test.cc.
#include "worker/inference/openai_client.h"

#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/status_matchers.h"
#include "worker/inference/http_fetch.h"
#include "worker/inference/http_url.h"

namespace jb::worker {
namespace {

namespace v1 = joulebench::v1;
using ::jb::testing::StatusIs;
using json = nlohmann::json;

// A loopback server; handlers are registered before Start().
class TestServer {
 public:
  ~TestServer() { Stop(); }
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it (0.11 has no
    // wait_until_ready).
    const absl::Time give_up = absl::Now() + absl::Seconds(5);
    while (!server_.is_running() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
    ASSERT_TRUE(server_.is_running());
  }
  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  std::string Origin() const { return absl::StrCat("http://127.0.0.1:", port_); }
  std::string BaseUrl() const { return Origin() + "/v1"; }
  httplib::Server& server() { return server_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

class HttpInferenceClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpInferenceClient> Client(std::string api_key = "", int attempts = 1) {
    HttpInferenceClientOptions options;
    options.base_url = server_.BaseUrl();
    options.request_timeout = absl::Seconds(5);
    options.api_key = std::move(api_key);
    options.retry.max_attempts = attempts;
    options.retry.initial = absl::Milliseconds(1);
    auto client = HttpInferenceClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return std::move(client).value();
  }

  // Answers `path` with `response` of `content_type`, keeping each request's body and
  // Authorization and X-Request-Id headers.
  void Capture(const std::string& path, std::string response, int status = 200,
               std::string content_type = "application/json") {
    server_.server().Post(path, [this, response, status, content_type](const httplib::Request& req,
                                                                       httplib::Response& res) {
      {
        absl::MutexLock lock(&mu_);
        bodies_.push_back(req.body);
        headers_.push_back(req.get_header_value("Authorization"));
        request_ids_.push_back(req.get_header_value("X-Request-Id"));
      }
      res.status = status;
      res.set_content(response, content_type);
    });
  }

  json LastBody() {
    absl::MutexLock lock(&mu_);
    return bodies_.empty() ? json() : json::parse(bodies_.back());
  }
  int Requests() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(bodies_.size());
  }

  TestServer server_;
  absl::Mutex mu_;
  std::vector<std::string> bodies_;
  std::vector<std::string> headers_;
  std::vector<std::string> request_ids_;
};

constexpr char kChatResponse[] = R"({
  "id": "chatcmpl-1", "object": "chat.completion", "model": "tiny",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": "The answer is 4."},
               "finish_reason": "stop"}],
  "usage": {"prompt_tokens": 12, "completion_tokens": 6, "total_tokens": 18}})";

// vLLM's chat stream with include_usage: a role chunk, content chunks, the finish chunk, the
// usage-only chunk, [DONE].
constexpr char kChatStream[] =
    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],"
    "\"usage\":null}\n\n"
    ": keep-alive comment\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The\"},\"finish_reason\":null}],"
    "\"usage\":null}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" answer\"},"
    "\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" is 4.\"},"
    "\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,"
    "\"total_tokens\":17}}\n\n"
    "data: [DONE]\n\n";

InferenceRequest ChatRequest(bool stream = true) {
  InferenceRequest request;
  request.model = "tiny";
  request.endpoint = v1::ENDPOINT_CHAT;
  request.prompt = "What is 2+2?";
  request.max_tokens = 32;
  request.stream = stream;
  return request;
}

TEST_F(HttpInferenceClientTest, StreamedChatGivesTextUsageAndTiming) {
  Capture("/v1/chat/completions", kChatStream, 200, "text/event-stream");
  server_.Start();
  InferenceRequest request = ChatRequest();
  request.request_id = "req-7";
  const InferenceResult result = Client()->Send(request);
  ASSERT_OK(result.status);

  json body = LastBody();
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"], json::parse(R"({"include_usage": true})"));
  EXPECT_EQ(body["messages"], json::parse(R"([{"role":"user","content":"What is 2+2?"}])"));
  EXPECT_EQ(result.text, "The answer is 4.");
  EXPECT_EQ(result.finish_reason, "stop");
  EXPECT_EQ(result.prompt_tokens, 12u);
  EXPECT_EQ(result.completion_tokens, 5u);
  EXPECT_TRUE(result.streamed);
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(result.itl_s.size(), 2u);  // three content chunks
  EXPECT_GT(result.ttft_s, 0);
  EXPECT_GE(result.e2e_s, result.ttft_s);
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(request_ids_, std::vector<std::string>{"req-7"});
}

TEST_F(HttpInferenceClientTest, NonStreamingChatIsParsedFromTheJsonBody) {
  Capture("/v1/chat/completions", kChatResponse);
  server_.Start();
  const InferenceResult result = Client()->Send(ChatRequest(/*stream=*/false));
  ASSERT_OK(result.status);
  EXPECT_EQ(LastBody()["stream"], false);
  EXPECT_FALSE(LastBody().contains("stream_options"));
  EXPECT_EQ(result.text, "The answer is 4.");
  EXPECT_EQ(result.completion_tokens, 6u);
  EXPECT_FALSE(result.streamed);
  EXPECT_EQ(result.ttft_s, 0);
  EXPECT_GT(result.e2e_s, 0);
}

TEST_F(HttpInferenceClientTest, AServerThatIgnoresStreamIsReadAsJson) {
  Capture("/v1/chat/completions", kChatResponse);  // application/json to a stream request
  server_.Start();
  const InferenceResult result = Client()->Send(ChatRequest());
  ASSERT_OK(result.status);
  EXPECT_EQ(result.text, "The answer is 4.");
  EXPECT_FALSE(result.streamed);
}

TEST_F(HttpInferenceClientTest, AMidStreamErrorEventEndsTheRequestWithItsCode) {
  Capture("/v1/chat/completions",
          "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The\"}}]}\n\n"
          "data: {\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\","
          "\"code\":500}}\n\n"
          "data: [DONE]\n\n",
          200, "text/event-stream");
  server_.Start();
  const InferenceResult result = Client("", /*attempts=*/2)->Send(ChatRequest());
  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kUnavailable, "engine died"));
  EXPECT_EQ(result.attempts, 2);  // a 500 in the stream is retried like a 500 status
  EXPECT_EQ(Requests(), 2);
  EXPECT_EQ(result.text, "");  // nothing partial is reported
}

TEST_F(HttpInferenceClientTest, AStreamWithoutDoneIsAcceptedWhenItsEventsAreComplete) {
  Capture("/v1/completions",
          "data: {\"choices\":[{\"index\":0,\"text\":\" 4\",\"finish_reason\":\"length\"}]}\n\n",
          200, "text/event-stream");
  server_.Start();
  InferenceRequest request = ChatRequest();
  request.endpoint = v1::ENDPOINT_COMPLETIONS;
  const InferenceResult result = Client()->Send(request);
  ASSERT_OK(result.status);
  EXPECT_EQ(result.text, " 4");
  EXPECT_EQ(result.completion_tokens, 1u);  // no usage: counted content chunks
}

TEST_F(HttpInferenceClientTest, AStreamCutInsideAnEventIsUnavailable) {
  Capture("/v1/completions", "data: {\"choices\":[{\"index\":0,\"text\":\" 4\"}]}\n\ndata: {\"cho",
          200, "text/event-stream");
  server_.Start();
  InferenceRequest request = ChatRequest();
  request.endpoint = v1::ENDPOINT_COMPLETIONS;
  EXPECT_THAT(Client()->Send(request).status,
              StatusIs(absl::StatusCode::kUnavailable, "cut mid-event"));
}

TEST_F(HttpInferenceClientTest, MalformedChunkIsInternalAndNotRetried) {
  Capture("/v1/chat/completions", "data: {not json}\n\n", 200, "text/event-stream");
  server_.Start();
  const InferenceResult result = Client("", /*attempts=*/3)->Send(ChatRequest());
  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kInternal, "malformed stream chunk"));
  EXPECT_EQ(result.attempts, 1);
}

TEST_F(HttpInferenceClientTest, SendsTheApiKeyAsBearerToken) {
  Capture("/v1/chat/completions", kChatResponse);
  server_.Start();
  ASSERT_OK(Client("s3cret")->Send(ChatRequest(false)).status);
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(headers_, std::vector<std::string>{"Bearer s3cret"});
}

TEST_F(HttpInferenceClientTest, StatusCodesMapByRetryMeaning) {
  struct Case {
    int http;
    absl::StatusCode code;
    int attempts;
  };
  for (const Case& c :
       {Case{503, absl::StatusCode::kUnavailable, 3}, Case{500, absl::StatusCode::kUnavailable, 3},
        Case{429, absl::StatusCode::kResourceExhausted, 3},
        Case{400, absl::StatusCode::kInvalidArgument, 1},
        Case{404, absl::StatusCode::kNotFound, 1}}) {
    TestServer server;
    server.server().Post(
        "/v1/chat/completions", [&](const httplib::Request&, httplib::Response& res) {
          res.status = c.http;
          res.set_content(R"({"error":{"message":"told you so"}})", "application/json");
        });
    server.Start();
    HttpInferenceClientOptions options;
    options.base_url = server.BaseUrl();
    options.retry.max_attempts = 3;
    options.retry.initial = absl::Milliseconds(1);
    options.max_retry_after = absl::Milliseconds(1);
    ASSERT_OK_AND_ASSIGN(auto client, HttpInferenceClient::Create(options));
    const InferenceResult result = client->Send(ChatRequest());
    EXPECT_THAT(result.status, StatusIs(c.code, absl::StrCat("HTTP ", c.http, ": told you so")))
        << c.http;
    EXPECT_EQ(result.attempts, c.attempts) << c.http;
  }
}

TEST_F(HttpInferenceClientTest, ConnectionRefusedIsUnavailable) {
  server_.Start();
  auto client = Client();
  server_.Stop();
  EXPECT_THAT(client->Send(ChatRequest()).status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(client->Health(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(client->ListModels(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(client->ScrapeMetrics(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(HttpInferenceClientTest, ServerInfoFromModelsAndVersion) {
  server_.server().Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"object":"list","data":[
      {"id":"qwen-0.5b","object":"model","owned_by":"joulebench-sim","max_model_len":4096},
      {"id":"qwen-7b","object":"model","owned_by":"joulebench-sim"}]})",
                    "application/json");
  });
  server_.server().Get("/version", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"version":"0.3.0"})", "application/json");
  });
  server_.Start();
  ASSERT_OK_AND_ASSIGN(v1::InferenceServer info, Client()->ServerInfo());
  EXPECT_EQ(info.base_url(), server_.BaseUrl());
  EXPECT_EQ(info.kind(), "joulebench-sim");
  EXPECT_TRUE(info.simulated());
  EXPECT_EQ(info.version(), "0.3.0");
  ASSERT_EQ(info.models_size(), 2);
  EXPECT_EQ(info.models(0).name(), "qwen-0.5b");
  EXPECT_EQ(info.models(0).max_model_len(), 4096u);
  EXPECT_EQ(info.models(0).owned_by(), "joulebench-sim");
  EXPECT_EQ(info.models(1).max_model_len(), 0u);
}

TEST_F(HttpInferenceClientTest, ServerInfoWithoutVersionEndpointHasEmptyVersion) {
  server_.server().Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"data":[{"id":"llama","owned_by":"vllm"}]})", "application/json");
  });
  server_.Start();
  ASSERT_OK_AND_ASSIGN(v1::InferenceServer info, Client()->ServerInfo());
  EXPECT_EQ(info.kind(), "vllm");
  EXPECT_FALSE(info.simulated());
  EXPECT_EQ(info.version(), "");
}

TEST_F(HttpInferenceClientTest, HealthAndMetricsAreOnTheServerRoot) {
  std::atomic<int> status{200};
  server_.server().Get("/health", [&](const httplib::Request&, httplib::Response& res) {
    res.status = status.load();
  });
  server_.server().Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("vllm:num_requests_running 0\n", "text/plain; version=0.0.4");
  });
  server_.Start();
  auto client = Client();
  EXPECT_OK(client->Health());
  ASSERT_OK_AND_ASSIGN(std::string metrics, client->ScrapeMetrics());
  EXPECT_EQ(metrics, "vllm:num_requests_running 0\n");
  status = 503;
  EXPECT_THAT(client->Health(), StatusIs(absl::StatusCode::kUnavailable, "HTTP 503"));
}

TEST_F(HttpInferenceClientTest, WithoutAHealthEndpointTheModelListIsTheHealthCheck) {
  std::atomic<int> models_status{200};
  server_.server().Get("/v1/models", [&](const httplib::Request&, httplib::Response& res) {
    res.status = models_status.load();
    res.set_content(R"({"data":[{"id":"llama","owned_by":"llamacpp"}]})", "application/json");
  });
  server_.Start();
  auto client = Client();
  EXPECT_OK(client->Health());  // /health answers 404 here
  models_status = 503;
  EXPECT_THAT(client->Health(), StatusIs(absl::StatusCode::kUnavailable, "HTTP 503"));
}

TEST_F(HttpInferenceClientTest, ServersWithoutMetricsAnswerNotFound) {
  server_.Start();
  EXPECT_THAT(Client()->ScrapeMetrics(), StatusIs(absl::StatusCode::kNotFound, "HTTP 404"));
}

TEST_F(HttpInferenceClientTest, BadBatchOptionsAreInvalidArgument) {
  server_.Start();
  auto client = Client();
  BatchOptions options;
  options.concurrency = 1025;
  EXPECT_THAT(client->RunBatch({ChatRequest()}, options, [](size_t, InferenceResult) {}),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected 1..1024"));
}

TEST(HttpInferenceClientCreateTest, RejectsHttpsAndMalformedUrls) {
  HttpInferenceClientOptions options;
  options.base_url = "https://gpu-node:8000/v1";
  EXPECT_THAT(HttpInferenceClient::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "https is not supported"));
  options.base_url = "127.0.0.1:8000";
  EXPECT_THAT(HttpInferenceClient::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "must start with http://"));
}

TEST(HttpGetUrlTest, ReturnsTheBodyOrAStatus) {
  TestServer server;
  server.server().Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("joulebench_sim_energy_joules_total 12.5\n", "text/plain; version=0.0.4");
  });
  server.Start();
  ASSERT_OK_AND_ASSIGN(std::string text, HttpGetUrl(server.Origin() + "/metrics"));
  EXPECT_EQ(text, "joulebench_sim_energy_joules_total 12.5\n");
  EXPECT_THAT(HttpGetUrl(server.Origin() + "/nothing"),
              StatusIs(absl::StatusCode::kNotFound, "HTTP 404"));
  EXPECT_THAT(HttpGetUrl("ftp://x/metrics"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HttpUrlTest, SplitsOriginAndPath) {
  ASSERT_OK_AND_ASSIGN(HttpUrl url, ParseHttpUrl("http://127.0.0.1:8000/v1/"));
  EXPECT_EQ(url.origin, "http://127.0.0.1:8000");
  EXPECT_EQ(url.path, "/v1");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8000);
  ASSERT_OK_AND_ASSIGN(HttpUrl root, ParseHttpUrl("http://api.example.com"));
  EXPECT_EQ(root.origin, "http://api.example.com");
  EXPECT_EQ(root.host, "api.example.com");
  EXPECT_EQ(root.port, 80);
  EXPECT_EQ(root.path, "");
  ASSERT_OK_AND_ASSIGN(HttpUrl v6, ParseHttpUrl("http://[::1]:9000/v1"));
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 9000);
  EXPECT_THAT(ParseHttpUrl("https://api.example.com"),
              StatusIs(absl::StatusCode::kInvalidArgument, "https is not supported"));
  EXPECT_THAT(ParseHttpUrl("http://h:99999/v1"),
              StatusIs(absl::StatusCode::kInvalidArgument, "expected 1..65535"));
  EXPECT_THAT(ParseHttpUrl("http://[::1/v1"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseHttpUrl("127.0.0.1:8000"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseHttpUrl("http:///v1"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseHttpUrl("http://h/v1?x=1"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HttpUrlTest, ServerRootDropsTheApiVersion) {
  EXPECT_EQ(ServerRootUrl("http://127.0.0.1:8000/v1"), "http://127.0.0.1:8000");
  EXPECT_EQ(ServerRootUrl("http://127.0.0.1:8000/v1/"), "http://127.0.0.1:8000");
  EXPECT_EQ(ServerRootUrl("http://gw/models/llama/v1"), "http://gw/models/llama");
  EXPECT_EQ(ServerRootUrl("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
}

}  // namespace
}  // namespace jb::worker
