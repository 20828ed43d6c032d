// `joulebench suites list|show|validate` as a user runs them: the built binary, its output and
// its exit code (0 ok, 1 a suite failed, 2 an argument names no suite).
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tasks/prompt.h"
#include "tasks/suite.h"
#include "tests/testing/joulebench_run.h"
#include "tests/testing/status_matchers.h"

namespace jb {
namespace {

using ::jb::testing::CommandRun;
using ::jb::testing::RunJoulebench;
using ::testing::HasSubstr;
using ::testing::Not;

// The text between the marker lines `suites show` puts around a block.
std::string Block(const std::string& output, const std::string& title) {
  const std::string open = "----- " + title + " -----\n";
  const std::string close = "\n----- end of " + title + " -----\n";
  const size_t begin = output.find(open);
  const size_t end = output.find(close, begin);
  if (begin == std::string::npos || end == std::string::npos) return "<no " + title + " block>";
  return output.substr(begin + open.size(), end - begin - open.size());
}

class SuitesCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/jb_suites_cmd_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes a suite directory `name` under the temp dir and returns its path.
  std::string WriteSuite(const std::string& name, const std::string& task_yaml,
                         const std::string& samples) {
    const std::string path = dir_ + "/" + name;
    std::filesystem::create_directories(path);
    std::ofstream(path + "/task.yaml") << task_yaml;
    std::ofstream(path + "/samples.jsonl") << samples;
    return path;
  }

  std::string dir_;
};

constexpr char kCodeYaml[] = R"(task: tiny-code
family: code-generation
doc_to_text: "{{prompt}}"
doc_to_target: "{{test}}"
filter_list:
  - name: create_test
    filter:
      - function: build_predictions
metric_list:
  - metric: pass_at_k
canonical_solution: "{{canonical_solution}}"
)";
constexpr char kRightSolution[] =
    R"({"prompt": "def add(a, b):\n", "canonical_solution": "    return a + b\n", "test": "assert add(2, 3) == 5"})"
    "\n";
constexpr char kWrongSolution[] =
    R"({"prompt": "def sub(a, b):\n", "canonical_solution": "    return a + b\n", "test": "assert sub(5, 3) == 2, 'sub is wrong'"})"
    "\n";

constexpr char kGreetYaml[] = R"(task: greet
family: other
doc_to_text: "Say hi to {{name}}"
doc_to_target: "{{reply}}"
)";
constexpr char kGreetSamples[] =
    "{\"name\": \"Ann\", \"reply\": \"hi\"}\n"
    "{\"name\": \"Bo\", \"reply\": \"hey\"}\n";

TEST_F(SuitesCommandTest, ListShowsEveryBuiltinSuiteWithItsHash) {
  const std::vector<tasks::Suite>& builtin = tasks::BuiltinSuites();
  ASSERT_FALSE(builtin.empty());
  CommandRun table = RunJoulebench({"suites", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.output;
  std::vector<std::string> lines = absl::StrSplit(table.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), builtin.size() + 2) << table.output;  // header, rule, one per suite
  for (size_t i = 0; i < builtin.size(); ++i) {
    std::vector<std::string> cells = absl::StrSplit(lines[i + 2], ' ', absl::SkipEmpty());
    EXPECT_EQ(cells.front(), builtin[i].task.name());
    EXPECT_EQ(cells.back(), builtin[i].task.content_hash().substr(0, 12));
  }

  CommandRun json = RunJoulebench({"suites", "list", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const nlohmann::json rows = nlohmann::json::parse(json.output);
  ASSERT_EQ(rows.size(), builtin.size());
  for (size_t i = 0; i < builtin.size(); ++i) {
    EXPECT_EQ(rows[i]["name"], builtin[i].task.name());
    EXPECT_EQ(rows[i]["content_hash"], builtin[i].task.content_hash());
    EXPECT_EQ(rows[i]["samples"], builtin[i].samples.size());
  }
}

TEST_F(SuitesCommandTest, ShowPrintsTheExactPromptAWorkerBuilds) {
  // A few-shot suite when there is one: its prompt holds the shots.
  const std::vector<tasks::Suite>& builtin = tasks::BuiltinSuites();
  const tasks::Suite* suite = &builtin.front();
  for (const tasks::Suite& s : builtin) {
    if (s.task.num_fewshot() > 0) suite = &s;
  }
  const size_t index = std::min<size_t>(3, suite->samples.size() - 1);
  ASSERT_OK_AND_ASSIGN(std::string prompt, tasks::BuildPrompt(suite->task, suite->samples[index]));

  CommandRun text =
      RunJoulebench({"suites", "show", suite->task.name(), "--sample", std::to_string(index)});
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(Block(text.output, "prompt"), prompt);
  EXPECT_THAT(text.output, HasSubstr(suite->task.content_hash()));

  CommandRun json = RunJoulebench({"suites", "show", suite->task.name(), "--sample",
                                   std::to_string(index), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const nlohmann::json shown = nlohmann::json::parse(json.output);
  EXPECT_EQ(shown["sample"]["prompt"], prompt);
  EXPECT_EQ(shown["content_hash"], suite->task.content_hash());
  EXPECT_EQ(shown["task"]["name"], suite->task.name());
}

TEST_F(SuitesCommandTest, ShowRendersTheCanonicalProgramOfACodeSuite) {
  const std::string path = WriteSuite("code", kCodeYaml, std::string(kRightSolution));
  CommandRun run = RunJoulebench({"suites", "show", path});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Block(run.output, "canonical solution"), "    return a + b\n");
  EXPECT_EQ(Block(run.output, "program pass_at_k runs (create_test/pass_at_k)"),
            "def add(a, b):\n    return a + b\n\nassert add(2, 3) == 5");
}

TEST_F(SuitesCommandTest, ShowRejectsASampleOutOfRangeAsAUsageError) {
  CommandRun run = RunJoulebench(
      {"suites", "show", WriteSuite("g", kGreetYaml, kGreetSamples), "--sample", "2"});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_THAT(run.output, HasSubstr("--sample 2 is out of range"));
}

TEST_F(SuitesCommandTest, ValidatePassesAGoodSuiteGivenAsDirectoryOrYamlFile) {
  const std::string path = WriteSuite("greet", kGreetYaml, kGreetSamples);
  CommandRun run = RunJoulebench({"suites", "validate", path});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("ok   " + path + "  2 samples"));

  // The same suite rooted at a YAML file of another name.
  std::filesystem::rename(path + "/task.yaml", path + "/greet.yaml");
  run = RunJoulebench({"suites", "validate", path + "/greet.yaml"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST_F(SuitesCommandTest, ValidateRunsEveryCanonicalSolutionAndPassesWhenAllPass) {
  const std::string path =
      WriteSuite("code", kCodeYaml, std::string(kRightSolution) + kRightSolution);
  CommandRun run =
      RunJoulebench({"suites", "validate", path, "--allow-unsandboxed-code", "--jobs", "2"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("2 samples, 2/2 canonical solutions pass (sandbox: "));
}

TEST_F(SuitesCommandTest, ValidateFailsAndNamesTheSampleWhoseCanonicalSolutionIsWrong) {
  const std::string path =
      WriteSuite("code", kCodeYaml, std::string(kRightSolution) + kWrongSolution);
  CommandRun run =
      RunJoulebench({"suites", "validate", path, "--allow-unsandboxed-code", "--jobs", "2"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL " + path + "  2 samples, 1/2 canonical solutions pass"));
  EXPECT_THAT(run.output, HasSubstr("sample 1: canonical solution fails create_test/pass_at_k"));
  EXPECT_THAT(run.output, HasSubstr("AssertionError: sub is wrong"));
  EXPECT_THAT(run.output, Not(HasSubstr("sample 0:")));
}

TEST_F(SuitesCommandTest, ValidateFailsAMultipleChoiceGoldOutOfRange) {
  const std::string path =
      WriteSuite("mc", R"(task: mc
output_type: multiple_choice
doc_to_text: "{{q}}"
doc_to_target: "{{gold}}"
doc_to_choice: ["yes", "no"]
metric_list:
  - metric: acc
)",
                 "{\"q\": \"a?\", \"gold\": 0}\n{\"q\": \"b?\", \"gold\": 2}\n");
  CommandRun run = RunJoulebench({"suites", "validate", path});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  // The loader finds it first and names the sample by its line.
  EXPECT_THAT(run.output, HasSubstr("FAIL " + path + "  does not load"));
  EXPECT_THAT(run.output,
              HasSubstr(path + "/samples.jsonl:2: doc_to_target: index 2 is out of range"));
}

TEST_F(SuitesCommandTest, ValidateReportsALoaderErrorWithFileAndLine) {
  const std::string path =
      WriteSuite("bad", std::string(kGreetYaml) + "no_such_key: 1\n", kGreetSamples);
  CommandRun run = RunJoulebench({"suites", "validate", path});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("FAIL " + path + "  does not load"));
  EXPECT_THAT(run.output, HasSubstr(path + "/task.yaml:5"));
}

TEST_F(SuitesCommandTest, ArgumentsThatNameNoSuiteAreUsageErrors) {
  CommandRun missing = RunJoulebench({"suites", "validate", dir_ + "/nowhere"});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("does not exist"));

  CommandRun unknown = RunJoulebench({"suites", "show", "no-such-builtin-suite"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("no built-in suite named 'no-such-builtin-suite'"));

  CommandRun none = RunJoulebench({"suites", "validate"});
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_THAT(none.output, HasSubstr("--all"));

  // A good suite named beside a missing one: nothing is validated.
  CommandRun mixed = RunJoulebench(
      {"suites", "validate", WriteSuite("g", kGreetYaml, kGreetSamples), dir_ + "/nowhere"});
  EXPECT_EQ(mixed.exit_code, 2) << mixed.output;
  EXPECT_THAT(mixed.output, Not(HasSubstr("ok ")));
}

TEST_F(SuitesCommandTest, ValidateAllChecksEveryBuiltinSuite) {
  CommandRun run = RunJoulebench({"suites", "validate", "--all", "--allow-unsandboxed-code"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (const tasks::Suite& suite : tasks::BuiltinSuites()) {
    EXPECT_THAT(run.output, HasSubstr("ok   " + suite.task.name())) << run.output;
  }
}

}  // namespace
}  // namespace jb
