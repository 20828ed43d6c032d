#include "tests/sim/sim_testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tasks/prompt.h"

namespace jb::sim::testing {

std::unique_ptr<SimServer> StartServer(const std::string& yaml, int* port, SimServerOptions options,
                                       const std::vector<tasks::Suite>& suites) {
  absl::StatusOr<Profile> profile = ParseProfile("test", yaml);
  EXPECT_TRUE(profile.ok()) << profile.status();
  if (!profile.ok()) return nullptr;
  auto oracle = std::make_shared<const Oracle>(*profile, suites);
  auto server = std::make_unique<SimServer>(*profile, oracle, options);
  absl::StatusOr<int> bound = server->Start("127.0.0.1", 0);
  EXPECT_TRUE(bound.ok()) << bound.status();
  *port = bound.ok() ? *bound : 0;
  return server;
}

namespace {

// Reads from a socket into a buffer, with a per-read timeout.
class Reader {
 public:
  Reader(int fd, absl::Duration timeout) : fd_(fd) {
    timeval tv{};
    tv.tv_sec = absl::ToInt64Seconds(timeout);
    tv.tv_usec = absl::ToInt64Microseconds(timeout) % 1'000'000;
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }

  // Makes at least n bytes available; false on close or timeout.
  bool Fill(size_t n) {
    while (buffer_.size() - pos_ < n) {
      char data[16384];
      const ssize_t got = recv(fd_, data, sizeof(data), 0);
      if (got <= 0) {
        timed_out_ = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        return false;
      }
      buffer_.append(data, static_cast<size_t>(got));
    }
    return true;
  }

  // A line without its CRLF; false when none arrives.
  bool Line(std::string* line) {
    size_t end;
    while ((end = buffer_.find("\r\n", pos_)) == std::string::npos) {
      if (!Fill(buffer_.size() - pos_ + 1)) return false;
    }
    *line = buffer_.substr(pos_, end - pos_);
    pos_ = end + 2;
    return true;
  }

  bool Take(size_t n, std::string* out) {
    if (!Fill(n)) return false;
    *out = buffer_.substr(pos_, n);
    pos_ += n;
    return true;
  }

  // Everything until the connection closes.
  std::string Rest() {
    while (Fill(buffer_.size() - pos_ + 1)) {
    }
    std::string rest = buffer_.substr(pos_);
    pos_ = buffer_.size();
    return rest;
  }

  bool timed_out() const { return timed_out_; }

 private:
  const int fd_;
  std::string buffer_;
  size_t pos_ = 0;
  bool timed_out_ = false;
};

}  // namespace

RawResponse RawRequest(int port, const std::string& method, const std::string& path,
                       const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       absl::Duration timeout) {
  RawResponse out;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    close(fd);
    return out;
  }
  std::string request = absl::StrCat(method, " ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                     "Connection: close\r\nContent-Type: application/json\r\n",
                                     "Content-Length: ", body.size(), "\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&request, name, ": ", value, "\r\n");
  absl::StrAppend(&request, "\r\n", body);
  const absl::Time sent = absl::Now();
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ADD_FAILURE() << "cannot send the request";
  }
  Reader reader(fd, timeout);
  std::string line;
  if (reader.Line(&line) && line.size() >= 12) absl::SimpleAtoi(line.substr(9, 3), &out.status);
  while (out.status != 0 && reader.Line(&line) && !line.empty()) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    out.headers[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  if (out.status != 0 && out.headers["transfer-encoding"] == "chunked") {
    std::string size_line, chunk, crlf;
    while (reader.Line(&size_line)) {
      if (!out.first_byte) out.first_byte = absl::Now() - sent;
      size_t size = 0;
      if (!absl::SimpleHexAtoi(size_line, &size)) break;
      if (size == 0) {
        out.complete = reader.Line(&crlf);
        break;
      }
      if (!reader.Take(size, &chunk) || !reader.Take(2, &crlf)) break;
      out.chunks.push_back(chunk);
      out.body += chunk;
    }
  } else if (out.status != 0) {
    size_t length = 0;
    if (absl::SimpleAtoi(out.headers["content-length"], &length)) {
      out.complete = reader.Take(length, &out.body);
      if (!out.body.empty()) out.first_byte = absl::Now() - sent;
    } else {
      out.body = reader.Rest();
    }
  }
  out.timed_out = reader.timed_out();
  if (!out.complete && !out.timed_out) reader.Rest();
  close(fd);
  return out;
}

std::vector<std::string> SseEvents(const std::string& body) {
  std::vector<std::string> events;
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t end = body.find("\n\n", pos);
    if (body.compare(pos, 6, "data: ") != 0 || end == std::string::npos) {
      ADD_FAILURE() << "not an SSE data event at byte " << pos << ": " << body.substr(pos, 80);
      break;
    }
    const std::string payload = body.substr(pos + 6, end - pos - 6);
    EXPECT_EQ(payload.find('\n'), std::string::npos) << payload;
    events.push_back(payload);
    pos = end + 2;
  }
  return events;
}

double Metric(const std::string& text, const std::string& series) {
  size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      const size_t end = text.find('\n', pos);
      double v = -1;
      EXPECT_TRUE(absl::SimpleAtod(
          text.substr(pos + series.size() + 1, end - pos - series.size() - 1), &v));
      return v;
    }
    ++pos;
  }
  return -1;
}

std::string Metrics(int port) {
  RawResponse res = RawRequest(port, "GET", "/metrics", "");
  EXPECT_EQ(res.status, 200);
  return res.body;
}

std::string BuiltinPrompt(const std::string& suite_name, int index) {
  absl::StatusOr<tasks::Suite> suite = tasks::FindBuiltinSuite(suite_name);
  EXPECT_TRUE(suite.ok()) << suite.status();
  if (!suite.ok()) return "";
  absl::StatusOr<std::string> prompt = tasks::BuildPrompt(suite->task, suite->samples[index]);
  EXPECT_TRUE(prompt.ok()) << prompt.status();
  return prompt.ok() ? *prompt : "";
}

tasks::Suite McSuiteInTempDir(int samples) {
  char tmpl[] = "/tmp/jb-sim-mc-XXXXXX";
  EXPECT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  std::ofstream(dir + "/task.yaml") << "task: mc-colours\nfamily: mcqa\n"
                                       "doc_to_text: \"Question: {{q}}\\nAnswer:\"\n"
                                       "doc_to_target: label\ndoc_to_choice: choices\n"
                                       "output_type: multiple_choice\n";
  const std::vector<std::string> colours = {"red", "dark blue", "green", "a pale yellow"};
  std::ofstream out(dir + "/samples.jsonl");
  for (int i = 0; i < samples; ++i) {
    nlohmann::json choices = nlohmann::json::array();
    for (int k = 0; k < 4; ++k) choices.push_back(colours[(i + k) % 4]);
    out << nlohmann::json{{"q", absl::StrCat("What colour is item ", i, "?")},
                          {"choices", choices},
                          {"label", i % 4}}
               .dump()
        << "\n";
  }
  out.close();
  absl::StatusOr<tasks::Suite> suite = tasks::LoadSuiteDir(dir);
  EXPECT_TRUE(suite.ok()) << suite.status();
  std::filesystem::remove_all(dir);
  return suite.ok() ? *suite : tasks::Suite{};
}

}  // namespace jb::sim::testing
