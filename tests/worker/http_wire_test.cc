// The pool's pieces that need no sockets: request serialization, Retry-After, status mapping,
// the retry schedule and the deadline lists.
#include "worker/inference/http_wire.h"

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "worker/inference/event_loop_deadlines.h"
#include "worker/inference/http_exchange.h"
#include "worker/inference/http_schedule.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::Optional;

TEST(HttpWireTest, SerializesTheRequestHeadOnce) {
  const HttpRequest request = {.method = "POST",
                               .target = "/v1/chat/completions",
                               .headers = {{"Content-Type", "application/json"}},
                               .body = "{\"a\":1}"};
  ASSERT_OK_AND_ASSIGN(std::string head, SerializeRequestHead(request, "h:8000"));
  EXPECT_EQ(head,
            "POST /v1/chat/completions HTTP/1.1\r\nHost: h:8000\r\nUser-Agent: joulebench\r\n"
            "Content-Length: 7\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n"
            "\r\n");
  ASSERT_OK_AND_ASSIGN(head, SerializeRequestHead({.method = "GET", .target = "/health"}, "h"));
  EXPECT_EQ(head,
            "GET /health HTTP/1.1\r\nHost: h\r\nUser-Agent: joulebench\r\n"
            "Connection: keep-alive\r\n\r\n");
}

TEST(HttpWireTest, RefusesRequestsThatWouldBreakTheFraming) {
  const HttpRequest bad[] = {
      {.method = "GE T", .target = "/"},
      {.method = "GET", .target = "no-slash"},
      {.method = "GET", .target = "/a b"},
      {.method = "GET", .target = "/", .headers = {{"X", "a\r\nInjected: 1"}}},
      {.method = "GET", .target = "/", .headers = {{"Bad Name", "v"}}},
      {.method = "GET", .target = "/", .headers = {{"X", std::string("a\0b", 3)}}},
  };
  for (const HttpRequest& request : bad) {
    EXPECT_THAT(SerializeRequestHead(request, "h"), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(HttpWireTest, HostHeaderBracketsIpv6AndOmitsPort80) {
  EXPECT_EQ(HostHeader("example.com", 80), "example.com");
  EXPECT_EQ(HostHeader("127.0.0.1", 8000), "127.0.0.1:8000");
  EXPECT_EQ(HostHeader("::1", 8000), "[::1]:8000");
}

TEST(HttpWireTest, ParsesRetryAfterSecondsAndDates) {
  const absl::Time now = absl::FromUnixSeconds(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_THAT(ParseRetryAfter("120", now), Optional(absl::Seconds(120)));
  EXPECT_THAT(ParseRetryAfter(" 0 ", now), Optional(absl::ZeroDuration()));
  EXPECT_THAT(ParseRetryAfter("99999999999999999999999", now), Optional(absl::InfiniteDuration()));
  EXPECT_THAT(ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), Optional(absl::Seconds(30)));
  EXPECT_THAT(ParseRetryAfter("Sunday, 06-Nov-94 08:49:47 GMT", now), Optional(absl::Seconds(10)));
  EXPECT_THAT(ParseRetryAfter("Sun Nov  6 08:49:42 1994", now), Optional(absl::Seconds(5)));
  EXPECT_THAT(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now),
              Optional(absl::ZeroDuration()));
  EXPECT_EQ(ParseRetryAfter("-5", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(HttpExchangeTest, StatusesMapByRetryMeaning) {
  EXPECT_THAT(StatusForHttpStatus(429, "m"), StatusIs(absl::StatusCode::kResourceExhausted, "m"));
  EXPECT_THAT(StatusForHttpStatus(408, "m"), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(StatusForHttpStatus(500, "m"), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(StatusForHttpStatus(599, "m"), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(StatusForHttpStatus(404, "m"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(StatusForHttpStatus(400, "m"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(StatusForHttpStatus(401, "m"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(StatusForHttpStatus(302, "m"), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(StatusForHttpStatus(101, "m"), StatusIs(absl::StatusCode::kInternal));
  EXPECT_TRUE(IsRetryableAttempt(absl::UnavailableError("")));
  EXPECT_TRUE(IsRetryableAttempt(absl::ResourceExhaustedError("")));
  EXPECT_TRUE(IsRetryableAttempt(absl::DeadlineExceededError("")));
  EXPECT_FALSE(IsRetryableAttempt(absl::OkStatus()));
  EXPECT_FALSE(IsRetryableAttempt(absl::AbortedError("")));
  EXPECT_FALSE(IsRetryableAttempt(absl::InternalError("")));
  EXPECT_FALSE(IsRetryableAttempt(absl::OutOfRangeError("")));
  EXPECT_FALSE(IsRetryableAttempt(absl::CancelledError("")));
}

TEST(HttpScheduleTest, DueRetriesGoFirstThenUntriedInOrder) {
  HttpSchedule schedule(3, {absl::Milliseconds(100), absl::Seconds(1), 2.0, 3}, absl::Seconds(5));
  const absl::Duration t0 = absl::Seconds(10);
  EXPECT_THAT(schedule.TakeReady(t0), Optional(0u));
  EXPECT_EQ(schedule.CountAttempt(0), 1);
  const absl::Duration wait = schedule.ScheduleRetry(0, t0, std::nullopt);
  EXPECT_GE(wait, absl::Milliseconds(50));
  EXPECT_LE(wait, absl::Milliseconds(100));
  EXPECT_EQ(schedule.NextRetryDue(), t0 + wait);
  EXPECT_THAT(schedule.TakeReady(t0), Optional(1u));
  EXPECT_THAT(schedule.TakeReady(t0 + wait), Optional(0u));
  EXPECT_THAT(schedule.TakeReady(t0 + wait), Optional(2u));
  EXPECT_EQ(schedule.TakeReady(t0 + wait), std::nullopt);
  EXPECT_EQ(schedule.NextRetryDue(), absl::InfiniteDuration());
}

TEST(HttpScheduleTest, RetryAfterWinsWhenLongerUpToTheCap) {
  HttpSchedule schedule(1, {absl::Milliseconds(100), absl::Seconds(1), 2.0, 5}, absl::Seconds(5));
  const absl::Duration now = absl::Seconds(1);
  EXPECT_EQ(schedule.ScheduleRetry(0, now, absl::Seconds(2)), absl::Seconds(2));
  schedule.TakeReady(absl::InfiniteDuration());
  EXPECT_EQ(schedule.ScheduleRetry(0, now, absl::Hours(1)), absl::Seconds(5));
  schedule.TakeReady(absl::InfiniteDuration());
  EXPECT_LT(schedule.ScheduleRetry(0, now, absl::ZeroDuration()), absl::Seconds(1));
}

TEST(HttpScheduleTest, BackoffIsReproduciblePerExchange) {
  const BackoffOptions retry = {absl::Milliseconds(100), absl::Seconds(10), 2.0, 5};
  HttpSchedule a(2, retry, absl::Seconds(5));
  HttpSchedule b(2, retry, absl::Seconds(5));
  for (int i = 0; i < 4; ++i) {
    const absl::Duration wait = a.ScheduleRetry(1, absl::ZeroDuration(), std::nullopt);
    EXPECT_EQ(wait, b.ScheduleRetry(1, absl::ZeroDuration(), std::nullopt));
    EXPECT_GE(wait, absl::Milliseconds(50) * (1 << i));
    EXPECT_LE(wait, absl::Milliseconds(100) * (1 << i));
  }
  // Different exchanges get different jitter.
  HttpSchedule c(2, retry, absl::Seconds(5));
  EXPECT_NE(c.ScheduleRetry(0, absl::ZeroDuration(), std::nullopt),
            c.ScheduleRetry(1, absl::ZeroDuration(), std::nullopt));
}

TEST(HttpScheduleTest, CountsAttemptsAgainstTheMaximum) {
  HttpSchedule schedule(1, {absl::Milliseconds(1), absl::Seconds(1), 2.0, 2}, absl::Seconds(5));
  EXPECT_EQ(schedule.CountAttempt(0), 1);
  EXPECT_TRUE(schedule.CanRetry(0));
  EXPECT_EQ(schedule.CountAttempt(0), 2);
  EXPECT_FALSE(schedule.CanRetry(0));
  schedule.request_head(0) = "GET / HTTP/1.1\r\n\r\n";
  schedule.Finish(0);
  EXPECT_TRUE(schedule.finished(0));
  EXPECT_EQ(schedule.finished_count(), 1u);
  EXPECT_TRUE(schedule.request_head(0).empty());
}

TEST(DeadlineListTest, KeepsArmingOrderAndDisarmsAnywhere) {
  DeadlineList list(4);
  EXPECT_EQ(list.earliest(), -1);
  list.Arm(2, absl::Seconds(1));
  list.Arm(0, absl::Seconds(2));
  list.Arm(3, absl::Seconds(3));
  EXPECT_EQ(list.earliest(), 2);
  list.Disarm(0);                 // from the middle
  list.Disarm(0);                 // twice is harmless
  list.Disarm(1);                 // never armed
  list.Arm(2, absl::Seconds(4));  // re-arming moves it to the end
  EXPECT_EQ(list.earliest(), 3);
  EXPECT_EQ(list.deadline(3), absl::Seconds(3));
  list.Disarm(3);
  EXPECT_EQ(list.earliest(), 2);
  list.Disarm(2);
  EXPECT_EQ(list.earliest(), -1);
}

}  // namespace
}  // namespace jb::worker
