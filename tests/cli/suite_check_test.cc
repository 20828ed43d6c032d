// CheckSuite (cli/suite_check.h): what `joulebench suites validate` finds in a loaded suite.
#include "cli/suite_check.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

tasks::Suite Load(const std::string& task_yaml, const std::string& samples) {
  absl::StatusOr<tasks::Suite> suite =
      tasks::LoadSuiteFromFiles("test", {{"task.yaml", task_yaml}, {"samples.jsonl", samples}});
  EXPECT_TRUE(suite.ok()) << suite.status();
  return suite.ok() ? *std::move(suite) : tasks::Suite{};
}

// A real sandbox; unsandboxed where this machine has no network namespaces, since the test is
// about the checks, not the isolation.
const tasks::CodeSandbox* Sandbox() {
  static const auto* sandbox = [] {
    tasks::SandboxOptions options;
    options.python = "python3";
    options.allow_unsandboxed = true;
    absl::StatusOr<std::unique_ptr<tasks::CodeSandbox>> created =
        tasks::CodeSandbox::Create(options);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->release() : nullptr;
  }();
  return sandbox;
}

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

// Sample 0's solution is right; sample 1's adds where it should subtract.
constexpr char kCodeSamples[] =
    R"({"prompt": "def add(a, b):\n", "canonical_solution": "    return a + b\n", "test": "assert add(2, 3) == 5"}
{"prompt": "def sub(a, b):\n", "canonical_solution": "    return a + b\n", "test": "print('checking sub')\nassert sub(5, 3) == 2, 'sub is wrong'"}
)";

TEST(CheckSuiteTest, AGoodGenerativeSuitePasses) {
  tasks::Suite suite = Load(R"yaml(task: greet
doc_to_text: "Say hi to {{name}}"
doc_to_target: "{{reply}}"
filter_list:
  - name: first-word
    filter:
      - {function: regex, regex_pattern: "(\\w+)", group_select: 0}
)yaml",
                            "{\"name\": \"Ann\", \"reply\": \"hi\"}\n"
                            "{\"name\": \"Bo\", \"reply\": \"hey\"}\n");
  SuiteCheckReport report = CheckSuite(suite, {});
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.samples, 2u);
  EXPECT_FALSE(report.runs_code);
  EXPECT_THAT(report.problems, IsEmpty());
}

TEST(CheckSuiteTest, AWrongCanonicalSolutionNamesItsSampleWithTheProgramsOutput) {
  ASSERT_NE(Sandbox(), nullptr);
  tasks::Suite suite = Load(kCodeYaml, kCodeSamples);
  SuiteCheckReport report = CheckSuite(suite, {.sandbox = Sandbox(), .jobs = 2});
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(report.runs_code);
  EXPECT_EQ(report.solutions_passed, 1u);
  ASSERT_EQ(report.sample_problems.size(), 1u);
  EXPECT_EQ(report.sample_problems[0].index, 1u);
  const std::string& message = report.sample_problems[0].message;
  EXPECT_THAT(message, HasSubstr("canonical solution fails create_test/pass_at_k"));
  EXPECT_THAT(message, HasSubstr("exit code 1"));
  EXPECT_THAT(message, HasSubstr("checking sub"));  // the program's output, stdout included
  EXPECT_THAT(message, HasSubstr("AssertionError: sub is wrong"));
}

TEST(CheckSuiteTest, EveryCorrectCanonicalSolutionPassesOnOneThreadOrMany) {
  ASSERT_NE(Sandbox(), nullptr);
  std::string samples;
  for (int i = 0; i < 6; ++i) {
    samples += "{\"prompt\": \"def f():\\n\", \"canonical_solution\": \"    return " +
               std::to_string(i) + "\\n\", \"test\": \"assert f() == " + std::to_string(i) +
               "\"}\n";
  }
  tasks::Suite suite = Load(kCodeYaml, samples);
  for (int jobs : {1, 4}) {
    SuiteCheckReport report = CheckSuite(suite, {.sandbox = Sandbox(), .jobs = jobs});
    EXPECT_TRUE(report.ok()) << "jobs " << jobs;
    EXPECT_EQ(report.solutions_passed, 6u) << "jobs " << jobs;
  }
}

TEST(CheckSuiteTest, ACodeTaskWithoutCanonicalSolutionIsToldToAddIt) {
  std::string yaml = kCodeYaml;
  yaml.erase(yaml.find("canonical_solution:"));
  tasks::Suite suite = Load(yaml, kCodeSamples);
  SuiteCheckReport report = CheckSuite(suite, {.sandbox = Sandbox()});
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_THAT(report.problems[0], HasSubstr("add `canonical_solution:"));
}

TEST(CheckSuiteTest, ACodeTaskWithoutASandboxFails) {
  SuiteCheckReport report = CheckSuite(Load(kCodeYaml, kCodeSamples), {.sandbox = nullptr});
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(report.problems, ElementsAre(HasSubstr("no code sandbox")));
}

// The loader rejects such a sample with its file and line; CheckSuite checks again, for suites
// that reach it by other ways (a task definition stored by an older loader).
TEST(CheckSuiteTest, AMultipleChoiceGoldOutOfRangeNamesTheSample) {
  tasks::Suite suite = Load(R"yaml(task: mc
output_type: multiple_choice
doc_to_text: "{{q}}"
doc_to_target: "{{gold}}"
doc_to_choice: ["yes", "no"]
metric_list:
  - metric: acc
)yaml",
                            "{\"q\": \"a?\", \"gold\": 0}\n{\"q\": \"b?\", \"gold\": 1}\n");
  ASSERT_EQ(suite.samples.size(), 2u);
  EXPECT_TRUE(CheckSuite(suite, {}).ok());
  suite.samples[1].set_doc_json(R"({"q": "b?", "gold": 2})");
  SuiteCheckReport report = CheckSuite(suite, {});
  EXPECT_FALSE(report.ok());
  ASSERT_EQ(report.sample_problems.size(), 1u);
  EXPECT_EQ(report.sample_problems[0].index, 1u);
  EXPECT_THAT(report.sample_problems[0].message, HasSubstr("out of range"));
}

TEST(OutputTailTest, KeepsTheLastLinesIndented) {
  EXPECT_EQ(OutputTail("a\nb\nc\n", 2, "> "), "> b\n> c");
  EXPECT_EQ(OutputTail("only", 5, ""), "only");
  EXPECT_EQ(OutputTail("", 5, "> "), "");
}

}  // namespace
}  // namespace jb::cli
