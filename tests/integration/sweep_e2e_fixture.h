// The fixture of the multi-process sweep tests (sweep_e2e_test.cc, scoring_e2e_test.cc): one
// LocalStack for the whole test suite, as real processes: a private PostgreSQL, a coordinator
// and two simulators with their workers:
//   hardware class "sim"       the built-in demo profile (chat and completions), two workers,
//                              and a suite directory mc-colours the oracle also knows;
//   hardware class "sim-chat"  a chat-only server (`endpoints: [chat]`) serving sim-small-1b
//                              with the demo profile's seed and skills, one worker with the
//                              default --multiple-choice auto.
// Every test file uses this one class, so gtest sets the stack up once for all of them. Tests
// scope their queries to their own sweep (SweepId), so they pass in any order.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/local_stack.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "sim/profile.h"

namespace jb {

class SweepEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/jb-e2e-XXXXXX";
    dir_ = mkdtemp(tmpl);
    // As root, PostgreSQL runs as the postgres user, which must be able to enter this directory.
    chmod(dir_.c_str(), 0755);
    WriteMultipleChoiceSuite(dir_ + "/mc-colours");
    auto chat_profile = WriteChatOnlyProfile();
    ASSERT_TRUE(chat_profile.ok()) << chat_profile.status();
    cli::LocalStackOptions options;
    options.binary = JB_BINARY;
    options.state_dir = dir_ + "/state";
    options.sims = {{.profile = "",
                     .hardware_class = "sim",
                     .workers = 2,
                     .suite_dirs = {dir_ + "/mc-colours"}},
                    {.profile = *chat_profile, .hardware_class = "sim-chat", .workers = 1}};
    auto stack = cli::LocalStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = stack->release();
  }

  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    std::filesystem::remove_all(dir_);
  }

  // Runs `joulebench ARGS...` and returns its exit code; output in *output.
  static int Joulebench(std::vector<std::string> args, std::string* output) {
    args.insert(args.begin(), JB_BINARY);
    auto code = RunCommand({.argv = args}, output, absl::Minutes(5));
    EXPECT_TRUE(code.ok()) << code.status();
    return code.ok() ? *code : -1;
  }

  // Writes `yaml` to NAME.yaml, submits it with --wait and returns the exit code.
  static int SubmitAndWait(const std::string& name, const std::string& yaml, std::string* output) {
    const std::string sweep = WriteFile(name + ".yaml", yaml);
    return Joulebench({"submit", sweep, "--wait", "--poll-interval", "0.3", "--coordinator",
                       stack_->coordinator_address()},
                      output);
  }

  // A multiple_choice suite of 12 questions with four choices each, some of several words.
  static void WriteMultipleChoiceSuite(const std::string& dir) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/task.yaml") << "task: mc-colours\nfamily: mcqa\n"
                                         "doc_to_text: \"Question: {{q}}\\nAnswer:\"\n"
                                         "doc_to_target: label\ndoc_to_choice: choices\n"
                                         "output_type: multiple_choice\n";
    const char* colours[] = {"red", "dark blue", "green", "a pale yellow"};
    std::ofstream out(dir + "/samples.jsonl");
    for (int i = 0; i < 12; ++i) {
      out << absl::StrCat("{\"q\": \"What colour is item ", i, "?\", \"choices\": [\"",
                          colours[i % 4], "\", \"", colours[(i + 1) % 4], "\", \"",
                          colours[(i + 2) % 4], "\", \"", colours[(i + 3) % 4],
                          "\"], \"label\": ", i % 4, "}\n");
    }
  }

  // The chat-only profile: sim-small-1b with the demo profile's seed and skills (so the oracle
  // draws the same answers as on "sim"), no latency. Returns its path.
  static absl::StatusOr<std::string> WriteChatOnlyProfile() {
    absl::StatusOr<sim::Profile> demo = sim::DefaultProfile();
    if (!demo.ok()) return demo.status();
    const sim::ModelProfile* model = demo->FindModel("sim-small-1b");
    if (model == nullptr) return absl::NotFoundError("the demo profile has no sim-small-1b");
    std::string skills = absl::StrFormat("default: %.17g", model->default_skill);
    for (const auto& [task, skill] : model->skill) {
      absl::StrAppend(&skills, absl::StrFormat(", %s: %.17g", task, skill));
    }
    return WriteFile("chat-only.yaml",
                     absl::StrFormat("seed: %d\nendpoints: [chat]\n"
                                     "hardware: {name: sim-chat, idle_w: 10, busy_w: 50}\n"
                                     "models:\n  - name: %s\n    parameters: %.17g\n"
                                     "    skill: {%s}\n",
                                     demo->seed, model->name, model->parameters, skills));
  }

  static std::string WriteFile(const std::string& name, const std::string& contents) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << contents;
    return path;
  }

  static int64_t Count(const std::string& sql) {
    pqxx::connection c(stack_->db_url());
    pqxx::work tx(c);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  // The id of the one sweep named `name`; -1 (and a failure) when there is not exactly one.
  static int64_t SweepId(const std::string& name) {
    pqxx::connection c(stack_->db_url());
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params("SELECT id FROM sweeps WHERE name = $1", name);
    EXPECT_EQ(r.size(), 1u) << "sweeps named " << name;
    return r.size() == 1 ? r[0][0].as<int64_t>() : -1;
  }

  static inline std::string dir_;
  static inline cli::LocalStack* stack_ = nullptr;
};

}  // namespace jb
