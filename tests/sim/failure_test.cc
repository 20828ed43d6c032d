// Failure injection as a client sees it on the wire, one kind at a time (rate 1), and the
// counters and records it leaves.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/sim/sim_testing.h"

namespace jb::sim {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::Metric;
using ::testing::Not;
using testing::RawRequest;
using testing::RawResponse;
using testing::SseEvents;

std::string Profile(const std::string& failures) {
  return absl::StrCat("seed: 3\nhardware: {idle_w: 1, busy_w: 2}\nfailure_injection: ", failures,
                      "\nmodels: [{name: m, ttft_ms: 2, itl_ms: 1, jitter: 0, "
                      "skill: {default: 1.0}}]\n");
}

const json kCompletion = {
    {"model", "m"}, {"prompt", "hi"}, {"max_tokens", 10}, {"ignore_eos", true}};

json Streamed(json body) {
  body["stream"] = true;
  return body;
}

std::string Failures(int port, const std::string& kind) {
  return absl::StrCat(
      Metric(testing::Metrics(port),
             absl::StrCat("joulebench_sim_injected_failures_total{kind=\"", kind, "\"}")));
}

// GET /sim/requests once it holds `n` records (up to 5 s). A cut connection is recorded when
// httplib drops the response, which may be just after the client saw the cut.
json RecordsOnceThereAre(int port, size_t n) {
  json records;
  for (int i = 0; i < 500; ++i) {
    records = json::parse(RawRequest(port, "GET", "/sim/requests", "").body);
    if (records["requests"].size() >= n) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return records;
}

TEST(FailureInjectionTest, StatusFailuresCarryRetryAfterAndAreCounted) {
  struct Case {
    std::string failures;
    int status;
    std::string type;
    std::string retry_after;  // "" for none
  } cases[] = {
      {"{rate_429: 1}", 429, "RateLimitError", "1"},
      {"{rate_429: 1, retry_after_s: 7}", 429, "RateLimitError", "7"},
      {"{rate_500: 1}", 500, "InternalServerError", ""},
      {"{rate_503: 1, retry_after_s: 2}", 503, "ServiceUnavailableError", "2"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.failures);
    int port = 0;
    auto server = testing::StartServer(Profile(c.failures), &port);
    for (const json& body : {kCompletion, Streamed(kCompletion)}) {
      const RawResponse res = RawRequest(port, "POST", "/v1/completions", body.dump());
      EXPECT_EQ(res.status, c.status);
      EXPECT_EQ(json::parse(res.body)["error"]["type"], c.type);
      EXPECT_EQ(res.headers.count("retry-after") ? res.headers.at("retry-after") : "",
                c.retry_after);
    }
    EXPECT_EQ(Failures(port, std::to_string(c.status)), "2");
    const json records = json::parse(RawRequest(port, "GET", "/sim/requests", "").body);
    ASSERT_EQ(records["requests"].size(), 2u);
    EXPECT_EQ(records["requests"][0]["status"], c.status);
    EXPECT_EQ(records["requests"][0]["injected_failure"], std::to_string(c.status));
  }
}

TEST(FailureInjectionTest, DisconnectCutsAStreamHalfWayWithoutTheTerminatingChunk) {
  int port = 0;
  auto server = testing::StartServer(Profile("{rate_disconnect: 1}"), &port);
  RawResponse res = RawRequest(port, "POST", "/v1/completions", Streamed(kCompletion).dump());
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.complete);
  EXPECT_FALSE(res.timed_out);
  EXPECT_EQ(SseEvents(res.body).size(), 5u);  // 5 of 10 tokens
  EXPECT_THAT(res.body, Not(HasSubstr("[DONE]")));

  const json chat = Streamed({{"model", "m"},
                              {"messages", {{{"role", "user"}, {"content", "hi"}}}},
                              {"max_tokens", 4},
                              {"ignore_eos", true}});
  res = RawRequest(port, "POST", "/v1/chat/completions", chat.dump());
  EXPECT_FALSE(res.complete);
  EXPECT_EQ(SseEvents(res.body).size(), 3u);  // the role chunk and 2 of 4 tokens
  EXPECT_EQ(Failures(port, "disconnect"), "2");

  const json records = RecordsOnceThereAre(port, 2);
  ASSERT_EQ(records["requests"].size(), 2u);
  EXPECT_EQ(records["requests"][0]["injected_failure"], "disconnect");
  EXPECT_EQ(records["requests"][0]["completed"], false);
  EXPECT_EQ(records["requests"][0]["completion_tokens"], 5);
}

TEST(FailureInjectionTest, DisconnectWithoutStreamingSendsNothing) {
  int port = 0;
  auto server = testing::StartServer(Profile("{rate_disconnect: 1}"), &port);
  const RawResponse res = RawRequest(port, "POST", "/v1/completions", kCompletion.dump());
  EXPECT_EQ(res.status, 0);
  EXPECT_EQ(res.body, "");
  EXPECT_FALSE(res.timed_out);  // closed, not hanging
  const json records = RecordsOnceThereAre(port, 1);
  ASSERT_EQ(records["requests"].size(), 1u);
  EXPECT_EQ(records["requests"][0]["status"], 0);
}

TEST(FailureInjectionTest, StallDelaysTheFirstTokenPastAClientTimeout) {
  int port = 0;
  auto server = testing::StartServer(Profile("{rate_stall: 1, stall_s: 0.4}"), &port);
  // A client with a 150 ms timeout gets the headers and then nothing.
  RawResponse res = RawRequest(port, "POST", "/v1/completions", Streamed(kCompletion).dump(), {},
                               absl::Milliseconds(150));
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.timed_out);
  EXPECT_TRUE(res.chunks.empty());
  res =
      RawRequest(port, "POST", "/v1/completions", kCompletion.dump(), {}, absl::Milliseconds(150));
  EXPECT_EQ(res.status, 0);
  EXPECT_TRUE(res.timed_out);
  // A patient client gets the whole reply, stall_s late.
  res = RawRequest(port, "POST", "/v1/completions", Streamed(kCompletion).dump());
  EXPECT_TRUE(res.complete);
  ASSERT_TRUE(res.first_byte.has_value());
  EXPECT_GE(*res.first_byte, absl::Milliseconds(400));
  EXPECT_EQ(Failures(port, "stall"), "3");
}

TEST(FailureInjectionTest, DrawsAreTheSameSequenceOnEveryRun) {
  std::vector<int> runs[2];
  for (std::vector<int>& statuses : runs) {
    int port = 0;
    auto server = testing::StartServer(Profile("{rate_429: 0.3, rate_500: 0.3}"), &port);
    for (int i = 0; i < 20; ++i) {
      statuses.push_back(RawRequest(port, "POST", "/v1/completions", kCompletion.dump()).status);
    }
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_THAT(runs[0], ::testing::IsSupersetOf({200, 429, 500}));
}

}  // namespace
}  // namespace jb::sim
