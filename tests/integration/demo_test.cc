// `joulebench demo` as a user runs it: it prints the sweep's report, runs a second time on the
// same state directory, and Ctrl-C (SIGINT) stops every process it started, PostgreSQL
// included; `demo --sweep FILE` runs a sweep file on the simulators its label sim_profiles
// pairs with its hardware classes, and refuses one that leaves a class unpaired before
// starting anything.
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/process.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/status_matchers.h"

namespace jb {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// PIDs of live processes whose command line contains `needle`.
std::vector<pid_t> ProcessesMentioning(const std::string& needle) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
    if (pid <= 0 || pid == getpid()) continue;
    std::string cmdline = ReadFile(entry.path().string() + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    std::string stat = ReadFile(entry.path().string() + "/stat");
    bool zombie = stat.find(") Z ") != std::string::npos;
    if (!zombie && absl::StrContains(cmdline, needle)) out.push_back(pid);
  }
  return out;
}

// PIDs of live children of `parent`.
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
    if (pid <= 0) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'.
    std::string stat = ReadFile(entry.path().string() + "/stat");
    size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
    if (fields.size() > 1 && fields[0] != "Z" && std::atoi(fields[1].c_str()) == parent) {
      out.push_back(pid);
    }
  }
  return out;
}

// True while `pid` exists and is not a zombie (an exited child not yet reaped by its new parent).
bool Alive(pid_t pid) {
  std::string stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  size_t close = stat.rfind(')');
  return close != std::string::npos && stat.compare(close + 2, 1, "Z") != 0;
}

// Waits up to `timeout` for `pid` to be gone; returns whether it is.
bool GoneWithin(pid_t pid, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (Alive(pid)) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jb-demo-XXXXXX";
    dir_ = mkdtemp(tmpl);
    chmod(dir_.c_str(), 0755);  // PostgreSQL runs as the postgres user when we are root.
  }
  void TearDown() override {
    if (HasFailure()) {
      // The processes' own logs say why; print their ends before the directory goes.
      std::error_code ec;
      for (const auto& f : std::filesystem::directory_iterator(dir_ + "/state/logs", ec)) {
        std::string text = ReadFile(f.path().string());
        std::cerr << "==== " << f.path().filename().string() << " (last 3000 bytes)\n"
                  << text.substr(text.size() > 3000 ? text.size() - 3000 : 0) << "\n";
      }
    }
    for (pid_t pid : ProcessesMentioning(dir_)) kill(pid, SIGKILL);
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(DemoTest, RunsTwiceAndCtrlCStopsEveryProcessItStarted) {
  const std::string state = dir_ + "/state";
  // First run: to completion, with its report.
  std::string output;
  ASSERT_OK_AND_ASSIGN(int code, RunCommand({.argv = {JB_BINARY, "demo", "--state-dir", state}},
                                            &output, absl::Minutes(5)));
  ASSERT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output,
                                "2 simulators (sim-gpu: builtin:demo-gpu, sim-cpu: "
                                "builtin:demo-cpu), a coordinator and 2 workers"))
      << output;
  EXPECT_TRUE(absl::StrContains(output, "Sweep 1 (demo): succeeded, sealed")) << output;
  EXPECT_TRUE(absl::StrContains(output, "prometheus-counter (simulated)")) << output;
  EXPECT_TRUE(absl::StrContains(output, "ran on joulebench sim")) << output;
  // Workers without a region get the world average, and the report says so.
  EXPECT_TRUE(absl::StrContains(output, "Carbon is kWh x PUE x grid intensity from world-average"))
      << output;
  EXPECT_TRUE(absl::StrContains(output, "sim-cpu: hardware+electricity")) << output;
  EXPECT_TRUE(ProcessesMentioning(state + "/pg").empty()) << "PostgreSQL outlived the demo";

  // Second run on the same state directory, interrupted once it is up.
  const std::string log = dir_ + "/demo2.log";
  ASSERT_OK_AND_ASSIGN(
      auto demo,
      Subprocess::Start(
          {.argv = {JB_BINARY, "demo", "--state-dir", state, "--keep-running"}, .log_path = log}));
  absl::Time deadline = absl::Now() + absl::Minutes(3);
  while (!absl::StrContains(ReadFile(log), "The stack keeps running") && demo->Running() &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  std::string second = ReadFile(log);
  ASSERT_TRUE(absl::StrContains(second, "The stack keeps running")) << second;
  EXPECT_TRUE(absl::StrContains(second, "Sweep 2 (demo): succeeded, sealed")) << second;
  // The coordinator's JSON API answers at the URL the demo prints.
  const std::string api_mark = "the JSON API at http://127.0.0.1:";
  const size_t api_at = second.find(api_mark);
  int api_port = 0;
  ASSERT_NE(api_at, std::string::npos) << second;
  ASSERT_TRUE(absl::SimpleAtoi(
      second.substr(api_at + api_mark.size(),
                    second.find('/', api_at + api_mark.size()) - api_at - api_mark.size()),
      &api_port))
      << second;
  httplib::Client api("127.0.0.1", api_port);
  api.set_connection_timeout(5);
  api.set_read_timeout(30);
  httplib::Result sweep = api.Get("/api/v1/sweeps/2");
  ASSERT_TRUE(sweep);
  EXPECT_EQ(sweep->status, 200) << sweep->body;
  EXPECT_TRUE(absl::StrContains(sweep->body, R"("state":"succeeded")")) << sweep->body;
  httplib::Result board = api.Get("/api/v1/leaderboard");
  ASSERT_TRUE(board);
  EXPECT_EQ(board->status, 200) << board->body;
  EXPECT_TRUE(absl::StrContains(board->body, R"("simulated":true)")) << board->body;
  // Two simulators, a coordinator and two workers are the demo's children; PostgreSQL (started
  // by pg_ctl, so not a child) names the state directory.
  std::vector<pid_t> children = ChildrenOf(demo->pid());
  EXPECT_GE(children.size(), 5u);
  std::vector<pid_t> postgres;
  for (pid_t pid : ProcessesMentioning(state + "/pg")) postgres.push_back(pid);
  EXPECT_GE(postgres.size(), 1u);
  std::vector<pid_t> started = children;
  started.insert(started.end(), postgres.begin(), postgres.end());

  demo->Signal(SIGINT);
  std::optional<int> exit_code = demo->Wait(absl::Seconds(60));
  ASSERT_TRUE(exit_code.has_value()) << "the demo did not stop on SIGINT";
  EXPECT_EQ(*exit_code, 0) << ReadFile(log);
  for (pid_t pid : started) {
    EXPECT_TRUE(GoneWithin(pid, absl::Seconds(5))) << "process " << pid << " outlived the demo";
  }
  EXPECT_TRUE(ProcessesMentioning(state + "/pg").empty());
}

// The report's section of `task`: from its title line to the blank line after its table.
std::string ReportSection(const std::string& report, const std::string& task) {
  size_t begin = report.find(absl::StrCat("\n", task, ": "));
  if (begin == std::string::npos) return "";
  size_t end = report.find("\n\n", begin + 1);
  return report.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

// A sweep of two models from the Cao et al. profiles on both of that paper's classes, each
// served by its own profile, four samples per task.
constexpr char kSmallPaperSweep[] = R"(name: small-cao
models:
  - {name: Qwen/Qwen2.5-0.5B-Instruct, parameters: 4.94e8}
  - {name: Qwen/Qwen2.5-7B-Instruct, parameters: 7.62e9}
tasks: [sentiment, science-mc]
hardware_classes:
  - {name: a10x8, price_per_hour_usd: 16.00}
  - a100x8
sample_limit: 4
shard_size: 4
concurrency: 4
idle_baseline_s: 0.1
labels:
  sim_profiles: "a10x8=builtin:cao2026-a10,a100x8=builtin:cao2026-a100"
)";

TEST_F(DemoTest, SweepFileRunsOnItsPairedSimulatorsAndReportsEveryCell) {
  const std::string sweep = dir_ + "/small-cao.yaml";
  std::ofstream(sweep) << kSmallPaperSweep;
  std::string output;
  ASSERT_OK_AND_ASSIGN(
      int code,
      RunCommand({.argv = {JB_BINARY, "demo", "--sweep", sweep, "--state-dir", dir_ + "/state"}},
                 &output, absl::Minutes(5)));
  ASSERT_EQ(code, 0) << output;
  EXPECT_TRUE(absl::StrContains(output,
                                "2 simulators (a10x8: builtin:cao2026-a10, a100x8: "
                                "builtin:cao2026-a100), a coordinator and 2 workers"))
      << output;
  EXPECT_TRUE(absl::StrContains(output, "Sweep 1 (small-cao): succeeded, sealed")) << output;
  for (const char* task : {"sentiment", "science-mc"}) {
    const std::string section = ReportSection(output, task);
    ASSERT_FALSE(section.empty()) << "no section for " << task << " in\n" << output;
    int cells = 0;
    for (const char* model : {"Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-7B-Instruct"}) {
      for (const char* hardware_class : {"a10x8", "a100x8"}) {
        bool found = false;
        for (absl::string_view line : absl::StrSplit(section, '\n')) {
          std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
          // A row: model, hardware class, samples, ...
          if (words.size() > 2 && words[0] == model && words[1] == hardware_class) {
            found = true;
            EXPECT_EQ(words[2], "4") << line;
          }
        }
        EXPECT_TRUE(found) << task << " " << model << " " << hardware_class << " in\n" << section;
        cells += found;
      }
    }
    EXPECT_EQ(cells, 4);
  }
  EXPECT_TRUE(ProcessesMentioning(dir_ + "/state/pg").empty()) << "PostgreSQL outlived the demo";
}

TEST_F(DemoTest, SweepWithAnUnpairedClassIsRefusedBeforeAnythingStarts) {
  const std::string sweep = dir_ + "/unpaired.yaml";
  std::ofstream(sweep) << R"(name: unpaired
models: [{name: sim-small-1b, parameters: 1.1e9}]
tasks: [sentiment-mini]
hardware_classes: [sim-gpu, my-cpu]
labels: {sim_profiles: "sim-gpu=builtin:demo-gpu"}
)";
  const std::string state = dir_ + "/state";
  std::string output;
  ASSERT_OK_AND_ASSIGN(
      int code, RunCommand({.argv = {JB_BINARY, "demo", "--sweep", sweep, "--state-dir", state}},
                           &output, absl::Seconds(30)));
  EXPECT_EQ(code, 2) << output;
  EXPECT_TRUE(absl::StrContains(
      output, absl::StrCat("error: ", sweep, ": hardware class 'my-cpu' has no simulator profile")))
      << output;
  EXPECT_TRUE(absl::StrContains(output, "add my-cpu=PROFILE to the label")) << output;
  EXPECT_FALSE(std::filesystem::exists(state)) << "the demo started something";
}

}  // namespace
}  // namespace jb
