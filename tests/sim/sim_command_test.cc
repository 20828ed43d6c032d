#include "sim/sim_command.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include "common/shutdown.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/oracle.h"
#include "tests/testing/status_matchers.h"

namespace jb::sim {
namespace {

using ::jb::testing::StatusIs;

TEST(CreateSimServerTest, LoadsTheNamedProfileAndExtraSuites) {
  char tmpl[] = "/tmp/jb-sim-suite-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  std::ofstream(dir + "/task.yaml") << "task: capitals\nfamily: qa\ndoc_to_text: \"{{c}}?\"\n"
                                       "doc_to_target: \"{{a}}\"\n";
  std::ofstream(dir + "/samples.jsonl") << "{\"c\": \"France\", \"a\": \"Paris\"}\n";
  SimOptions options;
  options.profile = "builtin:demo-cpu";
  options.suite_dirs = {dir};
  options.log_level = "warn";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SimServer> server, CreateSimServer(options));
  EXPECT_EQ(server->profile().hardware.name, "sim-cpu");
  EXPECT_EQ(server->oracle().size(), Oracle(server->profile(), {}).size() + 1);
  EXPECT_TRUE(server->oracle().Answer("sim-large-70b", "France?").known);
  std::filesystem::remove_all(dir);
}

TEST(CreateSimServerTest, BadOptionsNameTheProblem) {
  SimOptions options;
  options.log_level = "loud";
  EXPECT_THAT(CreateSimServer(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown level 'loud'"));
  options.log_level = "warn";
  options.profile = "builtin:nope";
  EXPECT_THAT(CreateSimServer(options),
              StatusIs(absl::StatusCode::kNotFound, "no built-in profile"));
  options.profile = "";
  options.suite_dirs = {"/nonexistent/suite"};
  EXPECT_THAT(CreateSimServer(options),
              StatusIs(absl::StatusCode::kNotFound, "/nonexistent/suite"));
}

TEST(RunSimCommandTest, ExitCodesForBadOptionsAndABusyPort) {
  SimOptions options;
  options.log_level = "warn";
  options.profile = "/nonexistent/profile.yaml";
  EXPECT_EQ(RunSimCommand(options), 2);

  SimOptions first;
  first.log_level = "warn";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SimServer> server, CreateSimServer(first));
  ASSERT_OK_AND_ASSIGN(int port, server->Start("127.0.0.1", 0));
  options.profile = "";
  options.host = "127.0.0.1";
  options.port = port;
  // The port is taken: RunSimCommand must fail at once rather than share it and serve forever.
  auto code = std::async(std::launch::async, [&options] { return RunSimCommand(options); });
  if (code.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "RunSimCommand bound a port that another simulator holds";
    Shutdown::Request();
  }
  EXPECT_EQ(code.get(), 1);
}

}  // namespace
}  // namespace jb::sim
