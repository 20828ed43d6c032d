// RunExchanges' retries, timeouts and transport failures against a scripted server, and its
// option validation.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/worker/http_pool_test_util.h"
#include "tests/worker/http_test_server.h"
#include "worker/inference/http_pool.h"

namespace jb::worker::testing {
namespace {

// A socket bound to 127.0.0.1 on a free port, listening with `backlog` unless it is negative;
// *port receives the port. -1 when any step fails.
int LoopbackSocket(int backlog, int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      (backlog >= 0 && listen(fd, backlog) != 0) ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;
}

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;

ServerScript Respond(int status, absl::string_view extra_headers = "") {
  return {ServerStep::Send(HttpResponse(status, absl::StrCat("status ", status), extra_headers))};
}

std::vector<std::string> Targets(const ScriptedHttpServer& server) {
  std::vector<std::string> targets;
  for (const ServerRequest& r : server.requests()) targets.push_back(r.target);
  return targets;
}

TEST(HttpPoolRetryTest, ServiceUnavailableIsRetriedThenSucceeds) {
  ScriptedHttpServer server(
      [](const ServerRequest& r) { return Respond(r.on_connection == 0 ? 503 : 200); });
  Batch batch(1);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_OK(batch[0].final);
  EXPECT_EQ(batch[0].final_attempts, 2);
  EXPECT_EQ(batch[0].attempts[0].status, 503);
  EXPECT_EQ(batch[0].attempts[1].status, 200);
  EXPECT_EQ(server.accepted(), 1);  // a complete 503 leaves the connection reusable
}

TEST(HttpPoolRetryTest, ExhaustedRetriesEndWithTheLastOutcome) {
  ScriptedHttpServer server([](const ServerRequest&) { return Respond(503); });
  Batch batch(1);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_THAT(batch[0].final, StatusIs(absl::StatusCode::kUnavailable, "HTTP 503"));
  EXPECT_EQ(batch[0].final_attempts, 3);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(HttpPoolRetryTest, ClientErrorsAreNotRetried) {
  ScriptedHttpServer server(
      [](const ServerRequest& r) { return Respond(r.target == "/0" ? 400 : 404); });
  Batch batch(2);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_THAT(batch[0].final, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(batch[0].final_attempts, 1);
  EXPECT_THAT(batch[1].final, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(batch[1].final_attempts, 1);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpPoolRetryTest, RetryAfterLongerThanTheBackoffIsHonoured) {
  ScriptedHttpServer server([](const ServerRequest& r) {
    return r.on_connection == 0 ? Respond(429, "Retry-After: 1\r\n") : Respond(200);
  });
  Batch batch(1);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_OK(batch[0].final);
  ASSERT_EQ(batch[0].final_attempts, 2);
  EXPECT_GE(batch[0].attempts[1].send_time - batch[0].attempts[0].end_time, absl::Seconds(1));
}

TEST(HttpPoolRetryTest, RetryAfterIsCappedByMaxRetryAfter) {
  ScriptedHttpServer server([](const ServerRequest& r) {
    return r.on_connection == 0 ? Respond(503, "Retry-After: 3600\r\n") : Respond(200);
  });
  Batch batch(1);
  HttpPoolOptions options = TestOptions(server.port());
  options.max_retry_after = absl::Milliseconds(100);
  ASSERT_OK(batch.Run(options));
  EXPECT_OK(batch[0].final);
  ASSERT_EQ(batch[0].final_attempts, 2);
  const absl::Duration gap = batch[0].attempts[1].send_time - batch[0].attempts[0].end_time;
  EXPECT_GE(gap, absl::Milliseconds(100));
  EXPECT_LT(gap, absl::Milliseconds(600));
}

TEST(HttpPoolRetryTest, ConnectionRefusedIsRetriedThenUnavailable) {
  // A port that was free a moment ago, with nothing listening.
  int port = 0;
  const int fd = LoopbackSocket(/*backlog=*/-1, &port);
  ASSERT_GE(fd, 0);
  close(fd);
  Batch batch(2);
  ASSERT_OK(batch.Run(TestOptions(port)));
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(batch[i].final, StatusIs(absl::StatusCode::kUnavailable, "refused"));
    EXPECT_EQ(batch[i].final_attempts, 3);
    for (const auto& attempt : batch[i].attempts) EXPECT_EQ(attempt.status, 0);
  }
}

TEST(HttpPoolRetryTest, ConnectTimeoutIsUnavailable) {
  // A listener that never accepts, its queue filled: later SYNs go unanswered.
  int port = 0;
  const int listener = LoopbackSocket(/*backlog=*/0, &port);
  ASSERT_GE(listener, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    fillers.push_back(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    connect(fillers.back(), reinterpret_cast<sockaddr*>(&address), sizeof(address));
  }
  Batch batch(1);
  HttpPoolOptions options = TestOptions(port);
  options.connect_timeout = absl::Milliseconds(100);
  options.retry.max_attempts = 2;
  const absl::Time start = absl::Now();
  ASSERT_OK(batch.Run(options));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(200));
  EXPECT_THAT(batch[0].final, StatusIs(absl::StatusCode::kUnavailable, "timed out after 100ms"));
  EXPECT_EQ(batch[0].final_attempts, 2);
  for (int fd : fillers) close(fd);
  close(listener);
}

TEST(HttpPoolRetryTest, ServerResettingWhileTheRequestIsSentIsUnavailable) {
  // The server accepts and resets at once, while the client is still writing 8 MiB.
  int port = 0;
  const int listener = LoopbackSocket(/*backlog=*/16, &port);
  ASSERT_GE(listener, 0);
  std::thread resetter([listener] {
    for (int i = 0; i < 2; ++i) {
      const int fd = accept(listener, nullptr, nullptr);
      const linger abort = {1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
      close(fd);
    }
  });
  Batch batch(0);
  batch.exchanges.push_back(std::make_unique<RecordingExchange>(
      HttpRequest{.method = "POST", .target = "/", .body = std::string(8 << 20, 'b')}));
  HttpPoolOptions options = TestOptions(port);
  options.retry.max_attempts = 2;
  const absl::Status run = batch.Run(options);
  resetter.join();
  close(listener);
  ASSERT_OK(run);
  EXPECT_THAT(batch[0].final, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(batch[0].final_attempts, 2);
}

TEST(HttpPoolRetryTest, ResetMidBodyIsUnavailableAndRetried) {
  ScriptedHttpServer server([](const ServerRequest& r) {
    if (r.connection == 1) return Respond(200);
    return ServerScript{ServerStep::Send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123"),
                        ServerStep::Wait(absl::Milliseconds(5)), ServerStep::Reset()};
  });
  Batch batch(1);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_OK(batch[0].final);
  ASSERT_EQ(batch[0].final_attempts, 2);
  EXPECT_THAT(batch[0].attempts[0].transport, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(batch[0].attempts[0].body, "0123");
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpPoolRetryTest, StalledServerTimesOutThenTheRetrySucceeds) {
  ScriptedHttpServer server([](const ServerRequest& r) {
    if (r.connection == 0) return ServerScript{ServerStep::Wait(absl::Seconds(10))};
    return Respond(200);
  });
  Batch batch(1);
  HttpPoolOptions options = TestOptions(server.port());
  options.attempt_timeout = absl::Milliseconds(100);
  ASSERT_OK(batch.Run(options));
  EXPECT_OK(batch[0].final);
  ASSERT_EQ(batch[0].final_attempts, 2);
  EXPECT_THAT(batch[0].attempts[0].transport,
              StatusIs(absl::StatusCode::kDeadlineExceeded, "100ms"));
  EXPECT_GE(batch[0].attempts[0].end_time - batch[0].attempts[0].send_time,
            absl::Milliseconds(100));
}

TEST(HttpPoolRetryTest, FreshConnectionClosedBeforeAResponseCountsAnAttempt) {
  ScriptedHttpServer server([](const ServerRequest&) { return ServerScript{ServerStep::Close()}; });
  Batch batch(1);
  HttpPoolOptions options = TestOptions(server.port());
  options.retry.max_attempts = 2;
  ASSERT_OK(batch.Run(options));
  EXPECT_THAT(batch[0].final, StatusIs(absl::StatusCode::kUnavailable, "before responding"));
  EXPECT_EQ(batch[0].final_attempts, 2);
  EXPECT_EQ(batch[0].attempts[0].starts, 1);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpPoolRetryTest, WaitingRetryHoldsNoSlot) {
  // /0 waits 200 ms or so for its retry; meanwhile the one slot serves /1 and /2.
  ScriptedHttpServer server(
      [](const ServerRequest& r) { return Respond(r.on_connection == 0 ? 503 : 200); });
  Batch batch(3);
  HttpPoolOptions options = TestOptions(server.port());
  options.retry.initial = absl::Milliseconds(200);
  options.retry.max = absl::Milliseconds(200);
  ASSERT_OK(batch.Run(options));
  EXPECT_THAT(Targets(server), ElementsAre("/0", "/1", "/2", "/0"));
}

TEST(HttpPoolRetryTest, DueRetryGoesBeforeUntriedExchanges) {
  ScriptedHttpServer server([](const ServerRequest& r) {
    if (r.on_connection == 0) return Respond(503);
    if (r.target == "/1")
      return ServerScript{ServerStep::Wait(absl::Milliseconds(50)), Respond(200)[0]};
    return Respond(200);
  });
  Batch batch(3);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_THAT(Targets(server), ElementsAre("/0", "/1", "/0", "/2"));
}

TEST(HttpPoolRetryTest, OptionsAreValidated) {
  const auto invalid = [](auto change, absl::string_view message) {
    HttpPoolOptions options;
    change(options);
    EXPECT_THAT(ValidateHttpPoolOptions(options),
                StatusIs(absl::StatusCode::kInvalidArgument, message));
  };
  EXPECT_OK(ValidateHttpPoolOptions(HttpPoolOptions()));
  invalid([](HttpPoolOptions& o) { o.host = ""; }, "host is empty");
  invalid([](HttpPoolOptions& o) { o.host = "https://example.com"; }, "TLS is not supported");
  invalid([](HttpPoolOptions& o) { o.host = "http://example.com"; }, "not a host name");
  invalid([](HttpPoolOptions& o) { o.port = 0; }, "port 0 is out of range");
  invalid([](HttpPoolOptions& o) { o.port = 65536; }, "port 65536 is out of range");
  invalid([](HttpPoolOptions& o) { o.concurrency = 0; }, "concurrency 0 is out of range");
  invalid([](HttpPoolOptions& o) { o.concurrency = 1025; }, "expected 1..1024");
  invalid([](HttpPoolOptions& o) { o.retry.max_attempts = 0; }, "max_attempts is 0");
  invalid([](HttpPoolOptions& o) { o.connect_timeout = absl::ZeroDuration(); },
          "connect_timeout is 0");
  invalid([](HttpPoolOptions& o) { o.attempt_timeout = -absl::Seconds(1); },
          "attempt_timeout is -1s");
  invalid([](HttpPoolOptions& o) { o.max_response_bytes = 0; }, "max_response_bytes");
}

TEST(HttpPoolRetryTest, InvalidOptionsEndEveryExchange) {
  Batch batch(2);
  HttpPoolOptions options;
  options.port = 0;
  EXPECT_THAT(batch.Run(options), StatusIs(absl::StatusCode::kInvalidArgument));
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(batch[i].final, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(batch[i].final_attempts, 0);
  }
}

}  // namespace
}  // namespace jb::worker::testing
