// Helpers for the simulator's tests: start a SimServer from profile YAML on 127.0.0.1 port 0,
// talk raw HTTP/1.1 to it (so tests see the exact bytes, chunk boundaries and how a response
// ends), split a server-sent-events body, and read a series from /metrics.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/server.h"
#include "tasks/suite.h"

namespace jb::sim::testing {

// A started server for `yaml`; *port gets its port. Fails the test on a bad profile.
std::unique_ptr<SimServer> StartServer(const std::string& yaml, int* port,
                                       SimServerOptions options = {},
                                       const std::vector<tasks::Suite>& suites = {});

struct RawResponse {
  // 0 when no status line arrived (the connection closed or timed out first).
  int status = 0;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  // The body: de-chunked when chunked.
  std::string body;
  // Each chunk's payload, in order, when chunked.
  std::vector<std::string> chunks;
  // The response ended properly: the terminating chunk, or the whole Content-Length.
  bool complete = false;
  // The read timed out before the connection closed.
  bool timed_out = false;
  // When the first body byte arrived, after the request was sent; unset when none did.
  std::optional<absl::Duration> first_byte;
};

// Sends one request with "Connection: close" and reads until the server closes the connection
// or `timeout` passes without data.
RawResponse RawRequest(int port, const std::string& method, const std::string& path,
                       const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers = {},
                       absl::Duration timeout = absl::Seconds(10));

// The payloads of a text/event-stream body, checking that it is a sequence of
// "data: <payload>\n\n" events and nothing else (a test failure otherwise).
std::vector<std::string> SseEvents(const std::string& body);

// The value of the first exposition line that starts with `series` + " ", or -1.
double Metric(const std::string& text, const std::string& series);

// GET /metrics.
std::string Metrics(int port);

// The prompt of sample `index` of the built-in suite `suite_name`.
std::string BuiltinPrompt(const std::string& suite_name, int index);

// A multiple_choice suite "mc-colours" of `samples` questions with four choices each (some of
// several words), written as task.yaml + samples.jsonl into a fresh temporary directory and
// loaded from there, as `joulebench sim --suites DIR` would.
tasks::Suite McSuiteInTempDir(int samples);

}  // namespace jb::sim::testing
