// RecordingExchange: an HttpExchange for the pool's tests that records every call, checks the
// order the contract promises (http_exchange.h), and judges attempts like a real exchange:
// a transport error as is, a non-2xx status through StatusForHttpStatus, else OK.
// Thread-compatible: used on the pool's thread, read by the test after RunExchanges returns.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "worker/inference/http_exchange.h"

namespace jb::worker::testing {

class RecordingExchange : public HttpExchange {
 public:
  struct Attempt {
    int number = 0;
    // OnAttemptStart calls for this attempt (2 when the pool re-sent it transparently).
    int starts = 0;
    absl::Duration send_time;
    int status = 0;
    HttpResponseHead head;
    std::string body;
    std::vector<size_t> piece_sizes;
    std::vector<absl::Duration> piece_times;
    absl::Status transport;
    bool ended = false;
    absl::Duration end_time;
  };

  explicit RecordingExchange(HttpRequest request = {.method = "GET", .target = "/"})
      : request_(std::move(request)) {}

  const HttpRequest& request() const override { return request_; }

  void OnAttemptStart(int attempt, absl::Duration send_time) override {
    EXPECT_EQ(done_calls, 0) << "an attempt after OnDone";
    if (attempts.empty() || attempts.back().ended) {
      EXPECT_EQ(attempt, static_cast<int>(attempts.size()) + 1);
      attempts.emplace_back();
    } else {
      // A transparent re-send: the same attempt again, before anything of a response.
      EXPECT_EQ(attempt, attempts.back().number);
      EXPECT_EQ(attempts.back().status, 0);
      EXPECT_TRUE(attempts.back().body.empty());
    }
    Attempt& current = attempts.back();
    current.number = attempt;
    ++current.starts;
    current.send_time = send_time;
  }

  void OnResponseHead(const HttpResponseHead& head, absl::Duration now) override {
    ASSERT_FALSE(attempts.empty());
    EXPECT_EQ(attempts.back().status, 0) << "a second head";
    EXPECT_GE(now, attempts.back().send_time);
    attempts.back().status = head.status;
    attempts.back().head = head;
  }

  bool OnBody(absl::string_view data, absl::Duration now) override {
    Attempt& current = attempts.back();
    EXPECT_NE(current.status, 0) << "body before head";
    if (!current.piece_times.empty()) {
      EXPECT_GE(now, current.piece_times.back());
    }
    current.body.append(data.data(), data.size());
    current.piece_sizes.push_back(data.size());
    current.piece_times.push_back(now);
    return !on_body || on_body(current.body);
  }

  absl::Status OnAttemptEnd(absl::Status transport, absl::Duration now) override {
    Attempt& current = attempts.back();
    EXPECT_FALSE(current.ended) << "OnAttemptEnd twice";
    current.ended = true;
    current.transport = transport;
    current.end_time = now;
    if (!transport.ok()) return transport;
    if (current.status < 200 || current.status > 299) {
      return StatusForHttpStatus(current.status, absl::StrCat("HTTP ", current.status));
    }
    return absl::OkStatus();
  }

  void OnDone(absl::Status final_status, int attempt_count) override {
    ++done_calls;
    final = std::move(final_status);
    final_attempts = attempt_count;
    EXPECT_EQ(attempt_count, static_cast<int>(attempts.size()));
    if (!attempts.empty()) {
      EXPECT_TRUE(attempts.back().ended);
    }
  }

  // Returns whether to go on, given the body so far; unset means always.
  std::function<bool(const std::string& body)> on_body;

  std::vector<Attempt> attempts;
  int done_calls = 0;
  absl::Status final = absl::UnknownError("not done");
  int final_attempts = -1;

 private:
  const HttpRequest request_;
};

}  // namespace jb::worker::testing
