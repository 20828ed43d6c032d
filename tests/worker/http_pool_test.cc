// RunExchanges against a scripted server: connections, framing, abandoning, limits and
// cancellation. Retries and timeouts are in http_pool_retry_test.cc.
#include "worker/inference/http_pool.h"

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/worker/http_pool_test_util.h"
#include "tests/worker/http_test_server.h"

namespace jb::worker::testing {
namespace {

using ::jb::testing::StatusIs;

ServerScript Ok(absl::string_view body = "ok") {
  return {ServerStep::Send(HttpResponse(200, body))};
}

TEST(HttpPoolTest, KeepAliveReusesOneConnectionPerSlot) {
  ScriptedHttpServer server([](const ServerRequest& r) { return Ok(r.target); });
  Batch batch(60);
  ASSERT_OK(batch.Run(TestOptions(server.port(), /*concurrency=*/4)));
  EXPECT_EQ(server.accepted(), 4);
  ASSERT_EQ(server.requests().size(), 60u);
  for (int i = 0; i < 60; ++i) {
    EXPECT_OK(batch[i].final);
    EXPECT_EQ(batch[i].final_attempts, 1);
    EXPECT_EQ(batch[i].done_calls, 1);
    EXPECT_EQ(batch[i].attempts[0].body, absl::StrCat("/", i));
  }
}

TEST(HttpPoolTest, KeepsExactlyConcurrencyRequestsInFlight) {
  ScriptedHttpServer server([](const ServerRequest&) {
    return ServerScript{ServerStep::Wait(absl::Milliseconds(5)),
                        ServerStep::Send(HttpResponse(200, "ok"))};
  });
  Batch batch(80);
  ASSERT_OK(batch.Run(TestOptions(server.port(), /*concurrency=*/8)));
  EXPECT_EQ(server.max_in_flight(), 8);
  EXPECT_EQ(server.accepted(), 8);
  EXPECT_EQ(server.requests().size(), 80u);
}

TEST(HttpPoolTest, DeliversAChunkedStreamInPiecesWithIncreasingTimes) {
  ScriptedHttpServer server([](const ServerRequest&) {
    ServerScript script = {ServerStep::Send(ChunkedHead())};
    for (int i = 0; i < 5; ++i) {
      script.push_back(ServerStep::Wait(absl::Milliseconds(15)));
      script.push_back(ServerStep::Send(Chunk(absl::StrCat("data: {\"n\":", i, "}\n\n"))));
    }
    script.push_back(ServerStep::Send(Chunk("data: [DONE]\n\n") + Chunk("")));
    return script;
  });
  Batch batch(1);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  ASSERT_OK(batch[0].final);
  const RecordingExchange::Attempt& attempt = batch[0].attempts[0];
  EXPECT_EQ(attempt.head.Header("content-type"), "text/event-stream");
  EXPECT_EQ(attempt.body,
            "data: {\"n\":0}\n\ndata: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: {\"n\":3}\n\n"
            "data: {\"n\":4}\n\ndata: [DONE]\n\n");
  // Chunks 15 ms apart arrive in separate reads, each stamped with its read's time.
  ASSERT_EQ(attempt.piece_times.size(), 6u);
  for (size_t i = 1; i < 5; ++i) {
    EXPECT_GE(attempt.piece_times[i] - attempt.piece_times[i - 1], absl::Milliseconds(10));
  }
  EXPECT_GE(attempt.piece_times[0], attempt.send_time);
  EXPECT_GE(attempt.end_time, attempt.piece_times.back());
}

TEST(HttpPoolTest, SendsTheRequestAndDeliversAContentLengthBody) {
  const std::string big_body(4 << 20, 'q');  // larger than socket buffers: partial writes
  const std::string big_response(1 << 20, 'r');
  ScriptedHttpServer server(
      [&](const ServerRequest& r) { return Ok(r.method == "POST" ? big_response : "small"); });
  Batch batch(0);
  batch.exchanges.push_back(std::make_unique<RecordingExchange>(
      HttpRequest{.method = "POST",
                  .target = "/v1/completions?x=1",
                  .headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "r-1"}},
                  .body = big_body}));
  batch.exchanges.push_back(std::make_unique<RecordingExchange>());
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_OK(batch[0].final);
  EXPECT_EQ(batch[0].attempts[0].body, big_response);
  EXPECT_EQ(batch[1].attempts[0].body, "small");
  EXPECT_EQ(server.accepted(), 1);
  const std::vector<ServerRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/completions?x=1");
  EXPECT_EQ(requests[0].Header("Host"), absl::StrCat("127.0.0.1:", server.port()));
  EXPECT_EQ(requests[0].Header("User-Agent"), "joulebench");
  EXPECT_EQ(requests[0].Header("Connection"), "keep-alive");
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(requests[0].Header("X-Request-Id"), "r-1");
  EXPECT_EQ(requests[0].Header("Content-Length"), std::to_string(big_body.size()));
  EXPECT_TRUE(requests[0].body == big_body);
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].Header("Content-Length"), "");
}

TEST(HttpPoolTest, ReadsABodyUntilTheServerCloses) {
  ScriptedHttpServer server([](const ServerRequest&) {
    return ServerScript{ServerStep::Send("HTTP/1.1 200 OK\r\n\r\npart one, "),
                        ServerStep::Wait(absl::Milliseconds(5)), ServerStep::Send("part two"),
                        ServerStep::Close()};
  });
  Batch batch(3);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  for (int i = 0; i < 3; ++i) {
    EXPECT_OK(batch[i].final);
    EXPECT_EQ(batch[i].attempts[0].body, "part one, part two");
  }
  EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpPoolTest, ConnectionCloseForcesANewConnection) {
  // The server keeps its end open: the client alone must not reuse the connection.
  ScriptedHttpServer server([](const ServerRequest&) {
    return ServerScript{ServerStep::Send(HttpResponse(200, "ok", "Connection: close\r\n"))};
  });
  Batch batch(3);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  for (int i = 0; i < 3; ++i) EXPECT_OK(batch[i].final);
  EXPECT_EQ(server.accepted(), 3);
}

TEST(HttpPoolTest, IdleConnectionClosedByTheServerIsResentTransparently) {
  // The second request on the first connection meets a server that had just closed it.
  ScriptedHttpServer server([](const ServerRequest& r) {
    if (r.connection == 0 && r.on_connection == 1) return ServerScript{ServerStep::Close()};
    return Ok(r.target);
  });
  Batch batch(3);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  for (int i = 0; i < 3; ++i) {
    EXPECT_OK(batch[i].final);
    EXPECT_EQ(batch[i].final_attempts, 1);
    EXPECT_EQ(batch[i].attempts[0].body, absl::StrCat("/", i));
  }
  EXPECT_EQ(batch[1].attempts[0].starts, 2);
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(HttpPoolTest, ACacheCarriesConnectionsFromOneRunToTheNext) {
  ScriptedHttpServer server([](const ServerRequest& r) { return Ok(r.target); });
  HttpConnectionCache cache;
  HttpPoolOptions options = TestOptions(server.port(), /*concurrency=*/4);
  options.connections = &cache;
  for (int run = 0; run < 3; ++run) {
    Batch batch(12);
    ASSERT_OK(batch.Run(options));
    for (int i = 0; i < 12; ++i) EXPECT_OK(batch[i].final);
    EXPECT_EQ(cache.size(), 4u);
  }
  EXPECT_EQ(server.accepted(), 4);  // three runs, one connection per slot
  ASSERT_EQ(server.requests().size(), 36u);

  // A smaller run takes what it needs and leaves the rest cached.
  options.concurrency = 2;
  Batch small(2);
  ASSERT_OK(small.Run(options));
  EXPECT_EQ(server.accepted(), 4);
  EXPECT_EQ(cache.size(), 4u);
}

TEST(HttpPoolTest, ACachedConnectionTheServerClosedIsReplacedWithoutAnAttempt) {
  // Every connection is closed right after its first response, so whatever the cache holds
  // is dead by the next run.
  ScriptedHttpServer server([](const ServerRequest& r) {
    if (r.on_connection == 0) return ServerScript{Ok(r.target)[0], ServerStep::Close()};
    return Ok(r.target);
  });
  HttpConnectionCache cache;
  HttpPoolOptions options = TestOptions(server.port(), /*concurrency=*/2);
  options.connections = &cache;
  Batch first(2);
  ASSERT_OK(first.Run(options));
  Batch second(2);
  ASSERT_OK(second.Run(options));
  for (int i = 0; i < 2; ++i) {
    EXPECT_OK(second[i].final);
    EXPECT_EQ(second[i].final_attempts, 1);
  }
  EXPECT_EQ(server.accepted(), 4);
}

TEST(HttpPoolTest, ServerClosingEveryConnectionAfterItsResponseCostsNoAttempts) {
  ScriptedHttpServer server([](const ServerRequest& r) {
    return ServerScript{Ok(r.target)[0], ServerStep::Close()};
  });
  Batch batch(10);
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  for (int i = 0; i < 10; ++i) {
    EXPECT_OK(batch[i].final);
    EXPECT_EQ(batch[i].final_attempts, 1);
  }
  EXPECT_EQ(server.accepted(), 10);
}

TEST(HttpPoolTest, AbandonedResponseIsAbortedAndItsConnectionClosed) {
  ScriptedHttpServer server([](const ServerRequest&) {
    return ServerScript{ServerStep::Send(ChunkedHead() + Chunk("data: 1\n\n")),
                        ServerStep::Wait(absl::Milliseconds(20)),
                        ServerStep::Send(Chunk("data: 2\n\n") + Chunk(""))};
  });
  Batch batch(2);
  batch[0].on_body = [](const std::string&) { return false; };
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_THAT(batch[0].final, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(batch[0].final_attempts, 1);
  EXPECT_THAT(batch[0].attempts[0].transport, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(batch[0].attempts[0].body, "data: 1\n\n");
  EXPECT_OK(batch[1].final);
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpPoolTest, ResponseLargerThanTheLimitIsOutOfRange) {
  ScriptedHttpServer server([](const ServerRequest& r) {
    if (r.target == "/0") return Ok(std::string(2000, 'x'));
    return ServerScript{ServerStep::Send(ChunkedHead() + Chunk(std::string(600, 'x')) +
                                         Chunk(std::string(600, 'y')) + Chunk(""))};
  });
  Batch batch(2);
  HttpPoolOptions options = TestOptions(server.port());
  options.max_response_bytes = 1000;
  ASSERT_OK(batch.Run(options));
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(batch[i].final, StatusIs(absl::StatusCode::kOutOfRange, "1000 bytes"));
    EXPECT_EQ(batch[i].final_attempts, 1);
  }
  EXPECT_EQ(batch[1].attempts[0].body.size(), 600u);
}

TEST(HttpPoolTest, CancellationEndsEveryExchangePromptly) {
  ScriptedHttpServer server(
      [](const ServerRequest&) { return ServerScript{ServerStep::Wait(absl::Seconds(10))}; });
  Batch batch(5);
  std::atomic<bool> cancel(false);
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(100));
    cancel = true;
  });
  const absl::Time start = absl::Now();
  EXPECT_THAT(batch.Run(TestOptions(server.port(), /*concurrency=*/2), &cancel),
              StatusIs(absl::StatusCode::kCancelled));
  const absl::Duration took = absl::Now() - start;
  canceller.join();
  EXPECT_LT(took, absl::Milliseconds(400));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(batch[i].done_calls, 1);
    EXPECT_THAT(batch[i].final, StatusIs(absl::StatusCode::kCancelled));
    EXPECT_EQ(batch[i].final_attempts, i < 2 ? 1 : 0);
  }
  EXPECT_THAT(batch[0].attempts[0].transport, StatusIs(absl::StatusCode::kCancelled));
}

TEST(HttpPoolTest, CancelledBeforeStartingSendsNothing) {
  ScriptedHttpServer server([](const ServerRequest&) { return Ok(); });
  Batch batch(3);
  std::atomic<bool> cancel(true);
  EXPECT_THAT(batch.Run(TestOptions(server.port()), &cancel),
              StatusIs(absl::StatusCode::kCancelled));
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(batch[i].final, StatusIs(absl::StatusCode::kCancelled));
    EXPECT_EQ(batch[i].final_attempts, 0);
  }
  EXPECT_EQ(server.accepted(), 0);
}

TEST(HttpPoolTest, ResolvesLocalhostAndSpeaksIpv6Literals) {
  ScriptedHttpServer server([](const ServerRequest&) { return Ok(); });
  Batch batch(2);
  HttpPoolOptions options = TestOptions(server.port());
  options.host = "localhost";
  ASSERT_OK(batch.Run(options));
  EXPECT_OK(batch[0].final);
  EXPECT_OK(batch[1].final);

  ScriptedHttpServer server6([](const ServerRequest& r) { return Ok(r.Header("Host")); }, "::1");
  if (server6.port() == 0) GTEST_SKIP() << "no IPv6 loopback here";
  Batch batch6(1);
  options = TestOptions(server6.port());
  options.host = "::1";
  ASSERT_OK(batch6.Run(options));
  EXPECT_OK(batch6[0].final);
  EXPECT_EQ(batch6[0].attempts[0].body, absl::StrCat("[::1]:", server6.port()));
}

TEST(HttpPoolTest, ScalesTo1024Connections) {
  ScriptedHttpServer server([](const ServerRequest&) {
    return ServerScript{ServerStep::Wait(absl::Milliseconds(50)),
                        ServerStep::Send(HttpResponse(200, "ok"))};
  });
  Batch batch(2048);
  ASSERT_OK(batch.Run(TestOptions(server.port(), /*concurrency=*/1024)));
  for (int i = 0; i < 2048; ++i) ASSERT_OK(batch[i].final) << i;
  EXPECT_EQ(server.accepted(), 1024);
  EXPECT_EQ(server.max_in_flight(), 1024);
}

TEST(HttpPoolTest, RequestThatWouldBreakTheFramingIsNotSent) {
  ScriptedHttpServer server([](const ServerRequest&) { return Ok(); });
  Batch batch(0);
  batch.exchanges.push_back(std::make_unique<RecordingExchange>(
      HttpRequest{.method = "GET", .target = "/", .headers = {{"X-Model", "m\r\nX-Evil: 1"}}}));
  batch.exchanges.push_back(std::make_unique<RecordingExchange>());
  ASSERT_OK(batch.Run(TestOptions(server.port())));
  EXPECT_THAT(batch[0].final, StatusIs(absl::StatusCode::kInvalidArgument, "X-Model"));
  EXPECT_EQ(batch[0].final_attempts, 0);
  EXPECT_OK(batch[1].final);
  EXPECT_EQ(server.requests().size(), 1u);
}

}  // namespace
}  // namespace jb::worker::testing
